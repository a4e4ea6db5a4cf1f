"""Split validated canonical tables into *slices*, the units a corrected file replaces, and hash them.

A slice is one project's roster, one project-day's attendance (so a daily gate export leaves the rest of
the month alone), one project-month's payroll or account statement, one project-month's spreadsheet
disbursements paid in one batch (``disbursement:<month>@<批次号>``, or ``@paid:<YYYY-MM>`` by payment
month), one bank feed (``feed:<bank_code>:<batch_id>``, whatever projects its rows were routed to), or one project's
project-file row.

**What "the same content" means.** A slice's hash covers its data, not its provenance: the canonical
columns without ``src_file``/``src_sheet``/``src_row``, rows in a canonical order. The same roster exported
again under another file name, with the rows sorted differently, is the same content and changes nothing
(the stored evidence keeps pointing at the first file, whose cells hold the same values). Byte-identical
files are recognised first by the file's sha256; the per-slice hash decides for everything else. A bank
feed is the exception: its identity is (bank_code, batch_id) and its content is its bytes, because a bank
resending "the same batch" with any difference at all is what a correction is for.

Hashing is vectorised: one text per row built with column-wise string operations, sorted and hashed per
slice. The second half of the module writes slices: rows to the row tables at the driver's bulk speed, and
the project slice to the ``project`` table (with its contractor, checked by USCC), which it replaces.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError

from four_real.store.models import Enterprise, Project
from ingest.canonical import DATE, TABLES, conform, empty
from ingest.problems import RowProblem

__all__ = ["ROW_KINDS", "SLICED", "Slice", "bulk_insert", "check_uscc", "content_hash", "empty_slice", "month_before",
           "records", "row_texts", "split", "stored_projects", "upsert", "upsert_projects"]

ROW_KINDS: tuple[str, ...] = ("roster", "attendance", "payroll", "disbursement", "account")
SLICED: tuple[str, ...] = ("project", *ROW_KINDS)
_NA = "\\N"
_SEP = "\x1f"


@dataclass(frozen=True, eq=False)  # identity: a slice's rows are a frame, not a value to compare
class Slice:
    """One unit of replacement: the rows of ``kind`` for ``project_code`` under ``key``.

    ``rows`` keeps the canonical columns and provenance (what is stored); an empty ``rows`` means the file
    covers the slice but has no rows for it (a date without attendance inside a monthly grid's span).
    """

    kind: str
    project_code: str
    key: str
    month: str | None
    rows: pd.DataFrame
    content_hash: str

    @property
    def label(self) -> str:
        return f"{self.project_code} {self.key}"


def _text(kind: str, column: str, s: pd.Series) -> pd.Series:
    """One column as canonical text: ISO dates, integer fen, rounded floats, ``\\N`` for missing."""
    dtype = TABLES[kind][column]
    if dtype == DATE:
        out = pd.to_datetime(s).dt.strftime("%Y-%m-%d")
    elif dtype in ("float64", "Float64"):
        out = pd.to_numeric(s).astype("Float64").round(6).astype("str")
    elif dtype == "boolean":
        out = s.astype("boolean").map({True: "1", False: "0"}, na_action="ignore")
    else:
        out = s.astype(dtype).astype("str")
    return out.astype("str").fillna(_NA).str.replace(_SEP, " ", regex=False)


def row_texts(kind: str, frame: pd.DataFrame) -> pd.Series:
    """Each row's data (provenance left out) as one string, indexed like ``frame``."""
    cols = list(TABLES[kind])
    if frame.empty:
        return pd.Series([], index=frame.index, dtype="str")
    parts = [_text(kind, c, frame[c]) for c in cols]
    return parts[0].str.cat(parts[1:], sep=_SEP)


def content_hash(kind: str, texts: pd.Series | list[str]) -> str:
    """sha256 over the kind, its columns, and the sorted row texts: independent of row order."""
    body = "\n".join([_SEP.join([kind, *TABLES[kind]]), *sorted(texts)])
    return hashlib.sha256(body.encode()).hexdigest()


def month_before(dates: pd.Series) -> pd.Series:
    """The month before each date (``YYYY-MM``): a payment without a month pays the month before."""
    return (pd.to_datetime(dates).dt.to_period("M") - 1).dt.strftime("%Y-%m").astype("str")


def _keys(kind: str, frame: pd.DataFrame, *, feed_key: str | None) -> tuple[pd.Series, pd.Series]:
    """The slice key and month of every row of one kind, vectorised."""
    n = len(frame)
    if kind in ("project", "roster"):
        return (pd.Series([kind] * n, index=frame.index, dtype="str"),
                pd.Series([None] * n, index=frame.index, dtype="str"))
    if kind == "attendance":
        day = pd.to_datetime(frame["date"]).dt.strftime("%Y-%m-%d").astype("str")
        return "attendance:" + day, day.str.slice(0, 7)
    if kind == "payroll":
        month = frame["month"].astype("str")
        return "payroll:" + month, month
    if kind == "account":
        month = pd.to_datetime(frame["date"]).dt.strftime("%Y-%m").astype("str")
        return "account:" + month, month
    if kind == "disbursement":
        if feed_key is not None:
            return (pd.Series([feed_key] * n, index=frame.index, dtype="str"),
                    pd.Series([None] * n, index=frame.index, dtype="str"))
        # A spreadsheet of results covers one wage month *as paid in one batch*: a 补发 sent in May for
        # March is added to March's April payments, not put in their place. The batch is the file's
        # 批次号 when it has one, else the month the payments were made; a corrected file for the same
        # batch replaces it.
        month = frame["month"].astype("str").fillna(month_before(frame["date"]))
        paid_in = pd.to_datetime(frame["date"]).dt.strftime("%Y-%m").astype("str")
        batch = frame["batch_id"].astype("str").str.strip().replace("", None).fillna("paid:" + paid_in)
        return "disbursement:" + month + "@" + batch, month
    raise ValueError(f"no slices for kind {kind!r}")


def _covered_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """(project_code, key) of every date between a project's first and last attendance date in the file.

    A monthly grid covers its month, so a date in its span without any row (a Sunday nobody worked)
    replaces what an earlier file said about that date; a daily gate export covers just its day.
    """
    if frame.empty:
        return pd.DataFrame({"project_code": [], "key": []}, dtype="str")
    dates = pd.to_datetime(frame["date"])
    span = dates.groupby(frame["project_code"].astype("str")).agg(["min", "max"])
    parts = [
        pd.DataFrame({"project_code": code,
                      "key": "attendance:" + pd.Series(pd.date_range(lo, hi, freq="D").strftime("%Y-%m-%d"))})
        for code, lo, hi in span.itertuples(name=None)
    ]
    return pd.concat(parts, ignore_index=True)


def split(tables: Mapping[str, pd.DataFrame], *, feed_key: str | None = None) -> list[Slice]:
    """Every slice of ``tables``, the project file's rows included (one slice ``project`` per project).

    ``feed_key`` (``feed:<bank_code>:<batch_id>``) marks the disbursements as one bank feed's rows.
    """
    out: list[Slice] = []
    for kind in SLICED:
        frame = tables.get(kind)
        if frame is None:
            continue
        keys, months = _keys(kind, frame, feed_key=feed_key)
        texts = row_texts(kind, frame)
        seen: set[tuple[str, str]] = set()
        if len(frame):
            codes = frame["project_code"].astype("str")
            groups = pd.DataFrame({"code": codes, "key": keys, "month": months}).groupby(
                ["code", "key"], sort=True, dropna=False).indices
            for (code, key), positions in groups.items():
                rows = frame.iloc[positions]
                month = months.iloc[positions[0]]
                out.append(Slice(kind, str(code), str(key), None if pd.isna(month) else str(month),
                                 rows, content_hash(kind, texts.iloc[positions].tolist())))
                seen.add((str(code), str(key)))
        if kind == "attendance":
            out.extend(_empty_slices(kind, _covered_dates(frame), seen))
    return out


def _empty_slices(kind: str, covered: pd.DataFrame, seen: set[tuple[str, str]]) -> list[Slice]:
    blank = empty(kind)
    hashed = content_hash(kind, [])
    return [
        Slice(kind, code, key, key.split(":", 1)[1][:7], blank, hashed)
        for code, key in covered.itertuples(index=False, name=None)
        if (code, key) not in seen
    ]


def empty_slice(kind: str, project_code: str, key: str, month: str | None) -> Slice:
    """A slice the file covers without rows (a corrected feed that no longer pays a project)."""
    return Slice(kind, project_code, key, month, empty(kind), content_hash(kind, []))


# ---- Slices to stored records -----------------------------------------------------------------------

def _plain(frame: pd.DataFrame, columns: list[str], *, dates_as_text: bool) -> list[list[Any]]:
    """Each column as a list of plain Python values: dates as ``datetime.date`` (or ISO text), NA as
    None, money as int; converted column by column, so no per-row pandas work."""
    out = []
    for c in columns:
        s = frame[c]
        if str(s.dtype).startswith("datetime64"):
            s = s.dt.strftime("%Y-%m-%d") if dates_as_text else s.dt.date
        out.append(s.astype(object).where(s.notna(), None).tolist())
    return out


def records(frame: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    """Rows as dicts for SQLAlchemy statements (small tables: projects, workers)."""
    return [dict(zip(columns, row, strict=True)) for row in zip(*_plain(frame, columns, dates_as_text=False),
                                                                strict=True)]


def bulk_insert(session: Session, table: Any, columns: list[str], frame: pd.DataFrame) -> None:
    """Append a frame's rows to ``table`` inside the session's transaction, at the driver's bulk speed.

    SQLAlchemy's executemany processes every parameter of every row in Python, which costs seconds for a
    month of gate events; so PostgreSQL gets ``COPY … FROM STDIN`` (psycopg adapts the values in C) and
    SQLite one DB-API ``executemany`` with dates as the ISO text SQLAlchemy itself stores there. Both run
    on the session's own connection, so a failure later in the file rolls these rows back too.
    """
    if frame.empty:
        return
    connection = session.connection()
    postgres = connection.dialect.name == "postgresql"
    rows = list(zip(*_plain(frame, columns, dates_as_text=not postgres), strict=True))
    if postgres:
        from psycopg import sql

        copy = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table.name), sql.SQL(", ").join(sql.Identifier(c) for c in columns))
        driver: Any = connection.connection.driver_connection  # psycopg's, inside this transaction
        with driver.cursor() as cursor, cursor.copy(copy) as out:
            for row in rows:
                out.write_row(row)
        return
    quote = connection.dialect.identifier_preparer.quote
    statement = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
                 f"VALUES ({', '.join('?' for _ in columns)})")
    connection.exec_driver_sql(statement, rows)


