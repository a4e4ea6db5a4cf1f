"""Reading the store back into canonical frames: current versions only, canonical dtypes, arrivals.

The helpers here put canonical frames into a migrated store directly (one version per slice, as ingest
writes them), so load, persist and reconcile can be tested without the file readers; the other store
tests of this assignment import them.
"""

from __future__ import annotations

import datetime as dt
from types import ModuleType
from typing import Any

import pandas as pd
from sqlalchemy import Engine, insert, update

from four_real.store.db import session_scope
from four_real.store.load import load_dataset, load_elsewhere_attendance
from four_real.store.models import ROW_TABLES, DataVersion, Project, Upload
from four_real.store.slices import split
from ingest.canonical import TABLES, conform
from validators.dataset import Dataset

UTC = dt.UTC


def builders() -> ModuleType:
    """tests/validators/conftest.py: clean_month and friends."""
    import tests.validators.conftest as module

    return module


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    obj = frame.astype(object)
    out = obj.where(obj.notna(), None).to_dict("records")
    for row in out:
        for key, value in row.items():
            if isinstance(value, pd.Timestamp):
                row[key] = value.date()
            elif hasattr(value, "item"):
                row[key] = value.item()
    return out


def store_frames(engine: Engine, frames: dict[str, pd.DataFrame], *, received_at: dt.datetime,
                 name: str = "test.xlsx") -> dict[str, int]:
    """Store canonical frames as one upload: the project rows, and one current version per slice,
    superseding whatever version of that slice was current. Returns slice label → version id."""
    tables = {k: conform(k, f) for k, f in frames.items()}
    out: dict[str, int] = {}
    with session_scope(engine) as session:
        conn = session.connection()
        up = Upload.__table__
        upload_id = conn.execute(insert(up).values(sha256="0" * 64, filename=name, received_at=received_at)
                                 .returning(up.c.id)).scalar_one()
        if "project" in tables:
            p = tables["project"].rename(columns={"project_code": "code", "project_name": "name"})
            cols = [c.name for c in Project.__table__.columns if c.name in p]
            conn.execute(insert(Project.__table__), _records(p[cols]))
        v = DataVersion.__table__
        for sl in split({k: t for k, t in tables.items() if k in ROW_TABLES}):
            if sl.rows.empty:
                continue
            conn.execute(update(v).where(v.c.project_code == sl.project_code, v.c.slice_key == sl.key,
                                         v.c.superseded_at.is_(None)).values(superseded_at=received_at))
            vid = conn.execute(insert(v).values(
                project_code=sl.project_code, kind=sl.kind, slice_key=sl.key, month=sl.month,
                content_hash=sl.content_hash, upload_id=upload_id, received_at=received_at,
                rows=len(sl.rows)).returning(v.c.id)).scalar_one()
            table = ROW_TABLES[sl.kind].__table__
            cols = [c.name for c in table.columns if c.name != "id"]
            conn.execute(insert(table), _records(sl.rows.assign(version_id=vid)[cols]))
            out[sl.label] = vid
    return out


def load(engine: Engine, **kw: Any) -> tuple[Dataset, pd.DataFrame]:
    with session_scope(engine) as session:
        return load_dataset(session, **kw)


def test_an_empty_store_loads_empty_canonical_frames(engine):
    data, arrivals = load(engine)
    for kind, frame in data.tables().items():
        assert frame.empty
        assert list(TABLES[kind]) == list(frame.columns)[:len(TABLES[kind])]
    assert arrivals.empty


