"""Keep warnings in step with findings, inside the reconciliation's transaction.

``reconcile_store`` calls :func:`sync_warnings` right after persisting a run's findings, so a warning
never disagrees with the findings it stands for, and a failed run leaves neither. For every project-month
the run judged, the open critical and high findings are grouped by rule group (``groups``), and:

- a group with open findings and no warning → a warning is **raised** (open, deadline by severity);
- a live warning (open, acknowledged) whose group still has them → its figures are refreshed; when its
  severity rises (a critical finding joins a high warning) it is **escalated**: notified, and its deadline
  brought forward to the critical one if that is sooner;
- a live warning whose group has none left (paid later, 补发; or corrected data) → **resolved** by
  "system";
- a resolved or closed warning whose group comes back (it had none left at an earlier run and has some
  now), or gains a finding never seen before → **reopened** with a fresh deadline. A warning that a person
  resolved or closed while its findings were still open stays so while they stay: the findings of a past
  month do not change by themselves, and the person's decision is what the audit trail records.

Then every live warning past its deadline as of the run's date is marked **overdue** (once per cycle).
Each of these steps is an audit event by "system", and raised, reopened, escalated, resolved and overdue
are queued as notifications. Warnings of project-months the run did not judge are left alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Connection, bindparam, insert, select, update
from sqlmodel import Session

from four_real.notify.outbox import Notice
from four_real.store.models import Finding, Project, ReconciliationRun, utcnow
from four_real.store.models.warnings import WageWarning
from four_real.warnings.groups import RULE_GROUP, WARNED_SEVERITIES
from four_real.warnings.notices import event, notice, record
from four_real.warnings.policy import LIVE_STATUSES, WarningPolicy

__all__ = ["SyncSummary", "mark_overdue", "sync_warnings"]

WARNINGS = WageWarning.__table__  # type: ignore[attr-defined]
FINDINGS = Finding.__table__  # type: ignore[attr-defined]
PROJECTS = Project.__table__  # type: ignore[attr-defined]
KEYS = ["project_code", "month", "rule_group"]
DATES = {"opened_on", "deadline", "overdue_at"}
RANK = {"high": 3, "critical": 4}
SEVERITY = {rank: name for name, rank in RANK.items()}
# Columns a sync writes on an existing warning (one executemany UPDATE for all of them).
WRITTEN = ["severity", "status", "rules", "findings", "amount", "active", "cycle", "opened_on", "deadline",
           "overdue_at", "sector", "township", "last_run_id", "updated_at"]


@dataclass(frozen=True)
class SyncSummary:
    raised: int = 0
    reopened: int = 0
    escalated: int = 0
    resolved: int = 0
    overdue: int = 0


def _current(connection: Connection, pairs: pd.DataFrame, run_id: int) -> pd.DataFrame:
    """Per judged project-month and group: worst severity rank, open findings, Σ amount, rule codes, and
    whether a finding first seen in this run is among them."""
    c = FINDINGS.c
    stmt = (select(c.project_code, c.month, c.rule, c.pillar, c.severity, c.amount, c.first_seen_run)
            .where(c.status == "open", c.severity.in_(WARNED_SEVERITIES),
                   c.month.in_(sorted(pairs["month"].unique()))))
    found = pd.read_sql(stmt, connection, dtype={"project_code": "str", "month": "str", "rule": "str"})
    found = found.merge(pairs, on=["project_code", "month"])
    columns = [*KEYS, "rank", "findings", "amount", "rules", "fresh"]
    if found.empty:
        return pd.DataFrame({col: pd.Series(dtype="object") for col in columns})
    found["rule_group"] = found["rule"].map(RULE_GROUP).fillna(found["pillar"])
    found["rank"] = found["severity"].map(RANK)
    found["fresh"] = found["first_seen_run"].eq(run_id)
    found["amount"] = found["amount"].fillna(0).astype("int64")
    figures = found.groupby(KEYS, as_index=False).agg(rank=("rank", "max"), findings=("rule", "size"),
                                                      amount=("amount", "sum"), fresh=("fresh", "any"))
    codes = (found[[*KEYS, "rule"]].drop_duplicates().sort_values([*KEYS, "rule"])
             .groupby(KEYS, as_index=False)["rule"].agg(",".join).rename(columns={"rule": "rules"}))
    return figures.merge(codes, on=KEYS)[columns]


def _existing(connection: Connection, pairs: pd.DataFrame) -> pd.DataFrame:
    w = WARNINGS.c
    stmt = select(w.id, w.project_code, w.month, w.rule_group, w.severity, w.status, w.active, w.cycle,
                  w.opened_on, w.deadline, w.overdue_at, w.rules, w.findings, w.amount, w.urge_count,
                  w.sector, w.township).where(w.month.in_(sorted(pairs["month"].unique())))
    found = pd.read_sql(stmt, connection, dtype={"project_code": "str", "month": "str", "rule_group": "str"})
    return found.merge(pairs, on=["project_code", "month"])


def _places(connection: Connection, codes: list[str]) -> pd.DataFrame:
    p = PROJECTS.c
    stmt = select(p.code.label("project_code"), p.sector, p.township).where(p.code.in_(codes))
    return pd.read_sql(stmt, connection, dtype={"project_code": "str"}).drop_duplicates("project_code")


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts of plain Python values (None for missing), which every driver binds."""
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    for row in rows:
        for key, value in row.items():
            if isinstance(value, pd.Timestamp):
                value = value.to_pydatetime()
            elif hasattr(value, "item"):
                value = value.item()
            if key in DATES and isinstance(value, dt.datetime):
                value = value.date()
            row[key] = value
    return rows


