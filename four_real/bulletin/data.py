"""Every figure of the bulletin, gathered from the store into plain frames before anything is drawn.

Two queries on the store (the project-months of the six months ending at the bulletin's month, joined to
their projects; the month's open findings), aggregated in pandas, plus the frames of the oversight and
warning modules (:mod:`four_real.bulletin.sources`). The workbook and the page are both written from the
:class:`Bulletin` this returns, so they show the same numbers.

Choices the issue left open:
- the 安薪指数 of a group (city, sector, township, month) is Σ(index × payable) ÷ Σ payable over its
  project-months (payable is Σ owed, rules.md "Indices"), 100 when nothing is owed, rounded half up to
  one decimal; a group's **level** follows a project-month's rule (red below 80 or with any critical
  finding, yellow below 95 or with any high finding), as ``four_real.oversight.aggregates`` has it, and
  how many of its project-months are red, yellow and green is shown beside it;
- **workers affected** are the distinct workers with an open CARD-UNPAID or CARD-SHORT finding in the
  month: the workers whose arrears make up the month's arrears;
- **as of** defaults to the date the month was last reconciled, so grades, leads and warnings are counted
  on the same day as the money.
Money stays integer fen in the frames.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Engine, select

from four_real.bulletin.labels import LEVEL_ORDER, SECTOR_ORDER
from four_real.bulletin.sources import (
    UNKNOWN,
    External,
    Externals,
    closure_percent,
    gather_externals,
    open_warnings,
    overdue_leads,
    red_grades,
)
from four_real.store.models import Finding, Project, ProjectMonth
from validators.catalogue import RULES, SEVERITY_ORDER
from validators.config import RuleConfig
from validators.figures import group_index_tenths, index_tenths, levels

TREND_MONTHS = 6
TOP = 10
ARREARS_RULES = ("CARD-UNPAID", "CARD-SHORT")
GROUP_COLUMNS = ["projects", "workers", "payable", "unpaid", "affected", "anxin_index", "level", *LEVEL_ORDER,
                 "warnings_open", "warnings_overdue"]
RISKY_COLUMNS = ["project_code", "name", "sector", "township", "contractor", "workers", "payable", "unpaid",
                 "anxin_index", "level", "risk_score", "findings", "rules"]


class NoFigures(LookupError):
    """The month has no reconciled project-months: there is nothing to report."""

    def __init__(self, month: str) -> None:
        self.month = month
        super().__init__(f"{month} 没有核查结果，请先运行 four-real reconcile --month {month} / no reconciled "
                         f"figures for {month}; run four-real reconcile --month {month} first")


@dataclass(frozen=True)
class Headline:
    """Section 1: the month in one line."""

    projects: int
    pending: int  # project-months not yet due: no arrears can exist in them
    workers: int
    payable: int
    paid: int
    unpaid: int
    underpaid: int
    affected: int
    anxin_index: float
    levels: dict[str, int]
    findings: dict[str, int]  # open findings by severity, most severe first
    warnings_open: int | None = None  # None: no warning source in this installation
    warnings_overdue: int | None = None
    leads: int | None = None
    leads_closed: int | None = None
    leads_overdue: int | None = None

    @property
    def closure_rate(self) -> float | None:
        """办结率 in percent; None without a lead source, 100 when there were no leads."""
        if self.leads is None or self.leads_closed is None:
            return None
        return 100.0 if self.leads == 0 else round(100 * self.leads_closed / self.leads, 1)


@dataclass(frozen=True)
class Bulletin:
    month: str
    as_of: dt.date
    months: list[str]  # the trend window, oldest first, ending at ``month``
    headline: Headline
    by_sector: pd.DataFrame  # indexed by sector code, GROUP_COLUMNS
    by_township: pd.DataFrame  # indexed by township, GROUP_COLUMNS
    trend_city: pd.DataFrame  # indexed by month: projects, payable, unpaid, anxin_index (NA: no data)
    trend_sector: pd.DataFrame  # indexed by month, columns (measure, sector): unpaid, anxin_index
    riskiest: pd.DataFrame  # RISKY_COLUMNS
    red_enterprises: External
    overdue_leads: External
    closure: External  # per township: leads, closed, closed_in_time, closure_rate (percent), overdue
    warnings: External
    aggregates_from: list[str] = field(default_factory=list)  # external aggregates used for sections 2–3
    made_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))


def trend_window(month: str, n: int = TREND_MONTHS) -> list[str]:
    return [str(p) for p in pd.period_range(end=pd.Period(month, freq="M"), periods=n, freq="M")]


def weighted_index(weighted_tenths: int, payable: int) -> float:
    """A group's index to one decimal from Σ(index in tenths × payable) and Σ payable
    (:func:`validators.figures.group_index_tenths`)."""
    return float(group_index_tenths([weighted_tenths], [payable])[0]) / 10


def _indices(weighted: pd.Series, payable: pd.Series) -> list[float]:
    return (group_index_tenths(weighted, payable) / 10).tolist()


def level_of(index: float, critical: int = 0, high: int = 0, config: RuleConfig | None = None) -> str:
    """A group's level by the project-month rule (rules.md "Indices"), on the index in integer tenths."""
    return str(levels(index_tenths([index]), [critical], [high], config or RuleConfig())[0])


