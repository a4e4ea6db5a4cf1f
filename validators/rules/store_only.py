"""The rules only the store can judge (``store_only`` in the catalogue): they need what a folder of files
cannot tell, namely when each slice of data arrived (DATA-LATE) and every project's attendance at once
(XP-DOUBLE-ATTENDANCE).

Still pure: the store hands over an *arrivals* frame (one row per slice of data with its first
``received_at``) and, when it reconciles only some projects, the other projects' attendance rows
(``elsewhere``); no database is touched here.

Arrival times are instants (tz-aware; naive values are taken as UTC, as the store keeps them). They are
compared with due dates and attendance dates as calendar days in China, so a file sent at 23:00 on the due
date is on time even though it is already the next day in UTC.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ingest.canonical import conform
from validators.findings import SRC, collect_evidence, empty_findings, make_findings
from validators.rules.common import first_of, with_roster_name
from validators.rules.context import PM, PWM, Context, iso, month_en, month_of, month_zh

LOCAL_TZ = "Asia/Shanghai"
ATTENDANCE_GRACE_DAYS = 2  # rules.md: attendance for a day may arrive up to 2 days later
ARRIVAL_COLUMNS = ["project_code", "kind", "month", "date", "received_at"]

StoreRule = Callable[[Context, pd.DataFrame], pd.DataFrame]


def local_day(instants: pd.Series) -> pd.Series:
    """The calendar day in China of each arrival instant (naive instants are UTC)."""
    utc = pd.to_datetime(instants, utc=True)
    return utc.dt.tz_convert(LOCAL_TZ).dt.tz_localize(None).dt.normalize().astype("datetime64[s]")


def _late_payroll(ctx: Context, arrivals: pd.DataFrame) -> pd.DataFrame:
    """Judged project-months whose payroll first arrived after the due date, with the delay in days."""
    pay = arrivals[arrivals["kind"].eq("payroll") & arrivals["month"].notna()]
    pay = pay.assign(arrived=local_day(pay["received_at"]), month=pay["month"].astype("str"))
    first = pay.groupby(PM, as_index=False)["arrived"].min()
    first = first.merge(ctx.due[[*PM, "due_date"]], on=PM)
    first["delay"] = (first["arrived"] - first["due_date"].astype("datetime64[s]")).dt.days
    return first[first["delay"] > 0]


def _late_attendance(ctx: Context, arrivals: pd.DataFrame) -> pd.DataFrame:
    """Per judged project-month: days whose attendance first arrived more than the grace days late."""
    att = arrivals[arrivals["kind"].eq("attendance") & arrivals["date"].notna()]
    att = att.assign(arrived=local_day(att["received_at"]),
                     date=pd.to_datetime(att["date"]).dt.normalize().astype("datetime64[s]"))
    first = att.groupby(["project_code", "date"], as_index=False)["arrived"].min()
    first["month"] = month_of(first["date"])
    first["lag"] = (first["arrived"] - first["date"]).dt.days
    late = first[(first["lag"] > ATTENDANCE_GRACE_DAYS) & first["month"].isin(ctx.months)]
    late = late.merge(ctx.due[PM], on=PM)  # only project-months this run judges
    return late.groupby(PM, as_index=False).agg(late_days=("date", "nunique"), worst=("lag", "max"))


def data_late(ctx: Context, arrivals: pd.DataFrame) -> pd.DataFrame:
    """DATA-LATE: one project-level finding per judged project-month with a late payroll, late attendance
    days, or both; the message gives the payroll's delay and the count of late attendance days."""
    if arrivals.empty:
        return empty_findings()
    pay, att = _late_payroll(ctx, arrivals), _late_attendance(ctx, arrivals)
    found = pay.merge(att, on=PM, how="outer").sort_values(PM, ignore_index=True)
    if found.empty:
        return empty_findings()
    has_pay, has_att = found["delay"].notna(), found["late_days"].notna()
    mz, me = month_zh(found["month"]), month_en(found["month"])
    arrived, due = iso(found["arrived"]).fillna(""), iso(found["due_date"]).fillna("")
    delay = found["delay"].astype("Int64").astype("str")
    late_days = found["late_days"].astype("Int64").astype("str")
    worst = found["worst"].astype("Int64").astype("str")
    pay_zh = mz + "工资表于 " + arrived + " 上报，晚于发薪截止日 " + due + " 共 " + delay + " 天"
    pay_en = me + " payroll reported on " + arrived + ", " + delay + " days after its due date " + due
    att_zh = (mz + "有 " + late_days + f" 天的考勤在出勤日 {ATTENDANCE_GRACE_DAYS} 天后才上报（最迟 "
              + worst + " 天）")
    att_en = ("attendance of " + late_days + " days in " + me + f" reported more than {ATTENDANCE_GRACE_DAYS}"
              " days after the day (up to " + worst + " days)")
    zh = _join(has_pay, pay_zh, has_att, att_zh, "；")
    en = _join(has_pay, pay_en, has_att, att_en, "; ")
    return make_findings("DATA-LATE", found, worker_id=None, worker_name=None, message_zh=zh, message_en=en)


