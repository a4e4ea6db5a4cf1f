"""Read the store's current data back into the canonical frames the rules take.

"Current" means the rows of versions not superseded (``data_version.superseded_at IS NULL``): a corrected
file replaces its slice, and reconciliation sees only the correction. Each table is one ``SELECT`` read by
pandas, ordered by row id (the order rows were ingested, the order `four-real check` reads files in), so a
city's millions of attendance rows cost one query, not one per project.

Alongside the dataset comes the *arrivals* frame that DATA-LATE reads: for every slice, when its first
version with data arrived (corrections later do not make data earlier or later).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy import Select, func, select
from sqlmodel import Session

from four_real.store.models import ROW_TABLES, DataVersion, Project
from ingest.canonical import TABLES, columns, conform, empty
from validators.dataset import Dataset
from validators.rules.store_only import ARRIVAL_COLUMNS

__all__ = ["load_arrivals", "load_dataset", "load_elsewhere_attendance", "load_projects", "load_table"]

# Project model field → canonical project column, where the names differ.
PROJECT_FIELDS = {"code": "project_code", "name": "project_name"}


def _read(session: Session, stmt: Select) -> pd.DataFrame:
    """One query into a frame, inside the session's transaction."""
    return pd.read_sql(stmt, session.connection())


def _read_raw(session: Session, stmt: Select) -> pd.DataFrame:
    """One query into a frame of the driver's own values, for the big row tables.

    Going past SQLAlchemy's per-value result processing (a string-to-date parse per cell on SQLite) and
    building the frame from the driver's tuples reads a city's attendance about a third faster; ``conform``
    then converts whole columns at once (ISO date strings or dates, 0/1 or booleans).
    """
    connection = session.connection()
    compiled = stmt.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    params: Any = (tuple(compiled.params[k] for k in compiled.positiontup or ()) if compiled.positional
                   else compiled.params)
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(str(compiled), params)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return pd.DataFrame.from_records(rows, columns=[c.name for c in stmt.selected_columns])


def _current_rows(kind: str, project_codes: Sequence[str] | None) -> Select:
    table = ROW_TABLES[kind].__table__  # type: ignore[attr-defined]
    version = DataVersion.__table__  # type: ignore[attr-defined]
    stmt = (select(*[table.c[c] for c in columns(kind)])
            .join(version, version.c.id == table.c.version_id)
            .where(version.c.superseded_at.is_(None))
            .order_by(table.c.id))
    if project_codes is not None:
        stmt = stmt.where(table.c.project_code.in_(list(project_codes)))
    return stmt


def load_table(session: Session, kind: str, *, project_codes: Sequence[str] | None = None) -> pd.DataFrame:
    """The current rows of one row table as a canonical frame (provenance included)."""
    frame = _read_raw(session, _current_rows(kind, project_codes))
    return conform(kind, frame) if len(frame) else empty(kind)


def load_projects(session: Session, *, project_codes: Sequence[str] | None = None) -> pd.DataFrame:
    """The project table in canonical columns.

    A project row that carries nothing but its code (registered by an upload before any project file came)
    is left out: to the rules, "a project file" is one that says something, and a bare row would make the
    project look as if its file gave no wage account (CARD-NOT-VIA-ACCOUNT, PRJ-NO-ACCOUNT).
    """
    table = Project.__table__  # type: ignore[attr-defined]
    wanted = list(TABLES["project"])
    by_field = {PROJECT_FIELDS.get(c.name, c.name): c for c in table.c}
    stmt = select(*[by_field[c].label(c) for c in wanted if c in by_field]).order_by(table.c.id)
    if project_codes is not None:
        stmt = stmt.where(table.c.code.in_(list(project_codes)))
    frame = _read(session, stmt)
    if frame.empty:
        return empty("project")
    described = frame.drop(columns=["project_code"]).notna().any(axis=1)
    return conform("project", frame[described].reset_index(drop=True))


def load_arrivals(session: Session, *, project_codes: Sequence[str] | None = None) -> pd.DataFrame:
    """First arrival of every slice with data: project_code, kind, month, date (attendance slices' day),
    received_at (tz-aware UTC)."""
    v = DataVersion.__table__  # type: ignore[attr-defined]
    stmt = (select(v.c.project_code, v.c.kind, v.c.slice_key, func.min(v.c.month).label("month"),
                   func.min(v.c.received_at).label("received_at"))
            .where(v.c.rows > 0)
            .group_by(v.c.project_code, v.c.kind, v.c.slice_key))
    if project_codes is not None:
        stmt = stmt.where(v.c.project_code.in_(list(project_codes)))
    frame = _read(session, stmt)
    day = frame["slice_key"].astype("str").str.extract(r"^attendance:(\d{4}-\d{2}-\d{2})$")[0]
    return pd.DataFrame({
        "project_code": frame["project_code"].astype("str"),
        "kind": frame["kind"].astype("str"),
        "month": frame["month"].astype("str"),
        "date": pd.to_datetime(day, format="%Y-%m-%d").astype("datetime64[s]"),
        # SQLite hands timestamps back without their zone; the store writes UTC.
        "received_at": pd.to_datetime(frame["received_at"], utc=True),
    })[ARRIVAL_COLUMNS]


def load_dataset(session: Session, *,
                 project_codes: Sequence[str] | None = None) -> tuple[Dataset, pd.DataFrame]:
    """The current dataset (all projects, or those named) and the arrivals frame for DATA-LATE."""
    frames = {kind: load_table(session, kind, project_codes=project_codes) for kind in ROW_TABLES}
    frames["project"] = load_projects(session, project_codes=project_codes)
    return Dataset.from_frames(**frames), load_arrivals(session, project_codes=project_codes)


def load_elsewhere_attendance(session: Session, *, project_codes: Sequence[str],
                              months: Sequence[str] | None = None) -> pd.DataFrame:
    """Current attendance of *other* projects for the workers who have attendance in ``project_codes``:
    what XP-DOUBLE-ATTENDANCE compares against when only some projects are reconciled."""
    table = ROW_TABLES["attendance"].__table__  # type: ignore[attr-defined]
    version = DataVersion.__table__  # type: ignore[attr-defined]
    codes = list(project_codes)
    mine = (select(table.c.id_number)
            .join(version, version.c.id == table.c.version_id)
            .where(version.c.superseded_at.is_(None), table.c.project_code.in_(codes)))
    if months:
        mine = mine.where(version.c.month.in_(list(months)))
    stmt = (_current_rows("attendance", None)
            .where(table.c.project_code.not_in(codes), table.c.id_number.in_(mine.distinct()))
            )
    if months:
        stmt = stmt.where(version.c.month.in_(list(months)))
    frame = _read_raw(session, stmt)
    return conform("attendance", frame) if len(frame) else empty("attendance")
