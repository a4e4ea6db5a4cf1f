"""Reading files and folders end to end: every container, every row accounted for, problems positioned."""

from __future__ import annotations

import datetime as dt
import time

import pandas as pd
import pytest

from ingest import InputStats, ReadResult, read_bytes, read_path, read_paths
from ingest.canonical import KINDS, columns
from ingest.errors import UnknownKindError, UnreadableFileError

PAYROLL_HEADER = ["序号", "姓名", "身份证号", "工资月份", "出勤天数", "应发工资", "实发工资", "备注"]


def assert_accounted(result: ReadResult) -> None:
    """The counts of every input add up to its rows, and rejected rows are the rows with errors."""
    for s in result.inputs:
        assert s.rows == s.accepted + s.rejected + s.skipped, s
        errors = {p.row for p in result.problems
                  if p.level == "error" and (p.file, p.sheet) == (s.file, s.sheet)}
        assert s.rejected == len(errors), s


def payroll_text_rows(sample) -> list[list[object]]:
    return [
        ["2025年3月工资表"],
        PAYROLL_HEADER,
        [1, "张伟", sample.id_a, "2025-03", "22", "5,300.00", "5000", ""],
        [2, "李四", sample.id_b, "2025年3月", "20", "￥4000", "4000元", "新进场"],
        ["合计", "", "", "", "42", "9300", "9000", ""],
    ]


def test_xlsx_payroll_with_title_merged_header_totals_and_signatures(files, sample):
    path = files.xlsx("工资.xlsx", {"3月工资表": sample.payroll_rows()},
                      merges={"3月工资表": sample.payroll_merges})
    r = read_path(path, display_name="工资.xlsx")
    assert r.problems == []
    assert r.inputs == [InputStats("工资.xlsx", "3月工资表", "payroll", 11, 3, 0, 8, ["序号", "备注"])]
    pay = r.tables["payroll"]
    assert pay[["worker_name", "month", "gross", "deductions", "net", "signed"]].to_dict("list") == {
        "worker_name": ["张伟", "李四", "王五"],  # `张 伟` folded
        "month": ["2025-03"] * 3,  # from the title row
        "gross": [530000, 400000, 450000],
        "deductions": [30000, 0, 50000],
        "net": [500000, 400000, 400000],
        "signed": [True, False, True],
    }
    assert pay["src_row"].tolist() == [6, 7, 8]
    assert_accounted(r)


def test_id_that_became_a_number_is_rejected_at_the_row_the_user_sees(files, sample):
    rows = sample.payroll_rows()
    rows[6][2] = float(sample.id_b)  # a number cell: Excel shows 1.10105E+17
    path = files.xlsx("p.xlsx", {"工资表": rows}, merges={"工资表": sample.payroll_merges})
    r = read_path(path, display_name="p.xlsx")
    [p] = r.problems
    assert (p.file, p.sheet, p.row, p.column, p.code) == ("p.xlsx", "工资表", 7, "id_number", "ID-SCIENTIFIC")
    assert p.value is not None and p.value.startswith("1.10105198511024") and p.value.endswith("E+17")
    assert p.reason == (
        "身份证号被表格软件转成了数字，请将该列设为文本后重新导出 / "
        "ID number was turned into a number by the spreadsheet; format the column as text and export again"
    )
    assert r.tables["payroll"]["worker_name"].tolist() == ["张伟", "王五"]
    assert (r.inputs[0].accepted, r.inputs[0].rejected) == (2, 1)
    assert_accounted(r)


@pytest.mark.parametrize(("name", "sep", "encoding"), [
    ("gbk.csv", ",", "gbk"),  # Chinese Excel's "CSV (逗号分隔)"
    ("bom.csv", ",", "utf-8-sig"),  # Excel's "CSV UTF-8"
    ("tab.txt", "\t", "utf-8"),  # "文本文件(制表符分隔)"
    ("pipe.txt", "|", "gb18030"),  # a bank system's export
])
def test_text_payroll_in_every_encoding_and_separator(files, sample, name, sep, encoding):
    r = read_path(files.text(name, payroll_text_rows(sample), sep=sep, encoding=encoding), display_name=name)
    pay = r.tables["payroll"]
    assert pay["worker_name"].tolist() == ["张伟", "李四"]
    assert pay["gross"].tolist() == [530000, 400000]
    assert pay["days_worked"].tolist() == [22.0, 20.0]
    assert pay["deductions"].isna().all()  # no deduction column at all
    assert pay["signed"].isna().all()  # no confirmation column
    assert pay["src_sheet"].isna().all() and pay["src_row"].tolist() == [3, 4]
    assert r.inputs == [InputStats(name, None, "payroll", 5, 2, 0, 3, ["序号", "备注"])]


