"""The bulletin of a demo-like city: its workbook's figures are the store's own sums (queried here in SQL,
independently of the bulletin's code), and its page opens in Chromium without errors and shows them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import Engine, text

from four_real.bulletin import write_bulletin
from four_real.bulletin.labels import money
from four_real.bulletin.xlsx import SHEETS
from tests.bulletin.conftest import MONTH, CityStore, open_page

LIVE = ("open", "acknowledged")


def _rows(engine: Engine, sql: str, **params: Any) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(text(sql), params).all())


def _index(rows: list[Any]) -> float:
    """Σ(index × payable) ÷ Σ payable, half up to a tenth; 100 when nothing is owed."""
    payable = sum(int(r.payable) for r in rows)
    if payable == 0:
        return 100.0
    weighted = sum(Decimal(f"{float(r.anxin_index):.1f}") * int(r.payable) for r in rows)
    return float((weighted / payable).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _yuan(cell: object) -> Decimal:
    """A money cell back to exact yuan (the cell holds a double; two decimals recover the fen)."""
    return Decimal(str(cell)).quantize(Decimal("0.01"))


def _fen(v: object) -> Decimal:
    return Decimal(int(v)) / 100  # type: ignore[call-overload]


def _sheet(wb: Any, key: str, header_row: int = 1) -> list[dict[str, Any]]:
    """A sheet's rows as dicts keyed by the header's Chinese line."""
    ws = wb[SHEETS[key]]
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    names = [str(h).split("\n")[0] if h else "" for h in rows[0]]
    return [dict(zip(names, r, strict=False)) for r in rows[1:] if any(v is not None for v in r)]


def _summary(wb: Any) -> dict[str, Any]:
    ws = wb[SHEETS["headline"]]
    return {r[2]: r[1] for r in ws.iter_rows(min_row=5, values_only=True) if r[2]}


def _month_rows(engine: Engine, month: str) -> list[Any]:
    return _rows(engine, """SELECT pm.project_code, pm.workers, pm.payable, pm.paid, pm.unpaid, pm.underpaid,
                            pm.anxin_index, pm.level, pm.risk_score, p.sector, p.township
                            FROM project_month pm LEFT JOIN project p ON p.code = pm.project_code
                            WHERE pm.month = :m""", m=month)


def test_workbook_figures_equal_the_store(city_store: CityStore, tmp_path: Path) -> None:
    engine, as_of = city_store.engine, city_store.as_of
    files = write_bulletin(engine, month=MONTH, out=tmp_path)
    wb = openpyxl.load_workbook(files.xlsx)
    rows = _month_rows(engine, MONTH)
    summary = _summary(wb)

    # (1) headline
    assert summary["projects"] == len(rows) == 6
    for key in ("payable", "paid", "unpaid", "underpaid"):
        assert _yuan(summary[key]) == _fen(sum(getattr(r, key) for r in rows)), key
    assert summary["unpaid"] > 0  # the planted arrears are there to be reported
    affected = _rows(engine, """SELECT COUNT(DISTINCT worker_id) FROM finding WHERE month = :m AND status = 'open'
                                AND rule IN ('CARD-UNPAID', 'CARD-SHORT')""", m=MONTH)[0][0]
    assert summary["affected"] == affected > 0
    assert summary["anxin_index"] == _index(rows) < 95
    for level in ("red", "yellow", "green"):
        assert summary[level] == sum(r.level == level for r in rows), level
    severity = dict(_rows(engine, "SELECT severity, COUNT(*) FROM finding WHERE month = :m AND status = 'open' "
                                  "GROUP BY severity", m=MONTH))
    for s in ("critical", "high", "medium", "low"):
        assert summary[f"findings_{s}"] == severity.get(s, 0), s
    live = _rows(engine, "SELECT sector, township, deadline FROM warning WHERE month = :m AND status IN "
                         "('open', 'acknowledged')", m=MONTH)
    assert summary["warnings_open"] == len(live) > 0
    assert summary["warnings_overdue"] == sum(dt.date.fromisoformat(str(w.deadline)[:10]) < as_of for w in live)
    leads = _rows(engine, "SELECT township, deadline, closed_on FROM lead WHERE received_on <= :d", d=as_of)
    closed = [x for x in leads if x.closed_on is not None and str(x.closed_on)[:10] <= as_of.isoformat()]
    assert summary["leads"] == len(leads) == city_store.leads
    assert summary["leads_closed"] == len(closed)
    assert summary["closure_rate"] == pytest.approx(len(closed) / len(leads), rel=1e-12)

    # (2) by sector and (3) by township
    for key, column, name in (("sectors", "sector", "代码"), ("townships", "township", "镇街")):
        sheet = {r[name]: r for r in _sheet(wb, key)}
        groups: dict[str, list[Any]] = defaultdict(list)
        for r in rows:
            groups[getattr(r, column)].append(r)
        assert set(sheet) == set(groups)
        warned = defaultdict(int)
        for w in live:
            warned[getattr(w, column)] += 1
        for group, members in groups.items():
            got = sheet[group]
            assert got["项目"] == len(members)
            assert _yuan(got["应发（元）"]) == _fen(sum(r.payable for r in members))
            assert _yuan(got["欠薪（元）"]) == _fen(sum(r.unpaid for r in members))
            assert got["安薪指数"] == _index(members)
            assert got["预警未办结"] == warned[group]

    # (4) trends: six months ending at the bulletin's, the four before the city's first empty
    trend = _sheet(wb, "trends")
    assert [r["月份"] for r in trend] == ["2024-10", "2024-11", "2024-12", "2025-01", "2025-02", "2025-03"]
    assert all(r["欠薪（元）"] is None and r["安薪指数"] is None for r in trend[:4])
    for r in trend[4:]:
        month_rows = _month_rows(engine, r["月份"])
        assert _yuan(r["欠薪（元）"]) == _fen(sum(x.unpaid for x in month_rows))
        assert r["安薪指数"] == _index(month_rows)
        transport = [x for x in month_rows if x.sector == "transport"]
        assert _yuan(r["交通运输欠薪（元）"]) == _fen(sum(x.unpaid for x in transport))

    # (5) red enterprises: the grades in force, and the contractor of the project with the most arrears
    red = [r["企业"] for r in _sheet(wb, "red", header_row=3)]
    worst = max(rows, key=lambda r: r.unpaid).project_code
    contractor = _rows(engine, "SELECT contractor FROM project WHERE code = :c", c=worst)[0][0]
    assert sorted(red) == city_store.red and contractor in red

    # (6) leads: closure per township and the overdue open leads
    closure = {r["镇街"]: r for r in _sheet(wb, "leads", header_row=3) if r.get("线索") is not None
               and isinstance(r.get("线索"), int)}
    per_town: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for x in leads:
        per_town[x.township or "unknown"][0] += 1
        per_town[x.township or "unknown"][1] += x in closed
    assert {t: [r["线索"], r["已办结"]] for t, r in closure.items()} == per_town
    assert all(r["办结率"] == pytest.approx(r["已办结"] / r["线索"], rel=1e-12) for r in closure.values())
    late = [x for x in leads if x.closed_on is None or str(x.closed_on)[:10] > as_of.isoformat()]
    late = [x for x in late if str(x.deadline)[:10] < as_of.isoformat()]
    ws = wb[SHEETS["leads"]]
    start = next(i for i, (v,) in enumerate(ws.iter_rows(min_col=1, max_col=1, values_only=True), start=1)
                 if v and str(v).startswith("逾期未办结线索"))
    listed = [r for r in ws.iter_rows(min_row=start + 2, values_only=True) if r[0] is not None]
    assert len(listed) == len(late) > 0

    # (7) riskiest: the store's order by risk score
    risky = _rows(engine, "SELECT project_code FROM project_month WHERE month = :m AND risk_score > 0 "
                          "ORDER BY risk_score DESC, unpaid DESC, project_code LIMIT 10", m=MONTH)
    assert [r["项目编号"] for r in _sheet(wb, "riskiest")] == [r[0] for r in risky]
    assert risky[0][0] == worst


def test_page_opens_in_chromium_without_errors_and_shows_the_store_figures(city_store: CityStore, tmp_path: Path,
                                                                           browser: Any) -> None:
    engine = city_store.engine
    files = write_bulletin(engine, month=MONTH, out=tmp_path)
    page = open_page(browser, files.html)
    assert page.errors == []
    assert page.requests == [files.html.resolve().as_uri()]  # self-contained: nothing else is fetched
    rows = _month_rows(engine, MONTH)
    assert money(sum(r.unpaid for r in rows)) in page.text
    assert f"{_index(rows):.1f}" in page.text
    for sector in ("housing", "transport", "water"):
        assert money(sum(r.unpaid for r in rows if r.sector == sector)) in page.text
    assert all(name in page.text for name in city_store.red)
    assert "尚无数据来源" not in page.text  # every source is installed: no section is left empty
    # printed, each of the seven sections starts a page of its own
    assert list(page.page_breaks) == ["headline", "sectors", "townships", "trends", "red-enterprises", "leads",
                                      "riskiest"]
    assert all(v == "page" for k, v in page.page_breaks.items() if k != "headline")
    assert page.pages >= 7
