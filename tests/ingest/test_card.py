"""Bank card numbers: format, spreadsheet mangling, Luhn as a separate warning, masking."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from stdnum import luhn

from ingest.values import card
from ingest.values.card import InvalidCardNumber, validate

VISA_TEST = "4111111111111111"  # the well-known Luhn-valid test number
UNIONPAY = "6222021234567890"  # Luhn-invalid, which some wage accounts are


def with_luhn(body: str) -> str:
    return body + luhn.calc_check_digit(body)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (VISA_TEST, VISA_TEST),  # plain digits
        ("6222 0212 3456 7890 128", "6222021234567890128"),  # spaces in groups of four, 19 digits
        ("6222-0212-3456-7890", UNIONPAY),  # dashes
        ("６２２２０２１２３４５６７８９０", UNIONPAY),  # full-width digits
        ("'6222021234567890", UNIONPAY),  # CSV text guard
        ('="6222021234567890"', UNIONPAY),  # Excel's formula text guard
        ("622202123456", "622202123456"),  # 12 digits, the shortest account number
        (622202123456, "622202123456"),  # an int cell of 12 digits is exact
        (622202123456789, "622202123456789"),  # and of 15 digits
        (622202123456.0, "622202123456"),  # a float cell of 12 digits too
        ("622202123456.0", "622202123456"),  # a float written out by a program, still exact
        (UNIONPAY, UNIONPAY),  # a failed Luhn check is not a rejection
    ],
)
def test_validate_accepts_card_numbers(raw: object, expected: str) -> None:
    assert validate(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("6.22202123456789E+18", "CARD-SCIENTIFIC"),  # scientific notation in a CSV
        ("6.22202123456789e+15", "CARD-SCIENTIFIC"),  # lower-case e
        (6.22202123456789e18, "CARD-SCIENTIFIC"),  # a float cell of 19 digits
        (6222021234567890, "CARD-SCIENTIFIC"),  # an int cell of 16 digits has been through a float
        (1234567890123456.0, "CARD-SCIENTIFIC"),  # a float cell of 16 digits
        ("6222021234567890000.0", "CARD-SCIENTIFIC"),  # a long float written out by a program
        ("12345678901", "CARD-FORMAT"),  # 11 digits
        ("12345678901234567890", "CARD-FORMAT"),  # 20 digits
        ("6222O21234567890", "CARD-FORMAT"),  # letter O for zero
        ("abc", "CARD-FORMAT"),  # garbage
        (True, "CARD-FORMAT"),  # boolean cell
        (-622202123456, "CARD-FORMAT"),  # a negative number
        (622202123456.5, "CARD-FORMAT"),  # a fraction
        (12345, "CARD-FORMAT"),  # a short number cell
    ],
)
def test_validate_rejects_with_specific_code(raw: object, code: str) -> None:
    with pytest.raises(InvalidCardNumber, match=code) as caught:
        validate(raw)
    assert caught.value.code == code


@pytest.mark.parametrize(("raw", "valid"), [(VISA_TEST, True), ("1234", False), (None, False)])
def test_is_valid(raw: object, valid: bool) -> None:
    assert card.is_valid(raw) is valid


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        (VISA_TEST, True),  # 16 digits, valid
        ("4111111111111112", False),  # last digit off by one
        (UNIONPAY, False),  # a realistic number without a Luhn digit
        (with_luhn("62220212345"), True),  # 12 digits
        (with_luhn("622202123456789012"), True),  # 19 digits
        ("79927398713", True),  # the classic example (11 digits, Luhn alone)
    ],
)
def test_luhn_ok(number: str, ok: bool) -> None:
    assert card.luhn_ok(number) is ok


def test_luhn_series_agrees_with_stdnum_on_every_length() -> None:
    rng = np.random.default_rng(3)
    numbers = ["".join(map(str, rng.integers(0, 10, n))) for n in rng.integers(12, 20, 500)]
    numbers += [with_luhn(x[:-1]) for x in numbers]  # half made valid
    out = card.luhn_series(pd.Series(numbers, dtype="str"))
    assert str(out.dtype) == "boolean"
    assert out.tolist() == [luhn.is_valid(x) for x in numbers]
    assert out.any() and not out.all()


def test_luhn_series_is_na_for_missing_or_malformed_cards() -> None:
    cards = pd.Series([VISA_TEST, None, "abc", "4111", "4111111111111112", VISA_TEST], index=list("uvwxyz"),
                      dtype="str")
    out = card.luhn_series(cards)
    assert list(out.index) == list("uvwxyz")
    assert out.loc[["u", "y", "z"]].tolist() == [True, False, True]
    assert out.loc[["v", "w", "x"]].isna().all()  # a missing card is not a failed check


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("6222021234567890", "**** **** **** 7890"),  # 16 digits
        ("6222 0212 3456 7890 128", "**** **** **** 0128"),  # spaced, 19 digits
        ("1234", "****"),  # too short to show anything
        (None, ""),  # nothing to mask
        (float("nan"), ""),  # a missing value from a frame
    ],
)
def test_mask_shows_last_four(raw: str | None, masked: str) -> None:
    assert card.mask(raw) == masked


def test_mask_series_matches_mask() -> None:
    out = card.mask_series(pd.Series(["6222021234567890", None, "1234"], dtype="str"))
    assert out.iloc[0] == "**** **** **** 7890" and pd.isna(out.iloc[1]) and out.iloc[2] == "****"


def test_parse_series_normalises_and_codes() -> None:
    raw = pd.Series(["6222 0212 3456 7890", 6.22202123456789e18, None, "x", VISA_TEST, ""],
                    index=[9, 8, 7, 6, 5, 4], dtype="object")
    values, codes = card.parse_series(raw)
    assert str(values.dtype) == "str" and str(codes.dtype) == "str"
    assert list(values.index) == [9, 8, 7, 6, 5, 4]
    assert values.loc[9] == UNIONPAY and values.loc[5] == VISA_TEST
    assert values.loc[[8, 7, 6, 4]].isna().all()
    assert codes.loc[[8, 6]].tolist() == ["CARD-SCIENTIFIC", "CARD-FORMAT"]
    assert codes.loc[[9, 7, 5, 4]].isna().all()


def test_parse_series_on_a_million_rows_of_few_values() -> None:
    distinct = np.array([f"6222 0212 345{i:05d}" for i in range(1000)], dtype=object)
    raw = pd.Series(distinct[np.arange(1_000_000) % 1000])
    values, codes = card.parse_series(raw)
    assert codes.isna().all() and values.iloc[999_999] == "6222021234500999"
    assert card.luhn_series(values).notna().all()