def _join(a: pd.Series, a_text: pd.Series, b: pd.Series, b_text: pd.Series, sep: str) -> pd.Series:
    """``a_text`` where ``a``, ``b_text`` where ``b``, both joined by ``sep`` where both."""
    first = pd.Series(np.where(a, a_text.fillna(""), ""), index=a.index, dtype="str")
    second = pd.Series(np.where(b, b_text.fillna(""), ""), index=b.index, dtype="str")
    glue = pd.Series(np.where(a & b, sep, ""), index=a.index, dtype="str")
    return first + glue + second


def _worked(frame: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """Attendance rows that mark work on a judged month's day, with the columns this rule reads."""
    rows = frame.dropna(subset=["id_number", "date"])
    rows = rows[rows["day_fraction"] > 0]
    rows = rows.assign(month=month_of(rows["date"]))
    return rows.loc[rows["month"].isin(months),
                    ["project_code", "id_number", "worker_name", "date", "month", *SRC]]


def xp_double_attendance(ctx: Context, arrivals: pd.DataFrame | None = None, *,
                         elsewhere: pd.DataFrame | None = None) -> pd.DataFrame:
    """XP-DOUBLE-ATTENDANCE: one finding per worker, judged month and project of the context where the
    worker also worked another project on the same date.

    ``elsewhere`` holds other projects' attendance when the context covers only some projects; findings
    are made for the context's projects only (the others get theirs when they are reconciled). Only
    workers seen on two or more projects are looked at, so a city run compares a few rows, not millions.
    """
    own = _worked(ctx.attendance, ctx.months)
    rows = own if elsewhere is None or elsewhere.empty else pd.concat(
        [own, _worked(conform("attendance", elsewhere), ctx.months)], ignore_index=True)
    if rows.empty:
        return empty_findings()
    spread = first_of(rows, ["id_number", "project_code"])["id_number"].value_counts()
    rows = rows[rows["id_number"].isin(spread.index[spread.to_numpy() >= 2])]
    cells = first_of(rows, ["id_number", "date", "project_code"])[["id_number", "date", "project_code"]]
    per_day = cells.groupby(["id_number", "date"])["project_code"].transform("size")
    cells = cells[per_day.to_numpy() >= 2]
    if cells.empty:
        return empty_findings()
    pairs = cells.merge(cells, on=["id_number", "date"], suffixes=("", "_other"))
    pairs = pairs[(pairs["project_code"] != pairs["project_code_other"])
                  & pairs["project_code"].isin(own["project_code"].unique())]
    pairs = pairs.assign(month=month_of(pairs["date"]), day=iso(pairs["date"]))
    g = pairs.groupby(PWM)
    found = pd.DataFrame({
        "others": g["project_code_other"].agg(lambda s: "、".join(sorted(set(s)))),
        "dates": g["day"].agg(lambda s: sorted(set(s))),
    }).reset_index()
    names = own.groupby(["project_code", "id_number"], as_index=False)["worker_name"].first()
    found = with_roster_name(ctx, found.merge(names, on=["project_code", "id_number"], how="left"))
    n = found["dates"].map(len).astype("str")
    dates_zh = found["dates"].map("、".join).astype("str")
    dates_en = found["dates"].map(", ".join).astype("str")
    others_en = found["others"].str.replace("、", ", ", regex=False)
    # Evidence: the worker's rows in every project on the clashing dates, both sides of the clash.
    keys = pairs[[*PWM, "date"]].drop_duplicates()
    ev_rows = keys.merge(rows[["id_number", "date", *SRC]], on=["id_number", "date"])
    ev = collect_evidence(ev_rows, PWM).rename("evidence").reset_index()
    evidence = found[PWM].merge(ev, on=PWM, how="left")["evidence"]
    return make_findings(
        "XP-DOUBLE-ATTENDANCE", found,
        message_zh=month_zh(found["month"]) + "有 " + n + " 天同时在项目 " + found["others"] + " 出勤：" + dates_zh,
        message_en="in " + month_en(found["month"]) + ", also attended project " + others_en + " on the same "
        + n + " day(s): " + dates_en,
        evidence=pd.Series([e if isinstance(e, tuple) else () for e in evidence], index=found.index,
                           dtype="object"))


def _xp(ctx: Context, arrivals: pd.DataFrame) -> pd.DataFrame:
    return xp_double_attendance(ctx, arrivals)


STORE_RULES: dict[str, StoreRule] = {
    "DATA-LATE": data_late,
    "XP-DOUBLE-ATTENDANCE": _xp,
}


def store_findings(ctx: Context, arrivals: pd.DataFrame, *,
                   elsewhere: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every store-only rule's findings (unannotated), with other projects' attendance for the
    cross-project rule when the context covers only some projects."""
    parts = [fn(ctx, arrivals) for code, fn in STORE_RULES.items() if code != "XP-DOUBLE-ATTENDANCE"]
    parts.append(xp_double_attendance(ctx, arrivals, elsewhere=elsewhere))
    parts = [p for p in parts if not p.empty]
    return pd.concat(parts, ignore_index=True) if parts else empty_findings()