def gather(engine: Engine, *, month: str, as_of: dt.date | None = None) -> Bulletin:
    """Everything the bulletin of ``month`` shows; raises :class:`NoFigures` when the month was never judged."""
    months = trend_window(month)
    pm = _project_months(engine, months)
    current = pm[pm["month"].eq(month)]
    if current.empty:
        raise NoFigures(month)
    day = as_of or max(current["as_of"])
    findings = _open_findings(engine, month).merge(current[["project_code", "sector", "township"]],
                                                   on="project_code", how="inner")
    ext = gather_externals(engine, month=month, as_of=day)
    headline = _headline(current, findings, ext)
    by_sector = _groups(current, findings, "sector", ext.warnings)
    by_sector = by_sector.reindex([*[s for s in SECTOR_ORDER if s in by_sector.index],
                                   *sorted(s for s in by_sector.index if s not in SECTOR_ORDER)])
    by_township = _groups(current, findings, "township", ext.warnings).sort_values(
        ["unpaid", "projects"], ascending=False, kind="stable")
    used = []
    for frame, agg in ((by_sector, ext.by_sector), (by_township, ext.by_township)):
        if agg.frame is not None:
            _take_aggregates(frame, agg.frame)
            used.append(agg.source)
    return Bulletin(
        month=month, as_of=day, months=months, headline=headline, by_sector=by_sector, by_township=by_township,
        trend_city=_trend_city(pm, months), trend_sector=_trend_sector(pm, months),
        riskiest=_riskiest(current, findings), red_enterprises=red_grades(ext.grades),
        overdue_leads=overdue_leads(ext.leads), closure=closure_percent(ext.closure), warnings=ext.warnings,
        aggregates_from=used)


def _project_months(engine: Engine, months: list[str]) -> pd.DataFrame:
    pm, p = ProjectMonth.__table__, Project.__table__  # type: ignore[attr-defined]
    stmt = (select(pm.c.project_code, pm.c.month, pm.c.status, pm.c.workers, pm.c.payable, pm.c.paid, pm.c.unpaid,
                   pm.c.underpaid, pm.c.anxin_index, pm.c.level, pm.c.risk_score, pm.c.critical, pm.c.high,
                   pm.c.as_of, p.c.name, p.c.sector, p.c.township, p.c.contractor)
            .select_from(pm.outerjoin(p, p.c.code == pm.c.project_code))
            .where(pm.c.month.in_(months)))
    with engine.connect() as conn:
        frame = pd.read_sql(stmt, conn)
    ints = ["workers", "payable", "paid", "unpaid", "underpaid", "risk_score", "critical", "high"]
    frame[ints] = frame[ints].fillna(0).astype("int64")
    frame["anxin_index"] = frame["anxin_index"].astype("float64")
    for col in ("sector", "township"):
        frame[col] = frame[col].fillna(UNKNOWN).astype("str")
    # index × payable in integer tenths: the index is recorded to a tenth (validators.figures), and the
    # product stays far inside int64 (1000 × a billion yuan in fen)
    frame["weighted"] = index_tenths(frame["anxin_index"]) * frame["payable"].to_numpy()
    return frame


def _open_findings(engine: Engine, month: str) -> pd.DataFrame:
    f = Finding.__table__  # type: ignore[attr-defined]
    stmt = (select(f.c.project_code, f.c.rule, f.c.severity, f.c.worker_id)
            .where(f.c.status == "open", f.c.month == month))
    with engine.connect() as conn:
        return pd.read_sql(stmt, conn)


def _affected(findings: pd.DataFrame) -> pd.DataFrame:
    return findings[findings["rule"].isin(ARREARS_RULES) & findings["worker_id"].notna()]


def _headline(current: pd.DataFrame, findings: pd.DataFrame, ext: Externals) -> Headline:
    levels = current["level"].value_counts()
    severity = findings["severity"].value_counts()
    order = sorted(SEVERITY_ORDER, key=SEVERITY_ORDER.__getitem__, reverse=True)
    warnings = open_warnings(ext.warnings)
    leads = ext.closure.frame
    return Headline(
        projects=int(current["project_code"].nunique()), pending=int(current["status"].eq("pending").sum()),
        workers=int(current["workers"].sum()), payable=int(current["payable"].sum()),
        paid=int(current["paid"].sum()), unpaid=int(current["unpaid"].sum()),
        underpaid=int(current["underpaid"].sum()), affected=int(_affected(findings)["worker_id"].nunique()),
        anxin_index=weighted_index(int(current["weighted"].sum()), int(current["payable"].sum())),
        levels={lv: int(levels.get(lv, 0)) for lv in LEVEL_ORDER},
        findings={s: int(severity.get(s, 0)) for s in order},
        warnings_open=None if warnings is None else int(warnings["count"].sum()),
        warnings_overdue=None if warnings is None else int(warnings.loc[warnings["overdue"], "count"].sum()),
        leads=None if leads is None else int(leads["leads"].sum()),
        leads_closed=None if leads is None else int(leads["closed"].sum()),
        leads_overdue=None if leads is None else int(leads["overdue"].sum()),
    )


