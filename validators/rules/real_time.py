"""数据实时 (real-time data): a site with workers on it records attendance every working week.

DATA-ATTENDANCE-GAP looks for runs of days with no attendance while the roster says someone is on site.
It works on a calendar grid of (project, day) — a thousand projects times a month is tens of thousands of
cells — so the whole city is one cumulative sum and one run-length grouping, with no loop over projects.
DATA-LATE needs upload times and is judged by the store, not here.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from validators.findings import empty_findings, make_findings
from validators.rules.common import isin
from validators.rules.context import Context, iso, month_en, month_zh

DAY = pd.Timedelta(days=1)


def _grid(ctx: Context, projects: pd.Series) -> pd.DataFrame:
    """Every (project, day) from the first judged month's first day to the last one's end or as_of."""
    months = pd.PeriodIndex(ctx.months, freq="M")
    lo = months.min().start_time.normalize()
    hi = min(months.max().end_time.normalize(), ctx.as_of)
    dates = pd.date_range(lo, hi, freq="D") if lo <= hi else pd.DatetimeIndex([])
    cal = pd.DataFrame({"date": dates.astype("datetime64[s]")})
    cal["month"] = pd.Series(dates.strftime("%Y-%m"), dtype="str")
    grid = pd.DataFrame({"project_code": projects}).merge(cal, how="cross")
    return grid.sort_values(["project_code", "date"], ignore_index=True)


def _on_site(grid: pd.DataFrame, roster: pd.DataFrame) -> np.ndarray:
    """Roster workers on site each grid day: +1 from entry (clipped to the grid), −1 the day after exit;
    entered means an entry date on or before the day, so a stay without one never counts."""
    if grid.empty:
        return np.zeros(0, dtype="int64")
    lo, hi = grid["date"].min(), grid["date"].max()
    stays = roster.dropna(subset=["entry_date"])
    stays = stays[(stays["entry_date"] <= hi)
                  & (stays["exit_date"].isna() | (stays["exit_date"] >= stays["entry_date"].clip(lower=lo)))]
    start = stays["entry_date"].clip(lower=lo).astype("datetime64[ns]")
    stop = (stays["exit_date"] + DAY).astype("datetime64[ns]")
    events = pd.concat([
        pd.DataFrame({"project_code": stays["project_code"], "date": start, "step": 1}),
        pd.DataFrame({"project_code": stays["project_code"], "date": stop, "step": -1})[stop.le(hi)],
    ]).groupby(["project_code", "date"], as_index=False)["step"].sum()
    cells = grid[["project_code", "date"]].astype({"date": "datetime64[ns]"})
    steps = cells.merge(events, on=["project_code", "date"], how="left")
    steps = steps["step"].fillna(0).astype("int64")
    return steps.groupby(grid["project_code"].to_numpy(), sort=False).cumsum().to_numpy()


def data_attendance_gap(ctx: Context) -> pd.DataFrame:
    roster = ctx.data.roster.dropna(subset=["project_code"])
    grid = _grid(ctx, pd.Series(roster["project_code"].unique(), dtype="str"))
    if grid.empty:
        return empty_findings()
    grid["on_site"] = _on_site(grid, roster)
    att = ctx.attendance
    att = att[(att["day_fraction"] > 0) & att["date"].between(grid["date"].min(), grid["date"].max())]
    worked = isin(grid, att[["project_code", "date"]], ["project_code", "date"])
    bounds = grid[["project_code"]].merge(ctx.projects[["project_code", "start_date", "end_date"]],
                                          on="project_code", how="left")
    inside = ((bounds["start_date"].isna() | (bounds["start_date"] <= grid["date"].to_numpy()))
              & (bounds["end_date"].isna() | (bounds["end_date"] >= grid["date"].to_numpy()))).to_numpy()
    quiet = (grid["on_site"].to_numpy() > 0) & ~worked & inside & grid["month"].isin(ctx.months).to_numpy()
    # A run starts wherever quietness, the project or the month changes; runs never cross a month.
    key = grid["project_code"] + "|" + grid["month"]
    starts = np.ones(len(grid), dtype=bool)
    starts[1:] = (quiet[1:] != quiet[:-1]) | (key.to_numpy()[1:] != key.to_numpy()[:-1])
    grid["run"] = np.cumsum(starts)
    runs = grid[quiet].groupby("run", as_index=False).agg(
        project_code=("project_code", "first"), month=("month", "first"), first=("date", "min"),
        last=("date", "max"), n=("date", "size"), most=("on_site", "max"))
    found = runs[runs["n"] >= ctx.config.attendance_gap_days].reset_index(drop=True)
    if found.empty:
        return empty_findings()
    n, most = found["n"].astype("str"), found["most"].astype("str")
    first, last = iso(found["first"]), iso(found["last"])
    return make_findings(
        "DATA-ATTENDANCE-GAP", found, worker_id=None, worker_name=None,
        message_zh=month_zh(found["month"]) + first + " 至 " + last + " 连续 " + n
        + " 天无考勤记录，期间花名册在场人员最多 " + most + " 人",
        message_en="No attendance for " + n + " consecutive days in " + month_en(found["month"]) + " ("
        + first + " to " + last + ") while up to " + most + " roster workers were on site")


RULES: dict[str, Callable[[Context], pd.DataFrame]] = {
    "DATA-ATTENDANCE-GAP": data_attendance_gap,
}
