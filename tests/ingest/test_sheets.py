"""Per-kind reading: value maps, derived columns, required values and the problems of bad cells."""

from __future__ import annotations

import pandas as pd
import pytest

from ingest import read_path


def read_csv(files, rows, **kw):
    return read_path(files.text("s.csv", rows), display_name="s.csv", **kw)


def only(result, kind):
    assert [s.kind for s in result.inputs] == [kind]
    s = result.inputs[0]
    assert s.rows == s.accepted + s.rejected + s.skipped
    return result.tables[kind]


def codes(result):
    return [(p.code, p.row, p.column, p.value, p.level) for p in result.problems]


@pytest.mark.parametrize(("column", "header", "cell", "value"), [
    ("sector", "行业", "住建", "housing"),
    ("sector", "行业主管部门", "房建", "housing"),
    ("sector", "主管部门", "市政", "housing"),
    ("sector", "行业", "交通运输", "transport"),
    ("sector", "行业", "交通", "transport"),
    ("sector", "行业", "水 利", "water"),  # a space typed inside
    ("sector", "行业", "水务", "water"),
    ("deposit_status", "工资保证金", "已缴", "paid"),
    ("deposit_status", "工资保证金", "保函", "guarantee"),
    ("deposit_status", "工资保证金", "未缴", "unpaid"),
    ("deposit_status", "工资保证金", "免缴", "exempt"),
])
def test_project_value_maps(files, column, header, cell, value):
    r = read_csv(files, [["项目编号", "项目名称", header], ["DY2025-001", "某安置房", cell]])
    assert only(r, "project")[column].tolist() == [value]


def test_project_sheet_with_money_dates_and_ratio(files):
    rows = [["项目编号", "项目名称", "合同金额（元）", "开工日期", "发薪日", "人工费用拨付比例",
             "最低工资标准", "专用账户账号"],
            ["DY2025-001", "某安置房", "12,000,000.00", "2024年12月1日", "每月15日", "20%", "2280",
             "1208 0123 4567 8901 234"]]
    p = only(read_csv(files, rows), "project").iloc[0]
    assert (p.contract_amount, p.payday, p.labor_cost_ratio) == (1_200_000_000, 15, 0.2)
    assert p.min_wage_monthly == 228000
    assert p.start_date == pd.Timestamp("2024-12-01")
    assert p.wage_account == "1208012345678901234"  # spaces typed for readability are dropped


@pytest.mark.parametrize(("header", "cell", "column", "value"), [
    ("劳动合同", "是", "contract_signed", True),
    ("劳动合同", "已签", "contract_signed", True),
    ("劳动合同", "Y", "contract_signed", True),
    ("劳动合同", "有", "contract_signed", True),
    ("是否签订劳动合同", "否", "contract_signed", False),
    ("劳动合同", "未签", "contract_signed", False),
    ("劳动合同", "n", "contract_signed", False),  # lower case folds
    ("劳动合同", "无", "contract_signed", False),
    ("劳动合同", "", "contract_signed", pd.NA),  # not given
    ("计薪方式", "计日", "wage_basis", "day"),
    ("计薪方式", "计月", "wage_basis", "month"),
    ("计薪方式", "计件", "wage_basis", "piece"),
    ("性别", "女", "gender", "F"),
])
def test_roster_value_maps(files, sample, header, cell, column, value):
    rows = [["姓名", "身份证号", "银行卡号", header], ["张伟", sample.id_a, sample.card_a, cell]]
    got = only(read_csv(files, rows), "roster")[column].tolist()
    assert got == [value] if value is not pd.NA else pd.isna(got[0])


@pytest.mark.parametrize(("header", "cell", "code"), [
    ("性别", "未知", "VALUE-UNKNOWN"),
    ("计薪方式", "包工", "VALUE-UNKNOWN"),
    ("劳动合同", "待定", "VALUE-UNKNOWN"),
    ("日工资", "-350", "AMOUNT-NEGATIVE"),  # a wage cannot be negative
    ("日工资", "三百五", "AMOUNT-FORMAT"),
    ("月工资", "8000.005", "AMOUNT-PRECISION"),
    ("进场日期", "2025-02-30", "DATE-FORMAT"),
])
def test_roster_bad_values_reject_the_row_with_the_cell_as_typed(files, sample, header, cell, code):
    rows = [["姓名", "身份证号", "银行卡号", header], ["张伟", sample.id_a, sample.card_a, cell],
            ["李四", sample.id_b, sample.card_b, ""]]
    r = read_csv(files, rows)
    [(got, row, _column, value, level)] = codes(r)
    assert (got, row, value, level) == (code, 2, cell, "error")
    assert only(r, "roster")["worker_name"].tolist() == ["李四"]