@pytest.mark.parametrize("maker", ["xls", "ods"])
def test_xls_and_ods_roster(files, sample, maker):
    rows = [
        ["进场人员名册"],
        ["姓名", "身份证号", "性别", "班组", "银行卡号", "劳动合同", "进场日期", "日工资"],
        ["张伟", sample.id_a, "男", "木工班", sample.card_a, "是", dt.date(2025, 3, 1), 350],
        ["李四", sample.id_b, "女", "钢筋班", sample.card_b, "否", "2025/3/5", "380元"],
    ]
    r = read_path(getattr(files, maker)(f"r.{maker}", {"花名册": rows}), display_name=f"r.{maker}")
    roster = r.tables["roster"]
    assert roster[["gender", "contract_signed", "daily_wage"]].to_dict("list") == {
        "gender": ["M", "F"], "contract_signed": [True, False], "daily_wage": [35000, 38000],
    }
    assert roster["entry_date"].tolist() == [pd.Timestamp("2025-03-01"), pd.Timestamp("2025-03-05")]
    assert roster["card_number"].tolist() == [sample.card_a, sample.card_b]
    assert r.problems == []
    assert_accounted(r)


def test_workbook_with_a_payroll_sheet_and_an_attendance_sheet(files, sample):
    attendance = [["姓名", "身份证号", "考勤日期", "工时"],
                  ["张伟", sample.id_a, dt.date(2025, 3, 3), 8],
                  ["张伟", sample.id_a, dt.date(2025, 3, 4), 9]]
    path = files.xlsx("all.xlsx", {"工资表": sample.payroll_rows(), "考勤表": attendance},
                      merges={"工资表": sample.payroll_merges})
    r = read_path(path)
    assert [(s.sheet, s.kind) for s in r.inputs] == [("工资表", "payroll"), ("考勤表", "attendance")]
    assert len(r.tables["payroll"]) == 3
    assert r.tables["attendance"]["hours"].tolist() == [8.0, 9.0]
    assert r.tables["attendance"]["src_sheet"].tolist() == ["考勤表", "考勤表"]
    assert_accounted(r)


def test_gate_clock_events_stay_one_row_per_event_dated_by_their_day(files, sample):
    rows = [["姓名", "身份证号", "通行时间", "方向", "闸机"]] + [
        ["张伟", sample.id_a, when, d, "1号门"]
        for when, d in [(dt.datetime(2025, 3, 1, 7, 58), "进"), (dt.datetime(2025, 3, 1, 12, 1), "出"),
                        (dt.datetime(2025, 3, 1, 17, 30), "出"), (dt.datetime(2025, 3, 2, 8, 2), "进")]
    ]
    r = read_path(files.xlsx("gate.xlsx", {"闸机记录": rows}))
    att = r.tables["attendance"]
    assert att["date"].tolist() == [pd.Timestamp("2025-03-01")] * 3 + [pd.Timestamp("2025-03-02")]
    assert att["day_fraction"].tolist() == [1.0] * 4
    assert r.inputs[0].ignored_columns == ["闸机"]
    assert_accounted(r)


def test_every_kind_has_a_frame_with_canonical_columns_even_when_absent(files, sample):
    r = read_path(files.text("p.csv", payroll_text_rows(sample)))
    assert set(r.tables) == set(KINDS)
    for kind in KINDS:
        assert {c: str(t) for c, t in r.tables[kind].dtypes.items()} == columns(kind)


def test_sheet_of_unknown_kind_names_file_sheet_and_headers(files, sample):
    materials = [["材料清单"], ["名称", "规格", "数量"]]
    path = files.xlsx("w.xlsx", {"工资表": sample.payroll_rows(), "材料": materials})
    with pytest.raises(UnknownKindError, match=r"w\.xlsx \[材料\].*名称, 规格, 数量") as caught:
        read_path(path, display_name="w.xlsx")
    assert (caught.value.sheet, caught.value.headers) == ("材料", ["名称", "规格", "数量"])


