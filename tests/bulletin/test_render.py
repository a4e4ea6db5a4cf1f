"""The two files on hand-planted months: exact money, honest sections when a source is missing, and a
browser check that does catch a broken page."""

from __future__ import annotations

import re
import sys
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import Engine

from four_real.bulletin import sources, write_bulletin
from four_real.bulletin.xlsx import NO_SOURCE, SHEETS
from tests.bulletin.conftest import open_page, plant

PROJECTS = [{"code": "A", "name": "甲工程", "sector": "housing", "township": "吴宁街道", "contractor": "甲建设"},
            {"code": "B", "name": "乙工程", "sector": "water", "township": "横店镇", "contractor": "乙建设"}]
MONTHS = [{"project_code": "A", "month": "2025-03", "payable": 200_000_000_01, "unpaid": 1_234_567_89,
           "anxin_index": 61.5, "level": "red", "risk_score": 70},
          {"project_code": "B", "month": "2025-03", "payable": 1, "unpaid": 1, "anxin_index": 0.0, "level": "red",
           "risk_score": 90}]


def _summary(path: Path) -> tuple[dict[str, Any], Any]:
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEETS["headline"]]
    return {r[2].value: r[1] for r in ws.iter_rows(min_row=5) if r[2].value}, wb


def test_money_is_exact_to_the_fen_in_both_files(engine: Engine, tmp_path: Path) -> None:
    plant(engine, projects=PROJECTS, months=MONTHS)
    files = write_bulletin(engine, month="2025-03", out=tmp_path)
    summary, wb = _summary(files.xlsx)
    assert Decimal(str(summary["unpaid"].value)) == Decimal("1234567.90")  # 123456789 + 1 fen
    assert Decimal(str(summary["payable"].value)) == Decimal("200000000.02")
    assert summary["unpaid"].number_format == "#,##0.00"
    towns = {r[0].value: r for r in wb[SHEETS["townships"]].iter_rows(min_row=2)}
    assert Decimal(str(towns["横店镇"][4].value)) == Decimal("0.01")
    page = files.html.read_text(encoding="utf-8")
    assert "1,234,567.90" in page and "1,234,567.89" in page and "200,000,000.02" in page


def test_the_page_is_self_contained_and_the_workbook_has_native_charts(engine: Engine, tmp_path: Path) -> None:
    plant(engine, projects=PROJECTS, months=[*MONTHS, {**MONTHS[0], "month": "2025-02"}])
    files = write_bulletin(engine, month="2025-03", out=tmp_path)
    page = files.html.read_text(encoding="utf-8")
    assert "<script" not in page and "<link" not in page and " src=" not in page and "@import" not in page
    assert re.findall(r"https?://[^\s\"']+", page) == ["http://www.w3.org/2000/svg"] * page.count("<svg ")
    assert "@page { size: A4" in page and "break-before: page" in page
    with zipfile.ZipFile(files.xlsx) as z:
        charts = [n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
        xml = " ".join(z.read(n).decode("utf-8") for n in charts)
    assert len(charts) == 4  # arrears by sector, by township, and the two trends
    assert "<c:lineChart>" in xml and '<c:grouping val="stacked"/>' in xml
    for shape in re.findall(r"<c:spPr>(.*?)</c:spPr>", xml):  # one fill per shape, or Excel "repairs" the file
        area = re.sub(r"<a:ln\b.*?</a:ln>", "", shape)  # the outline has a fill of its own
        assert sum(area.count(f"<a:{k}") for k in ("solidFill", "pattFill", "gradFill", "noFill")) <= 1, shape


def test_a_missing_source_is_said_in_both_files_and_the_rest_is_shown(engine: Engine, tmp_path: Path,
                                                                      browser: Any,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Grades, leads and warnings not installed: their sections say so instead of showing zeros."""
    real = sources.find
    missing = {sources.GRADES, sources.LEADS, sources.CLOSURE, sources.WARNINGS}
    monkeypatch.setattr(sources, "find", lambda dotted: None if dotted in missing else real(dotted))
    plant(engine, projects=PROJECTS, months=MONTHS)
    files = write_bulletin(engine, month="2025-03", out=tmp_path)
    summary, wb = _summary(files.xlsx)
    for key in ("warnings_open", "warnings_overdue", "leads", "closure_rate"):
        assert summary[key].value == NO_SOURCE, key
    assert summary["unpaid"].value == pytest.approx(1234567.90)  # sections 1–4 and 7 do not wait
    assert NO_SOURCE in wb[SHEETS["red"]]["A3"].value and NO_SOURCE in wb[SHEETS["leads"]]["A3"].value
    sectors = list(wb[SHEETS["sectors"]].iter_rows(min_row=2, values_only=True))
    assert [r[-2:] for r in sectors] == [(None, None), (None, None)]  # no warning counts, not zeros
    page = open_page(browser, files.html)
    assert page.errors == []
    assert page.text.count("尚无数据来源") >= 4  # the warnings card, the sector note, sections 5 and 6
    assert "four_real.oversight.grading.current_grades" in page.text
    assert "乙工程" in page.text and "1,234,567.90" in page.text


def test_a_source_module_that_is_broken_is_an_error_not_an_absence(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    assert sources.find("four_real.no_such_package.module.function") is None
    assert sources.find("four_real.bulletin.data.no_such_function") is None
    (tmp_path / "broken_source_h5.py").write_text("import no_such_dependency_h5\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError, match="no_such_dependency_h5"):
        sources.find("broken_source_h5.function")
    sys.modules.pop("broken_source_h5", None)


def test_the_browser_check_catches_a_broken_page(browser: Any, tmp_path: Path) -> None:
    """The check the bulletin passes can fail: a missing image and a script error are both reported."""
    page_path = tmp_path / "broken.html"
    page_path.write_text('<!DOCTYPE html><html><body><p>通报</p><img src="missing.png">'
                         '<script>throw new Error("boom")</script></body></html>', encoding="utf-8")
    page = open_page(browser, page_path)
    assert any("boom" in e for e in page.errors)
    assert any("missing.png" in e for e in page.errors)
    assert len(page.requests) == 2 and page.text.strip() == "通报"
