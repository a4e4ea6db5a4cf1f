"""用工实名 (real-name employment): whoever works or is paid on a site must be on its roster, under the
name on the ID card, with a contract, of a lawful age, and inside the stay the roster records.

Every rule runs on all projects at once. The costly frames (2.6M attendance rows a month for a city) are
narrowed through the per-worker-month ``ctx.days`` first — age only grows, so a worker who was a child on
any day of M was one on its first day — and only the suspects' rows are read again for evidence.

"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ingest.text import normalise_names
from validators.findings import empty_findings, make_findings
from validators.rules.common import (
    PW,
    SRC,
    WM,
    date_text,
    days_text,
    evidence_for,
    first_of,
    isin,
    judged,
    said,
    with_roster_name,
    worked_months,
    worked_rows,
)
from validators.rules.context import Context, iso, month_en, month_zh

_ID = r"^[0-9]{17}[0-9X]$"


def rn_unregistered(ctx: Context) -> pd.DataFrame:
    pay = ctx.data.payroll.dropna(subset=["id_number"])
    pmt = ctx.payments.dropna(subset=["id_number"])
    seen = pd.concat([
        worked_months(ctx)[[*WM, "worker_name"]].assign(src=0),
        pay[[*WM, "worker_name"]].assign(src=1),
        pmt[[*WM, "account_name"]].rename(columns={"account_name": "worker_name"}).assign(src=2),
    ], ignore_index=True)
    seen = judged(ctx, seen)
    seen = seen[~isin(seen, ctx.roster_workers, PW)]
    if seen.empty:
        return empty_findings()
    seen = seen.assign(att=seen["src"] == 0, pay=seen["src"] == 1, pmt=seen["src"] == 2)
    found = seen.sort_values("src").groupby(WM, as_index=False, sort=True).agg(
        worker_name=("worker_name", "first"), att=("att", "max"), pay=("pay", "max"),
        pmt=("pmt", "max"))
    zh_parts = (said(found["att"], "考勤、") + said(found["pay"], "工资表、")
                + said(found["pmt"], "代发记录、")).str.rstrip("、")
    en_parts = (said(found["att"], "attendance, ") + said(found["pay"], "a payroll line, ")
                + said(found["pmt"], "a wage payment, ")).str.rstrip(", ")
    rows = pd.concat([ctx.attendance[[*WM, *SRC]], pay[[*WM, *SRC]], pmt[[*WM, *SRC]]],
                     ignore_index=True)
    return make_findings(
        "RN-UNREGISTERED", found,
        message_zh=month_zh(found["month"]) + "有" + zh_parts + "，但本人未在实名制花名册登记",
        message_en="Has " + en_parts + " in " + month_en(found["month"])
        + " but is not on the real-name roster",
        evidence=evidence_for(found, rows, WM))


_SOURCE_ZH = np.array(["花名册", "工资表", "考勤"])
_SOURCE_EN = np.array(["roster", "payroll", "attendance"])


def _attendance_names(ctx: Context, att: pd.DataFrame) -> pd.DataFrame:
    """One row per spelling of a name per worker-month in attendance, which repeats it every day.

    Nearly every ID carries one spelling throughout, and for those the first name per worker-month in
    ``ctx.days`` is all there is; only IDs spelt several ways have their rows read again.
    """
    name_code, _ = pd.factorize(att["worker_name"])
    id_code, ids = pd.factorize(att["id_number"])
    spellings = pd.Series(name_code).groupby(id_code)
    mixed = ids[(spellings.min() != spellings.max()).to_numpy()]
    days = worked_months(ctx).dropna(subset=["worker_name"])
    several = att[att["id_number"].isin(mixed)]
    return pd.concat([days.loc[~days["id_number"].isin(mixed), [*WM, "worker_name"]],
                      first_of(several, [*WM, "worker_name"])[[*WM, "worker_name"]]], ignore_index=True)


def rn_name_mismatch(ctx: Context) -> pd.DataFrame:
    att = worked_rows(ctx).dropna(subset=["worker_name"])
    pay = judged(ctx, ctx.data.payroll.dropna(subset=["id_number", "worker_name"]))
    cols = [*WM, "worker_name", *SRC]
    active = pd.concat([pay[WM], worked_months(ctx)[WM]]).drop_duplicates()
    roster = ctx.data.roster.dropna(subset=["id_number", "worker_name"])
    roster = roster[[*PW, "worker_name", *SRC]].merge(active, on=PW, how="inner")
    names = pd.concat([roster[cols].assign(src=0), pay[cols].assign(src=1),
                       _attendance_names(ctx, att).assign(src=2)], ignore_index=True)
    names["norm"] = normalise_names(names["worker_name"])
    first = names.drop_duplicates([*WM, "norm", "src"])
    count = first.drop_duplicates([*WM, "norm"]).groupby(WM)["norm"].size().rename("n").reset_index()
    bad = count[count["n"] > 1]
    if bad.empty:
        return empty_findings()
    first = first.merge(bad[WM], on=WM, how="inner").sort_values([*WM, "src"], kind="stable")
    # reference name: the roster's when registered, else the first seen (payroll before attendance)
    ref = first.drop_duplicates(WM)[[*WM, "norm"]].rename(columns={"norm": "ref"})
    per_name = first.groupby([*WM, "norm"], as_index=False, sort=False).agg(
        raw=("worker_name", "first"), src_min=("src", "min"),
        zh=("src", lambda s: "、".join(_SOURCE_ZH[sorted(set(s))])),
        en=("src", lambda s: ", ".join(_SOURCE_EN[sorted(set(s))])))
    per_name = per_name.sort_values([*WM, "src_min"], kind="stable")
    per_name["zh"] = per_name["raw"] + "（" + per_name["zh"] + "）"
    per_name["en"] = per_name["raw"] + " (" + per_name["en"] + ")"
    found = per_name.groupby(WM, as_index=False, sort=True).agg(
        names_zh=("zh", "、".join), names_en=("en", "; ".join))
    found = with_roster_name(ctx, found.merge(
        first.drop_duplicates(WM)[[*WM, "worker_name"]], on=WM, how="left"))
    att = att[att["id_number"].isin(bad["id_number"])]
    att = att.loc[isin(att, bad, WM), cols]
    rows = pd.concat([names[names["src"] < 2],
                      att.assign(src=2, norm=normalise_names(att["worker_name"]))])
    evid = rows.merge(bad[WM], on=WM, how="inner").merge(ref, on=WM, how="left")
    evid = evid[(evid["src"] < 2) | (evid["norm"] != evid["ref"])
                | ~evid.duplicated([*WM, "norm", "src"])]
    return make_findings(
        "RN-NAME-MISMATCH", found,
        message_zh=month_zh(found["month"]) + "同一身份证号在不同记录中姓名不一致：" + found["names_zh"],
        message_en="The same ID number carries different names in " + month_en(found["month"]) + ": "
        + found["names_en"],
        evidence=evidence_for(found, evid, WM))


def rn_no_contract(ctx: Context) -> pd.DataFrame:
    roster = ctx.roster_workers
    unsigned = roster[roster["contract_signed"].eq(False).fillna(False).astype(bool)]
    found = worked_months(ctx).merge(unsigned[PW], on=PW, how="inner")
    if found.empty:
        return empty_findings()
    found = with_roster_name(ctx, found)
    raw = ctx.data.roster
    raw = raw[raw["contract_signed"].eq(False).fillna(False).astype(bool)]
    evid = pd.concat([raw[[*PW, *SRC]].merge(found[WM], on=PW), judged(ctx, ctx.attendance)[[*WM, *SRC]]])
    d = days_text(found["days"])
    return make_findings(
        "RN-NO-CONTRACT", found,
        message_zh=month_zh(found["month"]) + "出勤 " + d + " 天，花名册登记未签订劳动合同",
        message_en="Worked " + d + " days in " + month_en(found["month"])
        + "; the roster records no signed labor contract",
        evidence=evidence_for(found, evid, WM))


def _ages(ids: pd.Series, dates: pd.Series) -> pd.Series:
    """Age in full years on each date from the ID's birth date (GB 11643: characters 7–14).

    Integer arithmetic on year and month-day: a birthday is reached on its date, and a 29 February
    birthday on 1 March of a common year.
    """
    year = ids.str[6:10].astype("int64")
    month_day = ids.str[10:14].astype("int64")
    today = (dates.dt.month * 100 + dates.dt.day).astype("int64")
    return dates.dt.year.astype("int64") - year - (today < month_day).astype("int64")


def _birth(ids: pd.Series) -> pd.Series:
    return ids.str[6:10] + "-" + ids.str[10:12] + "-" + ids.str[12:14]


def _male(ids: pd.Series) -> pd.Series:
    return ids.str[16].astype("int64") % 2 == 1


def _age_limit(ctx: Context, ids: pd.Series, child: bool) -> pd.Series:
    if child:
        return pd.Series(ctx.config.child_age, index=ids.index, dtype="int64")
    return pd.Series(np.where(_male(ids), ctx.config.overage_male, ctx.config.overage_female),
                     index=ids.index, dtype="int64")


def _age_breach(ctx: Context, child: bool) -> pd.DataFrame:
    """Worker-months with a day worked under the child age (or at/over the age limit), with those days.

    Age only grows within a month, so the first (last) day of ctx.days decides whether any day can
    breach; only those workers' attendance rows are read again.
    """
    days = worked_months(ctx)
    days = days[days["id_number"].str.fullmatch(_ID).fillna(False).astype(bool)]
    on = days["first_date"] if child else days["last_date"]
    ages = _ages(days["id_number"], on)
    limit = _age_limit(ctx, days["id_number"], child)
    suspects = days[(ages < limit) if child else (ages >= limit)][WM]
    rows = worked_rows(ctx).merge(suspects, on=WM, how="inner")
    if rows.empty:
        return pd.DataFrame()
    ages = _ages(rows["id_number"], rows["date"])
    limit = _age_limit(ctx, rows["id_number"], child)
    rows = rows[(ages < limit) if child else (ages >= limit)]
    found = rows.groupby(WM, as_index=False, sort=True).agg(
        worker_name=("worker_name", "first"), first=("date", "min"), last=("date", "max"),
        n=("date", "nunique"))
    found = with_roster_name(ctx, found)
    found["evidence"] = evidence_for(found, rows, WM)
    found["birth"] = _birth(found["id_number"])
    found["limit"] = _age_limit(ctx, found["id_number"], child).astype("str")
    found["span"] = iso(found["first"]) + " 至 " + iso(found["last"])
    found["span_en"] = iso(found["first"]) + " to " + iso(found["last"])
    return found


def rn_child(ctx: Context) -> pd.DataFrame:
    f = _age_breach(ctx, child=True)
    if f.empty:
        return empty_findings()
    n = f["n"].astype("str")
    return make_findings(
        "RN-CHILD", f,
        message_zh=month_zh(f["month"]) + "有 " + n + " 天出勤时未满" + f["limit"] + "周岁（出生日期 "
        + f["birth"] + "，" + f["span"] + "）",
        message_en="Worked " + n + " days in " + month_en(f["month"]) + " while under " + f["limit"]
        + " (born " + f["birth"] + "; " + f["span_en"] + ")",
        evidence=f["evidence"])


def rn_overage(ctx: Context) -> pd.DataFrame:
    f = _age_breach(ctx, child=False)
    if f.empty:
        return empty_findings()
    n = f["n"].astype("str")
    male = _male(f["id_number"])
    return make_findings(
        "RN-OVERAGE", f,
        message_zh=month_zh(f["month"]) + "有 " + n + " 天出勤时已满" + f["limit"] + "周岁（"
        + said(male, "男") + said(~male, "女") + "，出生日期 " + f["birth"] + "，" + f["span"] + "）",
        message_en="Worked " + n + " days in " + month_en(f["month"]) + " at or over " + f["limit"]
        + " (" + said(male, "male") + said(~male, "female") + ", born " + f["birth"] + "; "
        + f["span_en"] + ")",
        evidence=f["evidence"])


def rn_outside_stay(ctx: Context) -> pd.DataFrame:
    stays = ctx.data.roster.dropna(subset=["id_number"])[[*PW, "entry_date", "exit_date"]]
    # Suspects first: outside the hull of the stays, or a worker with several stays (gaps between them).
    hull = stays.assign(no_entry=stays["entry_date"].isna(), no_exit=stays["exit_date"].isna())
    hull = hull.groupby(PW, as_index=False).agg(
        lo=("entry_date", "min"), hi=("exit_date", "max"), open_lo=("no_entry", "max"),
        open_hi=("no_exit", "max"), k=("entry_date", "size"))
    days = worked_months(ctx).merge(hull, on=PW, how="inner")
    suspect = ((days["k"] > 1)
               | (~days["open_lo"] & (days["first_date"] < days["lo"]))
               | (~days["open_hi"] & (days["last_date"] > days["hi"])))
    rows = worked_rows(ctx).merge(days.loc[suspect, WM], on=WM, how="inner")
    if rows.empty:
        return empty_findings()
    rows = rows.reset_index(drop=True).rename_axis("row").reset_index()
    pairs = rows[[*PW, "row", "date"]].merge(stays, on=PW, how="inner")
    inside = ((pairs["entry_date"].isna() | (pairs["entry_date"] <= pairs["date"]))
              & (pairs["exit_date"].isna() | (pairs["date"] <= pairs["exit_date"])))
    covered = pairs.loc[inside, "row"].unique()
    rows = rows[~rows["row"].isin(covered)]
    if rows.empty:
        return empty_findings()
    found = rows.groupby(WM, as_index=False, sort=True).agg(
        worker_name=("worker_name", "first"), first=("date", "min"), last=("date", "max"),
        n=("date", "nunique"))
    found = with_roster_name(ctx, found)
    mine = stays.merge(found[PW].drop_duplicates(), on=PW).sort_values([*PW, "entry_date"])
    mine["zh"] = date_text(mine["entry_date"], "未登记") + " 至 " + date_text(mine["exit_date"], "未退场")
    mine["en"] = date_text(mine["entry_date"], "unknown") + " to " + date_text(mine["exit_date"], "open")
    text = mine.groupby(PW, as_index=False).agg(stays_zh=("zh", "；".join), stays_en=("en", "; ".join))
    found = found.merge(text, on=PW, how="left")
    n = found["n"].astype("str")
    raw = ctx.data.roster.merge(found[WM], on=PW)
    return make_findings(
        "RN-OUTSIDE-STAY", found,
        message_zh=month_zh(found["month"]) + "有 " + n + " 天出勤（" + iso(found["first"]) + " 至 "
        + iso(found["last"]) + "）不在花名册登记的进退场期内（" + found["stays_zh"] + "）",
        message_en=n + " days worked in " + month_en(found["month"]) + " (" + iso(found["first"])
        + " to " + iso(found["last"]) + ") fall outside the roster stay (" + found["stays_en"] + ")",
        evidence=evidence_for(found, pd.concat([rows[[*WM, *SRC]], raw[[*WM, *SRC]]]), WM))


RULES: dict[str, Callable[[Context], pd.DataFrame]] = {
    "RN-UNREGISTERED": rn_unregistered,
    "RN-NAME-MISMATCH": rn_name_mismatch,
    "RN-NO-CONTRACT": rn_no_contract,
    "RN-CHILD": rn_child,
    "RN-OVERAGE": rn_overage,
    "RN-OUTSIDE-STAY": rn_outside_stay,
}