def test_card_failing_luhn_is_a_warning_and_the_row_is_kept(files, sample):
    not_luhn = sample.card_a[:-1] + str((int(sample.card_a[-1]) + 1) % 10)
    rows = [["姓名", "身份证号", "银行卡号"], ["张伟", sample.id_a, not_luhn]]
    r = read_csv(files, rows)
    assert codes(r) == [("CARD-LUHN", 2, "card_number", not_luhn, "warning")]
    assert only(r, "roster")["card_number"].tolist() == [not_luhn]


def test_roster_required_values_are_each_reported(files, sample):
    rows = [["姓名", "身份证号", "银行卡号"], ["", sample.id_a, ""], ["李四", sample.id_b, sample.card_b]]
    r = read_csv(files, rows)
    assert codes(r) == [
        ("REQUIRED-MISSING", 2, "worker_name", None, "error"),
        ("REQUIRED-MISSING", 2, "card_number", None, "error"),
    ]
    assert r.inputs[0].rejected == 1  # one row, two problems


def test_payroll_gross_is_the_sum_of_its_parts_when_no_total_is_given(files, sample):
    rows = [["姓名", "身份证号", "工资月份", "基本工资", "加班费", "补贴", "社保", "个税", "实发工资"],
            ["张伟", sample.id_a, "2025-03", "5000", "300", "", "200", "", "5100"]]
    p = only(read_csv(files, rows), "payroll").iloc[0]
    assert (p.gross, p.deductions, p.net) == (530000, 20000, 510000)


def test_payroll_total_counts_and_parts_disagreeing_is_a_warning(files, sample):
    rows = [["姓名", "身份证号", "工资月份", "基本工资", "加班费", "应发合计", "借支", "扣款合计",
             "实发工资"],
            ["张伟", sample.id_a, "2025-03", "5000", "300", "5400", "100", "100", "5300"]]
    r = read_csv(files, rows)
    assert codes(r) == [("PARTS-TOTAL-MISMATCH", 2, "gross", "5400", "warning")]
    assert only(r, "payroll")["gross"].tolist() == [540000]


@pytest.mark.parametrize(("cell", "signed"), [
    ("张伟", True),  # a signature
    ("√", True),
    ("", False),  # not confirmed
    ("未签", False),
])
def test_payroll_signed_column(files, sample, cell, signed):
    rows = [["姓名", "身份证号", "工资月份", "应发工资", "实发工资", "本人签字"],
            ["张伟", sample.id_a, "2025-03", "100", "100", cell]]
    assert only(read_csv(files, rows), "payroll")["signed"].tolist() == [signed]


def test_payroll_row_with_a_name_but_no_id_is_kept_for_matching_by_name(files, sample):
    rows = [["姓名", "身份证号", "工资月份", "应发工资", "实发工资"],
            ["张伟", "", "2025-03", "100", "100"], ["", "", "2025-03", "100", "100"]]
    r = read_csv(files, rows)
    assert codes(r) == [("REQUIRED-MISSING", 3, "id_number", None, "error")]
    pay = only(r, "payroll")
    assert pay["worker_name"].tolist() == ["张伟"] and pay["id_number"].isna().all()


@pytest.mark.parametrize(("cell", "month"), [
    ("2025-03", "2025-03"),
    ("2025年3月", "2025-03"),
    ("202503", "2025-03"),
    ("", "2025-04"),  # an empty cell takes the title's month
])
def test_payroll_month_column_then_title(files, sample, cell, month):
    rows = [["2025年4月工资表"], ["姓名", "身份证号", "所属期", "应发工资", "实发工资"],
            ["张伟", sample.id_a, cell, "100", "100"]]
    assert only(read_csv(files, rows), "payroll")["month"].tolist() == [month]


def test_payroll_negative_net_is_rejected(files, sample):
    rows = [["姓名", "身份证号", "工资月份", "应发工资", "实发工资"],
            ["张伟", sample.id_a, "2025-03", "100", "-100"]]
    assert codes(read_csv(files, rows)) == [("AMOUNT-NEGATIVE", 2, "net", "-100", "error")]


@pytest.mark.parametrize(("cell", "status"), [
    ("成功", "S"), ("S", "S"), ("success", "S"), ("", "S"),  # an empty cell reads like no column
    ("失败", "F"), ("F", "F"), ("Failed", "F"), ("fail", "F"),
])
def test_disbursement_status(files, sample, cell, status):
    rows = [["交易日期", "收款账号", "收款户名", "金额", "状态"],
            ["2025-04-10", sample.card_a, "张伟", "5000", cell]]
    assert only(read_csv(files, rows), "disbursement")["status"].tolist() == [status]


