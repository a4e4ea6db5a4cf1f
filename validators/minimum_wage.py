"""Monthly minimum wages from reference data, looked up by region and date.

The figures change every two or three years by provincial notice and the tier of a county is itself
reference data, so they live in ``data/minimum_wage.csv`` (with its source in the header) rather than in
code; a project's own ``min_wage_monthly`` overrides them (see :mod:`validators.rules.context`).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

TABLE_PATH = Path(__file__).parent / "data" / "minimum_wage.csv"


class MinimumWageUnknownError(LookupError):
    """No reference minimum wage covers a region and month: the estimate cannot be made."""


@lru_cache(maxsize=4)
def load_table(path: Path = TABLE_PATH) -> pd.DataFrame:
    table = pd.read_csv(path, comment="#", dtype={"region_code": "str", "monthly_fen": "int64"})
    table["effective_from"] = pd.to_datetime(table["effective_from"]).astype("datetime64[s]")
    return table.sort_values(["region_code", "effective_from"], ignore_index=True)


def region_rows(region_code: str, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rows of a region, else of its province's fallback (``XX0000``); empty when neither exists."""
    table = load_table() if table is None else table
    rows = table[table["region_code"] == region_code]
    if rows.empty:
        rows = table[table["region_code"] == f"{region_code[:2]}0000"]
    return rows


def monthly_minimum(region_code: str, months: pd.Series, table: pd.DataFrame | None = None) -> pd.Series:
    """The minimum monthly wage in fen for each month ("YYYY-MM"), NA where no row is in force.

    Looked up once per distinct month: a city run has a handful of months and millions of rows.
    """
    rows = region_rows(region_code, table)
    uniq = pd.Series(months.dropna().unique(), dtype="str")
    values: dict[str, int] = {}
    for month in uniq:
        start = pd.Timestamp(f"{month}-01")
        in_force = rows[rows["effective_from"] <= start]
        if not in_force.empty:
            values[month] = int(in_force["monthly_fen"].iloc[-1])
    return months.map(values).astype("Int64")
