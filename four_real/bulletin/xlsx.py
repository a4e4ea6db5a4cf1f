"""The bulletin as an Excel workbook: one sheet per section, native Excel charts, yuan to the fen.

A bureau reuses the figures (pastes them into its own report, sums townships), so the workbook holds plain
numbers with number formats, never numbers as text. Money goes from integer fen to yuan through Decimal
and becomes a float only in the cell, where ``#,##0.00`` shows it exact. Headers are Chinese with the
English on a second line; the first sheet also has a ``key`` column naming each figure for scripts.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from four_real.bulletin.data import Bulletin, Headline, rule_name
from four_real.bulletin.labels import (
    ANXIN_TARGET,
    LEAD_SOURCES,
    LEVELS,
    SEVERITIES,
    month_en,
    month_zh,
    reasons_text,
    sector_en,
    sector_zh,
    yuan,
)

SHEETS = {"headline": "概况 Summary", "sectors": "行业 Sectors", "townships": "镇街 Townships",
          "trends": "趋势 Trends", "red": "红色企业 Red enterprises", "leads": "线索 Leads",
          "riskiest": "风险项目 Riskiest"}
NO_SOURCE = "尚无数据来源 / no data source yet"
LEVEL_FILL = {"red": "#B2182B", "yellow": "#F2C14E", "green": "#4D9A5B"}
# (key, 中文, English, kind) of the group sheets' columns after the group's name
GROUP_COLUMNS = [("projects", "项目", "projects", "int"), ("workers", "工人", "workers", "int"),
                 ("payable", "应发（元）", "payable, yuan", "money"),
                 ("unpaid", "欠薪（元）", "arrears, yuan", "money"),
                 ("affected", "涉及工人", "workers affected", "int"), ("anxin_index", "安薪指数", "index", "index"),
                 ("level", "等级", "level", "level"), ("red", "红色项目", "red", "int"),
                 ("yellow", "黄色项目", "yellow", "int"), ("green", "绿色项目", "green", "int"),
                 ("warnings_open", "预警未办结", "warnings open", "int"),
                 ("warnings_overdue", "预警逾期", "warnings overdue", "int")]


class _Formats:
    def __init__(self, wb: Workbook) -> None:
        base = {"font_name": "Microsoft YaHei", "font_size": 10, "valign": "top"}
        self.title = wb.add_format({**base, "bold": True, "font_size": 14})
        self.note = wb.add_format({**base, "italic": True, "font_color": "#555555"})
        self.head = wb.add_format({**base, "bold": True, "text_wrap": True, "bottom": 2, "bg_color": "#E8E8E8"})
        self.text = wb.add_format({**base, "text_wrap": True})
        self.int = wb.add_format({**base, "num_format": "#,##0"})
        self.money = wb.add_format({**base, "num_format": "#,##0.00"})
        self.index = wb.add_format({**base, "num_format": "0.0"})
        self.rate = wb.add_format({**base, "num_format": "0.0%"})
        self.date = wb.add_format({**base, "num_format": "yyyy-mm-dd", "align": "left"})
        self.level = {lv: wb.add_format({**base, "bold": lv == "red", "bg_color": fill,
                                         "font_color": "#FFFFFF" if lv != "yellow" else "#000000"})
                      for lv, fill in LEVEL_FILL.items()}


def _is_na(v: object) -> bool:
    return v is None or (not isinstance(v, list | tuple | dict) and bool(pd.isna(v)))  # type: ignore[arg-type]


def _cell(ws: Worksheet, f: _Formats, row: int, col: int, value: Any, kind: str) -> None:
    """One value by kind; money arrives in fen and is written as exact yuan."""
    if _is_na(value):
        ws.write_blank(row, col, None, f.text)
    elif kind == "money":
        ws.write_number(row, col, yuan(value), f.money)
    elif kind == "int":
        ws.write_number(row, col, int(value), f.int)
    elif kind == "index":
        ws.write_number(row, col, float(value), f.index)
    elif kind == "rate":  # a fraction, shown as a percentage
        ws.write_number(row, col, value, f.rate)
    elif kind == "level":
        ws.write_string(row, col, " ".join(LEVELS.get(str(value), (str(value), str(value)))),
                        f.level.get(str(value), f.text))
    elif kind == "date":
        ws.write_string(row, col, str(value)[:10], f.date)
    else:
        ws.write_string(row, col, str(value), f.text)


def _header(ws: Worksheet, f: _Formats, row: int, columns: list[tuple[str, str]], widths: list[int]) -> None:
    for c, ((zh, en), width) in enumerate(zip(columns, widths, strict=True)):
        ws.write_string(row, c, f"{zh}\n{en}", f.head)
        ws.set_column(c, c, width)
    ws.set_row(row, 30)


def write_xlsx(b: Bulletin, path: Path) -> None:
    path.write_bytes(workbook_bytes(b))


def workbook_bytes(b: Bulletin) -> bytes:
    """The workbook as bytes: written whole or not at all, and servable without a file (the API)."""
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    try:
        f = _Formats(wb)
        _headline(wb.add_worksheet(SHEETS["headline"]), f, b)
        _groups(wb, f, SHEETS["sectors"], b.by_sector, sectors=True)
        _groups(wb, f, SHEETS["townships"], b.by_township, sectors=False)
        _trends(wb, f, b)
        _red(wb.add_worksheet(SHEETS["red"]), f, b)
        _leads(wb.add_worksheet(SHEETS["leads"]), f, b)
        _riskiest(wb.add_worksheet(SHEETS["riskiest"]), f, b)
    finally:
        wb.close()
    return buffer.getvalue()


def _fraction(part: int | None, whole: int | None) -> Decimal | None:
    """Exact part ÷ whole for a rate cell; 1 (100%) when there was nothing to close, None without a source."""
    if part is None or whole is None:
        return None
    return Decimal(part) / whole if whole else Decimal(1)


def headline_rows(h: Headline) -> list[tuple[str, str, str, object, str]]:
    """(key, 中文, English, value, kind) of the summary sheet; a value of None has no source yet."""
    rows: list[tuple[str, str, str, object, str]] = [
        ("projects", "核查项目", "projects judged", h.projects, "int"),
        ("pending", "其中未到发薪日", "of which not yet due", h.pending, "int"),
        ("workers", "在册工人", "workers on the projects", h.workers, "int"),
        ("payable", "应发工资（元）", "payable, yuan", h.payable, "money"),
        ("paid", "已发工资（元）", "paid, yuan", h.paid, "money"),
        ("unpaid", "欠薪（元）", "arrears (unpaid), yuan", h.unpaid, "money"),
        ("underpaid", "少发（元）", "underpaid, yuan", h.underpaid, "money"),
        ("affected", "涉及工人", "workers affected", h.affected, "int"),
        ("anxin_index", "全市安薪指数", "city 安薪指数", h.anxin_index, "index"),
        ("anxin_target", "安薪指数目标", "index target", ANXIN_TARGET, "index"),
        *[(lv, f"{LEVELS[lv][0]}色项目", f"{lv} projects", h.levels[lv], "int") for lv in LEVELS],
        *[(f"findings_{s}", f"未处理问题：{SEVERITIES[s][0]}", f"open findings: {s}", n, "int")
          for s, n in h.findings.items()],
        ("warnings_open", "预警未办结", "warnings open", h.warnings_open, "int"),
        ("warnings_overdue", "预警逾期", "warnings overdue", h.warnings_overdue, "int"),
        ("leads", "收到线索", "leads received", h.leads, "int"),
        ("leads_closed", "已办结线索", "leads closed", h.leads_closed, "int"),
        ("leads_overdue", "逾期线索", "leads overdue", h.leads_overdue, "int"),
        ("closure_rate", "线索办结率", "lead closure rate", _fraction(h.leads_closed, h.leads), "rate"),
    ]
    return rows


def _headline(ws: Worksheet, f: _Formats, b: Bulletin) -> None:
    ws.write_string(0, 0, f"农民工工资支付每月通报 {month_zh(b.month)} / Monthly wage-payment bulletin, "
                          f"{month_en(b.month)}", f.title)
    ws.write_string(1, 0, f"截至 {b.as_of.isoformat()}（as of）；生成 generated {b.made_at:%Y-%m-%d %H:%M} UTC",
                    f.note)
    _header(ws, f, 3, [("指标", "item"), ("数值", "value"), ("键", "key")], [34, 20, 18])
    for i, (key, zh, en, value, kind) in enumerate(headline_rows(b.headline), start=4):
        ws.write_string(i, 0, f"{zh} {en}", f.text)
        if value is None:
            ws.write_string(i, 1, NO_SOURCE, f.note)
        else:
            _cell(ws, f, i, 1, value, kind)
        ws.write_string(i, 2, key, f.note)
    ws.freeze_panes(4, 0)


def _groups(wb: Workbook, f: _Formats, name: str, frame: pd.DataFrame, *, sectors: bool) -> None:
    ws = wb.add_worksheet(name)
    key = ("行业", "sector") if sectors else ("镇街", "township")
    columns = [key, *([("代码", "code")] if sectors else []), *[(zh, en) for _, zh, en, _ in GROUP_COLUMNS]]
    _header(ws, f, 0, columns, [14, *([10] if sectors else []), *[12] * len(GROUP_COLUMNS)])
    first = 2 if sectors else 1
    records = list(frame.to_dict("index").items())
    for r, (k, row) in enumerate(records, start=1):
        ws.write_string(r, 0, f"{sector_zh(k)} {sector_en(k)}" if sectors else str(k), f.text)
        if sectors:
            ws.write_string(r, 1, str(k), f.text)
        for c, (col, _zh, _en, kind) in enumerate(GROUP_COLUMNS, start=first):
            _cell(ws, f, r, c, row[col], kind)
    ws.freeze_panes(1, 1)
    if records:
        unpaid = first + [c for c, *_ in GROUP_COLUMNS].index("unpaid")
        chart = wb.add_chart({"type": "bar"})
        chart.add_series({"name": "欠薪（元） arrears", "categories": [name, 1, 0, len(records), 0],
                          "values": [name, 1, unpaid, len(records), unpaid], "fill": {"color": "#1F3A68"},
                          "data_labels": {"value": True, "num_format": "#,##0.00"}})
        chart.set_title({"name": f"{key[0]}欠薪 Arrears by {key[1]}"})
        chart.set_legend({"none": True})
        chart.set_y_axis({"reverse": True})
        chart.set_x_axis({"num_format": "#,##0", "name": "元 yuan"})
        ws.insert_chart(len(records) + 3, 0, chart, {"x_scale": 1.6, "y_scale": 1.0 + 0.05 * len(records)})


def _trends(wb: Workbook, f: _Formats, b: Bulletin) -> None:
    name = SHEETS["trends"]
    ws = wb.add_worksheet(name)
    city, by = b.trend_city, b.trend_sector
    sectors = list(by["unpaid"].columns)
    columns = [("月份", "month"), ("项目", "projects"), ("应发（元）", "payable, yuan"),
               ("欠薪（元）", "arrears, yuan"), ("安薪指数", "index"),
               *[(f"{sector_zh(s)}欠薪（元）", f"{sector_en(s)} arrears") for s in sectors],
               *[(f"{sector_zh(s)}安薪指数", f"{sector_en(s)} index") for s in sectors]]
    _header(ws, f, 0, columns, [10, 8, 16, 16, 10, *[16] * len(sectors), *[12] * len(sectors)])
    for r, month in enumerate(b.months, start=1):
        c = city.loc[month]
        ws.write_string(r, 0, month, f.text)
        _cell(ws, f, r, 1, c["projects"], "int")
        for col, value, kind in ((2, c["payable"], "money"), (3, c["unpaid"], "money"), (4, c["anxin_index"], "index")):
            _cell(ws, f, r, col, value, kind)
        for i, s in enumerate(sectors):
            _cell(ws, f, r, 5 + i, by.loc[month, ("unpaid", s)], "money")
            _cell(ws, f, r, 5 + len(sectors) + i, by.loc[month, ("anxin_index", s)], "index")
    ws.freeze_panes(1, 1)
    n = len(b.months)
    grey = ["#1F3A68", "#D9822B", "#9CC9E0", "#5E5E5E"]
    arrears = wb.add_chart({"type": "column", "subtype": "stacked"})
    for i in range(len(sectors)):
        ink = grey[i % len(grey)]
        # every other series hatched, so neighbours differ in grey print too (a series takes a fill or a
        # pattern, never both: Excel refuses a shape with two fills)
        paint = ({"pattern": {"pattern": "wide_upward_diagonal", "fg_color": "#FFFFFF", "bg_color": ink}}
                 if i % 2 else {"fill": {"color": ink}})
        arrears.add_series({"name": [name, 0, 5 + i], "categories": [name, 1, 0, n, 0],
                            "values": [name, 1, 5 + i, n, 5 + i], "border": {"color": "#333333"}, **paint})
    arrears.set_title({"name": "近六个月欠薪（元） Arrears over six months, yuan"})
    arrears.set_y_axis({"num_format": "#,##0", "min": 0})
    arrears.set_legend({"position": "bottom"})
    ws.insert_chart(n + 3, 0, arrears, {"x_scale": 1.5, "y_scale": 1.2})
    index = wb.add_chart({"type": "line"})
    dashes = ["solid", "dash", "round_dot", "long_dash_dot"]
    for i, col in enumerate([4, *range(5 + len(sectors), 5 + 2 * len(sectors))]):
        index.add_series({"name": "全市 City" if i == 0 else [name, 0, col], "categories": [name, 1, 0, n, 0],
                          "values": [name, 1, col, n, col],
                          "line": {"color": grey[i % len(grey)], "width": 3 if i == 0 else 2,
                                   "dash_type": dashes[i % len(dashes)]},
                          "marker": {"type": ["circle", "square", "triangle", "diamond"][i % 4], "size": 6,
                                     "fill": {"color": grey[i % len(grey)]}}})
    index.set_title({"name": "近六个月安薪指数 安薪指数 over six months (目标 target ≥ 95)"})
    index.set_y_axis({"min": 0, "max": 100, "major_unit": 10})
    index.set_legend({"position": "bottom"})
    index.show_blanks_as("gap")
    ws.insert_chart(n + 3, 8, index, {"x_scale": 1.5, "y_scale": 1.2})


def _table(ws: Worksheet, f: _Formats, row: int, columns: list[tuple[str, str, str, str, int]],
           records: list[dict[str, Any]]) -> int:
    """A header and rows of (key, 中文, English, kind, width) columns from ``row``; returns the next free row."""
    _header(ws, f, row, [(zh, en) for _, zh, en, _, _ in columns], [w for *_, w in columns])
    for r, rec in enumerate(records, start=row + 1):
        for c, (key, _zh, _en, kind, _w) in enumerate(columns):
            _cell(ws, f, r, c, rec.get(key), kind)
    return row + 1 + len(records)


def _red(ws: Worksheet, f: _Formats, b: Bulletin) -> None:
    ws.write_string(0, 0, "红色等级企业（每月巡查） Enterprises graded red (inspected monthly)", f.title)
    ext = b.red_enterprises
    if ext.frame is None:
        ws.write_string(2, 0, f"{NO_SOURCE}: {ext.source}", f.note)
        return
    records = [{**r, "reasons": reasons_text(r.get("reasons"))} for r in ext.frame.to_dict("records")]
    columns = [("enterprise_name", "企业", "enterprise", "text", 30), ("enterprise_uscc", "统一社会信用代码", "USCC",
               "text", 20), ("graded_on", "评级日期", "graded on", "date", 12),
               ("period_start", "评级期间起", "period from", "date", 12),
               ("period_end", "评级期间止", "period to", "date", 12),
               ("next_inspection", "下次巡查", "next inspection", "date", 12),
               ("reasons", "原因", "reasons", "text", 60)]
    _table(ws, f, 2, columns, records)
    if not records:
        ws.write_string(4, 0, "本期没有红色等级企业 / no enterprise is graded red", f.note)


def _leads(ws: Worksheet, f: _Formats, b: Bulletin) -> None:
    ws.write_string(0, 0, "线索办结率（按镇街） Lead closure by township", f.title)
    if b.closure.frame is None or b.overdue_leads.frame is None:
        ws.write_string(2, 0, f"{NO_SOURCE}: {b.closure.source}, {b.overdue_leads.source}", f.note)
        return
    columns = [("township", "镇街", "township", "text", 16), ("leads", "线索", "leads", "int", 12),
               ("closed", "已办结", "closed", "int", 12), ("closed_in_time", "按时办结", "closed in time", "int", 14),
               ("closure_rate", "办结率", "closure rate", "rate", 16), ("overdue", "逾期", "overdue", "int", 18)]
    closure = [{**r, "closure_rate": _fraction(int(r["closed"]), int(r["leads"]))}
               for r in b.closure.frame.to_dict("records")]
    row = _table(ws, f, 2, columns, closure) + 2
    ws.write_string(row, 0, "逾期未办结线索 Leads past their deadline and still open", f.title)
    late = [{**r, "source": " ".join(LEAD_SOURCES.get(str(r["source"]), (str(r["source"]),)))}
            for r in b.overdue_leads.frame.to_dict("records")]
    lead_columns = [("lead_id", "编号", "lead", "int", 16), ("source", "来源", "source", "text", 12),
                    ("received_on", "收到", "received", "date", 12), ("deadline", "期限", "deadline", "date", 14),
                    ("township", "镇街", "township", "text", 16), ("project_code", "项目", "project", "text", 18),
                    ("enterprise_name", "企业", "enterprise", "text", 30),
                    ("amount_claimed", "涉及金额（元）", "claimed, yuan", "money", 16)]
    _table(ws, f, row + 1, lead_columns, late)
    if not late:
        ws.write_string(row + 2, 0, "没有逾期未办结的线索 / no lead is open past its deadline", f.note)


def _riskiest(ws: Worksheet, f: _Formats, b: Bulletin) -> None:
    records = [{**r, "sector": f"{sector_zh(r['sector'])} {sector_en(r['sector'])}",
                "rules": "；".join(f"{rule_name(c)[0]}（{c}）" for c in r["rules"])}
               for r in b.riskiest.to_dict("records")]
    columns = [("project_code", "项目编号", "project", "text", 14), ("name", "项目名称", "name", "text", 30),
               ("sector", "行业", "sector", "text", 14), ("township", "镇街", "township", "text", 12),
               ("contractor", "总包单位", "general contractor", "text", 28), ("workers", "工人", "workers", "int", 8),
               ("payable", "应发（元）", "payable, yuan", "money", 16),
               ("unpaid", "欠薪（元）", "arrears, yuan", "money", 16),
               ("anxin_index", "安薪指数", "index", "index", 10), ("level", "等级", "level", "level", 10),
               ("risk_score", "风险分", "risk score", "int", 10),
               ("findings", "未处理问题", "open findings", "int", 12),
               ("rules", "主要问题", "main findings", "text", 60)]
    _table(ws, f, 0, columns, records)
    ws.freeze_panes(1, 1)
