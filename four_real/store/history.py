"""Versions of the store's slices, what changed between two versions of one slice, and the queries of
what is current (which ingestion compares against and resolves with).

What changed is counted by each kind's natural key, the way a labor manager thinks of a correction: a
worker added to or removed from the roster, a payroll line added or removed, a line whose money changed.
Rows sharing a key (gate events of one worker-day) count as one; their money is summed per key.

    kind          natural key                                      money compared
    roster        id_number                                        daily_wage, monthly_wage
    attendance    (id_number, date)                                (none)
    payroll       (id_number, month)                               daily_wage, gross, deductions, net
    disbursement  txn_id, else (card_number, date, amount)         amount
    account       (date, direction, amount, purpose)               balance
    project       project_code                                     contract_amount, min_wage_monthly
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, fields

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from four_real.store.models import ROW_TABLES, DataVersion, RosterEntry, Upload
from ingest.canonical import conform

__all__ = ["KEYS", "MONEY", "Diff", "VersionInfo", "current_hashes", "current_roster", "current_versions", "diff",
           "version_history", "version_rows"]

KEYS: dict[str, list[str]] = {
    "roster": ["id_number"],
    "attendance": ["id_number", "date"],
    "payroll": ["id_number", "month"],
    "disbursement": ["txn_id", "card_number", "date", "amount"],
    "account": ["date", "direction", "amount", "purpose"],
    "project": ["project_code"],
}
MONEY: dict[str, list[str]] = {
    "roster": ["daily_wage", "monthly_wage"],
    "attendance": [],
    "payroll": ["daily_wage", "gross", "deductions", "net"],
    "disbursement": ["amount"],
    "account": ["balance"],
    "project": ["contract_amount", "min_wage_monthly"],
}
_DATES = {"date"}


@dataclass(frozen=True, slots=True)
class Diff:
    rows_added: int = 0
    rows_removed: int = 0
    amounts_changed: int = 0


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """One version of one slice, with the upload that brought it and what it changed."""

    id: int
    project_code: str
    kind: str
    slice_key: str
    month: str | None
    rows: int
    rows_added: int
    rows_removed: int
    amounts_changed: int
    received_at: dt.datetime
    superseded_at: dt.datetime | None
    superseded_by: int | None
    upload_id: int
    filename: str
    uploader: str

    @property
    def current(self) -> bool:
        return self.superseded_at is None

    def as_dict(self) -> dict[str, object]:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["current"] = self.current
        return out


def _key_text(kind: str, frame: pd.DataFrame) -> pd.Series:
    """The natural key of every row as one string (stored and canonical frames give equal texts)."""
    def col(name: str) -> pd.Series:
        s = frame[name]
        if name in _DATES:
            return pd.to_datetime(s).dt.strftime("%Y-%m-%d").astype("str").fillna("")
        if name == "amount":
            return pd.to_numeric(s).astype("Int64").astype("str").fillna("")
        return s.astype("str").fillna("")

    if kind == "disbursement":
        fallback = col("card_number").str.cat([col("date"), col("amount")], sep="|")
        txn = frame["txn_id"].astype("str")
        return ("txn|" + txn).fillna("row|" + fallback)
    parts = [col(c) for c in KEYS[kind]]
    return parts[0].str.cat(parts[1:], sep="|") if len(parts) > 1 else parts[0]


def _per_key(kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Money summed per natural key (NA kept when every row of the key has none)."""
    money = MONEY[kind]
    work = pd.DataFrame({c: pd.to_numeric(frame[c]).astype("Int64") for c in money}, index=frame.index)
    work["_key"] = _key_text(kind, frame).to_numpy()
    if not money:
        return work.drop_duplicates("_key").set_index("_key")
    return work.groupby("_key", sort=False).sum(min_count=1)


def diff(kind: str, old: pd.DataFrame, new: pd.DataFrame) -> Diff:
    """Keys added and removed, and keys in both whose money differs (NA and a number differ)."""
    if old.empty and new.empty:
        return Diff()
    if old.empty:  # a first version: every key is new, nothing to compare (the common case by far)
        return Diff(int(_key_text(kind, new).nunique()), 0, 0)
    before, after = _per_key(kind, old), _per_key(kind, new)
    added = int((~after.index.isin(before.index)).sum())
    removed = int((~before.index.isin(after.index)).sum())
    common = after.index.intersection(before.index)
    changed = 0
    if MONEY[kind] and len(common):
        a, b = after.loc[common], before.loc[common]
        differs = a.ne(b).fillna(False) | (a.isna() ^ b.isna())
        changed = int(differs.any(axis=1).sum())
    return Diff(added, removed, changed)


