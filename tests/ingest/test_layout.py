"""Finding the header among title rows, two-row merged headers, and the rows that are not data."""

from __future__ import annotations

import pytest

from ingest.containers import open_sheets
from ingest.layout import find_layout, header_guess


def cells_of(path):
    [sheet] = open_sheets(path.read_bytes(), file=path.name)
    return sheet.cells


def test_merged_two_row_header_names_each_column_by_its_sub_heading(files, sample):
    path = files.xlsx("p.xlsx", {"工资表": sample.payroll_rows()}, merges={"工资表": sample.payroll_merges})
    layout = find_layout(cells_of(path))
    assert layout is not None and layout.kind == "payroll"
    assert (layout.header_row, layout.header_rows) == (3, 2)
    assert layout.recognition.columns == {
        1: "worker_name", 2: "id_number", 3: "gross_part", 4: "gross_part", 5: "gross", 6: "deduction_part",
        7: "deduction_part", 8: "deductions", 9: "net", 10: "signed",
    }
    assert layout.ignored_columns == ["序号", "备注"]


def test_title_totals_blank_and_signature_rows_are_not_data(files, sample):
    path = files.xlsx("p.xlsx", {"工资表": sample.payroll_rows()}, merges={"工资表": sample.payroll_merges})
    layout = find_layout(cells_of(path))
    assert layout is not None
    assert list(layout.data + 1) == [6, 7, 8]  # as Excel numbers them
    assert layout.title_month == "2025-03"


def test_a_group_heading_over_a_bare_total_names_that_total(files):
    rows = [
        ["姓名", "身份证号", "应发工资", None, None, "扣款", None, "实发工资"],
        [None, None, "基本工资", "加班费", "合计", "借支", "小计"],
        ["张伟", "x", 1, 2, 3, 4, 4, 5],
    ]
    layout = find_layout(cells_of(files.xlsx("q.xlsx", {"s": rows})))
    assert layout is not None
    assert layout.recognition.columns == {
        0: "worker_name", 1: "id_number", 2: "gross_part", 3: "gross_part", 4: "gross", 5: "deduction_part",
        6: "deductions", 7: "net",
    }


@pytest.mark.parametrize("label", [
    "合计",
    "合 计",  # spaced out to fill the cell
    "本页小计",
    "总计：",
])
def test_totals_rows_are_skipped_whatever_the_label(files, label):
    rows = [["姓名", "身份证号", "应发工资", "实发工资"], ["张伟", "x", 1, 1], [label, None, 1, 1]]
    layout = find_layout(cells_of(files.text("t.csv", rows)))
    assert layout is not None and list(layout.data) == [1]


@pytest.mark.parametrize("label", [
    "制表人：赵六",
    "审核：",
    "签字：",
    "备注：以上工资已核对",
    "说明：本表一式两份",
    "填报人：李四",  # who filled in the sheet
    "考勤员：王五",  # the timekeeper's signature under an attendance sheet
    "劳资专管员：赵六",
    "日期：2025年4月5日",
])
def test_signature_and_notes_rows_are_skipped(files, label):
    rows = [["姓名", "身份证号", "应发工资", "实发工资"], ["张伟", "x", 1, 1], [label]]
    layout = find_layout(cells_of(files.text("t.csv", rows)))
    assert layout is not None and list(layout.data) == [1]


@pytest.mark.parametrize("name", ["记小龙", "日阳", "项伟", "班超", "计划"])
def test_workers_whose_names_start_like_a_label_are_kept(files, name):
    # surnames such as 记, 项 and 班 exist; only the labels with their colon or full word are footers
    rows = [["姓名", "身份证号", "应发工资", "实发工资"], [name, "x", 1, 1]]
    layout = find_layout(cells_of(files.text("t.csv", rows)))
    assert layout is not None and list(layout.data) == [1]


def test_a_header_repeated_on_a_later_page_is_not_a_worker(files):
    header = ["姓名", "身份证号", "应发工资", "实发工资"]
    rows = [header, ["张伟", "x", 1, 1], header, ["李四", "y", 2, 2]]
    layout = find_layout(cells_of(files.text("t.csv", rows)))
    assert layout is not None and list(layout.data) == [1, 3]


def test_a_weekday_row_under_the_day_numbers_belongs_to_the_header(files):
    days = [str(d) for d in range(1, 8)]
    rows = [["姓名", *days], [None, "六", "日", "一", "二", "三", "四", "五"],
            ["张伟", "√", "√", "", "", "", "", ""]]
    layout = find_layout(cells_of(files.text("g.csv", rows)))
    assert layout is not None and layout.recognition.grid
    assert layout.header_rows == 2 and list(layout.data) == [2]


def test_the_header_is_found_below_up_to_a_dozen_title_rows(files):
    rows = [[f"说明第{i}行"] for i in range(12)]
    rows += [["姓名", "身份证号", "应发工资", "实发工资"], ["张伟", "x", 1, 1]]
    layout = find_layout(cells_of(files.text("t.csv", rows)))
    assert layout is not None and layout.header_row == 12 and layout.title_month is None


def test_no_layout_without_a_recognisable_header_and_the_fullest_row_is_shown(files):
    rows = [["材料清单"], ["名称", "规格", "数量"], ["水泥", "P.O42.5", "10"]]
    cells = cells_of(files.text("m.csv", rows))
    assert find_layout(cells) is None
    assert header_guess(cells) == ["名称", "规格", "数量"]
