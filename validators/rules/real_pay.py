"""结算实薪 (real settlement): a payroll sheet every month, a line for everyone who worked, days that
match the attendance, correct arithmetic, pay at least the agreed rate and the minimum wage, lawful
deductions, and each worker's own confirmation.

Money is integer fen throughout: a rate times days is computed in hundredths of a day and rounded half
up with integer division (``div_half_up``), so no float ever decides whether a worker was underpaid.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import numpy as np
import pandas as pd

from validators.findings import empty_findings, make_findings, yuan
from validators.rules.common import (
    PW,
    SRC,
    WM,
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
from validators.rules.context import Context, div_half_up, month_en, month_zh

PM = ["project_code", "month"]


def _hundredths(days: pd.Series) -> np.ndarray:
    """Days in hundredths as integers: 21.5 days → 2150, so rate × days stays integer arithmetic."""
    return np.rint(days.astype("float64").to_numpy() * 100).astype("int64")


def _fen(amounts: pd.Series) -> np.ndarray:
    return amounts.astype("Int64").fillna(0).to_numpy(dtype="int64")


def _lines(ctx: Context) -> pd.DataFrame:
    """Payroll lines of the judged months, each with a stable ``line`` key for its evidence."""
    pay = ctx.data.payroll
    pay = judged(ctx, pay.assign(line=np.arange(len(pay), dtype="int64")))
    return with_roster_name(ctx, pay) if not pay.empty else pay


def _by_line(found: pd.DataFrame) -> pd.Series:
    return evidence_for(found, found[["line", *SRC]], ["line"])


def pay_sheet_missing(ctx: Context) -> pd.DataFrame:
    due = ctx.due[ctx.due["status"].eq("due")]
    pm = judged(ctx, ctx.attendance_months)
    pm = pm[isin(pm, due, PM) & ~isin(pm, ctx.payroll_months, PM)]
    owed = ctx.owed[ctx.owed["has_attendance"]].merge(pm, on=PM, how="inner")
    if owed.empty:
        return empty_findings()
    found = owed.groupby(PM, as_index=False, sort=True).agg(
        amount=("owed", "sum"), workers=("id_number", "nunique"))
    # One attendance row per worker stands for the month: the whole month would be thousands of rows.
    rows = worked_rows(ctx)
    rows = first_of(rows[isin(rows, pm, PM)], WM)
    n, amount = found["workers"].astype("str"), yuan(found["amount"])
    return make_findings(
        "PAY-SHEET-MISSING", found, worker_id=None, worker_name=None, amount=found["amount"],
        message_zh=month_zh(found["month"]) + "有 " + n + " 人考勤，但未编制工资支付表；按考勤估算应发合计 "
        + amount + " 元（估算）",
        message_en=month_en(found["month"]) + " has attendance for " + n
        + " workers but no payroll sheet; estimated wages total " + amount + " (estimate)",
        evidence=evidence_for(found, rows, PM))


def _estimate_basis(ctx: Context, found: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    rate = found[PW].merge(ctx.roster_workers[[*PW, "daily_wage"]], on=PW, how="left")["daily_wage"]
    by_rate = pd.Series(rate.notna().to_numpy(), index=found.index)
    zh = pd.Series(np.where(by_rate, "按花名册日工资估算", "按最低工资估算"), index=found.index, dtype="str")
    en = pd.Series(np.where(by_rate, "at the roster daily wage", "at the minimum wage"),
                   index=found.index, dtype="str")
    return zh, en


def pay_missing(ctx: Context) -> pd.DataFrame:
    days = worked_months(ctx)
    days = days[isin(days, ctx.payroll_months, PM)]
    lines = ctx.data.payroll.dropna(subset=["id_number"])
    found = days[~isin(days, lines, WM)]
    if found.empty:
        return empty_findings()
    found = with_roster_name(ctx, found.merge(ctx.owed[[*WM, "owed"]], on=WM, how="left"))
    zh_basis, en_basis = _estimate_basis(ctx, found)
    d, amount = days_text(found["days"]), yuan(found["owed"])
    return make_findings(
        "PAY-MISSING", found, amount=found["owed"],
        message_zh=month_zh(found["month"]) + "出勤 " + d + " 天，但当月工资表无此人；" + zh_basis + "应发 "
        + amount + " 元（估算）",
        message_en="Worked " + d + " days in " + month_en(found["month"])
        + " but has no line on the payroll sheet; estimated wages " + amount + " " + en_basis
        + " (estimate)",
        evidence=evidence_for(found, worked_rows(ctx), WM))


def pay_no_attendance(ctx: Context) -> pd.DataFrame:
    lines = _lines(ctx)
    found = lines[(_fen(lines["net"]) > 0) & isin(lines, ctx.attendance_months, PM)
                  & ~isin(lines, worked_months(ctx), WM)]
    if found.empty:
        return empty_findings()
    net = yuan(found["net"])
    return make_findings(
        "PAY-NO-ATTENDANCE", found,
        message_zh="工资表" + month_zh(found["month"]) + "实发 " + net + " 元，但本人当月无考勤记录",
        message_en="The " + month_en(found["month"]) + " payroll pays " + net
        + " net, but the worker has no attendance that month",
        evidence=_by_line(found))


def _with_days(ctx: Context, frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``d``: d(W,M) from attendance where the project has attendance for M (0 when W has none),
    else NA; and ``project_att``."""
    merged = frame.merge(worked_months(ctx)[[*WM, "days"]], on=WM, how="left")
    merged.index = frame.index
    project_att = isin(frame, ctx.attendance_months, PM)
    d = merged["days"].fillna(0.0).where(project_att)
    return frame.assign(d=d.astype("Float64"), project_att=project_att)