@pytest.mark.parametrize(("memo", "month"), [
    ("3月工资", "2025-03"),
    ("2025年2月补发", "2025-02"),
    ("代发", None),  # no month named: NA, never guessed
])
def test_disbursement_month_from_the_memo_without_a_month_column(files, sample, memo, month):
    rows = [["代发日期", "卡号", "户名", "代发金额", "备注"],
            ["2025-04-10", sample.card_a, "张伟", "5000", memo]]
    d = only(read_csv(files, rows), "disbursement").iloc[0]
    assert d.month == month if month else pd.isna(d.month)
    assert d.status == "S" and d.memo == memo


def test_disbursement_bad_cells(files, sample):
    rows = [["交易日期", "收款账号", "收款户名", "金额", "状态", "工资月份"],
            ["2025-04-10", sample.card_a, "张伟", "5000", "处理中", "2025-03"],
            ["2025-04-10", "6.22202E+18", "李四", "5000", "成功", "2025-03"],
            ["", sample.card_c, "王五", "5000", "成功", "2025-13"]]
    assert codes(read_csv(files, rows)) == [
        ("STATUS-UNKNOWN", 2, "status", "处理中", "error"),
        ("CARD-SCIENTIFIC", 3, "card_number", "6.22202E+18", "error"),
        ("REQUIRED-MISSING", 4, "date", None, "error"),
        ("MONTH-FORMAT", 4, "month", "2025-13", "error"),
    ]


def test_account_signed_amounts_become_positive_with_a_direction(files):
    rows = [["记账日期", "发生额", "摘要", "余额"],
            ["2025-03-01", "100000", "人工费", "100000"], ["2025-03-10", "-53,000.00", "代发工资", "47000"]]
    acc = only(read_csv(files, rows), "account")
    assert acc[["amount", "direction", "purpose", "balance"]].to_dict("list") == {
        "amount": [10_000_000, 5_300_000], "direction": ["in", "out"], "purpose": ["人工费", "代发工资"],
        "balance": [10_000_000, 4_700_000],
    }


@pytest.mark.parametrize(("cell", "direction"), [
    ("收", "in"), ("收入", "in"), ("贷", "in"), ("IN", "in"), ("支", "out"), ("支出", "out"), ("借", "out"),
])
def test_account_direction_column(files, cell, direction):
    rows = [["交易日期", "金额", "收支"], ["2025-03-01", "500", cell]]
    assert only(read_csv(files, rows), "account")["direction"].tolist() == [direction]


def test_account_unknown_direction_is_rejected(files):
    rows = [["交易日期", "金额", "借贷标志"], ["2025-03-01", "500", "转"]]
    assert codes(read_csv(files, rows)) == [("DIRECTION-UNKNOWN", 2, "direction", "转", "error")]


def test_account_with_separate_in_and_out_columns(files):
    rows = [["交易日期", "贷方金额", "借方金额", "对方户名"],
            ["2025-03-01", "100000", "", "某建设单位"], ["2025-03-10", "", "53000", "工资代发"],
            ["2025-03-11", "", "", "无金额"]]
    r = read_csv(files, rows)
    assert codes(r) == [("REQUIRED-MISSING", 4, "amount", None, "error")]
    acc = only(r, "account")
    assert acc[["amount", "direction", "src_row"]].to_dict("list") == {
        "amount": [10_000_000, 5_300_000], "direction": ["in", "out"], "src_row": [2, 3],
    }


def test_long_attendance_with_dates_and_hours(files, sample):
    rows = [["身份证号", "打卡日期", "工时"], [sample.id_a, "2025/3/1", "8"],
            [sample.id_a, "20250302", "9.5"], [sample.id_a, "昨天", "8"]]
    r = read_csv(files, rows)
    assert codes(r) == [("DATE-FORMAT", 4, "date", "昨天", "error")]
    att = only(r, "attendance")
    assert att["date"].tolist() == [pd.Timestamp("2025-03-01"), pd.Timestamp("2025-03-02")]
    assert att["hours"].tolist() == [8.0, 9.5]
    assert att["worker_name"].isna().all()


def test_project_code_column_is_read_for_any_kind(files, sample):
    rows = [["项目代码", "身份证号", "考勤日期"], ["DY2025-001", sample.id_a, "2025-03-01"]]
    assert only(read_csv(files, rows), "attendance")["project_code"].tolist() == ["DY2025-001"]