def _groups(current: pd.DataFrame, findings: pd.DataFrame, col: str, warnings: External) -> pd.DataFrame:
    g = current.groupby(col, sort=True)
    out = g.agg(projects=("project_code", "nunique"), workers=("workers", "sum"), payable=("payable", "sum"),
                unpaid=("unpaid", "sum"), weighted=("weighted", "sum"), critical=("critical", "sum"),
                high=("high", "sum"))
    out["affected"] = (_affected(findings).groupby(col)["worker_id"].nunique()
                       .reindex(out.index, fill_value=0).astype("int64"))
    out["anxin_index"] = _indices(out["weighted"], out["payable"])
    out["level"] = pd.Series([level_of(i, c, h) for i, c, h in zip(out["anxin_index"], out["critical"], out["high"],
                                                                   strict=True)], index=out.index, dtype="str")
    levels = pd.crosstab(current[col], current["level"]).reindex(index=out.index, columns=list(LEVEL_ORDER),
                                                                 fill_value=0)
    out = out.join(levels.astype("int64"))
    w = open_warnings(warnings)
    if w is None:
        out["warnings_open"] = pd.array([pd.NA] * len(out), dtype="Int64")
        out["warnings_overdue"] = pd.array([pd.NA] * len(out), dtype="Int64")
    else:
        out["warnings_open"] = w.groupby(col)["count"].sum().reindex(out.index, fill_value=0).astype("Int64")
        out["warnings_overdue"] = (w[w["overdue"]].groupby(col)["count"].sum()
                                   .reindex(out.index, fill_value=0).astype("Int64"))
    out.index.name = col
    return out[GROUP_COLUMNS]


def _take_aggregates(frame: pd.DataFrame, agg: pd.DataFrame) -> None:
    """Sections 2–3 take projects, payable, arrears, index and level from the oversight aggregates."""
    key = frame.index.name
    theirs = agg.set_index(key) if key in agg.columns else agg.set_index(agg.columns[0])
    for col in ("projects", "payable", "unpaid", "anxin_index", "level"):
        if col in theirs.columns:
            frame[col] = theirs[col].reindex(frame.index).fillna(frame[col]).astype(frame[col].dtype)


def _trend_city(pm: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    g = pm.groupby("month")
    out = g.agg(projects=("project_code", "nunique"), payable=("payable", "sum"), unpaid=("unpaid", "sum"),
                weighted=("weighted", "sum"))
    out["anxin_index"] = _indices(out["weighted"], out["payable"])
    out = out.drop(columns="weighted").reindex(months)
    out["projects"] = out["projects"].fillna(0).astype("int64")
    out[["payable", "unpaid"]] = out[["payable", "unpaid"]].astype("Int64")
    out.index.name = "month"
    return out


def _trend_sector(pm: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    g = pm.groupby(["month", "sector"])
    out = g.agg(unpaid=("unpaid", "sum"), payable=("payable", "sum"), weighted=("weighted", "sum"))
    out["anxin_index"] = _indices(out["weighted"], out["payable"])
    wide = out[["unpaid", "anxin_index"]].unstack("sector")
    sectors = [s for s in SECTOR_ORDER if s in pm["sector"].unique()] + sorted(
        s for s in pm["sector"].unique() if s not in SECTOR_ORDER)
    wide = wide.reindex(index=months, columns=pd.MultiIndex.from_product([["unpaid", "anxin_index"], sectors]))
    wide["unpaid"] = wide["unpaid"].astype("Int64")
    wide.index.name = "month"
    return wide


def _riskiest(current: pd.DataFrame, findings: pd.DataFrame) -> pd.DataFrame:
    """The month's ten highest risk scores; a project scoring 0 is not risky and is left out."""
    top = current[current["risk_score"].gt(0)].sort_values(["risk_score", "unpaid", "project_code"],
                                                           ascending=[False, False, True], kind="stable").head(TOP)
    f = findings[findings["project_code"].isin(top["project_code"])]
    counts = f.groupby("project_code").size()
    rank = f.assign(rank=f["severity"].map(SEVERITY_ORDER).fillna(0)).drop_duplicates(["project_code", "rule"])
    rank = rank.sort_values(["project_code", "rank", "rule"], ascending=[True, False, True])
    rules = rank.groupby("project_code")["rule"].agg(list)
    top = top.assign(findings=top["project_code"].map(counts).fillna(0).astype("int64"),
                     rules=top["project_code"].map(rules))
    top["rules"] = [r if isinstance(r, list) else [] for r in top["rules"]]
    return top.reset_index(drop=True)[RISKY_COLUMNS]


def rule_name(code: str) -> tuple[str, str]:
    rule = RULES.get(code)
    return (rule.name_zh, rule.name_en) if rule else (code, code)
