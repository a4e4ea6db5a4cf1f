"""专户与人工费: the money behind the wages — the builder's monthly allocation into the dedicated wage
account, its balance, what leaves it, the account itself and the wage deposit.

All rules here are project-level (worker_id NA). Account statements are small (dozens of rows a project
a month), so joining them with the judged months of their project is cheap even for a whole city.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from validators.findings import make_findings, yuan
from validators.rules.context import PM, Context, as_fen, iso, month_en, month_of, month_zh, shift_month

WAGE_PURPOSE = r"工资|代发|薪"


def _month_start(months: pd.Series) -> pd.Series:
    return pd.to_datetime(months + "-01").astype("datetime64[s]")


def _window_rows(ctx: Context, pairs: pd.DataFrame) -> pd.DataFrame:
    """Account rows dated from the 1st of M to M's due date, one copy per (project, M) of ``pairs``."""
    acct = ctx.data.account.dropna(subset=["project_code", "date"])
    rows = acct.reset_index(names="acct_index").merge(pairs, on="project_code")
    return rows[(rows["date"] >= _month_start(rows["month"])) & (rows["date"] <= rows["due_date"])]


def _project_rows(ctx: Context, frame: pd.DataFrame) -> pd.Series:
    return ctx.evidence(frame, ctx.data.project, keys=["project_code"])


def acct_no_allocation(ctx: Context) -> pd.DataFrame:
    pairs = ctx.attendance_months.merge(ctx.due[[*PM, "due_date"]], on=PM)
    rows = _window_rows(ctx, pairs)
    inflow = rows.assign(inflow=rows["direction"].eq("in")).groupby(PM)["inflow"].any()
    hit = pairs.merge(inflow[~inflow].reset_index()[PM], on=PM)
    return make_findings(
        "ACCT-NO-ALLOCATION", hit, worker_id=None, worker_name=None,
        message_zh="专用账户在 " + month_zh(hit["month"]) + "1日至 " + iso(hit["due_date"])
        + " 之间有流水但没有人工费拨入",
        message_en="the wage account shows no labor-cost inflow between the 1st of "
        + month_en(hit["month"]) + " and " + iso(hit["due_date"]),
        evidence=ctx.evidence(hit, rows, keys=PM))


def acct_insufficient(ctx: Context) -> pd.DataFrame:
    acct = ctx.data.account.dropna(subset=["project_code", "date", "balance"])
    rows = acct.merge(ctx.due[[*PM, "due_date"]], on="project_code")
    rows = rows[rows["date"] < rows["due_date"]].sort_values("date", kind="stable")
    last = rows.groupby(PM, sort=False).tail(1)
    owed = ctx.owed.groupby(PM)["owed"].sum().rename("owed").reset_index()
    pay = ctx.payments.dropna(subset=["id_number"])[[*PM, "date", "amount"]].rename(
        columns={"date": "paid_on"})
    paid = last[[*PM, "date"]].merge(pay, on=PM)
    paid = paid[paid["paid_on"] <= paid["date"]].groupby(PM)["amount"].sum().rename("paid").reset_index()
    last = last.merge(owed, on=PM, how="left").merge(paid, on=PM, how="left")
    remaining = as_fen(last["owed"]) - as_fen(last["paid"])
    balance = last["balance"].astype("int64")
    hit = last[balance < remaining].assign(short=(remaining - balance)[balance < remaining])
    return make_findings(
        "ACCT-INSUFFICIENT", hit, worker_id=None, worker_name=None, amount=hit["short"],
        message_zh=iso(hit["date"]) + " 专用账户余额 " + yuan(hit["balance"]) + " 元，不足以支付尚欠的"
        + month_zh(hit["month"]) + "工资，差 " + yuan(hit["short"]) + " 元",
        message_en="wage account balance of " + yuan(hit["balance"]) + " on " + iso(hit["date"])
        + " is " + yuan(hit["short"]) + " short of the " + month_en(hit["month"]) + " wages still owed",
        evidence=ctx.evidence(hit, hit, keys=PM))


