"""Resident ID numbers: normalisation, the spreadsheet manglings, and the region policy."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from stdnum.cn import ric

from ingest.values import id_number
from ingest.values.id_number import InvalidIdNumber, validate

TODAY = dt.date(2025, 6, 1)


def make_id(first17: str) -> str:
    """A well-formed ID from its first 17 digits, the check digit computed by python-stdnum."""
    return first17 + ric.calc_check_digit(first17 + "0")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("11010519491231002X", "11010519491231002X"),  # the GB 11643 example, check digit X
        ("11010519491231002x", "11010519491231002X"),  # lower-case x
        ("110105491231002", "11010519491231002X"),  # 15-digit first-generation ID
        ("330724199003151231", "330724199003151231"),  # Dongyang
        (" 1101 0519 4912 3100 2X ", "11010519491231002X"),  # spaces typed for readability
        ("110105-19491231-002X", "11010519491231002X"),  # dashes
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),  # full-width
        ("'11010519491231002X", "11010519491231002X"),  # a CSV text guard
        ('="11010519491231002X"', "11010519491231002X"),  # Excel's formula text guard
        ("\t11010519491231002X", "11010519491231002X"),  # a tab guard
        ("330782195001011230", "330782195001011230"),  # 义乌 code not yet assigned in 1950: accepted
        ("500101197001011230", "500101197001011230"),  # 重庆 code before 1997: accepted
        (make_id("81000019900101123"), make_id("81000019900101123")),  # Hong Kong residence permit
    ],
)
def test_validate_normalises_valid_ids(raw: str, expected: str) -> None:
    assert validate(raw, today=TODAY) == expected


def test_county_code_not_valid_in_birth_year_is_accepted_where_stdnum_rejects_it() -> None:
    number = "330782195001011230"
    assert not ric.is_valid(number)  # python-stdnum's own policy, which we deliberately do not follow
    assert id_number.is_valid(number)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (3.30724199003151e17, "ID-SCIENTIFIC"),  # a float cell
        (330724199003151231, "ID-SCIENTIFIC"),  # an int cell
        (110105491231002, "ID-SCIENTIFIC"),  # even a 15-digit number cell: the column is not text
        ("3.30724199003151E+17", "ID-SCIENTIFIC"),  # scientific notation written out in a CSV
        ("3.30724199003151e+17", "ID-SCIENTIFIC"),  # lower-case e
        ("330724199003151231.0", "ID-SCIENTIFIC"),  # a float written out by a program
        ("330724199003151000", "ID-FLOAT-TAIL"),  # 15 significant digits, the tail zeroed as Excel shows
        ("330724199003151232", "ID-FLOAT-TAIL"),  # the float64 nearest to 330724199003151231
        ("330724199003151234", "ID-CHECKSUM"),  # a typo in the check digit
        ("33072419900315123X", "ID-CHECKSUM"),  # X where a digit belongs
        ("1101051949123100", "ID-LENGTH"),  # 16 characters
        ("1101051949123100211", "ID-LENGTH"),  # 19 characters
        ("11010519491231002Y", "ID-FORMAT"),  # a letter other than X
        ("1101051949X231002X", "ID-FORMAT"),  # X inside
        ("11010549123100X", "ID-FORMAT"),  # X in a 15-digit ID, which has no check digit
        ("张三", "ID-FORMAT"),  # a name in the ID column
        (True, "ID-FORMAT"),  # a boolean cell
        (make_id("11010519490230002"), "ID-BIRTHDATE"),  # 30 February
        (make_id("11010518991231002"), "ID-BIRTHDATE"),  # born before 1900
        (make_id("11010520991231002"), "ID-BIRTHDATE"),  # born in the future
        (make_id("11010519491331002"), "ID-BIRTHDATE"),  # month 13
        (make_id("99010519491231002"), "ID-REGION"),  # province 99 does not exist
        (make_id("00010519491231002"), "ID-REGION"),  # province 00 neither
        ("990105491231002", "ID-REGION"),  # a 15-digit ID with an unknown province
    ],
)
def test_validate_rejects_with_specific_code(raw: object, code: str) -> None:
    with pytest.raises(InvalidIdNumber, match=code) as caught:
        validate(raw, today=TODAY)
    assert caught.value.code == code


def test_invalid_id_number_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="ID-LENGTH"):
        validate("123")


def test_validate_uses_system_date_by_default() -> None:
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    with pytest.raises(InvalidIdNumber, match="ID-BIRTHDATE"):
        validate(make_id(f"110105{tomorrow:%Y%m%d}002"))


@pytest.mark.parametrize(
    ("raw", "valid"),
    [
        ("11010519491231002X", True),  # valid
        ("11010519491231002x", True),  # valid after normalising the x
        ("11010519491231002Y", False),  # bad character
        (None, False),  # nothing
    ],
)
def test_is_valid(raw: object, valid: bool) -> None:
    assert id_number.is_valid(raw) is valid


def test_format_gives_normalised_number_or_compacted_input() -> None:
    assert id_number.format("110105491231002") == "11010519491231002X"
    assert id_number.format(" 1101 05x ") == "110105X"


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("33072419900315123X", "330724********123X"),  # the form shown to bureaus
        ("11010519491231002x", "110105********002X"),  # normalised before masking
        ("110105491231002", "110105********1002"),  # an old ID keeps only 6 + 4 digits visible
        ("12345", "*****"),  # too short to show any of it
        (None, ""),  # nothing to mask
        (pd.NA, ""),  # a missing value from a frame is not masked as `<NA>`
    ],
)
def test_mask_shows_first_six_and_last_four(raw: str | None, masked: str) -> None:
    assert id_number.mask(raw) == masked


def test_mask_series_matches_mask() -> None:
    ids = pd.Series(["33072419900315123X", None, "12345"], dtype="str")
    out = id_number.mask_series(ids)
    assert out.iloc[0] == "330724********123X" and pd.isna(out.iloc[1]) and out.iloc[2] == "*****"


@pytest.mark.parametrize(
    ("number", "born", "sex"),
    [
        ("11010519491231002X", dt.date(1949, 12, 31), "F"),  # 17th digit 2: even, a woman
        ("330724199003151231", dt.date(1990, 3, 15), "M"),  # 17th digit 3: odd, a man
        (make_id("44030120000229457"), dt.date(2000, 2, 29), "M"),  # leap day
    ],
)
def test_birth_date_and_sex(number: str, born: dt.date, sex: str) -> None:
    assert id_number.birth_date(number) == born
    assert id_number.sex(number) == sex


def test_birth_dates_and_sexes_vectorised_keep_na_and_index() -> None:
    ids = pd.Series(["11010519491231002X", None, "330724199003151231", "11010519491231002X"],
                    index=[3, 4, 5, 6], dtype="str")
    born = id_number.birth_dates(ids)
    sexes = id_number.sexes(ids)
    assert str(born.dtype) == "datetime64[s]" and str(sexes.dtype) == "str"
    assert list(born.index) == [3, 4, 5, 6] and list(sexes.index) == [3, 4, 5, 6]
    assert born.tolist()[0] == pd.Timestamp("1949-12-31") and born.iloc[2] == pd.Timestamp("1990-03-15")
    assert pd.isna(born.iloc[1]) and pd.isna(sexes.iloc[1])
    assert sexes.tolist()[0] == "F" and sexes.iloc[2] == "M" and sexes.iloc[3] == "F"


def test_parse_series_normalises_and_codes() -> None:
    raw = pd.Series(
        ["11010519491231002X", "11010519491231002x", None, 3.30724199003151e17, "330724199003151000",
         "", make_id("99010519491231002"), "110105491231002"],
        index=list("abcdefgh"), dtype="object",
    )
    values, codes = id_number.parse_series(raw, today=TODAY)
    assert str(values.dtype) == "str" and str(codes.dtype) == "str"
    assert list(values.index) == list("abcdefgh")
    assert values.loc[["a", "b", "h"]].tolist() == ["11010519491231002X"] * 3
    assert values.loc[["c", "d", "e", "f", "g"]].isna().all()
    assert codes.loc[["d", "e", "g"]].tolist() == ["ID-SCIENTIFIC", "ID-FLOAT-TAIL", "ID-REGION"]
    assert codes.loc[["a", "b", "c", "f", "h"]].isna().all()


def test_parse_series_fast_path_agrees_with_validate() -> None:
    # canonical strings take a vectorised path; it must reach the same verdicts as validate
    rng = np.random.default_rng(7)
    bodies = [f"{p}0101{y}{m:02d}{d:02d}{s:03d}" for p, y, m, d, s in zip(
        rng.choice(["11", "33", "50", "99", "00"], 400), rng.integers(1890, 2030, 400),
        rng.integers(1, 13, 400), rng.integers(1, 31, 400), rng.integers(0, 1000, 400), strict=True)]
    candidates = [make_id(b) for b in bodies] + [b + "0" for b in bodies]  # valid check digits and not
    values, codes = id_number.parse_series(pd.Series(candidates, dtype="str"), today=TODAY)
    for number, value, code in zip(candidates, values, codes, strict=True):
        try:
            assert value == validate(number, today=TODAY) and pd.isna(code)
        except InvalidIdNumber as e:
            assert pd.isna(value) and code == e.code


def test_parse_series_on_a_million_rows_of_few_values() -> None:
    distinct = np.array([make_id(f"330724{1960 + i % 40}{1 + i % 12:02d}{1 + i % 28:02d}{i:03d}")
                         for i in range(1000)], dtype=object)
    raw = pd.Series(distinct[np.arange(1_000_000) % 1000])
    values, codes = id_number.parse_series(raw, today=TODAY)
    assert codes.isna().all() and values.notna().all()
    assert values.iloc[999_999] == distinct[999]


def test_provinces_come_from_the_reference_file() -> None:
    codes = id_number.provinces()
    assert {"11", "33", "50", "65", "81", "82"} <= codes
    assert "99" not in codes and len(codes) == 35
