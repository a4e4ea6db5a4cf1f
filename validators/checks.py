"""Domain checks registered once with pandera, so every schema (and every failure case) names them alike.

The names of these functions are what ``SchemaErrors.failure_cases["check"]`` carries; the validator maps
them to problem codes, so renaming one is a contract change. Registration happens at import and is
idempotent: pandera refuses a second registration of the same name (a module reload in a notebook).

    matches_pattern(pattern=)        column   a whole-value regex, once per distinct value
    id_checksum()                    column   the GB 11643-1999 check digit of well-formed IDs
    dates_ordered(earlier=, later=)  frame    e.g. a roster's entry date not after its exit date
    unique_rows(keys=)               frame    one row per key; later repeats fail
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pandera.extensions as extensions
import pandera.pandas as pa

ID_PATTERN = r"^[0-9]{17}[0-9X]$"  # [0-9], not \d: Python's \d also matches full-width digits
CARD_PATTERN = r"^[0-9]{12,19}$"
MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"

# GB 11643-1999: weights 2^(17-i) mod 11 for the 17 body digits; the check character indexed by the sum.
_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_ID_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)


def _register(**options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        if not hasattr(pa.Check, fn.__name__):
            extensions.register_check_method(fn, **options)
        return fn
    return wrap


def id_check_digits_match(ids: pd.Series) -> np.ndarray:
    """Whether each well-formed 18-character ID carries the check digit its body implies.

    Values that do not have the ID's shape count as matching: their problem is the format (ID-FORMAT), and
    reporting a checksum as well would give the labor manager two reasons for one mistake. Computed once
    per distinct ID: a month's attendance repeats each worker's ID on every day.
    """
    codes, uniques = pd.factorize(ids, use_na_sentinel=True)
    values = pd.Series(np.asarray(uniques, dtype=object), dtype="str")
    shaped = values.str.fullmatch(ID_PATTERN).to_numpy(dtype=bool, na_value=False)
    ok = np.ones(len(values) + 1, dtype=bool)  # the last entry answers for NA (code -1)
    if shaped.any():
        raw = np.array(values[shaped].tolist(), dtype="S18").view(np.uint8).reshape(-1, 18)
        body = raw[:, :17].astype(np.int64) - ord("0")
        ok[np.flatnonzero(shaped)] = _ID_CHECK[(body @ _ID_WEIGHTS) % 11] == raw[:, 17]
    return ok[np.asarray(codes)]


@_register(statistics=["pattern"], supported_types=pd.Series)
def matches_pattern(series: pd.Series, *, pattern: str) -> pd.Series:
    """Whole-value regex match, once per distinct value (an ID repeats on every attendance day).

    Pandera's built-in ``str_matches`` runs the regex on every row; this gives the same answer for the
    columns that repeat a few thousand values over millions of rows.
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    values = pd.Series(np.asarray(uniques, dtype=object), dtype="str")
    ok = np.append(values.str.fullmatch(pattern).to_numpy(dtype=bool, na_value=True), True)
    return pd.Series(ok[np.asarray(codes)], index=series.index)


@_register(supported_types=pd.Series)
def id_checksum(series: pd.Series) -> pd.Series:
    """ID numbers whose check digit does not match their body (GB 11643-1999)."""
    return pd.Series(id_check_digits_match(series), index=series.index)


@_register(statistics=["earlier", "later"], supported_types=pd.DataFrame)
def dates_ordered(frame: pd.DataFrame, *, earlier: str, later: str) -> pd.Series:
    """``earlier`` on or before ``later`` wherever both are given (an open-ended stay has no exit date).

    A missing column passes: its absence is reported once as a missing column, not on every row.
    """
    if earlier not in frame or later not in frame:
        return pd.Series(True, index=frame.index)
    return (frame[earlier].isna() | frame[later].isna() | (frame[earlier] <= frame[later])).astype(bool)


@_register(statistics=["keys"], supported_types=pd.DataFrame)
def unique_rows(frame: pd.DataFrame, *, keys: Sequence[str]) -> pd.Series:
    """One row per ``keys``: the first occurrence stands, every later one fails (DUPLICATE-ROW).

    Failing the later rows rather than all of them keeps the first line's figures in the check, the way
    a reviewer would strike out a repeated line on paper.
    """
    if any(k not in frame for k in keys):
        return pd.Series(True, index=frame.index)
    complete = frame[list(keys)].notna().all(axis=1)  # a row missing a key is reported as missing
    return ~(frame.duplicated(list(keys), keep="first") & complete)


def focus_column(check: pa.Check) -> str | None:
    """The column a row-wise dataframe check reports its failures on.

    Pandera melts a dataframe check's failing rows into one failure case per column; the validator keeps
    the one this names: the later date of an ordering, the last (fastest-varying) key of a duplicate.
    """
    stats = check.statistics or {}
    if check.name == "dates_ordered":
        return str(stats["later"])
    if check.name == "unique_rows":
        return str(list(stats["keys"])[-1])
    return None
