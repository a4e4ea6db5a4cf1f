"""Plain numbers: days worked, hours, ratios and paydays.

These are not money, so a float is the right type (`21.5` days), but they arrive the same ways amounts
do: as spreadsheet numbers, as text with a unit (`22天`, `8小时`), in full-width digits.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal

import numpy as np
import pandas as pd

from ingest.values import InvalidValue, parse_unique

__all__ = ["InvalidNumber", "parse_int", "parse_int_series", "parse_number", "parse_number_series"]

_SPACE = re.compile(r"[\s\u200b\ufeff]+")
_NUMBER = re.compile(r"^[+\-\u2212]?(?:\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d+(?:\.\d*)?|\.\d+)$")
# Units people append to days, hours and counts; a payday is written `15日`, `15号`, `每月15日`, `次月15日`.
_UNIT = re.compile(r"(?:个?工日|天|日|号|个?小时|时|h|hrs?|次|个|人)$", re.IGNORECASE)
_PAYDAY_PREFIX = re.compile(r"^(?:每月|次月|下月|每月的|次月的)")


class InvalidNumber(InvalidValue):
    """A number that cannot be read; ``code`` is NUMBER-FORMAT."""


def _text_to_float(v: str) -> float:
    text = _SPACE.sub("", unicodedata.normalize("NFKC", v))
    percent = text.endswith("%")
    text = _UNIT.sub("", text[:-1] if percent else text)
    if not _NUMBER.match(text):
        raise InvalidNumber("NUMBER-FORMAT", v)
    value = float(text.replace(",", "").replace("\u2212", "-"))
    # `80%` is a ratio of 0.8; computed through Decimal so 0.3 stays 0.3 rather than 0.30000000000000004
    return float(Decimal(text.replace(",", "").replace("\u2212", "-")) / 100) if percent else value


def parse_number(v: object) -> float:
    """A cell as a float; `80%` is 0.8. Raises :class:`InvalidNumber`."""
    if isinstance(v, bool | np.bool_):
        raise InvalidNumber("NUMBER-FORMAT", v)
    if isinstance(v, int | np.integer | float | np.floating | Decimal):
        f = float(v)
        if not math.isfinite(f):
            raise InvalidNumber("NUMBER-FORMAT", v)
        return f
    if isinstance(v, str):
        return _text_to_float(v)
    raise InvalidNumber("NUMBER-FORMAT", v)


def parse_int(v: object) -> int:
    """A whole number such as a payday (`15`, `15日`, `每月15号`); a fraction is NUMBER-FORMAT."""
    if isinstance(v, str):
        v = _PAYDAY_PREFIX.sub("", _SPACE.sub("", unicodedata.normalize("NFKC", v)))
    f = parse_number(v)
    if isinstance(v, str) and v.endswith("%"):
        raise InvalidNumber("NUMBER-FORMAT", v)
    if not f.is_integer() or abs(f) > 2**53:  # beyond 2**53 a float no longer holds the integer
        raise InvalidNumber("NUMBER-FORMAT", v)
    return int(v) if isinstance(v, int | np.integer) else int(f)


def parse_number_series(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A column of days, hours or ratios to ``(Float64, codes)``."""
    return parse_unique(raw, parse_number, "Float64")


def parse_int_series(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A column of whole numbers (paydays) to ``(Int64, codes)``."""
    return parse_unique(raw, parse_int, "Int64")