def pay_days_mismatch(ctx: Context) -> pd.DataFrame:
    lines = _with_days(ctx, _lines(ctx).dropna(subset=["days_worked"]))
    lines = lines[lines["project_att"]]
    diff = (lines["days_worked"].astype("float64") - lines["d"].astype("float64")).abs()
    found = lines[diff > ctx.config.days_mismatch_tolerance + 1e-9]
    if found.empty:
        return empty_findings()
    pay_d, att_d = days_text(found["days_worked"]), days_text(found["d"])
    rows = pd.concat([found[[*WM, *SRC]], worked_rows(ctx)[[*WM, *SRC]]])
    return make_findings(
        "PAY-DAYS-MISMATCH", found,
        message_zh=month_zh(found["month"]) + "工资表计薪 " + pay_d + " 天，考勤 " + att_d + " 天",
        message_en="The " + month_en(found["month"]) + " payroll counts " + pay_d
        + " days, attendance shows " + att_d,
        evidence=evidence_for(found, rows, WM))


def pay_arithmetic(ctx: Context) -> pd.DataFrame:
    lines = _lines(ctx)
    tol = ctx.config.tolerance_fen
    gross, ded, net = _fen(lines["gross"]), _fen(lines["deductions"]), _fen(lines["net"])
    net_bad = lines["gross"].notna().to_numpy() & lines["net"].notna().to_numpy() & (
        np.abs(net - (gross - ded)) > tol)
    both = (lines["days_worked"].notna() & lines["daily_wage"].notna() & lines["gross"].notna()).to_numpy()
    expected = div_half_up(_hundredths(lines["days_worked"].fillna(0)) * _fen(lines["daily_wage"]), 100)
    gross_bad = both & (np.abs(gross - expected) > tol)
    keep = net_bad | gross_bad
    found = lines[keep].assign(expected=pd.Series(expected[keep], index=lines.index[keep], dtype="Int64"))
    if found.empty:
        return empty_findings()
    nb = pd.Series(net_bad[keep], index=found.index)
    gb = pd.Series(gross_bad[keep], index=found.index)
    g, dd, nt = yuan(found["gross"]), yuan(found["deductions"]), yuan(found["net"])
    ex = yuan(found["expected"])
    days, rate = days_text(found["days_worked"].fillna(0)), yuan(found["daily_wage"])
    net_zh = "实发 " + nt + " 元 ≠ 应发 " + g + " 元 − 扣款 " + dd + " 元"
    net_en = "net " + nt + " ≠ gross " + g + " − deductions " + dd
    gross_zh = "应发 " + g + " 元 ≠ " + days + " 天 × 日工资 " + rate + " 元 = " + ex + " 元"
    gross_en = "gross " + g + " ≠ " + days + " days × daily wage " + rate + " = " + ex
    both_bad = nb & gb
    zh = net_zh.where(nb, "") + said(both_bad, "；") + gross_zh.where(gb, "")
    en = net_en.where(nb, "") + said(both_bad, "; ") + gross_en.where(gb, "")
    return make_findings(
        "PAY-ARITHMETIC", found,
        message_zh=month_zh(found["month"]) + "工资表计算错误：" + zh,
        message_en="Arithmetic error on the " + month_en(found["month"]) + " payroll line: " + en,
        evidence=_by_line(found))


