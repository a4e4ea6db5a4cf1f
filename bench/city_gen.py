"""Generate a synthetic city-month (``--scale 1``: 1,000 projects, ~105,000 workers, ≥ 2.5 M attendance
rows) or a province-month (``--scale 10``) in the input formats of ``files.md``.

Run:  python -m bench.city_gen OUT [--scale 1] [--seed 2025] [--projects N]

``OUT/files/<project>/`` holds each project's files (CSV mostly, a share of xlsx, gate logs, bank feeds),
``OUT/reference/`` the four flat CSVs the DuckDB reference reads (the same rows), and
``OUT/bench_key.json`` what was planted and every finding the plantings imply. Projects are made in blocks
of a thousand (:mod:`bench.city_data`, :mod:`bench.city_plant`, :mod:`bench.city_files`), so memory stays
that of one city whatever the scale; IDs and cards are distinct across the whole run; the same seed gives
the same files.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from faker import Faker

from bench.city_data import make_block
from bench.city_files import append_reference, write_block
from bench.city_plant import make_account, plant
from fixtures.dates import default_as_of
from fixtures.make import sub_seed

SCHEMA = "four-real/bench-city@1"
CITY_PROJECTS = 1000
BLOCK = 1000
MONTH = "2025-03"
WORKERS = (85, 125)  # ~105 a project: ~2.55 M worker-days in March (26 site days, 6 % absence)
XLSX_SHARE = 0.1


def generate(out: Path, *, scale: float = 1.0, projects: int | None = None, seed: int = 2025,
             month: str = MONTH, workers: tuple[int, int] = WORKERS, xlsx_share: float = XLSX_SHARE,
             progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Write the city into ``out`` (new or empty) and return its key (also written as bench_key.json)."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty; give a new folder so old files cannot mix in")
    n = projects if projects is not None else round(CITY_PROJECTS * scale)
    if n < 1:
        raise ValueError("a city needs at least one project")
    t0 = time.perf_counter()
    as_of = default_as_of([month])
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    taken_ids: set[str] = set()
    taken_cards: set[str] = set()
    codes = [f"DY2025-{k + 1:05d}" for k in range(n)]
    key: dict[str, Any] = {"schema": SCHEMA, "seed": seed, "scale": scale, "month": month,
                           "as_of": as_of.isoformat(), "projects": n, "workers": 0, "attendance_rows": 0,
                           "payroll_lines": 0, "disbursements": 0, "xlsx_projects": 0, "files": {},
                           "planted": {}}
    for k, lo in enumerate(range(0, n, BLOCK)):
        rng = np.random.default_rng(sub_seed(seed, k))
        block = make_block(rng, fake, codes[lo:lo + BLOCK], month=month, as_of=as_of, workers=workers,
                           xlsx_share=xlsx_share, taken_ids=taken_ids, taken_cards=taken_cards)
        block = plant(block, rng)
        account = make_account(block)
        counts = write_block(block, account, out / "files", rng)
        append_reference(replace(block), out / "reference", first=k == 0)
        key["workers"] += int(block.roster.drop_duplicates("id_number").shape[0])
        key["attendance_rows"] += len(block.attendance)
        key["payroll_lines"] += len(block.payroll)
        key["disbursements"] += len(block.disbursement)
        key["xlsx_projects"] += int(block.xlsx.sum())
        for name, c in counts.items():
            key["files"][name] = key["files"].get(name, 0) + c
        for rule, entries in block.planted.items():
            key["planted"].setdefault(rule, []).extend(entries)
        if progress:
            progress(f"{min(lo + BLOCK, n)}/{n} projects")
    key["expected_counts"] = {rule: len(v) for rule, v in sorted(key["planted"].items())}
    key["seconds"] = round(time.perf_counter() - t0, 2)
    (out / "bench_key.json").write_text(json.dumps(key, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return key


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=float, default=1.0, help="1 = a city (1,000 projects), 10 = a province")
    parser.add_argument("--projects", type=int, default=None, help="exact number of projects (overrides --scale)")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args(argv)
    key = generate(args.out, scale=args.scale, projects=args.projects, seed=args.seed,
                   progress=lambda msg: print(msg, flush=True))
    print(f"{key['projects']} projects, {key['workers']} workers, {key['attendance_rows']} attendance rows, "
          f"{sum(key['files'].values())} files in {key['seconds']} s; planted: {key['expected_counts']}")


if __name__ == "__main__":
    main()
