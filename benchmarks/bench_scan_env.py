"""aiprov scan of Python environments: time and growth against importlib.metadata in the same run.

1. Synthetic. N distributions (``*.dist-info/METADATA``) are written to a temporary site-packages
   folder: 60% with a PEP 639 License-Expression, 15% a License field naming a license, 10% the whole
   MIT text in the License field (each with its own copyright line, so no two texts are the same),
   15% classifiers only; each requires up to five others (some under a marker that fails here, some
   under an extra), and carries a 40-line description. ``scan_python(folder)`` is timed against the
   baseline, a plain ``importlib.metadata.distributions(path=[folder])`` pass reading each
   distribution's Name, Version, License fields, classifiers and Requires-Dist (what any lister must
   read). Reported: seconds, the ratio to the baseline, and milliseconds per distribution at each size
   (growth: linear when the ms per distribution stays flat).
2. Real. The running environment: ``scan_python()`` in process and ``scan_python(sys.executable)``
   (the interpreter run as a subprocess), against the same baseline over ``sys.path``.

The license catalog is loaded once before timing (a one-time cost of any aiprov command, reported
apart); the per-text caches (normalized names, matched license texts) are emptied before each run.
Best of ``--repeat`` runs.

    python benchmarks/bench_scan_env.py [--sizes 100,300,1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests._distinfo: the METADATA and MIT text the tests write

from tests._distinfo import license_field, metadata_text, mit_text  # noqa: E402

#: the MIT text up to its warranty disclaimer, each with its own copyright line
MIT = mit_text("{year} {who}").split(" IN NO EVENT")[0] + "\n"
EXPRESSIONS = ["MIT", "Apache-2.0", "BSD-3-Clause", "MIT OR Apache-2.0", "MPL-2.0", "ISC", "GPL-3.0-or-later"]
NAMES = ["Apache 2.0", "MIT License", "BSD", "new BSD License", "PSF", "LGPLv3+"]
CLASSIFIERS = [
    "License :: OSI Approved :: MIT License",
    "License :: OSI Approved :: BSD License",
    "License :: OSI Approved :: Apache Software License",
    "License :: OSI Approved :: GNU General Public License v2 or later (GPLv2+)",
    "License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)",
]


def build_site(folder: Path, n: int, seed: int = 12) -> None:
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    for i in range(n):
        name = f"synthetic-pkg-{i:04d}"
        lines = ["Classifier: Programming Language :: Python :: 3"]
        roll = rng.random()
        if roll < 0.60:
            lines.append(f"License-Expression: {rng.choice(EXPRESSIONS)}")
            lines.append(f"Classifier: {rng.choice(CLASSIFIERS)}")
        elif roll < 0.75:
            lines.append(f"License: {rng.choice(NAMES)}")
        elif roll < 0.85:
            lines.extend(license_field(MIT.format(year=2000 + i % 25, who=f"Author {i}")))
        else:
            lines.append(f"Classifier: {rng.choice(CLASSIFIERS)}")
        lines.append("Provides-Extra: speed")
        for dep in rng.sample(range(n), k=min(n, rng.randint(0, 5))):
            if dep == i:
                continue
            kind = rng.random()
            if kind < 0.7:
                lines.append(f"Requires-Dist: synthetic-pkg-{dep:04d}>=1.0")
            elif kind < 0.85:
                lines.append(f'Requires-Dist: synthetic-pkg-{dep:04d}; sys_platform == "no-such-os"')
            else:
                lines.append(f'Requires-Dist: synthetic-pkg-{dep:04d}; extra == "speed"')
        body = "\n".join(f"Line {j} of the description of {name}." for j in range(40))
        dist = folder / f"synthetic_pkg_{i:04d}-1.0.dist-info"
        dist.mkdir()
        text = metadata_text(name, f"1.{i % 17}.{i % 5}", *lines, description=body)
        (dist / "METADATA").write_text(text, encoding="utf-8")


def baseline(paths: list[str] | None) -> int:
    """What any lister reads: each distribution's names, versions, license fields and requirements."""
    count = 0
    dists = metadata.distributions() if paths is None else metadata.distributions(path=paths)
    for dist in dists:
        meta = dist.metadata
        _ = (meta["Name"], meta["Version"], meta.get("License-Expression"), meta.get("License"))
        _ = (meta.get_all("Classifier"), meta.get_all("Requires-Dist"))
        count += 1
    return count


def cold() -> None:
    """Forget the per-text caches (license names, detected texts): each run pays for its texts."""
    from aiprov.licenses import detect, normalize_license
    from aiprov.scan import _pylicense

    normalize_license.cache_clear()
    _pylicense._detect.cache_clear()
    for fn in (getattr(detect, "_detect", None), getattr(detect.detect_license, "cache_clear", None)):
        clear = getattr(fn, "cache_clear", None)
        if clear is not None:
            clear()


def best(fn: Callable[[], object], repeat: int, *, warm: bool = False) -> float:
    times = []
    for _ in range(repeat):
        if not warm:
            cold()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,300,1000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    from aiprov.licenses import normalize_license
    from aiprov.scan.pyenv import scan_python

    start = time.perf_counter()
    normalize_license("MIT")
    print(f"license catalog load (once per process): {time.perf_counter() - start:.2f} s")
    print()
    print("synthetic site-packages: N, baseline s, aiprov s, ratio, aiprov ms/dist, relations")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            site = Path(tmp) / f"site{n}"
            build_site(site, n)
            assert baseline([str(site)]) == n
            base = best(lambda s=site: baseline([str(s)]), args.repeat)  # type: ignore[misc]
            ours = best(lambda s=site: scan_python(s), args.repeat)  # type: ignore[misc]
            found = scan_python(site)
            assert len(found.artifacts) == n
            print(
                f"  {n:5d}  {base:7.3f}  {ours:7.3f}  {ours / base:5.1f}x  {1000 * ours / n:6.2f}"
                f"  {len(found.relations)}"
            )
    print()
    print("this environment: N, baseline s, in-process s (ratio), subprocess s (ratio), warm in-process s")
    n = baseline(None)
    base = best(lambda: baseline(None), args.repeat)
    local = best(lambda: scan_python(), args.repeat)
    other = best(lambda: scan_python(sys.executable), args.repeat)
    warm = best(lambda: scan_python(), args.repeat, warm=True)  # license texts already matched
    print(
        f"  {n:5d}  {base:7.3f}  {local:7.3f} ({local / base:.1f}x)  {other:7.3f} ({other / base:.1f}x)"
        f"  {warm:7.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
