"""The city summary: what a human-resources bureau reads first after a reconciliation.

Everything comes from two queries on the store (the project-months the last run scored, joined to their
projects, and the open findings), each read by pandas in one go and aggregated in frames, so a city of a
thousand projects costs the same two queries as a demo of forty.

Choices the spec leaves open (``rules.md`` "Indices" fixes only the owed-weighted mean):
- a project's **level** over several months is its worst month's (a bureau inspects a project that was red
  in any of them), and its **risk** is its highest month's;
- a project's **workers** is its largest monthly headcount (the same people work month after month, so
  adding months would count them twice);
- the 安薪指数 of a group is Σ(index × owed) ÷ Σ owed over its project-months, 100 when nothing is owed.
Money is integer fen throughout.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, func, select

from four_real.store.models import Finding, Project, ProjectMonth
from validators.figures import group_index_tenths, index_tenths

SECTOR_ORDER = ("housing", "transport", "water")
LEVELS = ("red", "yellow", "green")
SEVERITIES = ("critical", "high", "medium", "low")
UNKNOWN = "unknown"  # a project-month whose project file never arrived has no sector or township
GROUP_COLUMNS = ["projects", "workers", "payable", "paid", "unpaid", "underpaid", "anxin_index",
                 *LEVELS, "findings"]
RISKY_COLUMNS = ["project_code", "name", "sector", "township", "contractor", "workers", "payable", "unpaid",
                 "underpaid", "anxin_index", "level", "risk_score", "findings"]
TOP = 10


@dataclass(frozen=True)
class CitySummary:
    """Frames of the summary. ``by_sector``/``by_township`` are indexed by the group and hold
    GROUP_COLUMNS; ``riskiest`` holds RISKY_COLUMNS; ``findings`` is indexed by severity (SEVERITIES
    order) with ``findings`` (open findings) and ``projects`` (projects with one)."""

    months: list[str]
    projects: int
    workers: int
    payable: int
    paid: int
    unpaid: int
    underpaid: int
    anxin_index: float
    by_sector: pd.DataFrame
    by_township: pd.DataFrame
    riskiest: pd.DataFrame
    findings: pd.DataFrame

    @property
    def empty(self) -> bool:
        return self.projects == 0


def city_summary(engine: Engine, *, months: Sequence[str] | None = None) -> CitySummary:
    """The summary of the project-months in the store (of ``months`` only, when given)."""
    pm = _project_months(engine, months)
    open_findings = _open_findings(engine, months)
    per_project = _per_project(pm, open_findings)
    severity = (open_findings.groupby("severity")
                .agg(findings=("n", "sum"), projects=("project_code", "nunique"))
                .reindex(list(SEVERITIES), fill_value=0).astype("int64"))
    severity.index.name = "severity"
    sectors = _by(per_project, "sector")
    sectors = sectors.reindex([*[s for s in SECTOR_ORDER if s in sectors.index],
                               *sorted(s for s in sectors.index if s not in SECTOR_ORDER)])
    townships = _by(per_project, "township").sort_values(["unpaid", "projects"], ascending=False, kind="stable")
    riskiest = (per_project.sort_values(["risk_score", "unpaid", "project_code"], ascending=[False, False, True],
                                        kind="stable")
                .head(TOP).reset_index(drop=True)[RISKY_COLUMNS])
    return CitySummary(
        months=sorted(pm["month"].unique().tolist()), projects=len(per_project),
        workers=int(per_project["workers"].sum()), payable=int(pm["payable"].sum()), paid=int(pm["paid"].sum()),
        unpaid=int(pm["unpaid"].sum()), underpaid=int(pm["underpaid"].sum()),
        anxin_index=_weighted(pm["weighted"].sum(), pm["payable"].sum()),
        by_sector=sectors, by_township=townships, riskiest=riskiest, findings=severity,
    )


def _project_months(engine: Engine, months: Sequence[str] | None) -> pd.DataFrame:
    pm, p = ProjectMonth.__table__, Project.__table__  # type: ignore[attr-defined]
    stmt = (select(pm.c.project_code, pm.c.month, pm.c.workers, pm.c.payable, pm.c.paid, pm.c.unpaid,
                   pm.c.underpaid, pm.c.anxin_index, pm.c.level, pm.c.risk_score, p.c.name, p.c.sector,
                   p.c.township, p.c.contractor)
            .select_from(pm.outerjoin(p, p.c.code == pm.c.project_code)))
    if months:
        stmt = stmt.where(pm.c.month.in_(list(months)))
    with engine.connect() as conn:
        frame = pd.read_sql(stmt, conn)
    money = ["workers", "payable", "paid", "unpaid", "underpaid", "risk_score"]
    frame[money] = frame[money].fillna(0).astype("int64")
    frame["anxin_index"] = frame["anxin_index"].astype("float64")
    for col in ("sector", "township"):
        frame[col] = frame[col].fillna(UNKNOWN).astype("str")
    frame["rank"] = frame["level"].map({lv: i for i, lv in enumerate(LEVELS)}).fillna(len(LEVELS) - 1)
    frame["weighted"] = index_tenths(frame["anxin_index"]) * frame["payable"].to_numpy()
    return frame


def _open_findings(engine: Engine, months: Sequence[str] | None) -> pd.DataFrame:
    """Open findings counted per (project, severity)."""
    f = Finding.__table__  # type: ignore[attr-defined]
    stmt = (select(f.c.project_code, f.c.severity, func.count().label("n"))
            .where(f.c.status == "open").group_by(f.c.project_code, f.c.severity))
    if months:
        stmt = stmt.where(f.c.month.in_(list(months)))
    with engine.connect() as conn:
        frame = pd.read_sql(stmt, conn)
    frame["n"] = frame["n"].astype("int64")
    return frame


def _per_project(pm: pd.DataFrame, findings: pd.DataFrame) -> pd.DataFrame:
    per = pm.groupby("project_code", sort=True).agg(
        name=("name", "first"), sector=("sector", "first"), township=("township", "first"),
        contractor=("contractor", "first"), workers=("workers", "max"), payable=("payable", "sum"),
        paid=("paid", "sum"), unpaid=("unpaid", "sum"), underpaid=("underpaid", "sum"),
        weighted=("weighted", "sum"), rank=("rank", "min"), risk_score=("risk_score", "max"))
    per["level"] = per["rank"].map(dict(enumerate(LEVELS))).astype("str")
    per["anxin_index"] = group_index_tenths(per["weighted"], per["payable"]) / 10
    counts = findings.groupby("project_code")["n"].sum()
    per["findings"] = counts.reindex(per.index, fill_value=0).astype("int64")
    return per.reset_index()


def _by(per: pd.DataFrame, col: str) -> pd.DataFrame:
    """Projects grouped by sector or township: sums, the owed-weighted index, projects per worst level."""
    g = per.groupby(col, sort=True)
    out = g.agg(projects=("project_code", "size"), workers=("workers", "sum"), payable=("payable", "sum"),
                paid=("paid", "sum"), unpaid=("unpaid", "sum"), underpaid=("underpaid", "sum"),
                weighted=("weighted", "sum"), findings=("findings", "sum"))
    out["anxin_index"] = group_index_tenths(out["weighted"], out["payable"]) / 10
    levels = pd.crosstab(per[col], per["level"]).reindex(index=out.index, columns=list(LEVELS), fill_value=0)
    out = out.join(levels.astype("int64"))
    out.index.name = col
    return out[GROUP_COLUMNS]


def _weighted(weighted: int, payable: int) -> float:
    """Σ index × owed ÷ Σ owed to one decimal (:func:`validators.figures.group_index_tenths`)."""
    return float(group_index_tenths([weighted], [payable])[0]) / 10