def test_a_file_with_nothing_in_it_is_of_unknown_kind(files):
    with pytest.raises(UnknownKindError, match=r"\(none\)"):
        read_path(files.raw("empty.csv", b"\r\n\r\n"))


@pytest.mark.parametrize(("name", "data"), [
    ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"),  # a photo of the paper sheet
    ("broken.xlsx", b"PK\x03\x04\x14\x00\x00\x00"),  # a truncated download
])
def test_non_spreadsheet_file_is_unreadable(files, name, data):
    with pytest.raises(UnreadableFileError, match=name):
        read_path(files.raw(name, data), display_name=name)


def test_missing_file_is_unreadable(tmp_path):
    with pytest.raises(UnreadableFileError, match="cannot open"):
        read_path(tmp_path / "nope.xlsx")


def test_folder_is_read_recursively_sorted_without_hidden_or_lock_files(files, sample):
    files.raw("proj/b/pay.csv", b"")
    files.text("proj/b/pay.csv", payroll_text_rows(sample))
    files.text("proj/a.csv", [["姓名", "身份证号", "考勤日期"], ["张伟", sample.id_a, "2025-03-03"]])
    files.raw("proj/~$a.xlsx", b"lock")
    files.raw("proj/.DS_Store", b"\x00\x00")
    files.raw("proj/.git/config", b"[core]")
    r = read_paths([files.root / "proj"])
    assert [(s.file, s.kind) for s in r.inputs] == [("a.csv", "attendance"), ("b/pay.csv", "payroll")]
    assert r.tables["payroll"]["src_file"].unique().tolist() == ["b/pay.csv"]
    assert_accounted(r)


def test_read_paths_concatenates_files_and_keeps_dtypes(files, sample):
    one = files.text("one.csv", payroll_text_rows(sample))
    two = files.xlsx("two.xlsx", {"工资表": sample.payroll_rows()}, merges={"工资表": sample.payroll_merges})
    r = read_paths([one, two])
    assert r.tables["payroll"]["src_file"].tolist() == [str(one)] * 2 + [str(two)] * 3
    assert str(r.tables["payroll"]["gross"].dtype) == "Int64"
    assert r.tables["payroll"].index.tolist() == list(range(5))


def test_month_argument_fills_a_payroll_without_month_column_or_title(files, sample):
    rows = [["姓名", "身份证号", "应发工资", "实发工资"], ["张伟", sample.id_a, "100", "100"]]
    path = files.text("p.csv", rows)
    assert read_path(path, month="2025-02").tables["payroll"]["month"].tolist() == ["2025-02"]
    r = read_path(path)
    assert [(p.code, p.row, p.column) for p in r.problems] == [("MONTH-UNKNOWN", 2, "month")]
    assert r.tables["payroll"].empty


def test_bank_feed_is_recognised_by_content_and_delegated(files):
    feed = (
        "H|ICBC|1208|1208012345678901234|B20250410|20250410|1|5300.00\n"
        "D|1|T0001|6222021234567890128|张伟|5300.00|S||20250410|3月工资\n"
        "T|1|5300.00|1|5300.00\n"
    )
    r = read_bytes(feed.encode(), filename="feed.txt")
    assert [f.batch_id for f in r.feeds] == ["B20250410"]
    [stats] = r.inputs
    assert (stats.kind, stats.sheet, stats.rows, stats.accepted) == ("disbursement", None, 3, 1)
    assert r.tables["disbursement"]["amount"].tolist() == [530000]
    assert_accounted(r)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_project_month_of_fifty_thousand_attendance_rows_reads_in_seconds(files, sample, fmt):
    workers = [sample.make_id(f"19{70 + i % 30:02d}0{1 + i % 9}1{i % 9}", seq=f"{i % 1000:03d}")
               for i in range(2000)]
    rows: list[list[object]] = [["2025年3月考勤记录"], ["姓名", "身份证号", "考勤日期", "工时"]]
    rows += [[f"工人{i}", workers[i], f"2025-03-{d:02d}", "8"] for d in range(1, 26) for i in range(2000)]
    path = files.text("big.csv", rows) if fmt == "csv" else files.xlsx("big.xlsx", {"考勤": rows})
    start = time.perf_counter()
    r = read_path(path)
    elapsed = time.perf_counter() - start
    assert len(r.tables["attendance"]) == 50_000
    assert_accounted(r)
    assert elapsed < 5, f"{elapsed:.1f}s"
