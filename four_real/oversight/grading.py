"""Red/yellow/green grades of enterprises (seed guidance 第十二条: 分类精准监管).

An enterprise is graded on a date D from the six months before it, on four kinds of input:
- labor disputes: complaint leads against it received from D − 6 months to D − 1 (``leads``);
- the labor-contract signing rate of its workers' roster rows (``signing_rate``; RN-NO-CONTRACT's column);
- wage payment: arrears (Σ project_month.unpaid, ``arrears``) and critical/high findings (``critical``,
  ``high``) of the six wage months before D's month that were open on D;
- business condition: findings of the wage-account rules (``account``: ACCT-INSUFFICIENT underfunded,
  ACCT-MISUSE misused, ACCT-NO-ALLOCATION labor cost not allocated).
Each input gets a verdict by the thresholds of ``OversightConfig``; the grade is the worst verdict. An
input that cannot be judged (no roster with a contract column; account rules for a subcontractor, whose
money runs through the general contractor's account) says ``not_judged`` and does not count.

The grade in force is the one of the last half-year regrade (1 January, 1 July), unless an on-demand
grade was stored since. Red is inspected monthly, yellow by quarterly spot check, green not on a schedule.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import delete, insert, select
from sqlmodel import Session

from four_real.oversight import inputs
from four_real.oversight.config import ACCOUNT_RULES, DEFAULT, OversightConfig
from four_real.oversight.enterprises import general_contractors, roster_rows
from four_real.store.models import utcnow
from four_real.store.models.oversight import EnterpriseGrade

__all__ = ["GRADE_COLUMNS", "current_grades", "grade_enterprises", "half_year_date", "store_grades", "verdicts"]

GRADE_COLUMNS = ["enterprise_uscc", "enterprise_name", "grade", "graded_on", "period_start", "period_end",
                 "next_inspection", "reasons"]
EXTRA_COLUMNS = ["enterprise_key", "role", "occasion", "inputs"]
RANK = {"red": 0, "yellow": 1, "green": 2, "not_judged": 3}
INPUTS = ("leads", "signing_rate", "arrears", "critical", "high", "account")
LABELS = {
    "leads": ("投诉线索", "complaint leads"), "signing_rate": ("劳动合同签订率", "labor-contract signing rate"),
    "arrears": ("欠薪金额", "arrears"), "critical": ("严重问题", "critical findings"),
    "high": ("高风险问题", "high findings"), "account": ("专户问题", "wage-account findings"),
}


def half_year_date(day: dt.date) -> dt.date:
    """The last regular regrade on or before ``day``: 1 July or 1 January."""
    return dt.date(day.year, 7, 1) if day.month >= 7 else dt.date(day.year, 1, 1)


def _count_verdict(value: pd.Series, red: int | None, yellow: int | None) -> pd.Series:
    v = value.astype("float64")
    out = np.where(v.isna(), "not_judged", "green")
    if yellow is not None:
        out = np.where(v >= yellow, "yellow", out)
    if red is not None:
        out = np.where(v >= red, "red", out)
    return pd.Series(out, index=value.index, dtype="str")


def _rate_verdict(value: pd.Series, red_below: float, yellow_below: float) -> pd.Series:
    v = value.astype("float64").round(6)  # a rate computed as 19/20 is 0.95, not 0.9499999
    out = np.where(v.isna(), "not_judged", np.where(v < red_below, "red", np.where(v < yellow_below, "yellow",
                                                                                      "green")))
    return pd.Series(out, index=value.index, dtype="str")


def verdicts(values: pd.DataFrame, config: OversightConfig = DEFAULT) -> pd.DataFrame:
    """The verdict of each input column of ``values`` (NA: not judged) and the ``threshold`` that decided it
    (the crossed one; for green, the first one not reached)."""
    c = config
    rules: dict[str, tuple[str, Any, Any]] = {
        "leads": ("count", c.leads_red, c.leads_yellow),
        "signing_rate": ("rate", c.signing_red_below, c.signing_yellow_below),
        "arrears": ("count", c.arrears_red_fen, c.arrears_yellow_fen),
        "critical": ("count", c.critical_red, None),
        "high": ("count", None, c.high_yellow),
        "account": ("count", c.account_red, c.account_yellow),
    }
    out = {}
    for name, (kind, red, yellow) in rules.items():
        if name not in values:
            continue
        verdict = (_rate_verdict(values[name], red, yellow) if kind == "rate"
                   else _count_verdict(values[name], red, yellow))
        out[name] = verdict
    return pd.DataFrame(out, index=values.index)


def _threshold(config: OversightConfig, name: str, verdict: str) -> dict[str, Any]:
    c = config
    table: dict[str, tuple[str, Any, Any]] = {
        "leads": ("≥", c.leads_red, c.leads_yellow),
        "signing_rate": ("<", c.signing_red_below, c.signing_yellow_below),
        "arrears": ("≥", c.arrears_red_fen, c.arrears_yellow_fen),
        "critical": ("≥", c.critical_red, None),
        "high": ("≥", None, c.high_yellow),
        "account": ("≥", c.account_red, c.account_yellow),
    }
    op, red, yellow = table[name]
    chosen = red if verdict == "red" else yellow if yellow is not None else red
    return {"op": op, "threshold": chosen, "red": red, "yellow": yellow}


def _windows(graded_on: dt.date, config: OversightConfig) -> tuple[dt.date, dt.date, list[str]]:
    start = (pd.Timestamp(graded_on) - pd.DateOffset(months=config.grading_months)).date()
    end = graded_on - dt.timedelta(days=1)
    months = inputs.month_range(inputs.shift_month(graded_on, -config.grading_months),
                                inputs.shift_month(graded_on, -1))
    return start, end, months


def _values(session: Session, graded_on: dt.date, config: OversightConfig) -> tuple[pd.DataFrame, dt.date,
                                                                                      dt.date, list[str]]:
    """One row per enterprise with any activity in the window: its inputs (NA where not judged)."""
    start, end, months = _windows(graded_on, config)
    names = inputs.enterprise_names(session).set_index("enterprise_key")
    pm = inputs.project_months(session, months)
    found = inputs.findings(session, months, graded_on)  # general rows carry USCC keys, sub rows name keys
    leads = inputs.leads(session, start, end)
    active = set(pm["project_code"])
    every = roster_rows(session)
    every = every[every["project_code"].isin(active)]
    roster = inputs.roster(session)
    roster = roster[roster["project_code"].isin(active)]
    general = pm.groupby("enterprise_key").agg(arrears=("unpaid", "sum"), projects=("project_code", "nunique"))
    # a general contractor's workers are every roster row of its projects, whoever employs them
    gcs = general_contractors(session)[["project_code", "enterprise_key"]].dropna()
    signing = pd.concat([every.drop(columns=["employer"]).merge(gcs, on="project_code"), roster])
    signing = signing[signing["contract_signed"].notna()].assign(
        signed=lambda f: f["contract_signed"].astype(bool))
    keys = pd.Index(sorted(set(general.index) | set(roster["enterprise_key"].dropna())
                           | set(leads["enterprise_key"])), name="enterprise_key", dtype="str")
    v = pd.DataFrame(index=keys)
    v["role"] = names["role"].reindex(keys).fillna("other").astype("str")
    is_general, judged = v["role"].eq("general"), v["role"].ne("other")
    v["leads"] = leads.groupby("enterprise_key").size().reindex(keys, fill_value=0).astype("Int64")
    rate = signing.groupby("enterprise_key")["signed"].mean()
    v["signing_rate"] = rate.reindex(keys).astype("Float64")
    arrears_sub = found[found["rule"].isin(inputs.ARREARS_RULES)].groupby("enterprise_key")["amount"].sum()
    arrears = general["arrears"].reindex(keys).where(is_general, arrears_sub.reindex(keys))
    v["arrears"] = arrears.fillna(0).where(judged).astype("Int64")
    for sev in ("critical", "high"):
        counts = found[found["severity"].eq(sev)].groupby("enterprise_key").size()
        v[sev] = counts.reindex(keys).fillna(0).where(judged).astype("Int64")
    account = found[found["rule"].isin(ACCOUNT_RULES)].groupby("enterprise_key").size()
    v["account"] = account.reindex(keys).fillna(0).where(is_general).astype("Int64")
    lead_names = leads.drop_duplicates("enterprise_key").set_index("enterprise_key")
    v["enterprise_uscc"] = names["enterprise_uscc"].reindex(keys).astype("str")
    v["enterprise_name"] = (names["enterprise_name"].reindex(keys)
                            .fillna(lead_names["enterprise_name"].reindex(keys)).astype("str"))
    v["projects"] = general["projects"].reindex(keys).fillna(0).astype("int64")
    return v, start, end, months


def _reasons(values: pd.DataFrame, verdict: pd.DataFrame, config: OversightConfig) -> list[list[dict[str, Any]]]:
    """Per enterprise, one reason per input: what it was, the threshold that decided, and the verdict."""
    out: list[list[dict[str, Any]]] = []
    records = values[list(INPUTS)].astype(object).where(values[list(INPUTS)].notna(), None).to_dict("records")
    for row, judged in zip(records, verdict.to_dict("records"), strict=True):
        reasons = []
        for name in INPUTS:
            value = row[name]
            if isinstance(value, np.generic):
                value = value.item()
            if name == "signing_rate" and value is not None:
                value = round(float(value), 4)
            zh, en = LABELS[name]
            reasons.append({"input": name, "label_zh": zh, "label_en": en, "value": value,
                            **_threshold(config, name, judged[name]), "verdict": judged[name]})
        out.append(reasons)
    return out


def _next_inspection(graded_on: dt.date, grade: pd.Series, config: OversightConfig) -> pd.Series:
    def one(g: str) -> dt.date | None:
        every = config.inspect_every_months.get(g)
        return None if every is None else (pd.Timestamp(graded_on) + pd.DateOffset(months=every)).date()
    table = {g: one(g) for g in ("red", "yellow", "green")}
    return grade.map(table).astype(object)


def grade_enterprises(session: Session, graded_on: dt.date, *, config: OversightConfig = DEFAULT,
                      occasion: str | None = None) -> pd.DataFrame:
    """Grades of every enterprise active in the six months before ``graded_on`` (nothing is stored):
    GRADE_COLUMNS, then enterprise_key, role, occasion (half_year on 1 Jan/1 Jul, else on_demand) and
    inputs (the values judged, as a dict)."""
    values, start, end, months = _values(session, graded_on, config)
    judged = verdicts(values, config)
    rank = judged.apply(lambda col: col.map(RANK)).min(axis=1) if len(judged) else pd.Series(dtype="int64")
    grade = rank.map({0: "red", 1: "yellow"}).fillna("green").astype("str")
    occasion = occasion or ("half_year" if graded_on == half_year_date(graded_on) else "on_demand")
    inputs_json = [{k: (None if v is None or v is pd.NA else (v.item() if isinstance(v, np.generic) else v))
                    for k, v in r.items()} | {"months": months, "projects": int(p)}
                   for r, p in zip(values[list(INPUTS)].astype(object).to_dict("records"), values["projects"],
                                   strict=True)]
    out = pd.DataFrame({
        "enterprise_uscc": values["enterprise_uscc"].to_numpy(), "enterprise_name": values["enterprise_name"]
        .to_numpy(), "grade": grade.to_numpy(), "graded_on": graded_on, "period_start": start, "period_end": end,
        "next_inspection": _next_inspection(graded_on, grade, config).to_numpy(),
        "reasons": _reasons(values, judged, config), "enterprise_key": values.index.to_numpy(),
        "role": values["role"].to_numpy(), "occasion": occasion, "inputs": inputs_json,
    }, index=range(len(values)))
    return out[[*GRADE_COLUMNS, *EXTRA_COLUMNS]]


def store_grades(session: Session, grades: pd.DataFrame) -> int:
    """Store grades; a grade of the same enterprise on the same date is replaced (a regrade)."""
    if grades.empty:
        return 0
    t = EnterpriseGrade.__table__  # type: ignore[attr-defined]
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for r in grades.to_dict("records"):
        rows.append({c: (None if r[c] is pd.NA or (isinstance(r[c], float) and np.isnan(r[c])) else r[c])
                     for c in (*GRADE_COLUMNS, *EXTRA_COLUMNS)} | {"created_at": now})
    days: set[dt.date] = {r["graded_on"] for r in rows}
    for day in sorted(days):
        keys = [r["enterprise_key"] for r in rows if r["graded_on"] == day]
        session.execute(delete(t).where(t.c.graded_on == day, t.c.enterprise_key.in_(keys)))
    session.execute(insert(t), rows)
    return len(rows)


def _stored(session: Session, since: dt.date, until: dt.date) -> pd.DataFrame:
    t = EnterpriseGrade.__table__  # type: ignore[attr-defined]
    stmt = select(*[t.c[c] for c in (*GRADE_COLUMNS, *EXTRA_COLUMNS)]).where(
        t.c.graded_on >= since, t.c.graded_on <= until).order_by(t.c.graded_on)
    frame = pd.read_sql(stmt, session.connection())
    for col in ("graded_on", "period_start", "period_end", "next_inspection"):
        frame[col] = pd.to_datetime(frame[col]).dt.date.astype(object).where(frame[col].notna(), None)
    return frame.drop_duplicates("enterprise_key", keep="last")


def current_grades(session: Session, as_of: dt.date | None = None, *,
                   config: OversightConfig = DEFAULT) -> pd.DataFrame:
    """The grade in force on ``as_of`` (default today) per enterprise: the latest grade stored since the
    last half-year date (1 Jan/1 Jul), else the half-year grade computed from the store as it is.

    Columns: [enterprise_uscc, enterprise_name, grade, graded_on, period_start, period_end,
    next_inspection, reasons], then enterprise_key, role, occasion, inputs.
    """
    day = as_of or dt.date.today()
    regular = half_year_date(day)
    stored = _stored(session, regular, day)
    computed = grade_enterprises(session, regular, config=config)
    computed = computed[~computed["enterprise_key"].isin(stored["enterprise_key"])]
    frames = [f for f in (stored, computed) if len(f)]
    if not frames:
        return computed.reset_index(drop=True)
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)
    order = out["grade"].map(RANK)
    return (out.assign(_rank=order).sort_values(["_rank", "enterprise_name"], kind="stable")
            .drop(columns="_rank").reset_index(drop=True))
