"""Due dates of wage months (条例 第十四条): payday of M+1, moved back over rest days and holidays.

China's official calendar (with its make-up working days) comes from the maintained ``chinese_calendar``
package. It only knows the years the State Council has published; for a later year we fall back to
weekends only and say so (``calendar_known=False``) instead of inventing holidays.
"""

from __future__ import annotations

import calendar
import datetime as dt
from functools import lru_cache

import chinese_calendar
import pandas as pd


@lru_cache(maxsize=4096)
def is_workday(day: dt.date) -> tuple[bool, bool]:
    """(is a working day, whether the official calendar covers the year)."""
    try:
        return bool(chinese_calendar.is_workday(day)), True
    except NotImplementedError:
        return day.weekday() < 5, False


@lru_cache(maxsize=4096)
def due_date(month: str, payday: int = 15) -> tuple[dt.date, bool]:
    """The due date of wage month ``month`` ("YYYY-MM") and whether the holiday calendar covered it.

    The payday falls in the month after the wage month, clipped to that month's last day; a rest day
    or public holiday moves it back to the working day before.
    """
    year, mon = int(month[:4]), int(month[5:7])
    year, mon = (year + 1, 1) if mon == 12 else (year, mon + 1)
    last = calendar.monthrange(year, mon)[1]
    day = dt.date(year, mon, min(max(int(payday), 1), last))
    known = True
    for _ in range(40):  # the longest holiday run (Spring Festival) is well under this
        work, covered = is_workday(day)
        known = known and covered
        if work:
            break
        day -= dt.timedelta(days=1)
    return day, known


def due_dates(frame: pd.DataFrame, *, month: str = "month", payday: str = "payday",
              default_payday: int = 15) -> pd.Series:
    """Due dates for every row, computed once per distinct (month, payday) pair and merged back.

    A city has a few dozen such pairs however many rows ask, so the calendar is consulted rarely.
    """
    paydays = (frame[payday].astype("Int64").fillna(default_payday).astype("int64") if payday in frame
               else pd.Series(default_payday, index=frame.index, dtype="int64"))
    keys = pd.DataFrame({"m": frame[month].astype("str").to_numpy(), "p": paydays.to_numpy()})
    uniq = keys.drop_duplicates().reset_index(drop=True)
    uniq["due"] = pd.to_datetime(
        [due_date(m, int(p))[0] for m, p in zip(uniq["m"], uniq["p"], strict=True)]
    ).astype("datetime64[s]") if len(uniq) else pd.Series(dtype="datetime64[s]")
    merged = keys.merge(uniq, on=["m", "p"], how="left")
    return pd.Series(merged["due"].to_numpy(), index=frame.index, dtype="datetime64[s]")
