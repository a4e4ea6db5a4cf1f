"""Amounts to integer fen, and plain numbers (days, hours, ratios, paydays)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from ingest.values import amount
from ingest.values.amount import InvalidAmount, parse, parse_number_series, parse_series
from ingest.values.numbers import InvalidNumber, parse_int, parse_int_series, parse_number


@pytest.mark.parametrize(
    ("raw", "fen"),
    [
        ("1234.5", 123450),  # one decimal
        ("1,234.50", 123450),  # thousands separator
        ("¥1,234.50", 123450),  # yen/yuan sign
        ("￥1,234.50", 123450),  # full-width yuan sign
        ("1234.50元", 123450),  # unit after
        ("1234元整", 123400),  # 整 as written on receipts
        ("人民币1234.50", 123450),  # currency word before
        ("１２３４．５０", 123450),  # full-width digits and point
        ("１，２３４．５０", 123450),  # full-width comma
        (" 1 234.50 ", 123450),  # spaces inside and around
        ("5300", 530000),  # whole yuan
        ("0.01", 1),  # one fen
        (".5", 50),  # no leading zero
        ("1.230", 123),  # trailing zero beyond the fen is fine
        ("5.3E+03", 530000),  # scientific notation from a program's CSV
        ("0", 0),  # zero is a value; whether it is allowed is the schema's business
        ("-0", 0),  # negative zero is zero
        ("-", 0),  # accounting format shows zero as a dash
        ("¥ -", 0),  # with its currency sign
        (1234, 123400),  # int cell
        (1234.5, 123450),  # float cell
        (5300.000000001, 530000),  # a spreadsheet's computed sum, within 1e-6 of the fen
        (0.1 + 0.2, 30),  # 0.30000000000000004
        (Decimal("12.34"), 1234),  # a Decimal from another reader
        (np.int64(7), 700),  # numpy scalar
        (np.float64(7.25), 725),  # numpy float scalar
    ],
)
def test_parse_accepts_written_amounts(raw: object, fen: int) -> None:
    assert parse(raw) == fen


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("abc", "AMOUNT-FORMAT"),  # garbage
        ("12元3角", "AMOUNT-FORMAT"),  # spelled-out fractions are not parsed
        ("1,23,4", "AMOUNT-FORMAT"),  # misplaced separators
        ("1.2.3", "AMOUNT-FORMAT"),  # two points
        ("$100", "AMOUNT-FORMAT"),  # another currency
        (True, "AMOUNT-FORMAT"),  # a boolean cell is not an amount
        (float("inf"), "AMOUNT-FORMAT"),  # infinity
        ("-5", "AMOUNT-NEGATIVE"),  # minus sign
        ("−5", "AMOUNT-NEGATIVE"),  # Unicode minus
        ("(5.00)", "AMOUNT-NEGATIVE"),  # accounting negative
        ("（5.00）", "AMOUNT-NEGATIVE"),  # full-width brackets
        ("-¥5", "AMOUNT-NEGATIVE"),  # sign before the currency sign
        ("¥-5", "AMOUNT-NEGATIVE"),  # sign after it
        (-5, "AMOUNT-NEGATIVE"),  # negative number cell
        ("1.234", "AMOUNT-PRECISION"),  # a tenth of a fen
        ("0.001", "AMOUNT-PRECISION"),  # below a fen
        (5300.001, "AMOUNT-PRECISION"),  # a float 0.1 fen off is not rounded away
        (12.345, "AMOUNT-PRECISION"),  # three decimals in a float cell
        ("9e30", "AMOUNT-FORMAT"),  # absurdly large: a misread cell, and beyond Int64
        (10**20, "AMOUNT-FORMAT"),  # the same as an int cell
    ],
)
def test_parse_rejects_with_code(raw: object, code: str) -> None:
    with pytest.raises(InvalidAmount, match=code) as caught:
        parse(raw)
    assert caught.value.code == code


@pytest.mark.parametrize(("raw", "fen"), [("-5", -500), ("(5.00)", -500), (-12.5, -1250), ("5.00-", -500)])
def test_parse_allows_negative_when_asked(raw: object, fen: int) -> None:
    # account statements and refunds carry signs; only wage columns refuse them
    assert parse(raw, allow_negative=True) == fen


def test_parse_series_maps_values_and_codes_back_to_rows() -> None:
    raw = pd.Series(["1,234.50", 1, True, 1.0, None, "", np.nan, "x", "-5", 5.5, "1,234.50"],
                    index=range(100, 111), dtype="object")
    values, codes = parse_series(raw)
    assert str(values.dtype) == "Int64" and str(codes.dtype) == "str"
    assert list(values.index) == list(raw.index) and list(codes.index) == list(raw.index)
    assert values.tolist() == [123450, 100, pd.NA, 100, pd.NA, pd.NA, pd.NA, pd.NA, pd.NA, 550, 123450]
    expected = [None, None, "AMOUNT-FORMAT", None, None, None, None, "AMOUNT-FORMAT", "AMOUNT-NEGATIVE",
                None, None]
    assert [None if pd.isna(c) else c for c in codes] == expected


def test_parse_series_keeps_boolean_apart_from_one_whichever_comes_first() -> None:
    # hashing puts True and 1 in one bucket; the boolean must not take the number's value or vice versa
    raw = pd.Series([True, 1, 1.0, False, 0], dtype="object")
    values, codes = parse_series(raw)
    assert values.tolist() == [pd.NA, 100, 100, pd.NA, 0]
    assert codes.isna().tolist() == [False, True, True, False, True]


@pytest.mark.parametrize(
    "raw",
    [
        pd.Series([1.5, np.nan, 2.0]),  # a float64 column from a numeric reader
        pd.Series([1.5, None, 2], dtype="object"),  # calamine cells
        pd.Series(["1.50", None, "2"], dtype="str"),  # CSV text
    ],
)
def test_parse_series_accepts_any_column_dtype(raw: pd.Series) -> None:
    values, codes = parse_series(raw)
    assert values.tolist() == [150, pd.NA, 200] and codes.isna().all()


def test_parse_series_of_empty_column_is_empty() -> None:
    values, codes = parse_series(pd.Series([], dtype="object"))
    assert values.empty and codes.empty and str(values.dtype) == "Int64"


def test_parse_series_of_clean_text_column_has_no_codes() -> None:
    raw = pd.Series(["5300.00", "4,800", "¥6,200.50"], dtype="str")
    values, codes = parse_series(raw)
    assert values.tolist() == [530000, 480000, 620050]
    assert codes.isna().all()


def test_parse_series_allow_negative_passes_through() -> None:
    values, codes = parse_series(pd.Series(["-5", "5"], dtype="str"), allow_negative=True)
    assert values.tolist() == [-500, 500] and codes.isna().all()


def test_parse_series_on_a_million_rows_of_few_values() -> None:
    distinct = np.array([f"¥{i * 1001:,}.50" for i in range(1, 1001)], dtype=object)
    raw = pd.Series(distinct[np.arange(1_000_000) % 1000])
    values, codes = parse_series(raw)
    assert len(values) == 1_000_000 and codes.isna().all()
    assert values.iloc[1000] == values.iloc[0] == 100150
    assert values.iloc[999_999] == 1000 * 1001 * 100 + 50


def test_amount_reexports_parse_number_series() -> None:
    assert amount.parse_number_series is parse_number_series


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("22", 22.0),  # days as text
        ("21.5", 21.5),  # half days
        ("22天", 22.0),  # with the unit
        ("２２天", 22.0),  # full-width
        ("8小时", 8.0),  # hours
        ("10.5h", 10.5),  # hours, English unit
        ("26个工日", 26.0),  # working days
        ("80%", 0.8),  # a ratio written as a percentage
        ("0.3", 0.3),  # a ratio as a fraction
        (22, 22.0),  # int cell
        (21.5, 21.5),  # float cell
        ("1,234", 1234.0),  # thousands separator
    ],
)
def test_parse_number_accepts_days_hours_and_ratios(raw: object, number: float) -> None:
    assert parse_number(raw) == pytest.approx(number)


@pytest.mark.parametrize(
    "raw",
    [
        "abc",  # garbage
        "22天半",  # words for fractions
        True,  # boolean cell
        float("nan") * 0 + float("inf"),  # infinity
        "1.2.3",  # two points
    ],
)
def test_parse_number_rejects_garbage(raw: object) -> None:
    with pytest.raises(InvalidNumber, match="NUMBER-FORMAT"):
        parse_number(raw)


def test_parse_number_series_returns_float64_and_codes() -> None:
    values, codes = parse_number_series(pd.Series(["22", "21.5", "22天", "x", 8, None], dtype="object"))
    assert str(values.dtype) == "Float64"
    assert values.tolist()[:3] == [22.0, 21.5, 22.0] and values.iloc[4] == 8.0
    assert values.iloc[[3, 5]].isna().all()
    assert codes.iloc[3] == "NUMBER-FORMAT" and codes.drop(3).isna().all()


@pytest.mark.parametrize(
    ("raw", "day"),
    [("15", 15), ("15日", 15), ("15号", 15), ("每月15日", 15), ("次月10号", 10), (15, 15), (15.0, 15)],
)
def test_parse_int_accepts_paydays(raw: object, day: int) -> None:
    assert parse_int(raw) == day


# a fraction, garbage, a percentage, beyond what a float holds exactly
@pytest.mark.parametrize("raw", ["15.5", 15.5, "x", "50%", "99999999999999999999"])
def test_parse_int_rejects_non_whole_numbers(raw: object) -> None:
    with pytest.raises(InvalidNumber, match="NUMBER-FORMAT"):
        parse_int(raw)


def test_parse_int_series_returns_int64() -> None:
    values, codes = parse_int_series(pd.Series(["15", "15日", None, "15.5"], dtype="object"))
    assert str(values.dtype) == "Int64"
    assert values.tolist() == [15, 15, pd.NA, pd.NA]
    assert codes.tolist()[3] == "NUMBER-FORMAT" and codes.iloc[:3].isna().all()
