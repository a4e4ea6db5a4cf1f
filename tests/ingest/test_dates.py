"""Dates, date-times, months, months in titles and memos."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from ingest.values.dates import (
    InvalidDate,
    memo_months,
    month_from_text,
    month_of,
    parse_date,
    parse_date_series,
    parse_datetime_series,
    parse_month,
    parse_month_series,
    previous_month,
)

MARCH_1 = dt.datetime(2025, 3, 1)


@pytest.mark.parametrize(
    "raw",
    [
        "2025-03-01",  # ISO
        "2025/3/1",  # Excel's Chinese default
        "2025.3.1",  # dotted
        "2025年3月1日",  # Chinese
        "2025年3月1号",  # colloquial 号
        "２０２５－０３－０１",  # full-width
        "20250301",  # compact text
        " 2025-03-01 ",  # surrounding spaces
        "2025-03-01 08:01:02",  # a gate's date-time counts for its date
        "2025/3/1 8:01",  # without seconds
        "2025-03-01T08:01:02",  # ISO date-time
        "2025-03-01 08:01:02.500",  # fractions of a second
        "2025年3月1日 8:01",  # Chinese date with a time
        "45717",  # a serial number written out as text
        20250301,  # yyyymmdd typed into a number cell
        20250301.0,  # the same read as a float
        45717,  # Excel serial number (1900 date system)
        45717.75,  # serial with a time of day
        MARCH_1,  # datetime cell
        dt.datetime(2025, 3, 1, 23, 59),  # datetime late in the day
        dt.date(2025, 3, 1),  # date cell
        pd.Timestamp("2025-03-01 10:00"),  # pandas Timestamp
        np.datetime64("2025-03-01"),  # numpy datetime
    ],
)
def test_parse_date_accepts_written_and_spreadsheet_dates(raw: object) -> None:
    assert parse_date(raw) == MARCH_1


@pytest.mark.parametrize(
    "raw",
    [
        "2025-02-30",  # no such day
        "2025-13-01",  # no such month
        "2025-03-01 25:00",  # no such hour
        "20250230",  # compact, no such day
        "2025年3月",  # a month, not a date
        "3/1/2025",  # day/month order is ambiguous, so not guessed
        "25/3/1",  # two-digit year
        "abc",  # garbage
        "08:00",  # a time alone
        dt.time(8, 0),  # a time cell
        True,  # boolean cell
        12345,  # a number too small to be a plausible serial
        99999999,  # eight digits that are no date
        float("inf"),  # infinity
        "1800-01-01",  # outside the plausible years
    ],
)
def test_parse_date_rejects_with_date_format(raw: object) -> None:
    with pytest.raises(InvalidDate, match="DATE-FORMAT"):
        parse_date(raw)


@pytest.mark.parametrize("placeholder", ["-", "—", "/", "无", "暂无"])  # what people write for "no date"
def test_parse_date_reads_placeholders_as_no_date(placeholder: str) -> None:
    assert parse_date(placeholder) is None


def test_excel_serial_numbers_use_the_1900_date_system() -> None:
    assert parse_date(45717) == MARCH_1
    assert parse_date(45658) == dt.datetime(2025, 1, 1)
    assert parse_date(43831) == dt.datetime(2020, 1, 1)


def test_parse_date_series_returns_midnight_datetimes_and_codes() -> None:
    raw = pd.Series(["2025/3/1 8:01", MARCH_1, 45717, "2025-02-30", None, "", "-", "2025-03-02"],
                    index=list("abcdefgh"), dtype="object")
    values, codes = parse_date_series(raw)
    assert str(values.dtype) == "datetime64[s]" and str(codes.dtype) == "str"
    assert list(values.index) == list("abcdefgh")
    assert values.iloc[:3].tolist() == [pd.Timestamp(MARCH_1)] * 3
    assert values.iloc[7] == pd.Timestamp("2025-03-02")
    assert values.iloc[3:7].isna().all()
    assert codes.iloc[3] == "DATE-FORMAT" and codes.drop("d").isna().all()
    assert (values.dropna() == values.dropna().dt.normalize()).all()


def test_parse_datetime_series_keeps_the_time() -> None:
    raw = pd.Series(["2025-03-01 08:01:02", "2025/3/1 17:30", 45717.75, "2025-03-01"], dtype="object")
    values, codes = parse_datetime_series(raw)
    assert str(values.dtype) == "datetime64[s]" and codes.isna().all()
    assert values.tolist() == [pd.Timestamp("2025-03-01 08:01:02"), pd.Timestamp("2025-03-01 17:30"),
                               pd.Timestamp("2025-03-01 18:00"), pd.Timestamp("2025-03-01")]


def test_parse_date_series_on_a_million_rows_of_few_values() -> None:
    distinct = np.array([f"2025/{1 + i % 12}/{1 + i % 28} {i % 24}:00" for i in range(1000)], dtype=object)
    raw = pd.Series(distinct[np.arange(1_000_000) % 1000])
    values, codes = parse_date_series(raw)
    assert codes.isna().all() and values.notna().all()
    assert values.iloc[1001] == pd.Timestamp("2025-02-02")


@pytest.mark.parametrize(
    "raw",
    [
        "2025-03",  # ISO month
        "2025/3",  # slashed
        "2025.03",  # dotted
        "2025.3",  # dotted, no zero
        "2025年3月",  # Chinese
        "2025年03月份",  # Chinese with 份
        "2025 年 3 月",  # spaced
        "202503",  # compact text
        "2025-03-15",  # a full date gives its month
        "2025年3月1日",  # a Chinese full date
        202503,  # compact number cell
        202503.0,  # the same read as a float
        2025.03,  # `2025.03` typed into a number cell
        2025.3,  # `2025.3` (or `2025.30`, no month) typed into a number cell
        45717,  # a serial number of a date in March
        dt.date(2025, 3, 9),  # a date cell
        dt.datetime(2025, 3, 31, 12),  # a datetime cell
    ],
)
def test_parse_month_accepts_written_months(raw: object) -> None:
    assert parse_month(raw) == "2025-03"


@pytest.mark.parametrize(
    "raw",
    [
        "2025-13",  # no such month
        "2025-00",  # month zero
        "202513",  # compact, no such month
        "三月",  # no year
        "abc",  # garbage
        2025.1,  # January or October with its zero dropped: not guessed
        2025.0,  # a year alone
        2025.123,  # too many decimals
        True,  # boolean cell
    ],
)
def test_parse_month_rejects_with_month_format(raw: object) -> None:
    with pytest.raises(InvalidDate, match="MONTH-FORMAT"):
        parse_month(raw)


def test_parse_month_of_october_and_december_number_cells() -> None:
    # 2025.11 and 2025.12 are unambiguous even after a float drops trailing zeros
    assert parse_month(2025.11) == "2025-11"
    assert parse_month(2025.12) == "2025-12"


def test_parse_month_series_returns_str_and_codes() -> None:
    raw = pd.Series(["2025-03", "2025年4月", None, "2025-13", dt.date(2025, 5, 2)], dtype="object")
    values, codes = parse_month_series(raw)
    assert str(values.dtype) == "str" and str(codes.dtype) == "str"
    assert values.tolist()[:2] == ["2025-03", "2025-04"] and values.iloc[4] == "2025-05"
    assert values.iloc[[2, 3]].isna().all()
    assert codes.iloc[3] == "MONTH-FORMAT" and codes.drop(3).isna().all()


@pytest.mark.parametrize(
    ("title", "month"),
    [
        ("XX项目2025年3月工资表", "2025-03"),  # the usual payroll title
        ("2025-03 考勤", "2025-03"),  # ISO month
        ("东阳某项目 2025年03月份 农民工工资发放表", "2025-03"),  # with 份
        ("2025年3月1日考勤记录", "2025-03"),  # a date names its month
        ("工资表202503", "2025-03"),  # compact
        ("２０２５年３月考勤表", "2025-03"),  # full-width
        ("2025.12工资", "2025-12"),  # dotted
        ("单位：元", None),  # a unit row
        ("XX项目工资表", None),  # no month
        ("编号20251301", None),  # digits that are no month
        ("", None),  # empty
    ],
)
def test_month_from_text_finds_month_in_titles(title: str, month: str | None) -> None:
    assert month_from_text(title) == month


def test_month_from_text_of_none_is_none() -> None:
    assert month_from_text(None) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("memo", "paid", "month"),
    [
        ("3月工资", "2025-04-10", "2025-03"),  # month before the payment
        ("3月工资", "2025-03-31", "2025-03"),  # paid within the month itself
        ("4月工资", "2025-03-31", "2024-04"),  # a month after the payment means last year's
        ("12月工资", "2025-01-10", "2024-12"),  # across the year boundary
        ("1月工资", "2025-01-10", "2025-01"),  # January paid in January
        ("十二月工资", "2025-01-10", "2024-12"),  # Chinese numeral
        ("三月份工资", "2025-04-10", "2025-03"),  # Chinese numeral with 份
        ("2025年3月补发", "2025-06-01", "2025-03"),  # explicit year wins
        ("2024年12月工资", "2025-01-10", "2024-12"),  # explicit year across the boundary
        ("2025-03工资", "2025-04-10", "2025-03"),  # ISO month
        ("2025年4月10日代发3月工资", "2025-04-10", "2025-03"),  # the month named as wages wins over a date
        ("上月工资", "2025-01-10", "2024-12"),  # last month
        ("本月工资", "2025-01-10", "2025-01"),  # this month
        ("代发工资", "2025-04-10", None),  # no month
        ("13月工资", "2025-04-10", None),  # no such month
    ],
)
def test_memo_months_reads_wage_month(memo: str, paid: str, month: str | None) -> None:
    out = memo_months(pd.Series([memo], dtype="str"), pd.Series([pd.Timestamp(paid)], dtype="datetime64[s]"))
    assert (None if pd.isna(out.iloc[0]) else out.iloc[0]) == month


def test_memo_months_is_na_without_memo_or_without_year() -> None:
    memo = pd.Series([None, "3月工资", "2025年3月工资"], index=[5, 6, 7], dtype="str")
    paid = pd.Series(pd.to_datetime(["2025-04-10", None, None]), index=[5, 6, 7]).astype("datetime64[s]")
    out = memo_months(memo, paid)
    assert str(out.dtype) == "str" and list(out.index) == [5, 6, 7]
    assert out.iloc[:2].isna().all()  # no memo; a yearless month with no payment date
    assert out.iloc[2] == "2025-03"  # the memo's own year needs no payment date


def test_memo_months_aligns_payment_dates_by_index() -> None:
    memo = pd.Series(["3月工资", "12月工资"], index=[1, 0], dtype="str")
    paid = pd.Series(pd.to_datetime(["2025-01-10", "2025-04-10"]), index=[0, 1])
    assert memo_months(memo, paid).tolist() == ["2025-03", "2024-12"]


def test_memo_months_on_repeated_memos_across_years() -> None:
    memo = pd.Series(["12月工资"] * 4, dtype="str")
    paid = pd.Series(pd.to_datetime(["2025-01-10", "2025-12-20", "2025-01-10", "2026-01-05"]))
    assert memo_months(memo, paid).tolist() == ["2024-12", "2025-12", "2024-12", "2025-12"]


def test_month_of_and_previous_month() -> None:
    dates = pd.Series(pd.to_datetime(["2025-01-10", "2025-03-31", None, "2024-12-01"]), dtype="datetime64[s]")
    assert month_of(dates).tolist()[:2] == ["2025-01", "2025-03"] and month_of(dates).iloc[3] == "2024-12"
    prev = previous_month(dates)
    assert str(prev.dtype) == "str"
    assert prev.tolist()[:2] == ["2024-12", "2025-02"] and prev.iloc[3] == "2024-11"
    assert pd.isna(prev.iloc[2]) and pd.isna(month_of(dates).iloc[2])
