"""Ingests running at the same time on PostgreSQL, each thread with its own engine (as two processes would):
different projects both land completely; the same project ingested twice at once is stored once."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import Engine, func, select

from fixtures.make import sub_seed
from fixtures.project import make_project
from fixtures.writers import write_project
from four_real.store.db import make_engine, session_scope
from four_real.store.history import current_versions, version_rows
from four_real.store.ingest import IngestReceipt, ingest_paths
from four_real.store.models import DataVersion, Upload

MONTH = "2025-03"


def run_together(url: str, jobs: list[Path]) -> list[list[IngestReceipt]]:
    """Ingest each folder in its own thread and engine, released at the same moment."""
    start = threading.Barrier(len(jobs))
    results: list[list[IngestReceipt]] = [[] for _ in jobs]
    errors: list[BaseException] = []

    def work(k: int, path: Path) -> None:
        engine = make_engine(url)
        try:
            start.wait(timeout=30)
            results[k] = ingest_paths(engine, [path], strict=True)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=work, args=(k, p)) for k, p in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    return results


def stored(engine: Engine, code: str, kind: str) -> int:
    with session_scope(engine) as session:
        versions = current_versions(session, project_codes=[code])
        return len(version_rows(session, kind, versions.loc[versions["kind"] == kind, "id"]))


def test_two_projects_ingested_at_once_both_land_completely(pg_url: str, tmp_path: Path) -> None:
    projects = [make_project(seed=sub_seed(21, k), code=f"DY2025-00{k + 1}", months=[MONTH], workers=150,
                             half_days=False) for k in range(2)]
    for p in projects:
        write_project(p, tmp_path / p.code, style="csv", seed=1)

    results = run_together(pg_url, [tmp_path / p.code for p in projects])

    engine = make_engine(pg_url)
    try:
        for p, receipts in zip(projects, results, strict=True):
            assert {r.status for r in receipts} == {"stored"}, [r.message for r in receipts]
            assert stored(engine, p.code, "payroll") == len(p.payroll)
            assert stored(engine, p.code, "roster") == len(p.roster)
            assert stored(engine, p.code, "disbursement") == len(p.disbursement)
            assert stored(engine, p.code, "account") == len(p.account)
            assert stored(engine, p.code, "attendance") >= p.attendance["date"].count()  # gate events
    finally:
        engine.dispose()


def test_the_same_project_ingested_twice_at_once_is_stored_once(pg_url: str, tmp_path: Path) -> None:
    data = make_project(seed=4, code="DY2025-001", months=[MONTH], workers=40, half_days=False)
    write_project(data, tmp_path / data.code, style="csv", seed=1)

    first, second = run_together(pg_url, [tmp_path / data.code, tmp_path / data.code])

    for a, b in zip(first, second, strict=True):  # each file stored by one ingest, found unchanged by the other
        assert sorted([a.status, b.status]) == ["stored", "unchanged"], (a.message, b.message)
    engine = make_engine(pg_url)
    try:
        with session_scope(engine) as session:
            current = session.execute(select(DataVersion.slice_key, func.count())
                                      .where(DataVersion.superseded_at.is_(None))
                                      .group_by(DataVersion.slice_key)).all()
            uploads = session.execute(select(func.count()).select_from(Upload)).scalar_one()
        assert current and {n for _, n in current} == {1}
        assert uploads == len(first)
        assert stored(engine, data.code, "payroll") == len(data.payroll)
    finally:
        engine.dispose()
