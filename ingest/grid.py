"""The wide attendance grid (one row per worker, one column per day) to one canonical row per day worked.

Grids are marked by hand, so the marks vary (`√`, `半`, `8` hours, `休`); each distinct mark is read once
and the grid is turned into worker-days with numpy, never cell by cell. A mark nobody can read is a
warning: the worker's other days still count, that day does not. A trailing total column is only a
cross-check; the daily marks are what a labor inspector would count.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections import Counter

import numpy as np
import pandas as pd

from ingest.columns import SheetData
from ingest.containers import cell_text
from ingest.layout import Layout
from ingest.problems import problem
from ingest.text import normalise_header
from ingest.values import factorize_exact
from ingest.values.numbers import parse_number_series

__all__ = ["MAX_HOURS", "read_grid", "read_mark"]

MAX_HOURS = 24.0
_WORKED = frozenset({"√", "✓", "✔", "1", "出勤", "上"})
_HALF = frozenset({"0.5", "半", "半天"})
_OFF = frozenset({"×", "✗", "休", "假", "旷", "0", "-"})
_NOT_WORKED = (0.0, math.nan, True)
_UNKNOWN = (0.0, math.nan, False)


def _number(x: float) -> tuple[float, float, bool]:
    if x == 1:
        return (1.0, math.nan, True)
    if x == 0.5:
        return (0.5, math.nan, True)
    if x == 0:
        return _NOT_WORKED
    if 1 < x <= MAX_HOURS:  # a number of hours is a day worked with those hours
        return (1.0, x, True)
    return _UNKNOWN


def read_mark(v: object) -> tuple[float, float, bool]:
    """``(day fraction, hours or NaN, known)`` of one grid cell; an empty cell is a day not worked."""
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return _NOT_WORKED
    if isinstance(v, bool):
        return _UNKNOWN
    if isinstance(v, int | float):
        return _number(float(v))
    text = normalise_header(cell_text(v))
    if text in _WORKED:
        return (1.0, math.nan, True)
    if text in _HALF:
        return (0.5, math.nan, True)
    if text in _OFF or not text:
        return _NOT_WORKED
    try:
        return _number(float(text))
    except ValueError:
        return _UNKNOWN


def _grid_month(layout: Layout, title_month: str | None, month: str | None) -> str | None:
    """The month of the day columns: from date headers, else the title, else the command line."""
    from_headers = Counter(h.month for h in layout.recognition.days.values() if h.month)
    if from_headers:
        return from_headers.most_common(1)[0][0]
    return title_month or month


def _column_dates(layout: Layout, grid_month: str | None) -> dict[int, dt.date]:
    """Each day column's date; columns past the month's last day (`31` in April) are left out."""
    dates: dict[int, dt.date] = {}
    for col, header in layout.recognition.days.items():
        month = header.month or grid_month
        if month is None:
            continue
        year, mon = (int(p) for p in month.split("-"))
        if header.day <= calendar.monthrange(year, mon)[1]:
            dates[col] = dt.date(year, mon, header.day)
    return dates


def read_grid(d: SheetData, layout: Layout, *, title_month: str | None, month: str | None) -> pd.DataFrame:
    """Canonical attendance rows (index: the grid row's position in the sheet) for the days worked."""
    out: dict[str, pd.Series] = {}
    if d.has("project_code"):
        out["project_code"] = d.text("project_code")
    if d.has("id_number"):
        out["id_number"] = d.parsed("id_number", "id")
    if d.has("worker_name"):
        out["worker_name"] = d.names("worker_name")
    missing = d.raw("id_number").isna() & d.raw("worker_name").isna()
    d.report(missing, "REQUIRED-MISSING", "worker_name" if d.has("worker_name") else "id_number")

    grid_month = _grid_month(layout, title_month, month)
    if grid_month is None and any(h.month is None for h in layout.recognition.days.values()):
        d.report(pd.Series(True, index=d.index), "MONTH-UNKNOWN", "date")
        return pd.DataFrame(index=d.index[:0])
    dates = _column_dates(layout, grid_month)
    cols = list(dates)
    n, k = len(d.index), len(cols)
    flat = pd.Series(d.cells[cols].to_numpy(dtype=object).ravel(), dtype=object)
    codes, uniques = factorize_exact(flat)
    marks = [read_mark(u) for u in uniques] + [_NOT_WORKED]  # the last entry serves the NA code -1
    fraction = np.array([m[0] for m in marks])[codes].reshape(n, k)
    hours = np.array([m[1] for m in marks])[codes].reshape(n, k)
    known = np.array([m[2] for m in marks])[codes].reshape(n, k)

    for r, c in zip(*np.nonzero(~known), strict=True):
        when = dates[cols[c]].isoformat()
        d.problems.append(problem(
            "GRID-MARK-UNKNOWN", file=d.file, sheet=d.sheet, row=int(d.index[r]) + 1, column="day_fraction",
            value=cell_text(flat.iloc[r * k + c]), level="warning", detail_zh=when, detail_en=when,
        ))
    if d.has("grid_total"):
        total, _ = parse_number_series(d.raw("grid_total"))  # unreadable totals are no reason to reject
        counted = pd.Series(fraction.sum(axis=1), index=d.index)
        d.report(total.notna() & (total - counted).abs().gt(1e-9), "GRID-TOTAL-MISMATCH", "day_fraction",
                 d.raw("grid_total"), level="warning")

    worked = (fraction > 0) & ~d.rejected.to_numpy(dtype=bool)[:, None]
    rows, days = np.nonzero(worked)
    column_dates = np.array([np.datetime64(dates[c], "s") for c in cols], dtype="datetime64[s]")
    frame = pd.DataFrame(
        {key: s.iloc[rows].to_numpy() for key, s in out.items()}
        | {
            "date": column_dates[days] if k else np.array([], dtype="datetime64[s]"),
            "day_fraction": fraction[rows, days],
            "hours": pd.array(hours[rows, days], dtype="Float64"),
        },
        index=d.index[rows],
    )
    for key, s in out.items():
        frame[key] = frame[key].astype(s.dtype)
    return frame