def upsert(session: Session, table: Any, rows: list[dict[str, Any]], *, key: str, update: list[str]) -> None:
    """INSERT … ON CONFLICT (key) DO UPDATE in one statement per batch (SQLite and PostgreSQL alike);
    concurrent ingests touching the same row wait for each other instead of failing."""
    if not rows:
        return
    from sqlalchemy.dialects import postgresql, sqlite

    postgres = session.get_bind().dialect.name == "postgresql"
    stmt: Any = postgresql.insert(table) if postgres else sqlite.insert(table)
    stmt = stmt.on_conflict_do_update(index_elements=[key], set_={c: stmt.excluded[c] for c in update})
    session.execute(stmt, sorted(rows, key=lambda r: r[key]))  # one order for all: no deadlock


# ---- The project slice: the project file's row is the `project` table's row ------------------------

USCC_INVALID = ("统一社会信用代码无效（格式或校验位不符），请核对施工总承包单位的代码",
                "unified social credit code is invalid (format or check character); check the contractor's code")
_PROJECT_COLUMNS = {c: c for c in TABLES["project"]} | {"project_code": "code", "project_name": "name"}


def _valid_uscc(value: str) -> str | None:
    try:
        return str(uscc.validate(value))
    except ValidationError:
        return None


def check_uscc(project: pd.DataFrame) -> tuple[pd.DataFrame, list[RowProblem]]:
    """Project rows whose contractor USCC fails GB 32100 are rejected (the enterprise is graded by it, so
    a typo would file one contractor's record under another); valid codes are normalised."""
    given = project["contractor_uscc"].notna()
    if not given.any():
        return project, []
    normal = project["contractor_uscc"].astype("str").map(_valid_uscc, na_action="ignore").astype("str")
    bad = given & normal.isna()
    zh, en = USCC_INVALID
    problems = [
        RowProblem(file=str(f), sheet=None if pd.isna(s) else str(s), row=int(r), column="contractor_uscc",
                   value=str(v), code="USCC-INVALID", reason_zh=zh, reason_en=en)
        for f, s, r, v in project.loc[bad, ["src_file", "src_sheet", "src_row", "contractor_uscc"]].itertuples(
            index=False, name=None)
    ]
    return project[~bad].assign(contractor_uscc=normal[~bad]), problems


