"""Money cells to integer fen, exactly.

Wage amounts arrive as spreadsheet floats, as text with thousands separators, currency signs and `元`, in
full-width digits, and in accounting notation (`(5.00)` for a negative). A fen lost to float rounding is a
wrong finding, so everything goes through ``Decimal``; a float cell is read through its shortest ``repr``
(the decimal the spreadsheet showed) and allowed a 1e-6 yuan tolerance for sums the spreadsheet computed.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd

from ingest.values import InvalidValue, parse_unique
from ingest.values.numbers import parse_int_series, parse_number_series

__all__ = ["InvalidAmount", "parse", "parse_int_series", "parse_number_series", "parse_series", "to_decimal"]

_FEN = Decimal(100)
_FLOAT_TOLERANCE = Decimal("1e-6")  # yuan; a computed 5300.000000001 is 5300.00, 5300.001 is not
_MAX_FEN = 10**17  # a trillion yuan and more is a misread cell (and would overflow Int64), not an amount

_SPACE = re.compile(r"[\s\u200b\ufeff]+")
# Signs seen in wage sheets: ASCII and Unicode minus, en dash typed as minus.
_MINUS = "-\u2212\u2012\u2013\u2014\ufe63"
_PREFIX = re.compile(r"^(?:¥|rmb|cny|人民币)", re.IGNORECASE)
_SUFFIX = re.compile(r"(?:元整?|圆整?|rmb|cny|人民币)$", re.IGNORECASE)
_NUMBER = re.compile(
    r"^(?:\d{1,3}(?:,\d{3})+(?:\.\d*)?"  # 1,234.50
    r"|\d+(?:\.\d*)?"  # 1234.5, 1234.
    r"|\.\d+"  # .5
    r"|\d+(?:\.\d+)?e[+-]?\d+)$",  # 5.3e+03 from a program's CSV
    re.IGNORECASE,
)
# Accounting formats show zero as a dash (`¥ -`); the cell's value was 0.
_ZERO_DASH = re.compile(rf"^[{_MINUS}]+$")


class InvalidAmount(InvalidValue):
    """An amount that cannot be read; ``code`` is AMOUNT-FORMAT, AMOUNT-NEGATIVE or AMOUNT-PRECISION."""


def _strip_decorations(text: str) -> tuple[str, bool]:
    """Remove currency signs, units and sign; return the bare number and whether it was negative."""
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    for _ in range(2):  # `-¥5` and `¥-5` both occur
        text = _SUFFIX.sub("", _PREFIX.sub("", text))
        if text[:1] and text[0] in _MINUS and not _ZERO_DASH.match(text):
            negative, text = not negative, text[1:]
        elif text.startswith("+"):
            text = text[1:]
    if text.endswith("-") and len(text) > 1 and not _ZERO_DASH.match(text):  # trailing minus: `5.00-`
        negative, text = not negative, text[:-1]
    return text, negative


def to_decimal(v: object) -> Decimal:
    """The exact yuan amount a cell holds, sign included, before the fen and sign policies apply."""
    if isinstance(v, bool | np.bool_):
        raise InvalidAmount("AMOUNT-FORMAT", v)
    if isinstance(v, int | np.integer):
        return Decimal(int(v))
    if isinstance(v, float | np.floating):
        if not math.isfinite(v):
            raise InvalidAmount("AMOUNT-FORMAT", v)
        return Decimal(repr(float(v)))
    if isinstance(v, Decimal):
        if not v.is_finite():
            raise InvalidAmount("AMOUNT-FORMAT", v)
        return v
    if not isinstance(v, str):
        raise InvalidAmount("AMOUNT-FORMAT", v)
    text = _SPACE.sub("", unicodedata.normalize("NFKC", v)).replace("，", ",")
    text, negative = _strip_decorations(text)
    if _ZERO_DASH.match(text):
        return Decimal(0)
    if not _NUMBER.match(text):
        raise InvalidAmount("AMOUNT-FORMAT", v)
    try:
        d = Decimal(text.replace(",", ""))
    except InvalidOperation as e:  # the pattern should not let this happen; keep the contract if it does
        raise InvalidAmount("AMOUNT-FORMAT", v) from e
    return -d if negative else d


def parse(v: object, *, allow_negative: bool = False) -> int:
    """The amount in integer fen; raises :class:`InvalidAmount`."""
    d = to_decimal(v)
    fen = d * _FEN
    whole = fen.to_integral_value()
    if fen != whole:
        tolerant = isinstance(v, float | np.floating) and abs(fen - whole) <= _FLOAT_TOLERANCE * _FEN
        if not tolerant:
            raise InvalidAmount("AMOUNT-PRECISION", v)
    result = int(whole)
    if abs(result) > _MAX_FEN:
        raise InvalidAmount("AMOUNT-FORMAT", v)
    if result < 0 and not allow_negative:
        raise InvalidAmount("AMOUNT-NEGATIVE", v)
    return result


def parse_series(raw: pd.Series, *, allow_negative: bool = False) -> tuple[pd.Series, pd.Series]:
    """A column of cells to ``(Int64 fen, codes)``; see :func:`ingest.values.parse_unique`."""
    return parse_unique(raw, lambda v: parse(v, allow_negative=allow_negative), "Int64")
