"""The 安薪指数 and level of groups of project-months: per general contractor, township, sector and month.

``rules.md`` "Indices": enterprises and townships aggregate by the owed-weighted mean of their
project-months' indices, Σ(index × payable) ÷ Σ payable, 100 when nothing is owed (nothing can be late).
A group's level uses the thresholds of a project-month's (``validators.config.RuleConfig``): red below 80
or with any critical finding, yellow below 95 or with any high finding, green otherwise. The comparison is
made on the index rounded to one decimal, in integer tenths, so a group at exactly 95.0 is green.

Every function reads one query and aggregates in pandas; a group whose projects have no project file is
``unknown`` (township, sector) or carries no enterprise (contractor), rather than disappearing.

A project-month's stored figures are not split by subcontractor, so ``by_subcontractor`` rebuilds them
from its own workers (the roster's employer column): payable = Σ payroll net of its workers, covered =
payable − the amounts of its workers' open CARD-UNPAID, CARD-SHORT, CARD-LATE and CARD-NOT-OWN findings
(what was not paid to their own card by the due date), the penalty from the distinct critical and high
rules among its workers' findings, then the same owed-weighted mean over its projects. Workers owed an
estimate without a payroll line (PAY-MISSING) are not in its payable: an approximation, documented in
docs/grading.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from four_real.store.models import DataVersion, Enterprise, PayrollLine, Project, ProjectMonth
from validators.config import RuleConfig
from validators.figures import anxin_tenths, group_index_tenths, index_tenths, levels

__all__ = ["COLUMNS", "UNKNOWN", "by_enterprise", "by_month", "by_sector", "by_subcontractor", "by_township",
           "group_figures", "project_months"]

COLUMNS = ["projects", "payable", "unpaid", "anxin_index", "level"]
UNKNOWN = "unknown"


def project_months(session: Session, months: list[str] | None = None) -> pd.DataFrame:
    """Project-months joined to their project and general contractor (money in fen)."""
    pm, p, e = (ProjectMonth.__table__, Project.__table__, Enterprise.__table__)  # type: ignore[attr-defined]
    stmt = (select(pm.c.project_code, pm.c.month, pm.c.due_date, pm.c.status, pm.c.payable, pm.c.unpaid,
                   pm.c.anxin_index, pm.c.critical, pm.c.high, p.c.sector, p.c.township,
                   p.c.contractor, p.c.contractor_uscc, e.c.uscc.label("enterprise_uscc"),
                   e.c.name.label("enterprise_name"))
            .select_from(pm.outerjoin(p, p.c.code == pm.c.project_code)
                         .outerjoin(e, e.c.id == p.c.contractor_id)))
    if months is not None:
        stmt = stmt.where(pm.c.month.in_(months))
    frame = pd.read_sql(stmt, session.connection())
    for col in ("payable", "unpaid", "critical", "high"):
        frame[col] = frame[col].fillna(0).astype("int64")
    frame["anxin_index"] = frame["anxin_index"].astype("float64")
    for col in ("sector", "township"):
        frame[col] = frame[col].fillna(UNKNOWN).astype("str")
    # the enterprise row where the project links to one, else what the project file says
    frame["enterprise_uscc"] = frame["enterprise_uscc"].fillna(frame["contractor_uscc"]).astype("str")
    frame["enterprise_name"] = frame["enterprise_name"].fillna(frame["contractor"]).astype("str")
    frame["due_date"] = pd.to_datetime(frame["due_date"]).dt.date
    return frame.drop(columns=["contractor", "contractor_uscc"])


def group_figures(frame: pd.DataFrame, keys: list[str], config: RuleConfig | None = None) -> pd.DataFrame:
    """[keys…, projects, payable, unpaid, anxin_index, level] of ``frame``'s project-months per group."""
    cfg = config or RuleConfig()
    if frame.empty:
        return pd.DataFrame({**{k: pd.Series(dtype="str") for k in keys},
                             "projects": pd.Series(dtype="int64"), "payable": pd.Series(dtype="int64"),
                             "unpaid": pd.Series(dtype="int64"), "anxin_index": pd.Series(dtype="float64"),
                             "level": pd.Series(dtype="str")})
    work = frame.assign(weighted=index_tenths(frame["anxin_index"]) * frame["payable"].to_numpy())
    out = (work.groupby(keys, sort=True, dropna=False)
           .agg(projects=("project_code", "nunique"), payable=("payable", "sum"), unpaid=("unpaid", "sum"),
                weighted=("weighted", "sum"), critical=("critical", "sum"), high=("high", "sum"))
           .reset_index())
    tenths = group_index_tenths(out["weighted"], out["payable"])
    out["anxin_index"] = tenths / 10
    out["level"] = pd.Series(levels(tenths, out["critical"].to_numpy(), out["high"].to_numpy(), cfg),
                             dtype="str")
    for col in ("projects", "payable", "unpaid"):
        out[col] = out[col].astype("int64")
    return out[[*keys, *COLUMNS]]