def stored_projects(session: Session, codes: list[str] | None = None, *, src_file: str = "<store>") -> pd.DataFrame:
    """The stored project rows as a canonical project frame (for routing and for diffs)."""
    t = Project.__table__  # type: ignore[attr-defined]
    query = select(*(t.c[db].label(col) for col, db in _PROJECT_COLUMNS.items()))
    if codes is not None:
        query = query.where(t.c.code.in_(sorted(set(codes))))
    stored = pd.read_sql(query, session.connection())
    return conform("project", stored.assign(src_file=src_file))


def upsert_projects(session: Session, frame: pd.DataFrame) -> None:
    """The project rows (and their contractors, by USCC) inserted or replaced: a corrected project file
    replaces every field of the project."""
    e, t = Enterprise.__table__, Project.__table__  # type: ignore[attr-defined]
    firms = frame.loc[frame["contractor_uscc"].notna(), ["contractor_uscc", "contractor"]].drop_duplicates(
        "contractor_uscc", keep="last")
    upsert(session, e, [{"uscc": u, "name": (n if isinstance(n, str) else u)[:200]}
                        for u, n in firms.itertuples(index=False, name=None)], key="uscc", update=["name"])
    found = session.execute(select(e.c.uscc, e.c.id).where(e.c.uscc.in_(firms["contractor_uscc"].tolist())))
    ids = {uscc_: id_ for uscc_, id_ in found}
    rows = records(frame.rename(columns=_PROJECT_COLUMNS), list(_PROJECT_COLUMNS.values()))
    for row in rows:
        row["contractor_id"] = ids.get(row["contractor_uscc"])
    upsert(session, t, rows, key="code", update=[*(c for c in _PROJECT_COLUMNS.values() if c != "code"),
                                                 "contractor_id"])
