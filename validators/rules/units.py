"""Keys, month arithmetic, exact money division and message formatting shared by the rule modules.

Kept apart from :mod:`validators.rules.context` so that modules the context itself uses (card
attribution) can share them without an import cycle.
"""

from __future__ import annotations

import calendar

import numpy as np
import pandas as pd

PM = ["project_code", "month"]
PW = ["project_code", "id_number"]
PWM = ["project_code", "id_number", "month"]
PROJECT_COLUMNS = ["project_code", "payday", "wage_account", "start_date", "end_date", "deposit_status",
                   "min_wage_monthly", "sector", "township"]


def month_of(dates: pd.Series) -> pd.Series:
    """'YYYY-MM' of each date, formatted once per distinct month (millions of rows, a few months)."""
    codes, uniq = pd.factorize(dates.dt.year * 100 + dates.dt.month)
    labels = np.array([f"{int(u) // 100:04d}-{int(u) % 100:02d}" for u in uniq] + [None], dtype=object)
    return pd.Series(labels[codes], index=dates.index, dtype="str")


def shift_month(months: pd.Series, n: int) -> pd.Series:
    """Each month moved by ``n`` months, computed once per distinct value."""
    uniq = months.dropna().unique()
    moved = {m: (pd.Period(m, "M") + n).strftime("%Y-%m") for m in uniq}
    return months.map(moved).astype("str")


def div_half_up(num: np.ndarray | pd.Series, den: np.ndarray | pd.Series | int) -> np.ndarray:
    """Integer division rounding half up, for non-negative money: no float ever touches a fen."""
    num = np.asarray(num, dtype="int64")
    den = np.asarray(den, dtype="int64")
    return (2 * num + den) // (2 * den)


def month_zh(months: pd.Series) -> pd.Series:
    """``3月`` for messages; per distinct month."""
    return months.map({m: f"{int(m[5:7])}月" for m in months.dropna().unique()}).astype("str")


def month_en(months: pd.Series) -> pd.Series:
    """``March`` for messages; per distinct month."""
    return months.map({m: calendar.month_name[int(m[5:7])] for m in months.dropna().unique()}).astype("str")


def iso(dates: pd.Series) -> pd.Series:
    return dates.dt.strftime("%Y-%m-%d").astype("str")


def estimate_note(estimate: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Message suffixes (zh, en) saying owed is an estimate from attendance, not a payroll line."""
    flag = estimate.fillna(False).astype("bool")
    return (pd.Series(np.where(flag, "（按考勤估算）", ""), index=estimate.index, dtype="str"),
            pd.Series(np.where(flag, " (estimated from attendance)", ""), index=estimate.index, dtype="str"))


def as_fen(series: pd.Series) -> pd.Series:
    return series.fillna(0).astype("int64")