def _days(policy: WarningPolicy, severity: pd.Series) -> pd.Series:
    return severity.map({"critical": policy.critical_days, "high": policy.high_days})


def _deadline(policy: WarningPolicy, severity: pd.Series, on: dt.date) -> pd.Series:
    return pd.Series([on + dt.timedelta(days=int(d)) for d in _days(policy, severity)], index=severity.index,
                     dtype="object")


def _raise(connection: Connection, new: pd.DataFrame, *, run_id: int, as_of: dt.date, now: dt.datetime,
           policy: WarningPolicy) -> pd.DataFrame:
    """Insert the new warnings; returns them with their ids."""
    rows = new[[*KEYS, "sector", "township", "rules", "findings", "amount"]].assign(
        severity=new["rank"].map(SEVERITY), status="open", opened_on=as_of, urge_count=0, active=True,
        cycle=0, overdue_at=None, first_run_id=run_id, last_run_id=run_id, created_at=now, updated_at=now)
    rows["deadline"] = _deadline(policy, rows["severity"], as_of)
    records = _records(rows)
    ids = connection.execute(insert(WARNINGS).returning(WARNINGS.c.id, *(WARNINGS.c[k] for k in KEYS)),
                             records).all()
    keyed = pd.DataFrame(ids, columns=["id", *KEYS]).astype({k: "str" for k in KEYS})
    return rows.merge(keyed, on=KEYS)


