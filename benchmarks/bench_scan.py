"""aiprov scan: hashing throughput against sha256sum, and a scan of a synthetic Hugging Face cache.

1. Hashing. The same files are hashed by ``sha256sum`` (GNU coreutils, one process, file after file)
   and by aiprov's ``hash_files`` (1 MiB blocks through hashlib, large files on threads), in the same
   run, after one read that puts the files in the page cache, so both measure hashing rather than
   the disk. Reported: MB/s for each and the ratio aiprov / sha256sum (target: at least 0.8). Also one
   file alone (no parallelism), the single-stream comparison.
2. Cache. A Hugging Face cache of N synthetic repositories (card with license, base_model and
   datasets; config.json; a small safetensors file; every other one a LICENSE text) is built in a
   temporary folder and scanned with hashes; reported: seconds and milliseconds per repository at
   each size, so growth can be read (linear: constant ms per repository).

    python benchmarks/bench_scan.py [--files 4] [--mb 256] [--repos 50,100,200] [--repeat 3]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests.hf_fixtures, for the cache layout


def _make_files(folder: Path, count: int, mb: int) -> list[Path]:
    paths = []
    block = os.urandom(1 << 20)
    for i in range(count):
        path = folder / f"blob{i}.safetensors"
        with open(path, "wb") as fh:
            for j in range(mb):
                fh.write(block[j % 7 :] + block[: j % 7])
        paths.append(path)
    for path in paths:  # into the page cache
        with open(path, "rb") as fh:
            while fh.read(1 << 24):
                pass
    return paths


def _sha256sum(paths: list[Path]) -> tuple[float, dict[str, str]]:
    start = time.perf_counter()
    out = subprocess.run(["sha256sum", *map(str, paths)], capture_output=True, text=True, check=True).stdout
    seconds = time.perf_counter() - start
    return seconds, {line.split()[1]: line.split()[0] for line in out.splitlines()}


def _aiprov(paths: list[Path]) -> tuple[float, dict[str, str]]:
    from aiprov.scan.weights import hash_files

    start = time.perf_counter()
    digests = hash_files(paths)
    seconds = time.perf_counter() - start
    return seconds, {str(p): str(d) for p, d in digests.items()}


def bench_hashing(count: int, mb: int, repeat: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        paths = _make_files(Path(tmp), count, mb)
        total_mb = count * mb
        base, mine, one_base, one_mine = [], [], [], []
        for _ in range(repeat):
            t_base, d_base = _sha256sum(paths)
            t_mine, d_mine = _aiprov(paths)
            assert d_base == d_mine, "aiprov and sha256sum disagree"
            base.append(t_base)
            mine.append(t_mine)
            one_base.append(_sha256sum(paths[:1])[0])
            one_mine.append(_aiprov(paths[:1])[0])
        b, m = min(base), min(mine)
        ob, om = min(one_base), min(one_mine)
        return {
            "files": count,
            "mb_each": mb,
            "sha256sum_mb_s": round(total_mb / b, 1),
            "aiprov_mb_s": round(total_mb / m, 1),
            "ratio": round(b / m, 3),
            "single_file_sha256sum_mb_s": round(mb / ob, 1),
            "single_file_aiprov_mb_s": round(mb / om, 1),
            "single_file_ratio": round(ob / om, 3),
        }


def build_synthetic_cache(cache: Path, n: int, work: Path) -> None:
    from tests.hf_fixtures import cache_repo, card, safetensors_bytes

    licenses = ["apache-2.0", "mit", "llama3.1", "cc-by-nc-4.0", "gemma", "other"]
    for i in range(n):
        meta: dict[str, object] = {"license": licenses[i % len(licenses)], "pipeline_tag": "text-generation"}
        if i % len(licenses) == 5:
            meta["license_name"] = "llama3"
        if i:
            meta["base_model"] = f"org{(i - 1) // 10}/model-{i - 1}"
            meta["datasets"] = [f"data/set-{i % 17}"]
        files: dict[str, bytes | str | Path] = {
            "README.md": card(meta),
            "config.json": json.dumps({"architectures": ["LlamaForCausalLM"], "model_type": "llama"}),
            "model.safetensors": safetensors_bytes({"format": "pt"}, seed=i),
        }
        if i % 2:
            files["LICENSE"] = "MIT License\n\nPermission is hereby granted, free of charge, ...\n"
        cache_repo(cache, "model", f"org{i // 10}/model-{i}", files)


def bench_cache(sizes: list[int], repeat: int) -> list[dict[str, object]]:
    import aiprov

    out = []
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            cache = Path(tmp) / "cache"
            build_synthetic_cache(cache, n, Path(tmp))
            aiprov.scan(cache)  # warm-up: imports, the license catalog
            times = []
            for _ in range(repeat):
                start = time.perf_counter()
                bom = aiprov.scan(cache)
                times.append(time.perf_counter() - start)
            best = min(times)
            out.append(
                {
                    "repos": n,
                    "artifacts": len(bom),
                    "relations": bom.relation_count,
                    "seconds": round(best, 3),
                    "ms_per_repo": round(1000 * best / n, 2),
                }
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--mb", type=int, default=256)
    parser.add_argument("--repos", default="50,100,200")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("sha256sum") is None:
        sys.exit("sha256sum is needed for the baseline")
    print(f"cpus: {os.cpu_count()}, python {sys.version.split()[0]}, openssl {hashlib.sha256().name}")
    hashing = bench_hashing(args.files, args.mb, args.repeat)
    print("hashing:", json.dumps(hashing))
    for row in bench_cache([int(x) for x in args.repos.split(",")], args.repeat):
        print("cache:", json.dumps(row))


if __name__ == "__main__":
    main()
