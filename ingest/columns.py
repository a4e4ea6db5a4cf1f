"""The data block of a recognised sheet, its typed columns, and the problems found in them.

Every cell that cannot be read becomes one :class:`RowProblem` positioned as the user sees the sheet (row
number, canonical column, the cell as typed). A parser's code on a cell whose value was still read is a
warning (the row is kept); a code on a cell with no value is an error and rejects the row. Cells are
parsed once per distinct value by :mod:`ingest.values`; this module never loops over rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ingest.containers import cell_text
from ingest.problems import Level, RowProblem, problem
from ingest.text import normalise_header, normalise_names
from ingest.values import id_number
from ingest.values.amount import parse_series as parse_amounts
from ingest.values.card import luhn_series
from ingest.values.card import parse_series as parse_cards
from ingest.values.dates import parse_date_series, parse_datetime_series, parse_month_series
from ingest.values.numbers import parse_int_series, parse_number_series

__all__ = ["ENUMS", "PARSERS", "SheetData", "distinct_map"]

ENUMS: dict[str, tuple[dict[str, str | bool], str]] = {
    "sector": ({"住建": "housing", "房建": "housing", "市政": "housing", "交通": "transport",
                "交通运输": "transport", "水利": "water", "水务": "water"}, "VALUE-UNKNOWN"),
    "deposit_status": ({"已缴": "paid", "保函": "guarantee", "未缴": "unpaid", "免缴": "exempt"},
                       "VALUE-UNKNOWN"),
    "contract_signed": ({"是": True, "已签": True, "y": True, "有": True,
                         "否": False, "未签": False, "n": False, "无": False}, "VALUE-UNKNOWN"),
    "wage_basis": ({"计日": "day", "计月": "month", "计件": "piece"}, "VALUE-UNKNOWN"),
    "gender": ({"男": "M", "女": "F"}, "VALUE-UNKNOWN"),
    "status": ({"成功": "S", "s": "S", "success": "S", "失败": "F", "f": "F", "failed": "F", "fail": "F"},
               "STATUS-UNKNOWN"),
    "direction": ({"收": "in", "收入": "in", "贷": "in", "in": "in",
                   "支": "out", "支出": "out", "借": "out", "out": "out"}, "DIRECTION-UNKNOWN"),
}
"""Accepted values (normalised like headers: no spaces, ASCII lower-cased) and the code for others."""

PARSERS: dict[str, Callable[..., tuple[pd.Series, pd.Series]]] = {
    "id": id_number.parse_series, "card": parse_cards, "fen": parse_amounts,
    "date": parse_date_series, "datetime": parse_datetime_series, "month": parse_month_series,
    "number": parse_number_series, "int": parse_int_series,
}

_SEPARATORS = str.maketrans("", "", " -\u3000\t")


def distinct_map(s: pd.Series, fn: Callable[[object], object], dtype: str) -> pd.Series:
    """``fn`` of each non-empty cell, computed once per distinct value and mapped back; empty stays NA."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    table = pd.Series([*(fn(u) for u in uniques), None], dtype=object).astype(dtype).array
    return pd.Series(table.take(np.asarray(codes)), index=s.index, name=s.name)


def _text(v: object) -> str | None:
    return cell_text(v).strip() or None


def _digits(v: object) -> str | None:
    return cell_text(v).translate(_SEPARATORS) or None


@dataclass
class SheetData:
    """The data rows of one sheet (index: 0-based row in the sheet) and where its columns are.

    ``columns`` maps a key to its column; ``parts`` lists every column of a multi-column key
    (``gross_part``). ``rejected`` marks rows with an error-level problem.
    """

    file: str
    sheet: str | None
    cells: pd.DataFrame
    columns: Mapping[str, int]
    parts: Mapping[str, list[int]] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)
    rejected: pd.Series = field(init=False)

    def __post_init__(self) -> None:
        self.rejected = pd.Series(False, index=self.cells.index, dtype=bool)

    @property
    def index(self) -> pd.Index:
        return self.cells.index

    @property
    def src_row(self) -> pd.Series:
        return pd.Series(self.cells.index.to_numpy() + 1, index=self.cells.index, dtype="int64")

    def has(self, key: str) -> bool:
        return key in self.columns

    def raw(self, key: str) -> pd.Series:
        """The raw cells of a key's column; all None when the sheet has no such column."""
        if key in self.columns:
            return self.cells[self.columns[key]]
        return pd.Series(None, index=self.index, dtype=object)

    def report(self, where: pd.Series, code: str, column: str, raw: pd.Series | None = None, *,
               level: Level = "error", detail_zh: str = "", detail_en: str = "") -> None:
        """One problem per row where ``where`` holds; the cell text of ``raw`` (if any) as the value."""
        mask = where.fillna(False).to_numpy(dtype=bool)
        if not mask.any():
            return
        rows = self.index[mask]
        texts = [None] * len(rows) if raw is None else [cell_text(v) for v in raw[mask]]
        for row, text in zip(rows, texts, strict=True):
            self.problems.append(problem(code, file=self.file, sheet=self.sheet, row=int(row) + 1,
                                         column=column, value=text, level=level,
                                         detail_zh=detail_zh, detail_en=detail_en))
        if level == "error":
            self.rejected |= pd.Series(mask, index=self.index)

    def checked(self, column: str, raw: pd.Series, values: pd.Series, codes: pd.Series) -> pd.Series:
        """Report a parser's codes; a code beside a value that was still read is only a warning."""
        bad = codes.notna()
        if bad.any():
            for code in codes[bad].unique():
                is_code = codes.eq(code).fillna(False)
                self.report(is_code & values.isna(), code, column, raw)
                self.report(is_code & values.notna(), code, column, raw, level="warning")
        return values

    def require(self, column: str, value: pd.Series, raw: pd.Series | None = None) -> None:
        """REQUIRED-MISSING where the raw cell was empty (a cell that failed to parse is reported already)."""
        empty = (raw if raw is not None else value).isna()
        self.report(empty & value.isna(), "REQUIRED-MISSING", column)

    # typed columns: each returns values aligned with the data rows, NA where empty or invalid

    def text(self, key: str) -> pd.Series:
        return distinct_map(self.raw(key), _text, "str")

    def digits(self, key: str) -> pd.Series:
        return distinct_map(self.raw(key), _digits, "str")

    def names(self, key: str) -> pd.Series:
        return normalise_names(self.text(key))

    def parsed(self, key: str, kind: str, column: str | None = None, *, col: int | None = None,
               **options: bool) -> pd.Series:
        """A column through one of the value parsers, its problems reported under ``column`` (or ``key``).

        ``col`` picks one column of a multi-column key (a payroll's parts).
        """
        raw = self.raw(key) if col is None else self.cells[col]
        values, codes = PARSERS[kind](raw, **options)
        values = self.checked(column or key, raw, values, codes)
        if kind == "card":  # many wage accounts are not Luhn-checked: a failure is only a warning
            self.report(luhn_series(values).eq(False), "CARD-LUHN", column or key, raw, level="warning")
        return values

    def enum(self, key: str, dtype: str = "str") -> pd.Series:
        """A coded column (`住建` → housing); a value outside the list is rejected with its code."""
        accepted, code = ENUMS[key]
        raw = self.raw(key)
        folded = distinct_map(raw, lambda v: normalise_header(cell_text(v)), "str")
        values = folded.map(accepted).astype(dtype)
        self.report(folded.notna() & values.isna(), code, key, raw)
        return values