def _worker_month_pay(ctx: Context) -> pd.DataFrame:
    """Payroll per worker-month (lines summed) with the d the underpayment rules use (docs/design.md):
    attendance days when the project has attendance for M, else the sheet's own days_worked."""
    lines = _lines(ctx).dropna(subset=["id_number", "gross"])
    if lines.empty:  # the aggregated shape, so callers can merge without special cases
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in [
            *((k, "str") for k in WM), ("gross", "Int64"), ("days_worked", "Float64"),
            ("n_days", "int64"), ("worker_name", "str"), ("d", "Float64")]})
    pay = lines.groupby(WM, as_index=False, sort=True).agg(
        gross=("gross", "sum"), days_worked=("days_worked", "sum"), n_days=("days_worked", "count"),
        worker_name=("worker_name", "first"))
    pay["days_worked"] = pay["days_worked"].where(pay["n_days"] > 0)
    pay = _with_days(ctx, pay)
    pay["d"] = pay["d"].where(pay["project_att"], pay["days_worked"])
    return pay.dropna(subset=["d"])


def _short_of(pay: pd.DataFrame, floor: np.ndarray, name: str, tolerance: int) -> pd.DataFrame:
    """Worker-months whose gross falls below ``floor`` by more than the tolerance; the shortfall is the
    finding's amount (both underpayment rules judge the same way against different floors)."""
    floor = np.asarray(floor, dtype="int64")
    shortfall = floor - np.asarray(_fen(pay["gross"]), dtype="int64")
    keep = shortfall > tolerance
    return pay[keep].assign(**{name: floor[keep], "amount": shortfall[keep]})


def pay_below_agreed(ctx: Context) -> pd.DataFrame:
    pay = _worker_month_pay(ctx)
    roster = ctx.roster_workers
    by_day = roster["wage_basis"].eq("day").fillna(False) | (
        roster["wage_basis"].isna() & roster["daily_wage"].notna())
    rates = roster.loc[by_day & roster["daily_wage"].notna(), [*PW, "daily_wage"]]
    pay = pay.merge(rates, on=PW, how="inner")
    agreed = div_half_up(_hundredths(pay["d"]) * _fen(pay["daily_wage"]), 100)
    found = _short_of(pay, agreed, "agreed", ctx.config.tolerance_fen)
    if found.empty:
        return empty_findings()
    m_zh, m_en = month_zh(found["month"]), month_en(found["month"])
    g, a, s = yuan(found["gross"]), yuan(found["agreed"]), yuan(found["amount"])
    d, rate = days_text(found["d"]), yuan(found["daily_wage"])
    return make_findings(
        "PAY-BELOW-AGREED", found, amount=found["amount"],
        message_zh=m_zh + "应发 " + g + " 元，低于约定日工资计算的 " + a + " 元（" + d + " 天 × " + rate
        + " 元），差额 " + s + " 元",
        message_en=m_en + " gross " + g + " is below the agreed daily wage total " + a + " (" + d
        + " days × " + rate + ") by " + s,
        evidence=evidence_for(found, _lines(ctx), WM))


