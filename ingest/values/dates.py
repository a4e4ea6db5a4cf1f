"""Dates, date-times and wage months as people and spreadsheets write them.

A date arrives as a spreadsheet date cell, an Excel serial number (a date column formatted as General),
`2025/3/1`, `2025年3月1日`, `20250301`, or a gate's `2025-03-01 08:01:02`. A wage month arrives as
`2025-03`, `2025年3月份`, `202503`, a date cell whose day is ignored, in a sheet title, or only in a bank
memo (`3月工资`), where the year has to come from the payment date.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ingest.values import InvalidValue, is_blank, parse_unique

__all__ = [
    "InvalidDate", "memo_months", "month_from_text", "month_of", "parse_date", "parse_date_series",
    "parse_datetime", "parse_datetime_series", "parse_month", "parse_month_series", "previous_month",
]

_DATE = "datetime64[s]"
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)  # 1900 date system, past the fictitious 1900-02-29
_SERIAL_MIN, _SERIAL_MAX = 20000, 80000  # 1954-10-03 .. 2119-01-11: serials of plausible dates only
_YEAR_MIN, _YEAR_MAX = 1900, 2100

_SPACE = re.compile(r"\s+")
# What people write in a date column for "none" (an exit date not yet known): no date, not a bad one.
_PLACEHOLDERS = frozenset({"-", "--", "—", "——", "/", "无", "暂无", "空", "n/a", "na", "null", "none"})
_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?"
    r"(?:(?:\s+|T|\s*[日号]\s*)(\d{1,2})[:：](\d{1,2})(?:[:：](\d{1,2})(?:\.\d+)?)?)?$"
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:\s*(\d{2})(\d{2})(\d{2})?)?$")
_SERIAL_TEXT = re.compile(r"^\d{5}(?:\.\d+)?$")

_MONTH_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:月份?)?$")
_MONTH_COMPACT = re.compile(r"^(\d{4})(\d{2})$")

# In titles and memos: `2025年3月`, `2025-03`, `2025.3`, `202503`; never inside a longer digit run.
_MONTH_IN_TEXT = re.compile(
    r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月"
    r"|(?<!\d)(\d{4})[-/.](\d{1,2})(?![\d])"
    r"|(?<!\d)((?:19|20)\d{2})(0[1-9]|1[0-2])(?!\d)"
)
_CN_MONTHS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
              "十一": 11, "十二": 12}
_MONTH_NO_YEAR = re.compile(r"(?<![\d年/.\-])(\d{1,2}|十[一二]?|[一二三四五六七八九])\s*月(?!\d)")
_WAGE_WORD = re.compile(r"^\s*份?\s*(?:工资|薪|劳务|补发|代发|工钱|人工)")
_DAY_AFTER = re.compile(r"^\s*\d{1,2}\s*[日号]")
_LAST_MONTH = re.compile(r"上个?月")
_THIS_MONTH = re.compile(r"(?:本|当)月")


class InvalidDate(InvalidValue):
    """A date or month that cannot be read; ``code`` is DATE-FORMAT or MONTH-FORMAT."""


def _serial(v: float, original: object) -> dt.datetime:
    if not _SERIAL_MIN <= v <= _SERIAL_MAX:
        raise InvalidDate("DATE-FORMAT", original)
    seconds = round((v - math.floor(v)) * 86400)
    return _EXCEL_EPOCH + dt.timedelta(days=math.floor(v), seconds=seconds)


def _build(original: object, *parts: str | int | None) -> dt.datetime:
    numbers = [int(p) if p not in (None, "") else 0 for p in parts]
    numbers += [0] * (6 - len(numbers))
    year = numbers[0]
    if not _YEAR_MIN <= year <= _YEAR_MAX:
        raise InvalidDate("DATE-FORMAT", original)
    try:
        return dt.datetime(*numbers)  # type: ignore[arg-type]
    except ValueError as e:  # 2025-02-30, 25:00
        raise InvalidDate("DATE-FORMAT", original) from e


def parse_datetime(v: object) -> dt.datetime | None:
    """A cell as a date-time (midnight if it has none); None for `-`, `无`. Raises :class:`InvalidDate`."""
    if isinstance(v, bool | np.bool_ | dt.time):
        raise InvalidDate("DATE-FORMAT", v)
    if isinstance(v, np.datetime64):
        v = pd.Timestamp(v)
    if isinstance(v, dt.datetime):  # pd.Timestamp included
        if not _YEAR_MIN <= v.year <= _YEAR_MAX:
            raise InvalidDate("DATE-FORMAT", v)
        return dt.datetime(v.year, v.month, v.day, v.hour, v.minute, v.second)
    if isinstance(v, dt.date):
        return _build(v, v.year, v.month, v.day)
    if isinstance(v, int | np.integer):
        n = int(v)
        if 10_000_000 <= n <= 99_999_999:  # 20250301 typed into a number cell
            return _build(v, n // 10000, n // 100 % 100, n % 100)
        return _serial(float(v), v)
    if isinstance(v, float | np.floating):
        if not math.isfinite(v):
            raise InvalidDate("DATE-FORMAT", v)
        if v.is_integer() and 10_000_000 <= v <= 99_999_999:
            return parse_datetime(int(v))
        return _serial(float(v), v)
    if not isinstance(v, str):
        raise InvalidDate("DATE-FORMAT", v)
    text = unicodedata.normalize("NFKC", v).strip()
    if text.lower() in _PLACEHOLDERS:
        return None
    if m := _DATE_TEXT.match(text):
        return _build(v, *m.groups())
    if m := _COMPACT.match(text):
        return _build(v, *m.groups())
    if _SERIAL_TEXT.match(text):  # a serial written out by a program that read the cell's raw value
        return _serial(float(text), v)
    raise InvalidDate("DATE-FORMAT", v)


def parse_date(v: object) -> dt.datetime | None:
    """A cell as a date at midnight; a date-time counts for its date."""
    d = parse_datetime(v)
    return None if d is None else dt.datetime(d.year, d.month, d.day)


_ISO_TEXT = r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2})?)?"


def _with_iso_fast_path(raw: pd.Series, parse: Callable[[Any], Any], *, midnight: bool
                        ) -> tuple[pd.Series, pd.Series]:
    """Parse ISO-shaped cells (by far the most common: machine exports, calamine date-times) in one
    vectorised pass and everything else value by value.

    Gate-event sheets hold a distinct timestamp on nearly every row, where parsing distinct values one
    at a time would cost seconds. Cells outside the year bounds fall back to :func:`parse_datetime`,
    which gives them their proper code.
    """
    text = raw.astype("str")
    iso = text.str.fullmatch(_ISO_TEXT).fillna(False).to_numpy(dtype=bool)
    if not iso.any():
        return parse_unique(raw, parse, _DATE)
    fast = pd.to_datetime(text[iso], format="ISO8601", errors="coerce")
    in_bounds = (fast.notna() & fast.dt.year.between(_YEAR_MIN, _YEAR_MAX)).to_numpy(dtype=bool)
    done = np.zeros(len(raw), dtype=bool)
    done[np.flatnonzero(iso)[in_bounds]] = True
    if midnight:
        fast = fast.dt.normalize()
    values = pd.Series(pd.NaT, index=raw.index, dtype=_DATE)
    codes = pd.Series(pd.NA, index=raw.index, dtype="str")
    values.iloc[done] = fast[in_bounds].astype(_DATE).to_numpy()
    if not done.all():
        rest_values, rest_codes = parse_unique(raw[~done], parse, _DATE)
        values.iloc[~done] = rest_values.to_numpy()
        codes.iloc[~done] = rest_codes.to_numpy()
    return values, codes


def parse_datetime_series(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A column of date-times (gate clock events) to ``(datetime64[s], codes)``, keeping the time."""
    return _with_iso_fast_path(raw, parse_datetime, midnight=False)


