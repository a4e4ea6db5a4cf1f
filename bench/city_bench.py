"""Benchmark of the engine on a city-month (``--scale 1``) or a province-month (``--scale 10``), with a
DuckDB reference of the core joins over the same data, in one run.

Run:  python -m bench.city_bench --scale 1 --db sqlite|postgresql [--out results.json] [--data DIR]

Stages, each with wall time and peak RSS (:mod:`bench.rss`):
1. ``check.read`` and ``check.resolve``: every file read and parsed by the engine's readers and given its
   project, exactly as ``four-real check`` composes it (:func:`four_real.check.run_check`);
2. ``check.validate``: the pandera models (:func:`validators.validate.validate_tables`);
3. ``check.reconcile``: every check rule on the data in memory (:func:`validators.reconcile.reconcile`);
4. ``store.*``: a fresh SQLite file or a fresh PostgreSQL database, migrated; every project folder
   ingested as its upload would be (:func:`four_real.store.ingest.ingest_paths`, one project at a time,
   which re-reads the files: the store's ingest is per file and transactional); the demo's punctual
   arrival times replayed (bench only, so DATA-LATE does not flag every month); then
   :func:`four_real.store.reconcile.reconcile_store` with its own sub-stages. "End to end" is ingest plus
   store reconcile: files in, findings and figures stored.
5. ``duckdb``: :mod:`bench.duckdb_ref` in a child process (its own memory, its own clock) over the four
   flat CSVs; the engine's reconcile time is reported as a ratio to its joins.
The findings of the six rules both compute are compared between the generator's key, ``check``, the
store and DuckDB. Results: a table on the terminal and a JSON document (``--out``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.duckdb_ref import RULES
from bench.rss import PeakRss

SCHEMA = "four-real/bench-city-result@1"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TARGETS = {"city_end_to_end_seconds": 15.0, "reconcile_vs_duckdb": 2.0, "province_peak_rss_gib": 4.0}
Key = tuple[str, str, str | None, str]


class Clock:
    """Stage rows (name, seconds, peak RSS) in the order they ran."""

    def __init__(self, rss: PeakRss) -> None:
        self.rss = rss
        self.rows: list[dict[str, Any]] = []

    @contextmanager
    def stage(self, name: str, note: str = "") -> Iterator[None]:
        self.rss.mark()
        t = time.perf_counter()
        yield
        self.add(name, time.perf_counter() - t, self.rss.mark(), note)

    def add(self, name: str, seconds: float, peak: int, note: str = "") -> None:
        self.rows.append({"name": name, "seconds": round(seconds, 3), "peak_rss_bytes": peak, "note": note})
        print(f"  {name}: {seconds:.2f} s, peak {peak / 2**30:.2f} GiB {note}", file=sys.stderr, flush=True)

    def stepper(self) -> tuple[Callable[[str], None], Callable[[], dict[str, tuple[float, int]]]]:
        """A progress callback that closes a sub-stage at each call, and one that closes the last."""
        seen: dict[str, tuple[float, int]] = {}
        current: list[Any] = [None, 0.0]

        def step(name: str) -> None:
            now, peak = time.perf_counter(), self.rss.mark()
            if current[0] is not None:
                seen[current[0]] = (now - current[1], peak)
            current[:] = [name, now]

        def close() -> dict[str, tuple[float, int]]:
            step("")
            return seen

        return step, close


def _keys(frame: Any, project: str = "project") -> set[Key]:
    return {(str(r), str(p), None if w is None or w != w else str(w), str(m)) for r, p, w, m in
            zip(frame["rule"], frame[project], frame["worker_id"], frame["month"], strict=True)}


def run_check_stages(files: Path, *, as_of: dt.date, month: str, clock: Clock) -> set[Key]:
    from four_real.check import run_check

    step, close = clock.stepper()
    step("start")
    report = run_check([files], as_of=as_of, months=[month], progress=step)
    peaks = close()
    notes = {"read": f"{sum(s.rows for s in report.inputs)} rows in {len({s.file for s in report.inputs})} files",
             "reconcile": f"{len(report.findings)} findings"}
    for name, seconds in report.timings.items():
        clock.add(f"check.{name}", seconds, peaks.get(name, (0.0, 0))[1], notes.get(name, ""))
    rejected = len(report.rejected)
    if rejected:
        clock.rows[-1]["note"] += f"; {rejected} rows rejected"
    return _keys(report.findings)


@contextmanager
def fresh_database(db: str, pg_url: str, keep: bool) -> Iterator[str]:
    """A new SQLite file or PostgreSQL database for this run, removed afterwards unless ``keep``."""
    if db == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="four-real-bench-"))
        yield f"sqlite:///{folder / 'bench.db'}"
        if not keep:
            for f in folder.iterdir():
                f.unlink()
            folder.rmdir()
        return
    from sqlalchemy import create_engine, make_url, text

    name = f"four_real_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    finally:
        if not keep:
            with admin.connect() as c:
                c.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                          {"n": name})
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def run_store_stages(files: Path, url: str, *, as_of: dt.date, month: str, clock: Clock) -> tuple[set[Key], int]:
    """Ingest every project folder, reconcile the store; the stored findings and the files not stored."""
    import pandas as pd

    from four_real.demo import replay_arrivals
    from four_real.store.db import make_engine
    from four_real.store.ingest import ingest_paths
    from four_real.store.reconcile import reconcile_store
    from four_real.store.schema import ensure_schema

    engine = make_engine(url)
    failed = 0
    try:
        with clock.stage("store.migrate"):
            ensure_schema(engine)
        folders = sorted(p for p in files.iterdir() if p.is_dir())
        with clock.stage("store.ingest", f"{len(folders)} project folders, one ingest each"):
            for k, folder in enumerate(folders, start=1):
                failed += sum(not r.ok for r in ingest_paths(engine, [folder], uploader="bench"))
                if k % 100 == 0:
                    print(f"  ingested {k}/{len(folders)}", file=sys.stderr, flush=True)
        if failed:
            clock.rows[-1]["note"] += f"; {failed} files not stored"
        with clock.stage("store.replay_arrivals", "bench only, not in end to end"):
            replay_arrivals(engine)
        step, close = clock.stepper()
        step("start")
        summary = reconcile_store(engine, as_of=as_of, months=[month], progress=step)
        for name, (seconds, peak) in close().items():
            if name != "start":
                clock.add(f"store.reconcile.{name.replace(' ', '_')}", seconds, peak,
                          f"{summary.findings} findings" if name == "persist" else "")
        with engine.connect() as c:
            found = pd.read_sql("SELECT rule, project_code, worker_id, month FROM finding", c)
    finally:
        engine.dispose()
    return _keys(found, "project_code"), failed


def run_duckdb(reference: Path, *, as_of: dt.date, repeat: int) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-m", "bench.duckdb_ref", str(reference), "--as-of", as_of.isoformat(),
                          "--repeat", str(repeat)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def agreement(key: dict[str, Any], check: set[Key], store: set[Key] | None,
              duck: list[list[str]]) -> dict[str, Any]:
    """Per rule both compute: the findings of each side and whether they are the same set (without the
    store side when the run left the store out)."""
    planted = {(e["rule"], e["project"], e["worker_id"], e["month"]) for v in key["planted"].values() for e in v}
    ref = {tuple(f) for f in duck}
    out = {}
    for rule in RULES:
        sides = {"key": planted, "check": check, "store": store, "duckdb": ref}
        sets = {name: {k for k in s if k[0] == rule} for name, s in sides.items() if s is not None}
        if rule == "XP-DOUBLE-ATTENDANCE":
            sets.pop("check")  # a store-only rule: `check` cannot see other projects
        if len(sets) < 2:
            continue
        first = next(iter(sets.values()))
        out[rule] = {**{n: len(s) for n, s in sets.items()}, "equal": all(s == first for s in sets.values())}
    return out


def ensure_data(folder: Path, *, scale: float, projects: int | None, seed: int) -> tuple[dict[str, Any], bool]:
    """The generated city in ``folder``, made now unless a matching one is already there."""
    from bench.city_gen import generate

    key_file = folder / "bench_key.json"
    if key_file.exists():
        key = json.loads(key_file.read_text(encoding="utf-8"))
        wanted = projects if projects is not None else round(1000 * scale)
        if key.get("seed") == seed and key.get("projects") == wanted:
            return key, False
        raise SystemExit(f"{folder} holds another city (seed {key.get('seed')}, {key.get('projects')} projects)")
    return generate(folder, scale=scale, projects=projects, seed=seed), True


def machine() -> dict[str, Any]:
    import psutil

    return {"cpus": os.cpu_count(), "memory_bytes": psutil.virtual_memory().total, "python": platform.python_version(),
            "platform": platform.platform(), "load_1m": os.getloadavg()[0]}


def run(*, scale: float, db: str, data: Path, projects: int | None = None, seed: int = 2025, pg_url: str = PG_DEFAULT,
        repeat: int = 3, keep_db: bool = False, store: bool = True) -> dict[str, Any]:
    """One benchmark run; returns the result document. ``store=False`` leaves out the store stages (the
    engine in memory against DuckDB, in minutes where a city's ingest takes longer)."""
    t = time.perf_counter()
    key, made = ensure_data(data, scale=scale, projects=projects, seed=seed)
    generated = time.perf_counter() - t
    as_of, month = dt.date.fromisoformat(key["as_of"]), key["month"]
    files = data / "files"
    with PeakRss() as rss:
        clock = Clock(rss)
        check = run_check_stages(files, as_of=as_of, month=month, clock=clock)
        stored: set[Key] | None = None
        failed = 0
        if store:
            with fresh_database(db, pg_url, keep_db) as url:
                stored, failed = run_store_stages(files, url, as_of=as_of, month=month, clock=clock)
    duck = run_duckdb(data / "reference", as_of=as_of, repeat=repeat)
    return summarise(key=key, made=made, generated=generated, clock=clock, check=check, store=stored,
                     failed=failed, duck=duck, db=db if store else "none", scale=scale)


def summarise(*, key: dict[str, Any], made: bool, generated: float, clock: Clock, check: set[Key],
              store: set[Key] | None, failed: int, duck: dict[str, Any], db: str, scale: float) -> dict[str, Any]:
    sec = {r["name"]: r["seconds"] for r in clock.rows}
    store_reconcile = sum(v for k, v in sec.items() if k.startswith("store.reconcile."))
    end_to_end = sec["store.ingest"] + store_reconcile if store is not None else None
    tuned, naive = (duck["variants"][v]["joins_seconds"] for v in ("tuned", "naive"))
    agree = agreement(key, check, store, duck["variants"]["tuned"]["findings"])
    peak = max(r["peak_rss_bytes"] for r in clock.rows)
    ratios = {"reconcile_vs_duckdb_tuned": sec["check.reconcile"] / tuned,
              "reconcile_vs_duckdb_naive": sec["check.reconcile"] / naive,
              "read_vs_duckdb_read": (sec["check.read"] + sec["check.resolve"]) / duck["read_seconds"]}
    targets = {"reconcile_vs_duckdb": {"value": ratios["reconcile_vs_duckdb_tuned"],
                                       "limit": TARGETS["reconcile_vs_duckdb"]}}
    scale = key["projects"] / 1000  # what was measured, whatever was asked
    if scale == 1 and end_to_end is not None:
        targets["city_end_to_end_seconds"] = {"value": end_to_end, "limit": TARGETS["city_end_to_end_seconds"]}
    if scale >= 10:
        targets["province_peak_rss_gib"] = {"value": peak / 2**30, "limit": TARGETS["province_peak_rss_gib"]}
    for t in targets.values():
        t["met"] = t["value"] <= t["limit"]
    for variant in duck["variants"].values():
        variant.pop("findings")
    return {
        "schema": SCHEMA, "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "machine": machine(),
        "params": {"scale": scale, "db": db, "seed": key["seed"], "month": key["month"], "as_of": key["as_of"]},
        "data": {k: key[k] for k in ("projects", "workers", "attendance_rows", "payroll_lines", "disbursements",
                                     "xlsx_projects", "files")} | {"generated_now": made,
                                                                   "generate_seconds": round(generated, 2)},
        "stages": clock.rows,
        "engine": {"check_seconds": round(sum(v for k, v in sec.items() if k.startswith("check.")), 3),
                   "end_to_end_seconds": None if end_to_end is None else round(end_to_end, 3),
                   "store_reconcile_seconds": round(store_reconcile, 3),
                   "files_not_stored": failed, "peak_rss_bytes": peak,
                   "process_max_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024},
        "duckdb": duck, "ratios": {k: round(v, 2) for k, v in ratios.items()}, "targets": targets,
        "agreement": agree, "agree": all(a["equal"] for a in agree.values()),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--projects", type=int, default=None, help="exact number of projects (small runs, tests)")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--out", type=Path, default=None, help="result JSON (default bench/out/city-…json)")
    parser.add_argument("--data", type=Path, default=None, help="generated city (made here when missing)")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--pg-url", default=os.environ.get("FOUR_REAL_BENCH_PG", PG_DEFAULT),
                        help="server where a fresh database is created (and dropped) for the run")
    parser.add_argument("--repeat", type=int, default=3, help="repeats of the DuckDB joins (median)")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--no-store", action="store_true",
                        help="leave out the store stages: the engine in memory against DuckDB only")
    args = parser.parse_args(argv)
    tag = f"p{args.projects}" if args.projects is not None else f"s{args.scale:g}"
    data = args.data or Path("bench/out") / f"city-{tag}-seed{args.seed}"
    out = args.out or Path("bench/out") / f"city-{tag}-{args.db}.json"
    result = run(scale=args.scale, db=args.db, data=data, projects=args.projects, seed=args.seed, pg_url=args.pg_url,
                 repeat=args.repeat, keep_db=args.keep_db, store=not args.no_store)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    from bench.city_report import render

    render(result)
    print(f"results: {out}")


if __name__ == "__main__":
    main()
