"""Digest throughput of ``aiprov verify`` against ``sha256sum`` on the same files, in the same run.

Two shapes: a model folder of several weight shards (aiprov hashes files in parallel threads,
``sha256sum`` one after another), and one large file (no parallelism for either: the per-byte speed
of hashlib against coreutils). The files are written once into a temporary folder and read once
before timing so both tools read from the page cache; each tool runs ``--repeat`` times in
alternation and the best time counts. aiprov is timed through ``aiprov.provenance.verify`` on an
in-memory BOM of the files (what ``aiprov verify`` does after reading the BOM file).

    python benchmarks/bench_verify.py [--shards 8] [--shard-mb 256] [--repeat 3]

The target (docs/performance.md): aiprov's throughput at least 80% of sha256sum's.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from aiprov.graph import AIBOM, Artifact
from aiprov.provenance import verify


def write_files(folder: Path, count: int, megabytes: int, prefix: str) -> list[Path]:
    block = os.urandom(1 << 20)
    paths = []
    for i in range(count):
        path = folder / f"{prefix}-{i:05d}.safetensors"
        with open(path, "wb") as fh:
            for j in range(megabytes):
                fh.write(block[j % 251 :] + block[: j % 251])  # distinct blocks, same cost
        paths.append(path)
    return paths


def bom_of(paths: list[Path], root: Path) -> AIBOM:
    bom = AIBOM()
    for path in paths:
        with open(path, "rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
        bom.add(
            Artifact(
                id=path.name,
                kind="weights",
                hashes=(("sha256", digest),),
                properties={"path": path.name, "root": str(root)},
            )
        )
    return bom


def time_command(command: list[str], paths: list[Path]) -> float:
    start = time.perf_counter()
    subprocess.run([*command, *map(str, paths)], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def time_aiprov(bom: AIBOM, root: Path) -> float:
    start = time.perf_counter()
    report = verify(bom, root)
    elapsed = time.perf_counter() - start
    assert report.file_counts()["match"] == len(bom), report.file_counts()
    return elapsed


def measure(name: str, paths: list[Path], root: Path, repeat: int) -> float:
    bom = bom_of(paths, root)  # also reads every file once: both tools start from the page cache
    size = sum(p.stat().st_size for p in paths) / (1 << 20)
    best_sum = best_ssl = best_aiprov = float("inf")
    openssl = shutil.which("openssl")
    for _ in range(repeat):
        best_sum = min(best_sum, time_command(["sha256sum"], paths))
        if openssl:
            best_ssl = min(best_ssl, time_command([openssl, "dgst", "-sha256"], paths))
        best_aiprov = min(best_aiprov, time_aiprov(bom, root))
    ratio = best_sum / best_aiprov
    line = (
        f"{name:<22} {len(paths):>3} file(s) {size:>6.0f} MiB   sha256sum {size / best_sum:>6.0f} MiB/s   "
        f"aiprov verify {size / best_aiprov:>6.0f} MiB/s   ratio {ratio:.2f}"
    )
    if openssl:
        line += f"   (openssl dgst {size / best_ssl:.0f} MiB/s, ratio {best_ssl / best_aiprov:.2f})"
    print(line)
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shards", type=int, default=8, help="weight shards in the model folder")
    parser.add_argument("--shard-mb", type=int, default=256, help="size of each shard (MiB)")
    parser.add_argument("--single-mb", type=int, default=1024, help="size of the single large file (MiB)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not shutil.which("sha256sum"):
        raise SystemExit("sha256sum (coreutils) is needed as the baseline")
    print(f"cpus: {os.cpu_count()}; best of {args.repeat} alternating runs")
    with tempfile.TemporaryDirectory(prefix="aiprov-bench-verify-") as tmp:
        root = Path(tmp)
        shards = write_files(root, args.shards, args.shard_mb, "shard")
        ratios = [measure("model folder (shards)", shards, root, args.repeat)]
        for path in shards:
            path.unlink()
        single = write_files(root, 1, args.single_mb, "single")
        ratios.append(measure("one large file", single, root, args.repeat))
    verdict = "meets" if min(ratios) >= 0.8 else "misses"
    print(f"lowest ratio {min(ratios):.2f}: {verdict} the 0.80 target")


if __name__ == "__main__":
    main()
