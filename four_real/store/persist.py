"""Write one reconciliation's findings and project-month figures, keeping each finding's lifecycle.

A finding is the same finding across runs when its fingerprint is: sha256 of (rule, project, month,
worker or "", occurrence), the occurrence numbering findings of one rule for one worker-month in message
order (only a few rules can fire twice there). Its amount and message may change from run to run (a
partial payment shrinks a shortfall) without making it a new finding.

- produced and new → inserted ``open`` (first_seen_run = this run);
- produced again → ``last_seen_run`` moves on, content refreshed; a ``resolved`` one is reopened;
- open, of a project-month this run judged, and no longer produced → ``resolved`` (paid later, 补发;
  or corrected data). Findings of project-months the run did not judge are left alone.

Every write is one bulk statement (an upsert executed with many rows), in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from four_real.store.models import Finding, ProjectMonth, ReconciliationRun, utcnow

__all__ = ["fingerprints", "persist"]

FINDINGS = Finding.__table__  # type: ignore[attr-defined]
PROJECT_MONTHS = ProjectMonth.__table__  # type: ignore[attr-defined]
MESSAGE_MAX = 2000
NAME_MAX = 64
# What a rerun refreshes on a finding that already exists (first_seen_* stay as they were).
REFRESHED = ["pillar", "severity", "worker_name", "amount", "message_zh", "message_en", "basis", "evidence",
             "status", "last_seen_run", "resolved_run", "resolved_at"]
FIGURES = ["due_date", "status", "workers", "payable", "paid", "unpaid", "unpaid_own", "underpaid",
           "anxin_index", "risk_score", "level", "critical", "high", "medium", "low", "holiday_calendar",
           "run_id", "as_of"]


def fingerprints(findings: pd.DataFrame) -> pd.Series:
    """The stable identity of each finding, aligned with ``findings``."""
    if findings.empty:
        return pd.Series([], index=findings.index, dtype="str")
    keys = findings[["rule", "project", "month"]].astype("str").assign(
        worker=findings["worker_id"].astype("str").fillna(""))
    group = ["rule", "project", "month", "worker"]
    ordered = keys.assign(m_en=findings["message_en"].astype("str"), m_zh=findings["message_zh"].astype("str"))
    ordered = ordered.sort_values([*group, "m_en", "m_zh"], kind="stable")
    occurrence = ordered.groupby(group, sort=False).cumcount().reindex(findings.index)
    text = (keys["rule"] + "|" + keys["project"] + "|" + keys["month"] + "|" + keys["worker"] + "|"
            + occurrence.astype("str"))
    return pd.Series([hashlib.sha256(t.encode()).hexdigest() for t in text], index=findings.index,
                     dtype="str")


def _insert(connection: Connection) -> Any:
    """The dialect's INSERT, which has ``on_conflict_do_update``."""
    name = connection.dialect.name
    if name == "postgresql":
        return postgresql.insert
    if name == "sqlite":
        return sqlite.insert
    raise NotImplementedError(f"the store supports PostgreSQL and SQLite, not {name}")


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts with None for every missing value (what the database driver expects)."""
    obj = frame.astype(object)
    return obj.where(obj.notna(), None).to_dict("records")


def _evidence_json(evidence: pd.Series) -> list[list[list[Any]]]:
    return [[[f, s, int(r)] for f, s, r in ev] if isinstance(ev, tuple | list) else [] for ev in evidence]


def _finding_rows(findings: pd.DataFrame, prints: pd.Series, run_id: int, now: dt.datetime) -> list[dict]:
    amount = findings["amount"].astype("Int64")
    frame = pd.DataFrame({
        "fingerprint": prints, "rule": findings["rule"], "pillar": findings["pillar"],
        "severity": findings["severity"], "project_code": findings["project"], "month": findings["month"],
        "worker_id": findings["worker_id"], "worker_name": findings["worker_name"].str.slice(0, NAME_MAX),
        "amount": amount, "message_zh": findings["message_zh"].str.slice(0, MESSAGE_MAX),
        "message_en": findings["message_en"].str.slice(0, MESSAGE_MAX), "basis": findings["basis"],
    })
    rows = _records(frame)
    for row, ev, fen in zip(rows, _evidence_json(findings["evidence"]), amount, strict=True):
        row.update(evidence=ev, amount=None if pd.isna(fen) else int(fen), status="open",
                   first_seen_run=run_id, last_seen_run=run_id, resolved_run=None, first_seen_at=now,
                   resolved_at=None)
    return rows


def _existing(connection: Connection, months: list[str]) -> pd.DataFrame:
    """Fingerprint, status and project-month of the stored findings of these months."""
    c = FINDINGS.c
    stmt = select(c.id, c.fingerprint, c.status, c.project_code, c.month).where(c.month.in_(months))
    return pd.read_sql(stmt, connection).astype({"fingerprint": "str", "status": "str",
                                                 "project_code": "str", "month": "str"})


def upsert_findings(connection: Connection, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    stmt = _insert(connection)(FINDINGS)
    stmt = stmt.on_conflict_do_update(index_elements=[FINDINGS.c.fingerprint],
                                      set_={col: stmt.excluded[col] for col in REFRESHED})
    connection.execute(stmt, rows)


def resolve_findings(connection: Connection, ids: list[int], run_id: int, now: dt.datetime) -> None:
    if not ids:
        return
    stmt = (update(FINDINGS).where(FINDINGS.c.id == bindparam("finding_id"))
            .values(status="resolved", resolved_run=run_id, resolved_at=now))
    connection.execute(stmt, [{"finding_id": i} for i in ids])


def upsert_project_months(connection: Connection, figures: pd.DataFrame, run: ReconciliationRun) -> None:
    if figures.empty:
        return
    frame = figures.rename(columns={"project": "project_code"}).assign(
        due_date=pd.to_datetime(figures["due_date"]).dt.date, run_id=run.id, as_of=run.as_of)
    if "holiday_calendar" not in frame:  # figures computed before the field existed
        frame["holiday_calendar"] = "official"
    rows = _records(frame[["project_code", "month", *FIGURES]])
    for row in rows:  # numpy scalars → Python numbers, which every driver binds
        for key, value in row.items():
            if isinstance(value, np.generic):
                row[key] = value.item()
    stmt = _insert(connection)(PROJECT_MONTHS)
    stmt = stmt.on_conflict_do_update(index_elements=[PROJECT_MONTHS.c.project_code, PROJECT_MONTHS.c.month],
                                      set_={col: stmt.excluded[col] for col in FIGURES})
    connection.execute(stmt, rows)


def persist(session: Session, *, run: ReconciliationRun, findings: pd.DataFrame,
            project_months: pd.DataFrame, judged: pd.DataFrame) -> tuple[int, int]:
    """Store a run's findings and figures; returns (opened, resolved): findings newly opened or reopened,
    and open findings of the judged project-months (``judged``: project_code, month) no longer found."""
    if run.id is None:
        raise ValueError("the run must be flushed (have an id) before its findings are stored")
    connection = session.connection()
    now = utcnow()
    prints = fingerprints(findings)
    months = sorted(set(findings["month"].dropna().astype("str")) | set(judged["month"].astype("str")))
    existing = _existing(connection, months) if months else pd.DataFrame(
        columns=["id", "fingerprint", "status", "project_code", "month"])
    known = existing.set_index("fingerprint")["status"]
    status = prints.map(known)
    opened = int((status.isna() | status.eq("resolved")).sum())

    upsert_findings(connection, _finding_rows(findings, prints, run.id, now))

    still_open = existing[existing["status"].eq("open") & ~existing["fingerprint"].isin(prints)]
    in_scope = still_open.merge(judged[["project_code", "month"]].astype("str").drop_duplicates(),
                                on=["project_code", "month"])
    resolve_findings(connection, [int(i) for i in in_scope["id"]], run.id, now)

    upsert_project_months(connection, project_months, run)
    return opened, len(in_scope)
