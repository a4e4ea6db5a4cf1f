"""Benchmark: `four-real check` on one 2,000-worker project-month, from xlsx and from CSV.

Run:  python -m bench.check_project [--workers 2000] [--repeat 3] [--json bench/out/check.json]

Generates the files once per style with the seeded fixtures (not timed), then times the whole check
(read, resolve, validate, reconcile) in-process, and the CLI end to end (a fresh interpreter, as a labor
manager runs it), reporting the median of the repeats. A benchmark, not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fixtures.make import make
from four_real.check import run_check


def time_check(folder: Path, as_of: dt.date, repeat: int) -> tuple[float, dict[str, float], int]:
    runs: list[float] = []
    stages: dict[str, list[float]] = {}
    rows = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        report = run_check([folder], as_of=as_of)
        runs.append(time.perf_counter() - t0)
        for k, v in report.timings.items():
            stages.setdefault(k, []).append(v)
        rows = sum(s.rows for s in report.inputs)
    return statistics.median(runs), {k: statistics.median(v) for k, v in stages.items()}, rows


def time_cli(folder: Path, as_of: dt.date, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "four_real.cli.app", "check", str(folder), "--as-of",
                        as_of.isoformat(), "--format", "json", "--output", "/dev/null"], check=True)
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for style in ("xlsx", "csv"):
            out = Path(tmp) / style
            key = make(out, seed=2025, workers=args.workers, months=["2025-03"], violations=[], style=style)
            as_of = dt.date.fromisoformat(key.as_of)
            folder = next(p for p in sorted(out.iterdir()) if p.is_dir())
            median, stages, rows = time_check(folder, as_of, args.repeat)
            cli = time_cli(folder, as_of, args.repeat)
            results.append({"style": style, "workers": args.workers, "input_rows": rows,
                            "check_seconds": round(median, 3), "cli_seconds": round(cli, 3),
                            "stages": {k: round(v, 3) for k, v in stages.items()}})

    print(f"{'style':<6} {'workers':>7} {'rows':>8} {'check s':>8} {'cli s':>7}  stages")
    for r in results:
        stages = " ".join(f"{k}={v}" for k, v in r["stages"].items())
        print(f"{r['style']:<6} {r['workers']:>7} {r['input_rows']:>8} {r['check_seconds']:>8} "
              f"{r['cli_seconds']:>7}  {stages}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
