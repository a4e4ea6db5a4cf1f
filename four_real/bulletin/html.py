"""The bulletin as one self-contained HTML page: styles inline, charts as inline SVG, no script, nothing
fetched, so it opens from a mail attachment or a USB stick and prints on A4 (a section per page).

Everything shown is formatted here from the :class:`~four_real.bulletin.data.Bulletin` (money from integer
fen, indices to one decimal); the template (``templates/bulletin.html.j2``) only lays it out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from four_real.bulletin import charts
from four_real.bulletin.charts import Bar, Series
from four_real.bulletin.data import Bulletin, rule_name
from four_real.bulletin.labels import (
    ANXIN_TARGET,
    CLOSURE_TARGET,
    GRADES,
    LEAD_SOURCES,
    LEVELS,
    SEVERITIES,
    money,
    month_en,
    month_zh,
    reasons_text,
    sector_en,
    sector_zh,
    wan,
)
from validators.config import RuleConfig

TEMPLATES = Path(__file__).parent / "templates"
NONE = "—"


def _env() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render_html(b: Bulletin) -> str:
    return _env().get_template("bulletin.html.j2").render(**context(b))


def write_html(b: Bulletin, path: Path) -> None:
    path.write_text(render_html(b), encoding="utf-8")


def _index(v: object) -> str:
    return NONE if v is None or pd.isna(v) else f"{float(v):.1f}"  # type: ignore[arg-type]


def _count(v: object) -> str:
    return NONE if v is None or pd.isna(v) else str(int(v))  # type: ignore[call-overload]


def _money(v: object) -> str:
    return NONE if v is None or pd.isna(v) else money(v)  # type: ignore[arg-type]


def _date(v: object) -> str:
    return NONE if v is None or pd.isna(v) else str(v)[:10]  # type: ignore[arg-type]


def _text(v: object) -> str:
    return NONE if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)  # type: ignore[arg-type]


def _wan(fen: object) -> float:
    return 0.0 if fen is None or pd.isna(fen) else int(fen) / 1_000_000  # type: ignore[call-overload]


def _group_rows(frame: pd.DataFrame, sectors: bool) -> list[dict[str, Any]]:
    rows = []
    for key, r in frame.to_dict("index").items():
        rows.append({
            "zh": sector_zh(key) if sectors else str(key), "en": sector_en(key) if sectors else "",
            "projects": _count(r["projects"]), "workers": _count(r["workers"]), "payable": _money(r["payable"]),
            "unpaid": _money(r["unpaid"]), "affected": _count(r["affected"]), "index": _index(r["anxin_index"]),
            "level": str(r["level"]), "red": _count(r["red"]), "yellow": _count(r["yellow"]),
            "green": _count(r["green"]), "warnings_open": _count(r["warnings_open"]),
            "warnings_overdue": _count(r["warnings_overdue"])})
    return rows


def _group_chart(cid: str, title: str, frame: pd.DataFrame, sectors: bool) -> Markup:
    bars = [Bar(label=sector_zh(k) if sectors else str(k), value=_wan(r["unpaid"]), text=f"{wan(r['unpaid'])} 万元",
                level=str(r["level"])) for k, r in frame.to_dict("index").items()]
    return Markup(charts.hbars(cid, title, bars, axis="欠薪（万元，按等级着色） Arrears, 10k yuan, shaded by level"))


def _trend(b: Bulletin) -> dict[str, Any]:
    city, by = b.trend_city, b.trend_sector
    sectors = list(by["unpaid"].columns)
    has = city["projects"].gt(0).tolist()
    stacked = [Series(name=f"{sector_zh(s)} {sector_en(s)}",
                      values=[_wan(v) if h else None for v, h in zip(by["unpaid"][s], has, strict=True)],
                      labels=[_money(v) for v in by["unpaid"][s]]) for s in sectors]
    totals = [f"{wan(v)}" if h else None for v, h in zip(city["unpaid"], has, strict=True)]
    arrears = charts.stacked_columns("chart-trend-arrears", "近六个月欠薪金额 Arrears over six months", b.months,
                                     stacked, axis="欠薪（万元） Arrears, 10k yuan", totals=totals,
                                     empty_text="无数据\nno data")

    def values(col: pd.Series) -> list[float | None]:
        return [None if pd.isna(v) else float(v) for v in col]

    red_line = RuleConfig().level_red_below
    index_series = [Series(name="全市 City", values=values(city["anxin_index"])),
                    *[Series(name=f"{sector_zh(s)} {sector_en(s)}", values=values(by["anxin_index"][s]))
                      for s in sectors]]
    index = charts.lines("chart-trend-index", "近六个月安薪指数 安薪指数 over six months", b.months, index_series,
                         axis="安薪指数 index", refs=[(ANXIN_TARGET, f"目标 {ANXIN_TARGET:.0f} target"),
                               (red_line, f"红线 {red_line:.0f} red")])
    rows = []
    for m, r in city.to_dict("index").items():
        row = {"month": m, "projects": _count(r["projects"]) if r["projects"] else NONE,
               "payable": _money(r["payable"]), "unpaid": _money(r["unpaid"]), "index": _index(r["anxin_index"]),
               "sectors": [(_money(by.loc[m, ("unpaid", s)]), _index(by.loc[m, ("anxin_index", s)]))
                           for s in sectors]}
        rows.append(row)
    return {"arrears_chart": Markup(arrears), "index_chart": Markup(index), "rows": rows,
            "sectors": [(sector_zh(s), sector_en(s)) for s in sectors]}


def _red(b: Bulletin) -> dict[str, Any]:
    ext = b.red_enterprises
    rows = [] if ext.frame is None else [
        {"name": _text(r.get("enterprise_name")), "uscc": _text(r.get("enterprise_uscc")),
         "graded_on": _date(r.get("graded_on")),
         "period": f"{_date(r.get('period_start'))} – {_date(r.get('period_end'))}",
         "next": _date(r.get("next_inspection")), "reasons": reasons_text(r.get("reasons"))}
        for r in ext.frame.to_dict("records")]
    return {"available": ext.available, "source": ext.source, "rows": rows}


def _leads(b: Bulletin) -> dict[str, Any]:
    closure, late = b.closure, b.overdue_leads
    out: dict[str, Any] = {"available": closure.available and late.available,
                           "source": f"{late.source}, {closure.source}", "chart": None, "closure": [], "late": []}
    if closure.frame is not None and late.frame is not None:
        c = closure.frame
        out["closure"] = [{"township": str(r["township"]), "leads": _count(r["leads"]), "closed": _count(r["closed"]),
                           "in_time": _count(r["closed_in_time"]), "rate": f"{r['closure_rate']:.1f}%",
                           "overdue": _count(r["overdue"])} for r in c.to_dict("records")]
        if not c.empty:
            bars = [Bar(label=str(r["township"]), value=float(r["closure_rate"]), text=f"{r['closure_rate']:.1f}%")
                    for r in c.to_dict("records")]
            out["chart"] = Markup(charts.hbars("chart-closure", "各镇街线索办结率 Closure rate by township", bars,
                                               axis="办结率（%） closure rate, %", target=CLOSURE_TARGET,
                                               target_text="目标 100%", top=100.0))
        out["late"] = [{"id": _count(r["lead_id"]), "source": LEAD_SOURCES.get(str(r["source"]), (r["source"],))[0],
                        "received": _date(r["received_on"]), "deadline": _date(r["deadline"]),
                        "township": _text(r["township"]), "project": _text(r["project_code"]),
                        "enterprise": _text(r["enterprise_name"]),
                        "amount": _money(r["amount_claimed"])} for r in late.frame.to_dict("records")]
    return out


def _riskiest(b: Bulletin) -> list[dict[str, Any]]:
    return [{"code": r["project_code"], "name": _text(r["name"]), "sector": sector_zh(r["sector"]),
             "township": r["township"], "contractor": _text(r["contractor"]), "unpaid": _money(r["unpaid"]),
             "index": _index(r["anxin_index"]), "level": r["level"], "risk": _count(r["risk_score"]),
             "findings": _count(r["findings"]),
             "rules": "；".join(rule_name(c)[0] for c in r["rules"][:4]) + ("…" if len(r["rules"]) > 4 else "")}
            for r in b.riskiest.to_dict("records")]


def context(b: Bulletin) -> dict[str, Any]:
    h = b.headline
    names = {lv: f"{zh} {en}" for lv, (zh, en) in LEVELS.items()} | {"none": "无项目 no projects"}
    split = charts.level_split("chart-levels", "项目红黄绿分布 Projects by level", h.levels, names)
    return {
        "month": b.month, "month_zh": month_zh(b.month), "month_en": month_en(b.month), "as_of": b.as_of.isoformat(),
        "made_at": b.made_at.strftime("%Y-%m-%d %H:%M UTC"),
        "h": {"projects": h.projects, "pending": h.pending, "workers": h.workers, "payable": money(h.payable),
              "paid": money(h.paid), "unpaid": money(h.unpaid), "unpaid_wan": wan(h.unpaid),
              "underpaid": money(h.underpaid), "affected": h.affected, "index": f"{h.anxin_index:.1f}",
              "on_target": h.anxin_index >= ANXIN_TARGET, "levels": h.levels, "findings": h.findings,
              "warnings_open": h.warnings_open, "warnings_overdue": h.warnings_overdue, "leads": h.leads,
              "leads_closed": h.leads_closed, "leads_overdue": h.leads_overdue,
              "closure_rate": None if h.closure_rate is None else f"{h.closure_rate:.1f}"},
        "levels": LEVELS, "grades": GRADES, "severities": SEVERITIES, "level_chart": Markup(split),
        "target": f"{ANXIN_TARGET:.0f}",
        "sectors": _group_rows(b.by_sector, True), "townships": _group_rows(b.by_township, False),
        "sector_chart": _group_chart("chart-sectors", "各行业欠薪 Arrears by sector", b.by_sector, True),
        "township_chart": _group_chart("chart-townships", "各镇街欠薪 Arrears by township", b.by_township, False),
        "warnings": {"available": b.warnings.available, "source": b.warnings.source},
        "trend": _trend(b), "red": _red(b), "leads": _leads(b), "riskiest": _riskiest(b),
        "aggregates_from": b.aggregates_from,
    }
