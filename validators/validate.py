"""Run the table models and turn every failure into a row problem the labor manager can act on.

Pandera reports failures as ``SchemaErrors.failure_cases`` (one row per failing cell). Each becomes a
:class:`ingest.problems.RowProblem` positioned through the failing row's provenance, with a stable code
(``REQUIRED-MISSING``, ``RANGE``, ``VALUE-UNKNOWN``, ``ID-FORMAT``, ``ID-CHECKSUM``, ``DUPLICATE-ROW``,
…) and the limit it broke. Failing rows leave the tables; nothing leaves without a problem saying why,
which is why this never uses pandera's ``drop_invalid_rows``.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ingest.canonical import DATE, FEN, TABLES
from ingest.problems import RowProblem, problem
from validators.checks import focus_column
from validators.dataset import Dataset
from validators.findings import fen_to_str
from validators.schemas import SCHEMAS

# Pattern checks say what the value should look like; the code depends on the column they guard.
_PATTERN_CODES = {"id_number": "ID-FORMAT", "card_number": "CARD-FORMAT", "month": "MONTH-FORMAT"}
_RANGE_CHECKS = {"greater_than", "greater_than_or_equal_to", "less_than", "less_than_or_equal_to",
                 "in_range", "dates_ordered"}
_LABELS = {"entry_date": ("进场日期", "entry date"), "exit_date": ("退场日期", "exit date")}

_Detail = tuple[str, str]


def validate_tables(tables: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], list[RowProblem]]:
    """Validate every known table; unknown names pass through unchanged (they have no model)."""
    out: dict[str, pd.DataFrame] = {}
    problems: list[RowProblem] = []
    for kind, table in tables.items():
        if kind not in SCHEMAS or table.empty:
            # nothing to reject in an empty table (its columns are the canonical ones by construction),
            # and a file usually fills one kind of six: validating the five empty ones cost ~30 ms each
            out[kind] = table
            continue
        out[kind], found = validate_table(kind, table)
        problems.extend(found)
    return out, problems


def validate_dataset(tables: dict[str, pd.DataFrame]) -> tuple[Dataset, list[RowProblem]]:
    """The validated tables as the :class:`Dataset` the rules read."""
    valid, problems = validate_tables(tables)
    return Dataset.from_frames(**{k: v for k, v in valid.items() if k in SCHEMAS}), problems


@cache
def _schema(kind: str) -> pa.DataFrameSchema:
    """Building a schema from its model is not free and the models never change at run time."""
    return SCHEMAS[kind].to_schema()


def validate_table(kind: str, table: pd.DataFrame) -> tuple[pd.DataFrame, list[RowProblem]]:
    """One table: the rows that pass, and a problem for every failing cell.

    Validation runs on a positional index so failure cases point at exactly one row whatever index the
    caller's frame had (concatenated frames repeat labels); the caller's index is kept on the output.
    """
    schema = _schema(kind)
    work = table.reset_index(drop=True)
    try:
        schema.validate(work, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    else:
        return table, []
    problems: list[RowProblem] = []
    bad = np.zeros(len(work), dtype=bool)
    keys = ["schema_context", "column", "check", "check_number"]
    for (context, column, check_text, number), group in cases.groupby(keys, dropna=False, sort=False):
        check = _lookup(schema, context, column, number)
        focus = focus_column(check) if check is not None else None
        if focus is not None and column != focus:
            continue  # a row-wise frame check's failure, melted onto another column of the row
        at_rows = group["index"].notna()
        if at_rows.any():
            rows = group[at_rows]
            positions = rows["index"].astype("int64").to_numpy()
            bad[positions] = True
            problems.extend(_row_problems(kind, work, str(column), str(check_text), check, positions,
                                          rows["failure_case"].to_numpy()))
        if (~at_rows).any():
            problems.extend(_table_problems(kind, work, str(column), str(check_text), group[~at_rows]))
    # Identical problems (a grid row repeated per day) are one; the list reads top to bottom like the sheet.
    unique = dict.fromkeys(problems)
    return table[~bad], sorted(unique, key=lambda p: (p.file, p.sheet or "", p.row or 0))


def _lookup(schema: pa.DataFrameSchema, context: object, column: object, number: object) -> pa.Check | None:
    """The check object behind a failure case, for its statistics (limits, allowed values)."""
    if pd.isna(number):
        return None
    found = schema.checks if context == "DataFrameSchema" else (
        schema.columns[column].checks if column in schema.columns else [])
    return found[int(number)] if int(number) < len(found) else None  # type: ignore[call-overload]


def _code(column: str, check_text: str, check: pa.Check | None) -> str:
    name = check.name if check is not None else check_text
    if name == "not_nullable":
        return "REQUIRED-MISSING"
    if name == "id_checksum":
        return "ID-CHECKSUM"
    if name == "unique_rows":
        return "DUPLICATE-ROW"
    if name == "isin":
        return "VALUE-UNKNOWN"
    if name in _RANGE_CHECKS:
        return "RANGE"
    if name in ("matches_pattern", "str_matches"):
        return _PATTERN_CODES.get(column, "SCHEMA")
    return "SCHEMA"


def _show_limit(value: object, column: str, kind: str) -> str:
    """A limit the way the user typed the value: dates as dates, money in yuan."""
    dtype = TABLES[kind].get(column)
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if dtype == FEN and isinstance(value, int | np.integer):
        return str(fen_to_str(int(value)))
    return str(value)


def _detail(kind: str, column: str, check: pa.Check | None) -> _Detail:
    """The limit a value broke, so the reason says what would have been accepted."""
    if check is None:
        return "", ""
    stats = check.statistics or {}
    name = check.name

    def show(key: str) -> str:
        return _show_limit(stats[key], column, kind)

    if name == "greater_than_or_equal_to":
        return f"不能小于 {show('min_value')}", f"must be at least {show('min_value')}"
    if name == "greater_than":
        return f"必须大于 {show('min_value')}", f"must be more than {show('min_value')}"
    if name in ("less_than_or_equal_to", "less_than"):
        return f"不能大于 {show('max_value')}", f"must be at most {show('max_value')}"
    if name == "in_range":
        low, high = show("min_value"), show("max_value")
        return f"应在 {low} 至 {high} 之间", f"must be between {low} and {high}"
    if name == "isin":
        allowed = [str(v) for v in stats["allowed_values"]]
        return f"应为 {'、'.join(allowed)} 之一", f"must be one of {', '.join(allowed)}"
    if name == "dates_ordered":
        (early_zh, early_en), (late_zh, late_en) = (
            _LABELS.get(stats[k], (stats[k], stats[k])) for k in ("earlier", "later"))
        return f"{late_zh}早于{early_zh}", f"{late_en} is before {early_en}"
    return "", ""


def _show_value(value: object, column: str, kind: str) -> str | None:
    """A failing cell as the user would recognise it: money in yuan, dates without a clock time."""
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):  # type: ignore[arg-type]
        return None
    dtype = TABLES[kind].get(column)
    if dtype == FEN and isinstance(value, int | float | np.integer | np.floating):
        return fen_to_str(int(value))
    if dtype == DATE:
        return pd.Timestamp(value).strftime("%Y-%m-%d")  # type: ignore[arg-type]
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if column != "day_fraction" else str(value)
    return str(value)


def _row_problems(kind: str, work: pd.DataFrame, column: str, check_text: str, check: pa.Check | None,
                  positions: np.ndarray, values: np.ndarray) -> list[RowProblem]:
    code = _code(column, check_text, check)
    detail_zh, detail_en = _detail(kind, column, check)
    files, sheets, rows = _provenance(kind, work, positions)
    firsts: list[str] = [""] * len(positions)
    if code == "DUPLICATE-ROW" and check is not None and "src_row" in work:
        keys = list((check.statistics or {})["keys"])
        first_row = work.groupby(keys, dropna=False, sort=False)["src_row"].transform("first")
        firsts = [f"{r}" for r in first_row.to_numpy()[positions]]
    return [
        problem(_refine(code, v), file=f, sheet=s, row=r, column=column, value=_show_value(v, column, kind),
                detail_zh=f"与第 {first} 行重复" if first else detail_zh,
                detail_en=f"same as row {first}" if first else detail_en)
        for f, s, r, v, first in zip(files, sheets, rows, values, firsts, strict=True)
    ]


def _refine(code: str, value: object) -> str:
    """An ID of the wrong length is told so: "illegal characters" would send the user looking for some."""
    if code == "ID-FORMAT" and isinstance(value, str) and len(value) != 18:
        return "ID-LENGTH"
    return code


def _provenance(kind: str, work: pd.DataFrame, positions: np.ndarray) -> tuple[list, list, list]:
    """File, sheet and row of the rows at ``positions``; a frame without provenance names its kind."""
    n = len(positions)
    files = (work["src_file"].to_numpy(dtype=object, na_value=f"<{kind}>")[positions].tolist()
             if "src_file" in work else [f"<{kind}>"] * n)
    sheets = (work["src_sheet"].to_numpy(dtype=object, na_value=None)[positions].tolist()
              if "src_sheet" in work else [None] * n)
    rows = (pd.to_numeric(work["src_row"], errors="coerce").to_numpy(dtype=object, na_value=None)[positions]
            .tolist() if "src_row" in work else [None] * n)
    return files, sheets, [None if r is None else int(r) for r in rows]


def _table_problems(kind: str, work: pd.DataFrame, column: str, check_text: str,
                    cases: pd.DataFrame) -> list[RowProblem]:
    """Failures of a whole column (missing, wrong dtype): one problem naming the column."""
    files = work["src_file"].dropna().unique() if "src_file" in work else []
    file = str(files[0]) if len(files) == 1 else f"<{kind}>"
    out = []
    for case in cases["failure_case"].to_numpy():
        if check_text == "column_in_dataframe":
            missing = str(case)
            out.append(problem("REQUIRED-MISSING", file=file, sheet=None, row=None, column=missing,
                               value=None, detail_zh=f"缺少列 {missing}",
                               detail_en=f"column {missing} is missing"))
        else:
            out.append(problem("SCHEMA", file=file, sheet=None, row=None, column=column, value=str(case),
                               detail_zh=f"列 {column}：{check_text}",
                               detail_en=f"column {column}: {check_text}"))
    return out
