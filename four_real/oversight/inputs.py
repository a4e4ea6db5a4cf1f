"""The facts grading and escalation judge, gathered per enterprise in frames.

Each function returns one row per fact with the ``enterprise_key`` it counts against:
- a general contractor answers for all of its projects (project-months, findings);
- a subcontractor (roster employer) answers for its own workers: worker-level findings of the workers its
  roster rows list in that project;
- leads count against the enterprise they were linked to (``four_real.oversight.leads``).
Months are wage months (``YYYY-MM``); money is fen.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from four_real.oversight.enterprises import general_contractors, subcontractors
from four_real.store.models import Finding, ProjectMonth
from four_real.store.models.oversight import Lead

__all__ = ["ARREARS_RULES", "enterprise_names", "findings", "leads", "month_range", "project_months",
           "roster"]

ARREARS_RULES = ("CARD-UNPAID", "CARD-SHORT")  # their amounts are the worker's arrears (rules.md)


def month_range(first: str, last: str) -> list[str]:
    """Wage months from ``first`` to ``last`` inclusive."""
    return [str(p) for p in pd.period_range(first, last, freq="M")]


def shift_month(day: dt.date, months: int) -> str:
    """The wage month ``months`` after (negative: before) ``day``'s month."""
    return str(pd.Period(day, freq="M") + months)


def project_months(session: Session, months: list[str]) -> pd.DataFrame:
    """[enterprise_key, project_code, month, due_date (datetime64), unpaid] of the general contractors'
    project-months."""
    pm = ProjectMonth.__table__  # type: ignore[attr-defined]
    frame = pd.read_sql(select(pm.c.project_code, pm.c.month, pm.c.due_date, pm.c.unpaid)
                        .where(pm.c.month.in_(months)), session.connection())
    gc = general_contractors(session)[["project_code", "enterprise_key"]]
    frame = frame.merge(gc, on="project_code", how="inner")
    frame["unpaid"] = frame["unpaid"].fillna(0).astype("int64")
    frame["due_date"] = pd.to_datetime(frame["due_date"]).astype("datetime64[s]")
    return frame[frame["enterprise_key"].notna()][["enterprise_key", "project_code", "month", "due_date",
                                                   "unpaid"]]


def findings(session: Session, months: list[str], as_of: dt.date) -> pd.DataFrame:
    """[enterprise_key, role, project_code, month, worker_id, rule, severity, amount] of the findings of
    ``months`` that were open on ``as_of`` (still open, or resolved after it), each once for the general
    contractor and, when the worker is on a subcontractor's roster, once for that subcontractor."""
    f = Finding.__table__  # type: ignore[attr-defined]
    frame = pd.read_sql(select(f.c.project_code, f.c.month, f.c.worker_id, f.c.rule, f.c.severity, f.c.amount,
                               f.c.status, f.c.resolved_at).where(f.c.month.in_(months)), session.connection())
    resolved = pd.to_datetime(frame["resolved_at"], utc=True).dt.tz_localize(None).dt.normalize()
    frame = frame[frame["status"].eq("open") | (resolved > pd.Timestamp(as_of)).fillna(False)]
    frame = frame.assign(amount=frame["amount"].fillna(0).astype("int64"))
    gc = general_contractors(session)[["project_code", "enterprise_key"]]
    general = frame.merge(gc, on="project_code", how="inner").assign(role="general")
    subs = roster(session)[["project_code", "id_number", "enterprise_key"]].drop_duplicates(
        ["project_code", "id_number"])
    sub = frame.dropna(subset=["worker_id"]).merge(subs, left_on=["project_code", "worker_id"],
                                                   right_on=["project_code", "id_number"], how="inner")
    sub = sub.assign(role="sub").drop(columns=["id_number"])
    cols = ["enterprise_key", "role", "project_code", "month", "worker_id", "rule", "severity", "amount"]
    out = pd.concat([general[cols], sub[cols]], ignore_index=True)
    return out[out["enterprise_key"].notna()]


def roster(session: Session) -> pd.DataFrame:
    """Subcontractors' current roster rows: [project_code, enterprise_key, enterprise_name, id_number,
    contract_signed]."""
    return subcontractors(session)


def leads(session: Session, start: dt.date, end: dt.date) -> pd.DataFrame:
    """[enterprise_key, enterprise_uscc, enterprise_name, received_on, month] of leads received from
    ``start`` to ``end`` inclusive that were linked to an enterprise."""
    t = Lead.__table__  # type: ignore[attr-defined]
    frame = pd.read_sql(select(t.c.enterprise_key, t.c.enterprise_uscc, t.c.enterprise_name, t.c.received_on)
                        .where(t.c.received_on >= start, t.c.received_on <= end,
                               t.c.enterprise_key.is_not(None)), session.connection())
    frame["received_on"] = pd.to_datetime(frame["received_on"]).dt.date
    frame["month"] = pd.to_datetime(frame["received_on"]).dt.strftime("%Y-%m").astype("str")
    return frame


def enterprise_names(session: Session) -> pd.DataFrame:
    """[enterprise_key, enterprise_uscc, enterprise_name, role] of every enterprise the store knows of:
    general contractors, subcontractors, and enterprises named only by leads (``other``)."""
    gc = general_contractors(session).dropna(subset=["enterprise_key"])
    gc = gc.drop_duplicates("enterprise_key").assign(role="general")[
        ["enterprise_key", "enterprise_uscc", "enterprise_name", "role"]]
    subs = roster(session).drop_duplicates("enterprise_key").assign(role="sub", enterprise_uscc=pd.NA)[
        ["enterprise_key", "enterprise_uscc", "enterprise_name", "role"]]
    t = Lead.__table__  # type: ignore[attr-defined]
    named = pd.read_sql(select(t.c.enterprise_key, t.c.enterprise_uscc, t.c.enterprise_name)
                        .where(t.c.enterprise_key.is_not(None)).distinct(), session.connection())
    named = named.drop_duplicates("enterprise_key").assign(role="other")
    out = pd.concat([gc, subs[~subs["enterprise_key"].isin(gc["enterprise_key"])]], ignore_index=True)
    out = pd.concat([out, named[~named["enterprise_key"].isin(out["enterprise_key"])]], ignore_index=True)
    out["enterprise_uscc"] = out["enterprise_uscc"].astype("str")
    out["enterprise_name"] = out["enterprise_name"].astype("str")
    return out.reset_index(drop=True)
