"""Helpers shared by the rule modules, so every message names months, dates and days the same way and
every rule matches keys the same (fast) way."""

from __future__ import annotations

import numpy as np
import pandas as pd

from validators.findings import collect_evidence
from validators.rules.context import Context, iso

SRC = ["src_file", "src_sheet", "src_row"]
PW = ["project_code", "id_number"]
WM = ["project_code", "id_number", "month"]




def date_text(dates: pd.Series, missing: str) -> pd.Series:
    """ISO dates for messages, with words for an open or unknown date."""
    return iso(dates).fillna(missing)


def days_text(days: pd.Series) -> pd.Series:
    """22.0 → `22`, 21.5 → `21.5`: day counts as people write them."""
    return pd.Series([f"{float(d):g}" for d in days.to_numpy()], index=days.index, dtype="str")


def _keys(frames: list[pd.DataFrame], keys: list[str]) -> np.ndarray:
    """One compact integer per distinct key combination, across ``frames`` stacked: a few factorise
    passes over millions of rows, where a multi-column hash join or MultiIndex would take seconds."""
    key = np.zeros(sum(len(f) for f in frames), dtype="int64")
    for k in keys:
        codes, uniques = pd.factorize(pd.concat([f[k] for f in frames], ignore_index=True))
        key, _ = pd.factorize(key * (len(uniques) + 1) + (codes + 1))
    return key


def isin(frame: pd.DataFrame, other: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Which rows of ``frame`` have their ``keys`` anywhere in ``other``."""
    if frame.empty or other.empty:
        return np.zeros(len(frame), dtype=bool)
    key = _keys([frame, other], keys)
    return np.isin(key[:len(frame)], key[len(frame):])


def first_of(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The first row of each distinct ``keys`` combination (a fast ``drop_duplicates``)."""
    if frame.empty:
        return frame
    _, first = np.unique(_keys([frame], keys), return_index=True)
    return frame.iloc[np.sort(first)]


def judged(ctx: Context, frame: pd.DataFrame, month: str = "month") -> pd.DataFrame:
    return frame[frame[month].isin(ctx.months)]


def with_roster_name(ctx: Context, frame: pd.DataFrame) -> pd.DataFrame:
    """The roster's name where the worker is on it, else the row's own: findings name people as
    registered."""
    names = ctx.roster_workers[[*PW, "worker_name"]].rename(columns={"worker_name": "_roster_name"})
    merged = frame[PW].merge(names.drop_duplicates(PW), on=PW, how="left")
    own = frame["worker_name"] if "worker_name" in frame else pd.Series(pd.NA, index=frame.index)
    out = frame.copy()
    out["worker_name"] = pd.Series(merged["_roster_name"].to_numpy(), index=frame.index,
                                   dtype="str").fillna(own.astype("str"))
    return out


def evidence_for(findings: pd.DataFrame, rows: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Evidence tuples aligned with ``findings``, from the ``rows`` that share its ``keys``."""
    blank = pd.Series([()] * len(findings), index=findings.index, dtype="object")
    if findings.empty or rows.empty:
        return blank
    rows = rows.loc[isin(rows, findings, keys), [*keys, *SRC]]
    if rows.empty:
        return blank
    ev = collect_evidence(rows, keys)
    where = (pd.MultiIndex.from_frame(findings[keys]) if len(keys) > 1
             else pd.Index(findings[keys[0]]))
    got = ev.reindex(where).to_numpy()
    return pd.Series([e if isinstance(e, tuple) else () for e in got], index=findings.index,
                     dtype="object")


def worked_rows(ctx: Context) -> pd.DataFrame:
    """Attendance rows of judged months that mark work (a 0 cell is a day not worked)."""
    att = ctx.attendance
    return att[att["month"].isin(ctx.months) & (att["day_fraction"] > 0) & att["id_number"].notna()]


def worked_months(ctx: Context) -> pd.DataFrame:
    days = ctx.days
    return days[days["month"].isin(ctx.months) & (days["days"] > 0)]


def said(flag: pd.Series, text: str) -> pd.Series:
    return pd.Series(np.where(flag, text, ""), index=flag.index, dtype="str")


# ---- rules ----------------------------------------------------------------------------------------