def acct_misuse(ctx: Context) -> pd.DataFrame:
    acct = ctx.data.account.dropna(subset=["project_code", "date"]).reset_index(names="acct_index")
    out = acct[acct["direction"].eq("out")]
    cards = pd.concat([t[["project_code", "card_number"]] for t in (ctx.data.roster, ctx.data.payroll)])
    cards = cards.dropna().drop_duplicates().rename(columns={"card_number": "counterparty_account"})
    to_worker = out.merge(cards.assign(worker_card=True), on=["project_code", "counterparty_account"],
                          how="left")["worker_card"].eq(True).to_numpy()
    named = out["purpose"].str.contains(WAGE_PURPOSE, regex=True).fillna(False).astype("bool")
    out = out[~named.to_numpy() & ~to_worker]
    # The month of a row: the latest judged wage month whose pay window holds it, else its calendar month.
    windows = _window_rows(ctx, ctx.due[[*PM, "due_date"]])
    windows = windows[windows["acct_index"].isin(out["acct_index"])]
    wage_month = windows.groupby("acct_index")["month"].max()
    out = out.assign(month=out["acct_index"].map(wage_month).astype("str").fillna(month_of(out["date"])))
    hit = out[out["month"].isin(ctx.months)]
    purpose = hit["purpose"].fillna("（无摘要）")
    party = hit["counterparty"].fillna(hit["counterparty_account"]).fillna("（未知）")
    return make_findings(
        "ACCT-MISUSE", hit, worker_id=None, worker_name=None, amount=hit["amount"],
        message_zh=iso(hit["date"]) + " 专用账户支出 " + yuan(hit["amount"]) + " 元至 " + party + "，摘要「"
        + purpose + "」，非工资用途",
        message_en="wage account paid out " + yuan(hit["amount"]) + " on " + iso(hit["date"]) + " to "
        + party + " for '" + purpose + "', not wages",
        evidence=ctx.evidence(hit, hit, keys=["acct_index"]))


def acct_dormant(ctx: Context) -> pd.DataFrame:
    status = ctx.due_all.set_index(PM)["status"]
    months = ctx.attendance_months
    cur = months.merge(ctx.due[PM], on=PM).assign(prev=lambda f: shift_month(f["month"], -1))
    cur = cur.merge(months.rename(columns={"month": "prev"}), on=["project_code", "prev"])
    paid = ctx.payments.groupby(PM)["amount"].sum()
    owed = ctx.owed.groupby(PM)["owed"].sum()

    def lookup(series: pd.Series, month: str, default: object) -> pd.Series:
        idx = pd.MultiIndex.from_arrays([cur["project_code"], cur[month]])
        return pd.Series(series.reindex(idx, fill_value=default).to_numpy(), index=cur.index)

    both_due = lookup(status, "month", "").eq("due") & lookup(status, "prev", "").eq("due")
    nothing = (lookup(paid, "month", 0) == 0) & (lookup(paid, "prev", 0) == 0)
    cur["owed"] = lookup(owed, "month", 0).astype("int64") + lookup(owed, "prev", 0).astype("int64")
    hit = cur[both_due & nothing]
    payroll = ctx.data.payroll.assign(month=shift_month(ctx.data.payroll["month"], 1))
    return make_findings(
        "ACCT-DORMANT", hit, worker_id=None, worker_name=None, amount=hit["owed"],
        message_zh=month_zh(hit["prev"]) + "、" + month_zh(hit["month"])
        + "连续两个月有考勤却未代发任何工资，应发合计 " + yuan(hit["owed"]) + " 元",
        message_en="no wages paid for " + month_en(hit["prev"]) + " or " + month_en(hit["month"])
        + " despite attendance in both; " + yuan(hit["owed"]) + " owed",
        evidence=ctx.evidence(hit, ctx.data.payroll, payroll, keys=PM))


def _project_months(ctx: Context, projects: pd.DataFrame) -> pd.DataFrame:
    return projects.merge(ctx.due[[*PM]], on="project_code")


def prj_no_account(ctx: Context) -> pd.DataFrame:
    p = ctx.projects
    age = (ctx.as_of - p["start_date"]).dt.days
    late = p["has_project_file"] & p["wage_account"].isna() & (age > ctx.config.no_account_grace_days)
    hit = _project_months(ctx, p[late.fillna(False).astype("bool")].assign(age=age))
    days = hit["age"].astype("int64").astype("str")
    return make_findings(
        "PRJ-NO-ACCOUNT", hit, worker_id=None, worker_name=None,
        message_zh="项目开工已 " + days + " 天，仍未开立农民工工资专用账户",
        message_en="no dedicated wage account " + days + " days after the start date",
        evidence=_project_rows(ctx, hit))


def prj_no_deposit(ctx: Context) -> pd.DataFrame:
    p = ctx.projects
    hit = _project_months(ctx, p[p["deposit_status"].eq("unpaid").fillna(False).astype("bool")])
    return make_findings(
        "PRJ-NO-DEPOSIT", hit, worker_id=None, worker_name=None,
        message_zh="项目信息显示农民工工资保证金未缴",
        message_en="the project file says the wage deposit is unpaid",
        evidence=_project_rows(ctx, hit))


RULES: dict[str, Callable[[Context], pd.DataFrame]] = {
    "ACCT-NO-ALLOCATION": acct_no_allocation,
    "ACCT-INSUFFICIENT": acct_insufficient,
    "ACCT-MISUSE": acct_misuse,
    "ACCT-DORMANT": acct_dormant,
    "PRJ-NO-ACCOUNT": prj_no_account,
    "PRJ-NO-DEPOSIT": prj_no_deposit,
}