def parse_date_series(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A column of dates to ``(datetime64[s] at midnight, codes)``."""
    return _with_iso_fast_path(raw, parse_date, midnight=True)


def _month(year: int | str, month: int | str, original: object) -> str:
    y, m = int(year), int(month)
    if not (_YEAR_MIN <= y <= _YEAR_MAX and 1 <= m <= 12):
        raise InvalidDate("MONTH-FORMAT", original)
    return f"{y:04d}-{m:02d}"


def parse_month(v: object) -> str | None:
    """A cell as a month ``"YYYY-MM"``; a full date gives its month. Raises :class:`InvalidDate`."""
    if isinstance(v, bool | np.bool_):
        raise InvalidDate("MONTH-FORMAT", v)
    if isinstance(v, float | np.floating) and math.isfinite(v) and float(v).is_integer():
        v = int(v)
    if isinstance(v, int | np.integer) and 100_000 <= v <= 999_999:  # 202503
        return _month(int(v) // 100, int(v) % 100, v)
    if isinstance(v, float | np.floating) and math.isfinite(v) and 1000 < v < 10000:
        # `2025.03` typed into a number cell. `2025.1` is January or `2025.10` with its zero dropped.
        year, _, frac = repr(float(v)).partition(".")
        if frac == "1" or len(frac) > 2:
            raise InvalidDate("MONTH-FORMAT", v)
        return _month(year, frac, v)
    if isinstance(v, str):
        text = _SPACE.sub("", unicodedata.normalize("NFKC", v))
        if m := _MONTH_TEXT.match(text) or _MONTH_COMPACT.match(text):
            return _month(m.group(1), m.group(2), v)
    try:
        d = parse_date(v)
    except InvalidDate as e:
        raise InvalidDate("MONTH-FORMAT", v) from e
    return None if d is None else f"{d.year:04d}-{d.month:02d}"


def parse_month_series(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A column of months to ``(str "YYYY-MM", codes)``."""
    return parse_unique(raw, parse_month, "str")


def month_from_text(text: str) -> str | None:
    """The first month named in a title (`XX项目2025年3月工资表`, `2025-03 考勤`), or None."""
    if is_blank(text):
        return None
    for m in _MONTH_IN_TEXT.finditer(unicodedata.normalize("NFKC", str(text))):
        year, month = next((a, b) for a, b in zip(m.groups()[::2], m.groups()[1::2], strict=True) if a)
        if _YEAR_MIN <= int(year) <= _YEAR_MAX and 1 <= int(month) <= 12:
            return f"{int(year):04d}-{int(month):02d}"
    return None


def _priority(rest: str) -> int:
    """How surely a month is the wage month, by what follows it: `3月工资` 0, `3月` 1, `3月15日` 2."""
    return 0 if _WAGE_WORD.match(rest) else 2 if _DAY_AFTER.match(rest) else 1


def _memo_month(memo: str, pay_month: int | None) -> str | None:
    """The wage month a memo names; ``pay_month`` is year*12 + month-1 of the payment date.

    `2025年4月10日发3月工资` names two months; the one followed by a wage word wins, then one with a
    year, then the first.
    """
    text = unicodedata.normalize("NFKC", memo)
    # (priority, needs a year, position, year, month)
    found: list[tuple[int, int, int, int, int]] = []
    for m in _MONTH_IN_TEXT.finditer(text):
        year, month = next((int(a), int(b)) for a, b in zip(m.groups()[::2], m.groups()[1::2], strict=True)
                           if a)
        if _YEAR_MIN <= year <= _YEAR_MAX and 1 <= month <= 12:
            found.append((_priority(text[m.end():]), 0, m.start(), year, month))
    if pay_month is not None:
        pay_year, pay_month0 = divmod(pay_month, 12)
        for m in _MONTH_NO_YEAR.finditer(text):
            token = m.group(1)
            month = int(token) if token.isdigit() else _CN_MONTHS[token]
            if 1 <= month <= 12:
                # the latest such month not after the payment date's month
                year = pay_year if month <= pay_month0 + 1 else pay_year - 1
                found.append((_priority(text[m.end():]), 1, m.start(), year, month))
        if not found and _LAST_MONTH.search(text):
            last_year, last_month0 = divmod(pay_month - 1, 12)
            found.append((1, 1, 0, last_year, last_month0 + 1))
        if not found and _THIS_MONTH.search(text):
            found.append((1, 1, 0, pay_year, pay_month0 + 1))
    if not found:
        return None
    *_, year, month = min(found)
    return f"{year:04d}-{month:02d}"


def _month_index(dates: pd.Series) -> pd.Series:
    """year*12 + month-1 per date (Int64, NA where NA): months as integers, so arithmetic is exact."""
    d = dates if pd.api.types.is_datetime64_any_dtype(dates) else pd.to_datetime(dates, errors="coerce")
    return (d.dt.year * 12 + d.dt.month - 1).astype("Int64")


def _format_months(index: pd.Series) -> pd.Series:
    codes, uniques = pd.factorize(index, use_na_sentinel=True)
    labels = [f"{u // 12:04d}-{u % 12 + 1:02d}" for u in uniques]
    table = pd.array([*labels, None], dtype="str")
    return pd.Series(table.take(np.asarray(codes)), index=index.index, dtype="str")


def month_of(dates: pd.Series) -> pd.Series:
    """The ``"YYYY-MM"`` month of each date; NA stays NA."""
    return _format_months(_month_index(dates))


def previous_month(dates: pd.Series) -> pd.Series:
    """The month before each date's month: a payment's default wage month."""
    return _format_months(_month_index(dates) - 1)


def memo_months(memo: pd.Series, pay_date: pd.Series) -> pd.Series:
    """The wage month each payment memo names, or NA; years come from the memo or the payment date.

    Parsed once per distinct (memo, payment month): a batch repeats `3月工资` on every line.
    """
    months = _month_index(pay_date)
    if not months.index.equals(memo.index):
        months = months.reindex(memo.index)
    memo_codes, memo_uniques = pd.factorize(memo, use_na_sentinel=True)
    month_codes, month_uniques = pd.factorize(months, use_na_sentinel=True)
    width = len(month_uniques) + 1
    keys = np.asarray(memo_codes, dtype=np.int64) * width + (np.asarray(month_codes, dtype=np.int64) + 1)
    inverse, unique_keys = pd.factorize(keys)
    labels: list[str | None] = []
    for key in unique_keys:
        m_code, p_code = divmod(int(key), width)
        if key < 0 or is_blank(memo_uniques[m_code]):
            labels.append(None)
            continue
        pay = None if p_code == 0 else int(month_uniques[p_code - 1])
        labels.append(_memo_month(str(memo_uniques[m_code]), pay))
    table = pd.array(labels, dtype="str")
    return pd.Series(table.take(np.asarray(inverse)), index=memo.index, dtype="str")