def _write(connection: Connection, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    stmt = (update(WARNINGS).where(WARNINGS.c.id == bindparam("warning_id"))
            .values({col: bindparam(col) for col in WRITTEN}))
    rows = _records(frame[["id", *WRITTEN]].rename(columns={"id": "warning_id"}))
    connection.execute(stmt, rows)


def sync_warnings(session: Session, *, run: ReconciliationRun, judged: pd.DataFrame, as_of: dt.date,
                  policy: WarningPolicy | None = None) -> SyncSummary:
    """Bring the warnings of the judged project-months (``judged``: project_code, month) in line with the
    findings ``run`` left in the store; see the module docstring for the steps."""
    if run.id is None:
        raise ValueError("the run must be flushed (have an id) before warnings follow its findings")
    policy = policy or WarningPolicy.from_env()
    connection = session.connection()
    now = utcnow()
    pairs = judged[["project_code", "month"]].astype("str").drop_duplicates()
    if pairs.empty:
        return SyncSummary(overdue=mark_overdue(session, as_of=as_of, run_id=run.id, now=now))

    current = _current(connection, pairs, run.id)
    existing = _existing(connection, pairs)
    both = current.merge(existing, on=KEYS, how="outer", suffixes=("", "_was"), indicator=True)
    codes = sorted(set(both["project_code"]))
    places = _places(connection, codes) if codes else pd.DataFrame(columns=["project_code", "sector", "township"])
    both = both.drop(columns=["sector", "township"]).merge(places, on="project_code", how="left")
    events: list[dict[str, Any]] = []
    notices: list[Notice] = []

    def tell(kind: str, frame: pd.DataFrame, n: pd.Series) -> None:
        for row, k in zip(_records(frame), n, strict=True):
            notices.append(notice(kind, row, n=int(k), at=now))

    # Raised: findings and no warning yet.
    new = both[both["_merge"] == "left_only"]
    new = new.astype({"findings": "int64", "amount": "int64"})
    raised = _raise(connection, new, run_id=run.id, as_of=as_of, now=now, policy=policy) if len(new) else new
    for row in _records(raised):
        events.append(event(row["id"], "raised", after="open", run_id=run.id, at=now,
                            details={"severity": row["severity"], "rules": row["rules"], "findings": row["findings"],
                                     "amount": row["amount"], "deadline": row["deadline"].isoformat()}))
    tell("new", raised, pd.Series(0, index=raised.index))

    # Still (or again) found: refresh, escalate, reopen.
    seen = both[both["_merge"] == "both"].astype({"findings": "int64", "amount": "int64", "cycle": "int64"})
    live = seen["status"].isin(LIVE_STATUSES)
    rank_was = seen["severity"].map(RANK)
    reopen = ~live & (~seen["active"].astype(bool) | seen["fresh"].astype(bool))
    escalate = live & (seen["rank"] > rank_was)
    seen["severity_was"] = seen["severity"]
    seen["status_was"] = seen["status"]
    seen["severity"] = seen["rank"].map(SEVERITY)
    seen["active"] = True
    seen["last_run_id"] = run.id
    seen["updated_at"] = now
    critical_by = as_of + dt.timedelta(days=policy.critical_days)
    seen.loc[escalate, "deadline"] = [min(d, critical_by) for d in seen.loc[escalate, "deadline"]]
    seen.loc[reopen, "status"] = "open"
    seen.loc[reopen, "cycle"] = seen.loc[reopen, "cycle"].astype("int64") + 1
    seen.loc[reopen, "opened_on"] = as_of
    seen.loc[reopen, "overdue_at"] = None
    seen.loc[reopen, "deadline"] = _deadline(policy, seen.loc[reopen, "severity"], as_of)
    _write(connection, seen)
    for row in _records(seen[reopen]):
        events.append(event(row["id"], "reopened", before=row["status_was"], after="open", run_id=run.id, at=now,
                            note=f"findings open again at run #{run.id}",
                            details={"severity": row["severity"], "rules": row["rules"], "cycle": row["cycle"]}))
    for row in _records(seen[escalate]):
        events.append(event(row["id"], "escalated", before=row["status"], after=row["status"], run_id=run.id,
                            at=now, details={"from": row["severity_was"], "to": row["severity"],
                                             "deadline": row["deadline"].isoformat()}))
    tell("reopened", seen[reopen], seen.loc[reopen, "cycle"])
    tell("escalated", seen[escalate], seen.loc[escalate, "cycle"])

    # No longer found: resolve what is live, and remember that the group went quiet.
    gone = both[(both["_merge"] == "right_only") & both["active"].astype(bool)].copy()
    gone = gone.assign(rules=gone["rules_was"], findings=gone["findings_was"].astype("int64"),
                       amount=gone["amount_was"].astype("int64"), cycle=gone["cycle"].astype("int64"))
    resolve = gone["status"].isin(LIVE_STATUSES)
    gone["status_was"] = gone["status"]
    gone.loc[resolve, "status"] = "resolved"
    gone["rank"] = gone["severity"].map(RANK)
    gone = gone.assign(active=False, last_run_id=run.id, updated_at=now)
    _write(connection, gone)
    for row in _records(gone[resolve]):
        events.append(event(row["id"], "resolved", before=row["status_was"], after="resolved", run_id=run.id,
                            at=now, note=f"no open finding of the group at run #{run.id} (paid or corrected)"))
    tell("resolved", gone[resolve], gone.loc[resolve, "cycle"])

    record(connection, events, notices, now=now)
    overdue = mark_overdue(session, as_of=as_of, run_id=run.id, now=now)
    return SyncSummary(raised=len(raised), reopened=int(reopen.sum()), escalated=int(escalate.sum()),
                       resolved=int(resolve.sum()), overdue=overdue)


def mark_overdue(session: Session, *, as_of: dt.date, run_id: int | None = None,
                 now: dt.datetime | None = None) -> int:
    """Mark every live warning whose deadline is before ``as_of`` and not yet marked in this cycle as
    overdue: an audit event and a notification each, once. Returns how many were marked."""
    connection = session.connection()
    at = now or utcnow()
    w = WARNINGS.c
    stmt = select(*(w[c] for c in ("id", *KEYS, "severity", "status", "rules", "findings", "amount", "sector",
                                   "township", "opened_on", "deadline", "urge_count", "cycle"))).where(
        w.status.in_(LIVE_STATUSES), w.deadline < as_of, w.overdue_at.is_(None))
    rows = [dict(r._mapping) for r in connection.execute(stmt)]
    if not rows:
        return 0
    connection.execute(update(WARNINGS).where(w.id == bindparam("warning_id")).values(overdue_at=as_of),
                       [{"warning_id": r["id"]} for r in rows])
    events = [event(r["id"], "overdue", before=r["status"], after=r["status"], run_id=run_id, at=at,
                    details={"deadline": r["deadline"].isoformat(), "as_of": as_of.isoformat()}) for r in rows]
    record(connection, events, [notice("overdue", r, n=r["cycle"], at=at) for r in rows], now=at)
    return len(rows)
