"""Header and name folding: what makes `姓 名` match `姓名` and `张 伟` match `张伟`."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ingest.text import fold, normalise_header, normalise_names


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("姓名", "姓名"),  # already clean
        ("姓 名", "姓名"),  # a space inside, typed to centre the header
        ("姓\u3000名", "姓名"),  # ideographic space
        ("姓\n名", "姓名"),  # line break in a merged cell
        (" 身份证号\r\n ", "身份证号"),  # surrounding whitespace and CRLF
        ("应发工资（元）", "应发工资"),  # full-width brackets around the unit
        ("应发工资(元)", "应发工资"),  # ASCII brackets
        ("出勤天数（天）", "出勤天数"),  # days
        ("工时(小时)", "工时"),  # hours
        ("金额[元]", "金额"),  # square brackets
        ("金额【元】", "金额"),  # lenticular brackets, which NFKC does not fold
        ("合计（单位：元）", "合计"),  # `单位：` inside the brackets
        ("实发工资 （ 元 ）", "实发工资"),  # spaces around the unit
        ("*身份证号", "身份证号"),  # required-field marker in front
        ("姓名*", "姓名"),  # and behind
        ("应发工资（元）*", "应发工资"),  # marker after the unit
        ("＊姓名", "姓名"),  # full-width asterisk
        ("ＩＤ", "id"),  # full-width ASCII letters fold and lower-case
        ("Net Pay", "netpay"),  # English header
        ("扣款(社保)", "扣款(社保)"),  # a part's name in brackets is not a unit and stays
        ("１日", "1日"),  # full-width day column of a grid
        ("(元)", "(元)"),  # a header that is only a unit is left alone rather than emptied
    ],
)
def test_normalise_header_folds_spacing_units_and_markers(raw: str, expected: str) -> None:
    assert normalise_header(raw) == expected


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, "", "   "])
def test_normalise_header_of_missing_cell_is_empty(missing: object) -> None:
    assert normalise_header(missing) == ""


def test_normalise_header_keeps_non_ascii_case() -> None:
    # only ASCII is lower-cased; Greek or Cyrillic in a header would be a different word
    assert normalise_header("ΔA") == "Δa"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  张伟 ", "张伟"),  # strip only
        ("１２３４", "1234"),  # full-width digits
        ("张 伟", "张 伟"),  # inner spaces are part of a value
        (None, ""),  # empty cell
        (12, "12"),  # a number cell
    ],
)
def test_fold_applies_nfkc_and_strips(raw: object, expected: str) -> None:
    assert fold(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("张伟", "张伟"),  # clean name stays
        ("张 伟", "张伟"),  # space typed to align two-character names
        ("张\u3000伟", "张伟"),  # ideographic space
        (" 王小明\n", "王小明"),  # surrounding whitespace
        ("买买提·艾力", "买买提·艾力"),  # the standard middle dot is kept
        ("买买提•艾力", "买买提·艾力"),  # bullet
        ("买买提・艾力", "买买提·艾力"),  # katakana middle dot
        ("买买提.艾力", "买买提·艾力"),  # full stop typed for the dot
        ("买买提 · 艾力", "买买提·艾力"),  # dot with spaces around
        ("ＡＢＣ", "ABC"),  # full-width letters fold, case kept
    ],
)
def test_normalise_names_folds_spaces_and_dots(raw: str, expected: str) -> None:
    out = normalise_names(pd.Series([raw], dtype="str"))
    assert out.iloc[0] == expected


def test_normalise_names_keeps_na_index_and_dtype() -> None:
    raw = pd.Series(["张 伟", None, "李四", np.nan, "  "], index=[10, 11, 12, 13, 14], dtype="object")
    out = normalise_names(raw)
    assert str(out.dtype) == "str"
    assert list(out.index) == [10, 11, 12, 13, 14]
    assert out.iloc[0] == "张伟" and out.iloc[2] == "李四"
    assert out.iloc[[1, 3, 4]].isna().all()  # a blank name is no name


def test_normalise_names_of_equal_names_are_equal() -> None:
    raw = pd.Series(["张伟", "张 伟", "张\u3000伟", "張偉"], dtype="str")
    out = normalise_names(raw)
    assert out.iloc[0] == out.iloc[1] == out.iloc[2]
    assert out.iloc[3] != out.iloc[0]  # traditional characters are a different spelling, not folded