def version_rows(session: Session, kind: str, version_ids: Iterable[int]) -> pd.DataFrame:
    """The stored rows of some versions of one kind (with ``version_id``), in the session's transaction."""
    ids = sorted({int(v) for v in version_ids})
    table = ROW_TABLES[kind].__table__  # type: ignore[attr-defined]
    if not ids:
        return pd.DataFrame(columns=[c.name for c in table.columns])
    query = select(table).where(table.c.version_id.in_(ids))
    return pd.read_sql(query, session.connection())


def current_versions(session: Session, *, project_codes: Iterable[str] | None = None) -> pd.DataFrame:
    """The current version of every slice (of the given projects): what the store holds now."""
    v = DataVersion.__table__  # type: ignore[attr-defined]
    query = (select(v.c.id, v.c.project_code, v.c.kind, v.c.slice_key, v.c.month, v.c.content_hash,
                    v.c.upload_id, v.c.received_at, v.c.rows)
             .where(v.c.superseded_at.is_(None)).order_by(v.c.project_code, v.c.slice_key))
    if project_codes is not None:
        query = query.where(v.c.project_code.in_(sorted(set(project_codes))))
    return pd.read_sql(query, session.connection())


def version_history(session: Session, *, project_code: str, kind: str | None = None) -> list[VersionInfo]:
    """Every version of a project's slices, oldest first within each slice, current ones included."""
    v = DataVersion.__table__  # type: ignore[attr-defined]
    u = Upload.__table__  # type: ignore[attr-defined]
    query = (select(v.c.id, v.c.project_code, v.c.kind, v.c.slice_key, v.c.month, v.c.rows, v.c.rows_added,
                    v.c.rows_removed, v.c.amounts_changed, v.c.received_at, v.c.superseded_at,
                    v.c.superseded_by, v.c.upload_id, u.c.filename, u.c.uploader)
             .join(u, u.c.id == v.c.upload_id)
             .where(v.c.project_code == project_code)
             .order_by(v.c.kind, v.c.slice_key, v.c.id))
    if kind is not None:
        query = query.where(v.c.kind == kind)
    return [VersionInfo(**row._mapping) for row in session.execute(query)]


def current_hashes(session: Session, *, codes: Iterable[str], keys: Iterable[str],
                   feed_key: str | None = None) -> dict[tuple[str, str], tuple[int, str]]:
    """(project_code, slice_key) -> (version id, content hash) of the current versions of these slices,
    and of every project's part of the feed ``feed_key``."""
    v = DataVersion.__table__  # type: ignore[attr-defined]
    codes, keys = sorted(set(codes)), sorted(set(keys))
    if not keys and not feed_key:
        return {}
    query = select(v.c.id, v.c.project_code, v.c.slice_key, v.c.content_hash).where(v.c.superseded_at.is_(None))
    wanted = v.c.project_code.in_(codes) & v.c.slice_key.in_(keys)
    query = query.where(wanted | (v.c.slice_key == feed_key) if feed_key else wanted)
    return {(r.project_code, r.slice_key): (r.id, r.content_hash) for r in session.execute(query)}


def current_roster(session: Session, codes: Iterable[str], *, src_file: str = "<store>") -> pd.DataFrame:
    """Who the current rosters of these projects name, as a canonical roster frame (only the columns name
    matching needs)."""
    codes = sorted(set(codes))
    r, v = RosterEntry.__table__, DataVersion.__table__  # type: ignore[attr-defined]
    query = (select(r.c.project_code, r.c.worker_name, r.c.id_number).join(v, v.c.id == r.c.version_id)
             .where(v.c.superseded_at.is_(None), r.c.project_code.in_(codes)))
    found = pd.read_sql(query, session.connection()) if codes else pd.DataFrame()
    return conform("roster", found.assign(src_file=src_file))
