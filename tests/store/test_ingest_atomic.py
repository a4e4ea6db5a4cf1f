"""An ingest is all-or-nothing per file: a failure injected halfway (after the upload row, its sheet counts
and the new versions were written, and the old version superseded) leaves every table exactly as before."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, select
from sqlmodel import SQLModel

from fixtures.data import ProjectData
from fixtures.project import make_project
from fixtures.sheets import payroll_flat
from fixtures.write_text import write_csv, write_feed
from fixtures.writers import write_project
from four_real.store import ingest as store_ingest
from four_real.store.ingest import ingest_paths

CODE = "DY2025-001"
MONTH = "2025-03"


class Injected(RuntimeError):
    """The failure a test plants in the middle of an ingest."""


def snapshot(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order: the store's whole state."""
    with engine.connect() as connection:
        return {name: [tuple(r) for r in connection.execute(select(table).order_by(*table.primary_key.columns))]
                for name, table in SQLModel.metadata.tables.items()}


def fail_on(monkeypatch: pytest.MonkeyPatch, table_name: str) -> list[str]:
    """Make the bulk insert into ``table_name`` raise, after the inserts before it ran; returns the tables
    written before the failure, so a test can check that the failure really came halfway."""
    written: list[str] = []
    real = store_ingest.bulk_insert

    def insert(session: Any, table: Any, columns: list[str], frame: pd.DataFrame) -> None:
        if table.name == table_name:
            raise Injected(f"injected failure before {table_name}")
        real(session, table, columns, frame)
        written.append(table.name)

    monkeypatch.setattr(store_ingest, "bulk_insert", insert)
    return written


@pytest.fixture
def data() -> ProjectData:
    return make_project(seed=9, code=CODE, months=[MONTH], workers=6, half_days=False)


def test_failure_in_a_first_ingest_leaves_no_trace(engine: Engine, data: ProjectData, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(data, tmp_path / CODE, style="csv", seed=1)
    before = snapshot(engine)
    written = fail_on(monkeypatch, "payroll_line")

    receipts = ingest_paths(engine, [tmp_path / CODE / "工资表_2025年3月.csv"], project=CODE)

    assert [r.status for r in receipts] == ["failed"]
    assert "upload_input" in written  # the upload and its counts were written, then rolled back
    assert snapshot(engine) == before


def test_failure_in_a_correction_keeps_the_old_version_current(engine: Engine, data: ProjectData, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(data, tmp_path / CODE, style="csv", seed=1)
    assert {r.status for r in ingest_paths(engine, [tmp_path / CODE])} == {"stored"}
    before = snapshot(engine)
    data.payroll = data.payroll.assign(net=data.payroll["net"] - 100)
    path = tmp_path / "fix" / "工资表_更正.csv"
    path.parent.mkdir()
    write_csv(path, payroll_flat(data, MONTH), encoding="utf-8-sig")
    fail_on(monkeypatch, "payroll_line")  # after the new version was added and the old one superseded

    (receipt,) = ingest_paths(engine, [path], project=CODE)

    assert receipt.status == "failed" and "Injected" in receipt.message_en
    assert snapshot(engine) == before


def test_failure_in_a_feed_correction_keeps_the_first_feed(engine: Engine, data: ProjectData, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    batch = data.disbursement.sort_values("txn_id").reset_index(drop=True)
    first = tmp_path / "回单.txt"
    write_feed(first, data, batch, encoding="utf-8")
    ingest_paths(engine, [first], project=CODE)
    before = snapshot(engine)
    batch.loc[0, "amount"] += 500
    second = tmp_path / "v2" / "回单.txt"
    second.parent.mkdir()
    write_feed(second, data, batch, encoding="utf-8")
    fail_on(monkeypatch, "disbursement_row")

    (receipt,) = ingest_paths(engine, [second], project=CODE, correction=True)

    assert receipt.status == "failed"
    assert snapshot(engine) == before


def test_other_files_still_land_when_one_fails(engine: Engine, data: ProjectData, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(data, tmp_path / CODE, style="csv", seed=1)
    fail_on(monkeypatch, "attendance_row")

    receipts = ingest_paths(engine, [tmp_path / CODE])

    status = {Path(r.file).name: r.status for r in receipts}
    assert [name for name, s in status.items() if s == "failed"] == ["门禁考勤_2025年3月.csv"]
    assert {s for name, s in status.items() if name != "门禁考勤_2025年3月.csv"} == {"stored"}
    assert snapshot(engine)["attendance_row"] == []
    assert len(snapshot(engine)["payroll_line"]) == len(data.payroll)


def test_strict_mode_raises_after_rolling_back(engine: Engine, data: ProjectData, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "工资表.csv"
    write_csv(path, payroll_flat(data, MONTH), encoding="utf-8-sig")
    before = snapshot(engine)
    fail_on(monkeypatch, "payroll_line")

    with pytest.raises(Injected, match="payroll_line"):
        ingest_paths(engine, [path], project=CODE, strict=True)
    assert snapshot(engine) == before