def pay_below_minimum(ctx: Context) -> pd.DataFrame:
    pay = _worker_month_pay(ctx).merge(ctx.min_wage[[*PM, "min_wage"]], on=PM, how="inner")
    pay = pay.dropna(subset=["min_wage"])
    divisor = round(ctx.config.min_wage_divisor * 100)
    share = np.minimum(_hundredths(pay["d"]), divisor)
    required = div_half_up(_fen(pay["min_wage"]) * share, divisor)
    found = _short_of(pay, required, "required", ctx.config.tolerance_fen)
    if found.empty:
        return empty_findings()
    m_zh, m_en = month_zh(found["month"]), month_en(found["month"])
    g, r, s = yuan(found["gross"]), yuan(found["required"]), yuan(found["amount"])
    d, mw = days_text(found["d"]), yuan(found["min_wage"])
    return make_findings(
        "PAY-BELOW-MINIMUM", found, amount=found["amount"],
        message_zh=m_zh + "应发 " + g + " 元，低于按最低工资（每月 " + mw + " 元，出勤 " + d + " 天）计算的 "
        + r + " 元，差额 " + s + " 元",
        message_en=m_en + " gross " + g + " is below the minimum wage of " + r + " (" + mw
        + " a month, " + d + " days worked) by " + s,
        evidence=evidence_for(found, _lines(ctx), WM))


def pay_excess_deduction(ctx: Context) -> pd.DataFrame:
    lines = _lines(ctx).dropna(subset=["gross", "deductions"])
    cap = Fraction(ctx.config.deduction_cap).limit_denominator(10_000)
    gross, ded = _fen(lines["gross"]), _fen(lines["deductions"])
    # Exact in 1/denominator fen, then rounded half up: an excess under half a fen is not money anyone
    # can be owed, so it is not reported as a breach of 0.00.
    excess = div_half_up(np.maximum(ded * cap.denominator - gross * cap.numerator, 0), cap.denominator)
    keep = excess > 0
    found = lines[keep].assign(
        amount=excess[keep], limit=div_half_up(gross[keep] * cap.numerator, cap.denominator))
    if found.empty:
        return empty_findings()
    pct = f"{float(cap) * 100:g}%"
    d, g = yuan(found["deductions"]), yuan(found["gross"])
    lim, s = yuan(found["limit"]), yuan(found["amount"])
    return make_findings(
        "PAY-EXCESS-DEDUCTION", found, amount=found["amount"],
        message_zh=month_zh(found["month"]) + "扣款 " + d + " 元，超过应发 " + g + " 元的" + pct + "（" + lim
        + " 元），超出 " + s + " 元",
        message_en=month_en(found["month"]) + " deductions " + d + " exceed " + pct + " of gross " + g
        + " (" + lim + ") by " + s,
        evidence=_by_line(found))


def pay_not_signed(ctx: Context) -> pd.DataFrame:
    lines = _lines(ctx)
    found = lines[lines["signed"].eq(False).fillna(False).astype(bool)]
    if found.empty:
        return empty_findings()
    return make_findings(
        "PAY-NOT-SIGNED", found,
        message_zh=month_zh(found["month"]) + "工资表本人签字确认栏为空",
        message_en="The " + month_en(found["month"]) + " payroll line has no confirmation by the worker",
        evidence=_by_line(found))


RULES: dict[str, Callable[[Context], pd.DataFrame]] = {
    "PAY-SHEET-MISSING": pay_sheet_missing,
    "PAY-MISSING": pay_missing,
    "PAY-NO-ATTENDANCE": pay_no_attendance,
    "PAY-DAYS-MISMATCH": pay_days_mismatch,
    "PAY-ARITHMETIC": pay_arithmetic,
    "PAY-BELOW-AGREED": pay_below_agreed,
    "PAY-BELOW-MINIMUM": pay_below_minimum,
    "PAY-EXCESS-DEDUCTION": pay_excess_deduction,
    "PAY-NOT-SIGNED": pay_not_signed,
}