def _one_month(month: str | None) -> list[str] | None:
    return None if month is None else [month]


def by_township(session: Session, month: str | None) -> pd.DataFrame:
    """[township, projects, payable, unpaid, anxin_index, level] of one wage month (all months if None)."""
    return group_figures(project_months(session, _one_month(month)), ["township"])


def by_sector(session: Session, month: str | None) -> pd.DataFrame:
    """[sector, projects, payable, unpaid, anxin_index, level] of one wage month (all months if None)."""
    return group_figures(project_months(session, _one_month(month)), ["sector"])


def by_enterprise(session: Session, month: str | None) -> pd.DataFrame:
    """[enterprise_uscc, enterprise_name, projects, …] per general contractor; projects without a project
    file (so without a contractor) are left out, since no enterprise can answer for them."""
    frame = project_months(session, _one_month(month))
    frame = frame[frame["enterprise_uscc"].notna() | frame["enterprise_name"].notna()]
    return group_figures(frame, ["enterprise_uscc", "enterprise_name"])


def by_month(session: Session, months: list[str] | None = None, *, key: str | None = None) -> pd.DataFrame:
    """[month, (key,) projects, …]: the trend of the city, or of each township/sector when ``key`` is
    ``"township"``/``"sector"``."""
    return group_figures(project_months(session, months), ["month", *([key] if key else [])])


UNCOVERED_RULES = ("CARD-UNPAID", "CARD-SHORT", "CARD-LATE", "CARD-NOT-OWN")


def _payroll_net(session: Session, month: str) -> pd.DataFrame:
    """[project_code, id_number, net] of the current payroll lines of ``month``."""
    line, v = PayrollLine.__table__, DataVersion.__table__  # type: ignore[attr-defined]
    stmt = (select(line.c.project_code, line.c.id_number, line.c.net)
            .join(v, v.c.id == line.c.version_id)
            .where(v.c.superseded_at.is_(None), line.c.month == month))
    frame = pd.read_sql(stmt, session.connection())
    frame["net"] = frame["net"].fillna(0).astype("int64")
    return frame


def by_subcontractor(session: Session, month: str, config: RuleConfig | None = None) -> pd.DataFrame:
    """[enterprise_key, enterprise_name, projects, payable, unpaid, anxin_index, level] per subcontractor
    (roster employer) for one wage month, rebuilt from its own workers (see the module docstring)."""
    import datetime as dt

    from four_real.oversight import inputs

    cfg = config or RuleConfig()
    roster = inputs.roster(session)[["project_code", "id_number", "enterprise_key", "enterprise_name"]]
    roster = roster.drop_duplicates(["project_code", "id_number"])
    owed = _payroll_net(session, month).merge(roster, on=["project_code", "id_number"], how="inner")
    found = inputs.findings(session, [month], dt.date.max)
    found = found[found["role"].eq("sub")]
    keys = ["enterprise_key", "project_code"]
    per = owed.groupby(keys).agg(payable=("net", "sum"), enterprise_name=("enterprise_name", "first"))
    uncovered = found[found["rule"].isin(UNCOVERED_RULES)].groupby(keys)["amount"].sum()
    unpaid = found[found["rule"].isin(inputs.ARREARS_RULES)].groupby(keys)["amount"].sum()
    rules = {s: found[found["severity"].eq(s)].groupby(keys)["rule"].nunique() for s in ("critical", "high")}
    per = per.join(uncovered.rename("uncovered")).join(unpaid.rename("unpaid"))
    per = per.join(rules["critical"].rename("rules_critical")).join(rules["high"].rename("rules_high"))
    per = per.fillna({"uncovered": 0, "unpaid": 0, "rules_critical": 0, "rules_high": 0}).reset_index()
    pm = ProjectMonth.__table__  # type: ignore[attr-defined]
    status = pd.read_sql(select(pm.c.project_code, pm.c.status).where(pm.c.month == month), session.connection())
    pending = per["project_code"].map(status.set_index("project_code")["status"]).eq("pending").to_numpy()
    payable = per["payable"].to_numpy(dtype="int64")
    penalty = np.minimum(cfg.anxin_penalty_cap, cfg.anxin_penalty_critical * per["rules_critical"]
                         + cfg.anxin_penalty_high * per["rules_high"]).to_numpy(dtype="float64")
    tenths = anxin_tenths(payable - per["uncovered"].to_numpy(dtype="int64"), payable, pending,
                          np.round(penalty * 10).astype("int64"))
    frame = per.assign(anxin_index=tenths / 10, critical=per["rules_critical"].astype("int64"),
                       high=per["rules_high"].astype("int64"), unpaid=per["unpaid"].astype("int64"))
    return group_figures(frame, ["enterprise_key", "enterprise_name"], cfg)
