"""支付实卡: wages reach each worker's own bank card, in full, on time, from the wage account.

All seven rules read the attributed payments and per-worker-month sums of :class:`Context`; they differ
only in the breach they select, so each is a filter plus a bilingual message.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from validators.findings import make_findings, yuan
from validators.rules.context import PM, PW, PWM, Context, estimate_note, iso, month_en, month_zh


def _judged(frame: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    return frame[frame["month"].isin(ctx.months)]


def card_unpaid(ctx: Context) -> pd.DataFrame:
    wm = ctx.worker_months
    hit = wm[wm["status"].eq("due") & (wm["owed"] > 0) & (wm["paid"] == 0)]
    est_zh, est_en = estimate_note(hit["estimate"])
    amount = yuan(hit["owed"])
    return make_findings(
        "CARD-UNPAID", hit, amount=hit["owed"],
        message_zh=month_zh(hit["month"]) + "工资 " + amount + " 元" + est_zh + "逾期未发放",
        message_en=month_en(hit["month"]) + " wage of " + amount + est_en + " not paid by "
        + iso(hit["due_date"]),
        evidence=ctx.evidence(hit, "owed"))


def card_short(ctx: Context) -> pd.DataFrame:
    wm = ctx.worker_months
    hit = wm[wm["status"].eq("due") & (wm["paid"] > 0) & (wm["paid"] < wm["owed"] - 1)]
    short = hit["owed"] - hit["paid"]
    est_zh, est_en = estimate_note(hit["estimate"])
    return make_findings(
        "CARD-SHORT", hit, amount=short,
        message_zh=month_zh(hit["month"]) + "工资应发 " + yuan(hit["owed"]) + " 元" + est_zh + "，已发 "
        + yuan(hit["paid"]) + " 元，尚欠 " + yuan(short) + " 元",
        message_en=month_en(hit["month"]) + " wage: " + yuan(hit["owed"]) + " owed" + est_en + ", "
        + yuan(hit["paid"]) + " paid, " + yuan(short) + " short after " + iso(hit["due_date"]),
        evidence=ctx.evidence(hit, "owed", "payments"))


def card_late(ctx: Context) -> pd.DataFrame:
    wm = ctx.worker_months
    hit = wm[(wm["owed"] > 0) & wm["completed_on"].notna() & (wm["completed_on"] > wm["due_date"])]
    late = (hit["owed"] - hit["paid_by_due"]).clip(lower=0)
    days = (hit["completed_on"] - hit["due_date"]).dt.days.astype("int64").astype("str")
    return make_findings(
        "CARD-LATE", hit, amount=late,
        message_zh=month_zh(hit["month"]) + "工资于 " + iso(hit["completed_on"]) + " 才发足，逾期 " + days
        + " 天（应于 " + iso(hit["due_date"]) + " 前发放）",
        message_en=month_en(hit["month"]) + " wage paid in full on " + iso(hit["completed_on"]) + ", "
        + days + " days after the due date " + iso(hit["due_date"]),
        evidence=ctx.evidence(hit, "payments"))


def card_not_own(ctx: Context) -> pd.DataFrame:
    wm = ctx.worker_months
    hit = wm[wm["paid_not_own"] > 0]
    rows = ctx.payments[~ctx.payments["own"] & ctx.payments["id_number"].notna()]
    return make_findings(
        "CARD-NOT-OWN", hit, amount=hit["paid_not_own"],
        message_zh=month_zh(hit["month"]) + "工资中 " + yuan(hit["paid_not_own"]) + " 元未发至本人工资卡",
        message_en=yuan(hit["paid_not_own"]) + " of the " + month_en(hit["month"])
        + " wage went to a card that is not the worker's own",
        evidence=ctx.evidence(hit, rows))


def card_shared(ctx: Context) -> pd.DataFrame:
    owners = ctx.card_owners[ctx.card_owners["n_workers"] >= 2]
    pairs = owners.explode("workers").rename(columns={"workers": "id_number"})
    pairs["id_number"] = pairs["id_number"].astype("str")
    wm = ctx.worker_months[[*PWM, "worker_name", "owed"]]
    cand = pairs.merge(wm, on=PW)
    lines = ctx.data.payroll[[*PWM, "card_number"]].dropna().drop_duplicates()
    cand = cand.merge(lines.assign(on_line=True), on=[*PWM, "card_number"], how="left")
    hit = cand[(cand["owed"] > 0) | cand["on_line"].eq(True)]
    hit = hit.sort_values([*PWM, "card_number"]).drop_duplicates(PWM, ignore_index=True)
    keys = ["project_code", "id_number", "card_number"]
    sources = [ctx.data.roster, ctx.data.payroll]
    tail = hit["card_number"].str[-4:]
    n = hit["n_workers"].astype("str")
    return make_findings(
        "CARD-SHARED", hit,
        message_zh="工资卡（尾号 " + tail + "）由 " + n + " 名工人共用",
        message_en="wage card ending " + tail + " is the card of " + n + " workers",
        evidence=ctx.evidence(hit, *[s.dropna(subset=keys) for s in sources], keys=keys))


def card_not_via_account(ctx: Context) -> pd.DataFrame:
    pay = _judged(ctx.payments, ctx).merge(
        ctx.projects[["project_code", "wage_account", "has_project_file"]], on="project_code")
    wrong = (pay["has_project_file"] & pay["payer_account"].notna()
             & (pay["wage_account"].isna() | pay["payer_account"].ne(pay["wage_account"])))
    pay = pay[wrong]
    g = pay.groupby("disb_index", sort=False)
    hit = g[[*PM, "date", "payer_account", "account_name"]].first()
    hit["amount"] = g["amount"].sum()
    hit["id_number"] = g["id_number"].first().where(g["id_number"].nunique() == 1)
    hit = hit.reset_index().merge(ctx.roster_workers[[*PW, "worker_name"]], on=PW, how="left")
    hit["worker_name"] = hit["worker_name"].fillna(hit["account_name"].where(hit["id_number"].notna()))
    return make_findings(
        "CARD-NOT-VIA-ACCOUNT", hit, amount=hit["amount"],
        message_zh=iso(hit["date"]) + " 代发的 " + yuan(hit["amount"]) + " 元由账户 " + hit["payer_account"]
        + " 付出，不是本项目的农民工工资专用账户",
        message_en="payment of " + yuan(hit["amount"]) + " on " + iso(hit["date"]) + " came from account "
        + hit["payer_account"] + ", not the project's wage account",
        evidence=ctx.evidence(hit, pay, keys=["disb_index"]))


def luhn_valid(cards: pd.Series) -> pd.Series:
    """Luhn check of many card numbers at once; left zero-padding does not change the check."""
    text = cards.astype("str")
    ok_form = text.str.fullmatch(r"\d{1,19}").fillna(False).astype("bool")
    padded = text.where(ok_form, "0").str.zfill(19).to_numpy(dtype="U19").astype("S19")
    digits = (np.frombuffer(padded.tobytes(), dtype=np.uint8).reshape(-1, 19) - ord("0")).astype("int64")
    doubled = digits[:, -2::-2] * 2
    total = digits[:, ::-2].sum(axis=1) + (doubled - 9 * (doubled > 9)).sum(axis=1)
    return pd.Series((total % 10 == 0), index=cards.index) & ok_form


def card_check_digit(ctx: Context) -> pd.DataFrame:
    roster = ctx.roster_workers.dropna(subset=["card_number"])
    bad = roster[~luhn_valid(roster["card_number"])][[*PW, "card_number"]]
    hit = ctx.worker_months[[*PWM, "worker_name"]].merge(bad, on=PW)
    tail = hit["card_number"].str[-4:]
    keys = ["project_code", "id_number", "card_number"]
    return make_findings(
        "CARD-CHECK-DIGIT", hit,
        message_zh="花名册工资卡号（尾号 " + tail + "）校验位不通过，请核对",
        message_en="roster wage card ending " + tail + " fails the check digit; please verify it",
        evidence=ctx.evidence(hit, ctx.data.roster.dropna(subset=keys), keys=keys))


RULES: dict[str, Callable[[Context], pd.DataFrame]] = {
    "CARD-UNPAID": card_unpaid,
    "CARD-SHORT": card_short,
    "CARD-LATE": card_late,
    "CARD-NOT-OWN": card_not_own,
    "CARD-SHARED": card_shared,
    "CARD-NOT-VIA-ACCOUNT": card_not_via_account,
    "CARD-CHECK-DIGIT": card_check_digit,
}
