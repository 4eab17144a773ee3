"""Start-up of one call: `aiprov license compat` and `aiprov check` of a shipped example, against the
start-up of Python importing the two libraries aiprov cannot start without, in the same run.

Users call the command in shell loops and pre-commit hooks, so the cost that matters is the whole
process: interpreter, imports, reading the license data, the answer. Each command runs ``--repeat``
times, interleaved with the baseline so that a busy machine slows all alike; the script reports the
median and the best of each, and their ratios to the baseline.

    python benchmarks/bench_startup.py [--repeat 15] [--json]

Target: each command under 3 x the baseline (``python -c "import yaml, networkx"``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "chat-product" / "aibom.yaml"

COMMANDS = {
    "baseline: import yaml, networkx": [sys.executable, "-c", "import yaml, networkx"],
    "aiprov license compat MIT GPL-3.0-only": [
        sys.executable, "-m", "aiprov", "license", "compat", "MIT", "GPL-3.0-only",
    ],
    "aiprov check examples/chat-product/aibom.yaml": [
        sys.executable, "-m", "aiprov", "check", str(EXAMPLE), "--fail-on", "never",
    ],
}
TARGET = 3.0


def run_once(argv: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr}")
    return elapsed


def measure(repeat: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for name, argv in COMMANDS.items():  # one warm-up each: bytecode caches, file caches
        run_once(argv)
    for _ in range(repeat):
        for name, argv in COMMANDS.items():
            times[name].append(run_once(argv))
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    os.environ.setdefault("PYTHONPATH", str(ROOT / "src"))
    times = measure(args.repeat)
    base = list(COMMANDS)[0]
    base_median, base_best = statistics.median(times[base]), min(times[base])
    rows = []
    for name, values in times.items():
        median, best = statistics.median(values), min(values)
        rows.append(
            {
                "command": name,
                "median_s": round(median, 3),
                "best_s": round(best, 3),
                "ratio_median": round(median / base_median, 2),
                "ratio_best": round(best / base_best, 2),
            }
        )
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(f"{'command':<48} {'median s':>9} {'best s':>8} {'x base (median)':>16} {'x base (best)':>14}")
        for row in rows:
            print(
                f"{row['command']:<48} {row['median_s']:>9.3f} {row['best_s']:>8.3f} "
                f"{row['ratio_median']:>16.2f} {row['ratio_best']:>14.2f}"
            )
        print(f"target: each aiprov command under {TARGET:g} x the baseline")
    worst = max(r["ratio_median"] for r in rows[1:])
    return 0 if worst < TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
