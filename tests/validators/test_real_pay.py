"""结算实薪 rules: breaches planted in the clean month of ``conftest``; amounts checked to the fen.

The clean month: three workers, 21 weekdays in March 2025 at 300.00 a day, gross = net = 6300.00.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tests.validators.conftest import CleanMonth, clean_month, of_rule, run_rules
from validators.rules.real_pay import RULES

CODES = list(RULES)
GROSS = 630_000


def _line(cm: CleanMonth, worker: int = 0, **values: object) -> None:
    pay = cm.frames["payroll"]
    for column, value in values.items():
        pay.loc[pay["id_number"] == cm.ids[worker], column] = value


def _one(cm: CleanMonth, code: str, **kwargs: object) -> pd.DataFrame:
    return of_rule(run_rules(cm.frames, as_of=kwargs.pop("as_of", cm.as_of), only=code, **kwargs), code)


def test_clean_month_has_no_real_pay_findings() -> None:
    cm = clean_month()
    assert run_rules(cm.frames, as_of=cm.as_of, only=CODES).empty


def test_month_without_payroll_sheet_is_flagged_once_due_with_estimated_total() -> None:
    cm = clean_month()
    del cm.frames["payroll"]
    out = _one(cm, "PAY-SHEET-MISSING")
    assert out[["project", "month"]].values.tolist() == [[cm.project, cm.month]]
    assert pd.isna(out.loc[0, "worker_id"])
    assert out.loc[0, "amount"] == 3 * GROSS
    assert "估算" in out.loc[0, "message_zh"] and "estimate" in out.loc[0, "message_en"]
    assert len(out.loc[0, "evidence"]) == 3  # one attendance row for each worker


def test_month_without_payroll_sheet_is_not_flagged_while_pending() -> None:
    cm = clean_month()
    del cm.frames["payroll"]
    assert _one(cm, "PAY-SHEET-MISSING", as_of=cm.due - dt.timedelta(days=1)).empty
    assert len(_one(cm, "PAY-SHEET-MISSING", as_of=cm.due)) == 1


def test_worker_with_attendance_but_no_payroll_line_is_flagged_at_the_roster_rate() -> None:
    cm = clean_month()
    cm.frames["payroll"] = cm.frames["payroll"][cm.frames["payroll"]["id_number"] != cm.ids[2]]
    out = _one(cm, "PAY-MISSING")
    assert out[["worker_id", "month", "worker_name"]].values.tolist() == [[cm.ids[2], cm.month, cm.names[2]]]
    assert out.loc[0, "amount"] == GROSS
    assert "按花名册日工资估算" in out.loc[0, "message_zh"] and "(estimate)" in out.loc[0, "message_en"]
    assert len(out.loc[0, "evidence"]) == cm.days


def test_worker_without_line_or_roster_rate_is_estimated_at_the_minimum_wage() -> None:
    cm = clean_month()
    cm.frames["payroll"] = cm.frames["payroll"][cm.frames["payroll"]["id_number"] != cm.ids[2]]
    cm.frames["roster"].loc[2, "daily_wage"] = pd.NA
    cm.frames["project"]["min_wage_monthly"] = 217_500  # 2175.00 a month: exactly 100.00 a day
    out = _one(cm, "PAY-MISSING")
    assert out.loc[0, "amount"] == 21 * 10_000
    assert "按最低工资估算" in out.loc[0, "message_zh"]


def test_no_payroll_sheet_at_all_is_not_pay_missing() -> None:
    cm = clean_month()
    del cm.frames["payroll"]
    assert _one(cm, "PAY-MISSING").empty  # that is PAY-SHEET-MISSING


@pytest.mark.parametrize(("net", "project_attendance", "flagged"), [
    (GROSS, True, True),
    (0, True, False),  # a zero line pays nobody
    (GROSS, False, False),  # no attendance data for the project at all: nothing to compare with
])
def test_payroll_line_without_attendance_is_flagged(net: int, project_attendance: bool,
                                                    flagged: bool) -> None:
    cm = clean_month()
    att = cm.frames["attendance"]
    cm.frames["attendance"] = att[att["id_number"] != cm.ids[1]] if project_attendance else att.iloc[:0]
    _line(cm, 1, net=net)
    out = _one(cm, "PAY-NO-ATTENDANCE")
    assert out["worker_id"].tolist() == ([cm.ids[1]] if flagged else [])
    if flagged:
        assert out.loc[0, "month"] == cm.month
        assert len(out.loc[0, "evidence"]) == 1


@pytest.mark.parametrize(("days_worked", "flagged"), [
    (22.0, False),  # one more than the 21 attended: within the tolerance
    (22.5, True),  # more than one day over
    (20.0, False),
    (19.5, True),
])
def test_payroll_days_differing_from_attendance_by_more_than_one_are_flagged(days_worked: float,
                                                                             flagged: bool) -> None:
    cm = clean_month()
    _line(cm, 0, days_worked=days_worked)
    out = _one(cm, "PAY-DAYS-MISMATCH")
    assert out["worker_id"].tolist() == ([cm.ids[0]] if flagged else [])
    if flagged:
        assert out.loc[0, "month"] == cm.month
        assert f"计薪 {days_worked:g} 天，考勤 21 天" in out.loc[0, "message_zh"]


def test_half_day_counts_half_and_clock_events_count_once_for_the_days_mismatch() -> None:
    cm = clean_month()
    att = cm.frames["attendance"]
    mine = att.index[att["id_number"] == cm.ids[0]]
    att.loc[mine[:3], "day_fraction"] = 0.5  # three half days: 19.5 days
    events = att.loc[mine[3:6]]  # a second and third clock event on three dates
    cm.frames["attendance"] = pd.concat([att, events, events], ignore_index=True)
    _line(cm, 0, days_worked=21.0)
    out = _one(cm, "PAY-DAYS-MISMATCH")
    assert "考勤 19.5 天" in out.loc[0, "message_zh"]


@pytest.mark.parametrize(("net_delta", "flagged"), [
    (-100, False),  # exactly 1 yuan off: within the tolerance
    (-101, True),
    (101, True),
])
def test_net_not_gross_minus_deductions_is_flagged_beyond_one_yuan(net_delta: int, flagged: bool) -> None:
    cm = clean_month()
    _line(cm, 0, deductions=50_000, net=GROSS - 50_000 + net_delta)
    out = _one(cm, "PAY-ARITHMETIC")
    assert out[["worker_id", "month"]].values.tolist() == ([[cm.ids[0], cm.month]] if flagged else [])


@pytest.mark.parametrize(("gross_delta", "flagged"), [(100, False), (101, True), (-101, True)])
def test_gross_not_days_times_daily_wage_is_flagged_beyond_one_yuan(gross_delta: int, flagged: bool) -> None:
    cm = clean_month()
    _line(cm, 0, gross=GROSS + gross_delta, net=GROSS + gross_delta)
    out = _one(cm, "PAY-ARITHMETIC")
    assert out["worker_id"].tolist() == ([cm.ids[0]] if flagged else [])
    if flagged:
        assert "21 天 × 日工资 300.00 元 = 6300.00 元" in out.loc[0, "message_zh"]


def test_missing_deductions_count_as_zero_in_the_arithmetic() -> None:
    cm = clean_month()
    _line(cm, 0, deductions=pd.NA)
    assert _one(cm, "PAY-ARITHMETIC").empty
    _line(cm, 0, net=GROSS - 10_000)
    assert _one(cm, "PAY-ARITHMETIC")["worker_id"].tolist() == [cm.ids[0]]


@pytest.mark.parametrize(("gross", "shortfall"), [
    (GROSS - 100, None),  # exactly 1 yuan below the agreed total: tolerated
    (GROSS - 101, 101),  # 1 fen beyond
    (600_000, 30_000),
])
def test_gross_below_agreed_daily_wage_is_flagged_with_the_shortfall(gross: int,
                                                                    shortfall: int | None) -> None:
    cm = clean_month()
    _line(cm, 0, gross=gross, net=gross)
    out = _one(cm, "PAY-BELOW-AGREED")
    assert out["worker_id"].tolist() == ([cm.ids[0]] if shortfall else [])
    if shortfall:
        assert out[["month", "worker_name"]].values.tolist() == [[cm.month, cm.names[0]]]
        assert out.loc[0, "amount"] == shortfall


def test_below_agreed_message_reads_as_the_contract_example() -> None:
    cm = clean_month()
    _line(cm, 0, gross=600_000, net=600_000)
    out = _one(cm, "PAY-BELOW-AGREED")
    assert out.loc[0, "message_zh"].startswith("3月应发 6000.00 元，低于约定日工资计算的 6300.00 元")
    assert out.loc[0, "message_zh"].endswith("差额 300.00 元")
    assert out.loc[0, "message_en"].startswith(
        "March gross 6000.00 is below the agreed daily wage total 6300.00")


@pytest.mark.parametrize(("gross", "flagged"), [
    (615_000 - 100, False),  # 20.5 days × 300.00 = 6150.00, 1 yuan below
    (615_000 - 101, True),
])
def test_half_day_counts_half_for_the_agreed_wage(gross: int, flagged: bool) -> None:
    cm = clean_month()
    att = cm.frames["attendance"]
    att.loc[att.index[att["id_number"] == cm.ids[0]][0], "day_fraction"] = 0.5
    _line(cm, 0, gross=gross, net=gross)
    out = _one(cm, "PAY-BELOW-AGREED")
    assert out["amount"].tolist() == ([101] if flagged else [])


def test_several_clock_events_on_one_date_count_once_for_the_agreed_wage() -> None:
    cm = clean_month()
    att = cm.frames["attendance"]
    events = att[att["id_number"] == cm.ids[0]].iloc[:5]
    cm.frames["attendance"] = pd.concat([att, events, events.assign(day_fraction=0.5)], ignore_index=True)
    _line(cm, 0, gross=GROSS - 101, net=GROSS - 101)
    assert _one(cm, "PAY-BELOW-AGREED")["amount"].tolist() == [101]


@pytest.mark.parametrize(("basis", "judged"), [
    ("month", False),  # paid by the month: the daily rate is not the agreement
    (None, True),  # no basis given, but a daily wage on the roster
])
def test_agreed_wage_applies_to_workers_paid_by_the_day(basis: str | None, judged: bool) -> None:
    cm = clean_month()
    cm.frames["roster"]["wage_basis"] = basis
    _line(cm, 0, gross=600_000, net=600_000)
    assert len(_one(cm, "PAY-BELOW-AGREED")) == int(judged)


def test_agreed_wage_uses_payroll_days_when_the_project_has_no_attendance() -> None:
    cm = clean_month()
    cm.frames["attendance"] = cm.frames["attendance"].iloc[:0]
    _line(cm, 0, days_worked=25.0)
    assert _one(cm, "PAY-BELOW-AGREED")["amount"].tolist() == [4 * 30_000]


# A minimum of 6525.00 a month (217.5 × 30) is 6300.00 for 21 of 21.75 days: the clean gross.
@pytest.mark.parametrize(("gross", "shortfall"), [
    (GROSS - 100, None),  # exactly 1 yuan below the minimum: tolerated
    (GROSS - 101, 101),
    (500_000, 130_000),
])
def test_gross_below_prorated_minimum_wage_is_flagged(gross: int, shortfall: int | None) -> None:
    cm = clean_month()
    cm.frames["project"]["min_wage_monthly"] = 652_500
    _line(cm, 0, gross=gross, net=gross)
    out = _one(cm, "PAY-BELOW-MINIMUM")
    assert out["worker_id"].tolist() == ([cm.ids[0]] if shortfall else [])
    if shortfall:
        assert out.loc[0, "month"] == cm.month
        assert out.loc[0, "amount"] == shortfall


def test_minimum_wage_is_capped_at_a_full_month_of_days() -> None:
    cm = clean_month()
    cm.frames["project"]["min_wage_monthly"] = 652_500
    att = cm.frames["attendance"]
    weekend = att[att["id_number"] == cm.ids[0]].iloc[:2].assign(
        date=[pd.Timestamp("2025-03-01"), pd.Timestamp("2025-03-02")])
    cm.frames["attendance"] = pd.concat([att, weekend], ignore_index=True)  # 23 days > 21.75
    _line(cm, 0, gross=652_500 - 101, net=652_500 - 101)
    assert _one(cm, "PAY-BELOW-MINIMUM")["amount"].tolist() == [101]


@pytest.mark.parametrize(("gross", "deductions", "excess"), [
    (GROSS, 126_000, None),  # exactly 20%
    (GROSS, 126_001, 1),  # 1 fen over
    (630_002, 126_001, 1),  # cap 1260.004: excess 0.6 fen rounds up
    (630_003, 126_001, None),  # cap 1260.006: an excess of 0.4 fen rounds to nothing
    (GROSS, 200_000, 74_000),
])
def test_deductions_above_20_percent_are_flagged_with_the_excess(gross: int, deductions: int,
                                                                 excess: int | None) -> None:
    cm = clean_month()
    _line(cm, 0, gross=gross, deductions=deductions, net=gross - deductions)
    out = _one(cm, "PAY-EXCESS-DEDUCTION")
    assert out["amount"].tolist() == ([] if excess is None else [excess])
    if excess is not None:
        assert out[["worker_id", "month"]].values.tolist() == [[cm.ids[0], cm.month]]


@pytest.mark.parametrize(("signed", "flagged"), [
    (False, True),  # the confirmation cell is empty
    (None, False),  # the sheet has no confirmation column
])
def test_unsigned_payroll_line_is_flagged(signed: bool | None, flagged: bool) -> None:
    cm = clean_month()
    cm.frames["payroll"] = cm.frames["payroll"].astype({"signed": "boolean"})
    _line(cm, 2, signed=pd.NA if signed is None else signed)
    out = _one(cm, "PAY-NOT-SIGNED")
    assert out["worker_id"].tolist() == ([cm.ids[2]] if flagged else [])
    if flagged:
        assert out.loc[0, "worker_name"] == cm.names[2]
        assert out.loc[0, "evidence"] == (("<payroll>", None, 4),)