def test_stored_frames_come_back_with_canonical_values_and_dtypes(engine):
    cm = builders().clean_month(3)
    cm.frames["payroll"]["signed"] = pd.array([True, False, None], dtype="boolean")  # NA: no such column
    cm.frames["payroll"]["deductions"] = pd.array([0, None, 0], dtype="Int64")
    store_frames(engine, cm.frames, received_at=dt.datetime(2025, 4, 2, 8, tzinfo=UTC))
    data, _ = load(engine)
    expected = cm.dataset()
    assert data.payroll["signed"].tolist() == [True, False, pd.NA]
    assert data.payroll["deductions"].tolist() == [0, pd.NA, 0]
    for kind in ["roster", "attendance", "payroll", "disbursement", "account"]:
        got, want = getattr(data, kind), getattr(expected, kind)
        assert list(got.dtypes.astype(str)) == list(want.dtypes.astype(str)), kind
        assert len(got) == len(want), kind
    assert data.payroll["net"].tolist() == cm.net
    assert data.roster["contract_signed"].tolist() == [True] * 3
    assert data.attendance["date"].min() == pd.Timestamp("2025-03-03")
    assert data.project.loc[0, "wage_account"] == expected.project.loc[0, "wage_account"]
    assert data.project.loc[0, "payday"] == 15


def test_superseded_versions_are_not_loaded(engine):
    cm = builders().clean_month(3)
    store_frames(engine, cm.frames, received_at=dt.datetime(2025, 4, 2, tzinfo=UTC))
    corrected = cm.frames["payroll"].assign(net=cm.frames["payroll"]["net"] - 100)
    store_frames(engine, {"payroll": corrected}, received_at=dt.datetime(2025, 4, 9, tzinfo=UTC))
    data, arrivals = load(engine)
    assert len(data.payroll) == 3
    assert data.payroll["net"].tolist() == [n - 100 for n in cm.net]
    # The payroll's arrival is its first version's, not the correction's.
    pay = arrivals[arrivals["kind"] == "payroll"]
    assert pay["received_at"].tolist() == [pd.Timestamp("2025-04-02", tz="UTC")]


def test_arrivals_give_each_attendance_day_with_its_first_arrival(engine):
    cm = builders().clean_month(2)
    store_frames(engine, cm.frames, received_at=dt.datetime(2025, 4, 2, 1, 30, tzinfo=UTC))
    _, arrivals = load(engine)
    att = arrivals[arrivals["kind"] == "attendance"]
    assert len(att) == cm.days
    assert att["date"].min() == pd.Timestamp("2025-03-03") and (att["month"] == "2025-03").all()
    assert (att["received_at"] == pd.Timestamp("2025-04-02 01:30", tz="UTC")).all()


def test_a_project_filter_loads_only_those_projects(engine):
    b = builders()
    frames = b.combine(b.clean_month(2, project="P-A"), b.clean_month(2, project="P-B", first_seq=5))
    store_frames(engine, frames, received_at=dt.datetime(2025, 4, 2, tzinfo=UTC))
    data, arrivals = load(engine, project_codes=["P-B"])
    for kind, frame in data.tables().items():
        assert set(frame["project_code"]) <= {"P-B"}, kind
    assert set(arrivals["project_code"]) == {"P-B"}


def test_a_bare_project_row_is_not_a_project_file(engine):
    cm = builders().clean_month(1)
    frames = dict(cm.frames, project=pd.DataFrame({"project_code": ["P-BARE"]}))
    store_frames(engine, frames, received_at=dt.datetime(2025, 4, 2, tzinfo=UTC))
    data, _ = load(engine)
    assert data.project.empty


def test_elsewhere_attendance_is_other_projects_rows_of_the_same_workers(engine):
    b = builders()
    frames = b.combine(b.clean_month(2, project="P-A"), b.clean_month(1, project="P-B"),
                       b.clean_month(1, project="P-C", first_seq=7))
    store_frames(engine, frames, received_at=dt.datetime(2025, 4, 2, tzinfo=UTC))
    with session_scope(engine) as session:
        rows = load_elsewhere_attendance(session, project_codes=["P-A"], months=["2025-03"])
        none = load_elsewhere_attendance(session, project_codes=["P-A"], months=["2025-05"])
    assert set(rows["project_code"]) == {"P-B"}  # P-C's worker never worked on P-A
    assert none.empty
