"""Parsers for single cell values: ID numbers, bank cards, amounts, numbers, dates and months.

Each module follows python-stdnum's shape (``compact``, ``validate`` raising a specific error, ``is_valid``)
and adds ``parse_series`` for whole columns. A column of a million attendance rows holds a few thousand
distinct values, so columns are parsed once per distinct value here and mapped back; the parsers never
loop over rows.

Every error raised for a bad value is an :class:`InvalidValue` whose ``code`` is a key of
:data:`ingest.problems.PROBLEMS`, so readers turn it into a row problem without a lookup table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ingest.problems import PROBLEMS

__all__ = ["InvalidValue", "factorize_exact", "is_blank", "parse_unique"]


class InvalidValue(ValueError):
    """A value that cannot be accepted; ``code`` names the problem in ``PROBLEMS``."""

    def __init__(self, code: str, value: object = None) -> None:
        if code not in PROBLEMS:  # a typo here would surface as a KeyError far away, in a report
            raise KeyError(f"unknown problem code {code!r}")
        self.code = code
        self.value = value
        super().__init__(f"{code}: {PROBLEMS[code][1]}")


def is_blank(v: object) -> bool:
    """Empty cells are NA, not errors: whether a value is required is the caller's business."""
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, float | np.floating):
        return bool(v != v)
    if isinstance(v, str):
        return not v.strip()  # str.strip also removes the ideographic space
    return False


def factorize_exact(raw: pd.Series) -> tuple[np.ndarray, list[object]]:
    """Factorize like ``pd.factorize`` but keep ``True`` apart from ``1`` and ``False`` apart from ``0``.

    Hashing puts ``True``, ``1`` and ``1.0`` in one bucket; for a spreadsheet a boolean cell and the number
    1 mean different things. Only rows equal to 0 or 1 are looked at again, so the usual column costs
    nothing extra.
    """
    codes, uniques_index = pd.factorize(raw, use_na_sentinel=True)
    codes = np.asarray(codes, dtype=np.intp)
    uniques = list(uniques_index)
    if raw.dtype != object:
        return codes, uniques
    numbers = bool | int | float | np.number
    suspects = [i for i, u in enumerate(uniques) if isinstance(u, numbers) and u in (0, 1)]
    if not suspects:
        return codes, uniques
    arr = raw.to_numpy(dtype=object)
    for i in suspects:
        rows = np.flatnonzero(codes == i)
        # one type test per 0/1 row (~70 ns); object arrays allow no vectorised identity test
        is_bool = np.array([type(x) is bool or type(x) is np.bool_ for x in arr[rows]], dtype=bool)
        if is_bool.all() or not is_bool.any():
            continue
        # the bucket mixes booleans and numbers: give the booleans a code of their own
        uniques.append(bool(arr[rows[is_bool][0]]))
        codes[rows[is_bool]] = len(uniques) - 1
        if isinstance(uniques[i], bool | np.bool_):  # the bucket was named by a boolean: rename it
            uniques[i] = arr[rows[~is_bool][0]]
    return codes, uniques


def parse_unique(raw: pd.Series, parse: Callable[[Any], Any], dtype: str, *,
                 accept: Callable[[list[object]], np.ndarray] | None = None) -> tuple[pd.Series, pd.Series]:
    """Apply ``parse`` once per distinct non-blank value of ``raw`` and map values and codes back.

    ``parse`` returns the parsed value or raises :class:`InvalidValue`. ``accept``, where given, is a
    vectorised shortcut: it marks the distinct values that are already valid and in final form (most IDs
    in a clean column), which then skip ``parse``. Returns ``(values, codes)`` aligned with ``raw``: values
    in ``dtype`` (NA where blank or invalid), codes a ``str`` Series with the problem code where invalid
    and NA elsewhere.
    """
    codes, uniques = factorize_exact(raw)
    done = accept(uniques) if accept is not None and uniques else np.zeros(len(uniques), dtype=bool)
    values: list[object] = []
    problems: list[str | None] = []
    for u, ok in zip(uniques, done, strict=True):
        if ok:
            values.append(u)
            problems.append(None)
            continue
        if is_blank(u):
            values.append(None)
            problems.append(None)
            continue
        try:
            values.append(parse(u))
            problems.append(None)
        except InvalidValue as e:
            values.append(None)
            problems.append(e.code)
    # the NA sentinel -1 of factorize takes the last entry, which is NA
    value_table = pd.Series([*values, None], dtype=object).astype(dtype).array
    code_table = pd.array([*problems, None], dtype="str")
    return (
        pd.Series(value_table.take(codes), index=raw.index, name=raw.name),
        pd.Series(code_table.take(codes), index=raw.index, name=raw.name, dtype="str"),
    )
