"""Recognising a sheet's kind from its header row, including headers several kinds share."""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.kinds import DayHeader, day_header, is_weekday, recognise

DAYS = [str(d) for d in range(1, 32)]


@pytest.mark.parametrize(("headers", "kind"), [
    (["项目编号", "项目名称", "行业", "施工总承包单位", "专用账户"], "project"),
    (["序号", "姓名", "身份证号", "性别", "班组", "工种", "银行卡号", "开户银行", "进场日期"], "roster"),
    # 姓名, 身份证号 and 银行卡号 are also roster columns: the money columns make it a payroll
    (["姓名", "身份证号", "银行卡号", "应发工资", "实发工资"], "payroll"),
    # a payroll given only parts of its gross
    (["姓名", "身份证号", "基本工资", "加班费", "实发工资"], "payroll"),
    # 实发金额 and 姓名 are payroll columns too: the date and card make it a bank's result
    (["交易日期", "收款账号", "姓名", "实发金额", "状态"], "disbursement"),
    (["交易日期", "摘要", "收入金额", "支出金额", "余额", "对方户名"], "account"),
    (["交易日期", "金额", "收支", "对方户名"], "account"),
    (["姓名", "身份证号", "通行时间", "方向"], "attendance"),
    (["身份证号", "考勤日期", "工时"], "attendance"),
    (["姓名", "进场时间", "离场时间"], "attendance"),  # a gate log with times only
    (["项目编号", "姓名", "身份证号", "工资月份", "应发工资", "实发工资"], "payroll"),  # code is no project
])
def test_kind_is_recognised_from_the_header(headers, kind):
    r = recognise(headers)
    assert r is not None and r.kind == kind and not r.grid


@pytest.mark.parametrize("headers", [
    ["序号", "名称", "数量", "单价"],  # a materials list
    ["姓名", "身份证号"],  # a roster without card numbers, or a payroll without money: not enough
    ["项目编号"],  # a code alone is no project sheet
    ["姓名", "1", "2", "3"],  # too few day columns for a grid
])
def test_headers_matching_no_kind_are_not_recognised(headers):
    assert recognise(headers) is None


def test_wide_grid_is_recognised_by_its_day_columns():
    r = recognise(["序号", "姓名", "身份证号", *DAYS, "出勤天数"])
    assert r is not None and r.kind == "attendance" and r.grid
    assert len(r.days) == 31 and r.days[3] == DayHeader(1)
    assert r.columns == {1: "worker_name", 2: "id_number", 34: "grid_total"}


def test_a_payroll_with_day_columns_stays_a_payroll():
    r = recognise(["姓名", "身份证号", *DAYS, "应发工资", "实发工资"])
    assert r is not None and r.kind == "payroll" and not r.grid


@pytest.mark.parametrize(("cell", "expected"), [
    (1.0, DayHeader(1)),  # a number cell in Excel
    ("31", DayHeader(31)),
    ("5日", DayHeader(5)),
    ("５号", DayHeader(5)),  # full-width digit
    ("3月5日", DayHeader(5)),
    ("3/5", DayHeader(5)),
    ("2025-03-05", DayHeader(5, "2025-03")),
    ("2025年3月5日", DayHeader(5, "2025-03")),
    (dt.datetime(2025, 2, 28), DayHeader(28, "2025-02")),  # a date cell
    ("32", None),  # no such day
    (0, None),
    ("合计", None),
    (True, None),  # a boolean cell is no day
])
def test_day_headers(cell, expected):
    assert day_header(cell) == expected


@pytest.mark.parametrize(("cell", "expected"), [("六", True), ("周日", True), ("星期三", True), ("3", False)])
def test_weekday_marks_under_day_numbers(cell, expected):
    assert is_weekday(cell) is expected
