"""The shared derived frames: due dates, days, owed, card attribution, paid."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pandas as pd
import pytest

from tests.validators.conftest import build_context, clean_month, combine, make_card, make_id
from validators.config import RuleConfig
from validators.minimum_wage import MinimumWageUnknownError, monthly_minimum
from validators.rules.context import div_half_up, month_of, shift_month


def _one_row(frame: pd.DataFrame, **where: object) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for col, value in where.items():
        mask &= frame[col].eq(value)
    rows = frame[mask]
    assert len(rows) == 1, rows
    return rows.iloc[0]


@pytest.mark.parametrize(("month", "payday", "expected"), [
    ("2025-09", 1, dt.date(2025, 9, 30)),    # Oct 1 is National Day: back to Tue Sep 30
    ("2025-01", 15, dt.date(2025, 2, 14)),   # Sat Feb 15 moves back to Fri Feb 14
    ("2025-08", 28, dt.date(2025, 9, 28)),   # Sun Sep 28 is a make-up working day: it stays
    ("2025-01", 31, dt.date(2025, 2, 28)),   # the payday is clipped to the month's last day
    ("2025-03", 15, dt.date(2025, 4, 15)),   # an ordinary Tuesday
    ("2025-03", 5, dt.date(2025, 4, 3)),     # Apr 4-6 is Qingming: back to Thu Apr 3
])
def test_due_date_moves_back_over_rest_days_and_holidays(month: str, payday: int, expected: dt.date) -> None:
    cm = clean_month(month=month, payday=payday)
    ctx = build_context(cm.frames, as_of=dt.date(2026, 1, 1))
    assert chinese_calendar.is_workday(expected)
    assert _one_row(ctx.due, month=month)["due_date"] == pd.Timestamp(expected)


@pytest.mark.parametrize(("offset", "status"), [(-1, "pending"), (0, "due"), (1, "due")])
def test_month_is_pending_before_its_due_date_and_due_from_it(offset: int, status: str) -> None:
    cm = clean_month()
    ctx = build_context(cm.frames, as_of=cm.due + dt.timedelta(days=offset))
    assert _one_row(ctx.due, month=cm.month)["status"] == status


def test_judged_months_default_to_payroll_and_attendance_months() -> None:
    frames = combine(clean_month(month="2025-02"), clean_month(month="2025-03"))
    frames["attendance"] = pd.concat([frames["attendance"], frames["attendance"].iloc[:1].assign(
        date=pd.Timestamp("2025-04-01"))])
    ctx = build_context(frames, as_of=dt.date(2025, 6, 1))
    assert ctx.months == ["2025-02", "2025-03", "2025-04"]
    assert build_context(frames, as_of=dt.date(2025, 6, 1), months=["2025-03"]).months == ["2025-03"]


def test_days_count_each_date_once_and_half_days_as_half() -> None:
    cm = clean_month(workers=1)
    wid = cm.ids[0]
    extra = pd.DataFrame({
        "project_code": cm.project, "id_number": wid,
        "date": pd.to_datetime(["2025-03-03", "2025-03-08", "2025-03-08", "2025-03-09"]),
        "day_fraction": [1.0, 0.5, 0.5, 0.5],  # a second clock event; two halves; one half
    })
    cm.frames["attendance"] = pd.concat([cm.frames["attendance"], extra])
    ctx = build_context(cm.frames, as_of=cm.as_of)
    row = _one_row(ctx.days, id_number=wid, month=cm.month)
    assert row["days"] == cm.days + 1.5
    assert row["first_date"] == pd.Timestamp("2025-03-03")
    assert row["last_date"] == pd.Timestamp("2025-03-31")


def test_owed_is_the_payroll_net_when_there_is_a_line() -> None:
    cm = clean_month(workers=1)
    cm.frames["payroll"] = cm.frames["payroll"].assign(net=123456)
    row = _one_row(build_context(cm.frames, as_of=cm.as_of).owed, id_number=cm.ids[0])
    assert (row["owed"], row["estimate"]) == (123456, False)


@pytest.mark.parametrize(("fractions", "daily_wage", "expected"), [
    ([1.0] * 21, 30000, 630000),   # 21 days at 300 yuan
    ([0.5], 30001, 15001),         # 150.005 yuan rounds half up to 150.01
    ([0.5], 30003, 15002),         # 150.015 -> 150.02
    ([1.0] * 21, None, 218207),    # 21 × 2260 / 21.75 = 2182.0690 yuan (minimum wage, Dongyang tier)
    ([0.5], None, 5195),           # 0.5 × 2260 / 21.75 = 51.954 yuan
])
def test_owed_without_payroll_line_is_estimated_from_attendance(
        fractions: list[float], daily_wage: int | None, expected: int) -> None:
    cm = clean_month(workers=1)
    dates = pd.date_range("2025-03-03", periods=len(fractions), freq="D")
    cm.frames["attendance"] = pd.DataFrame({"project_code": cm.project, "id_number": cm.ids[0],
                                            "date": dates, "day_fraction": fractions})
    cm.frames["roster"] = cm.frames["roster"].assign(daily_wage=pd.array([daily_wage], dtype="Int64"))
    del cm.frames["payroll"]
    row = _one_row(build_context(cm.frames, as_of=cm.as_of).owed, id_number=cm.ids[0])
    assert (row["owed"], row["estimate"]) == (expected, True)


def test_project_minimum_wage_overrides_the_reference_table() -> None:
    cm = clean_month(workers=1)
    cm.frames["project"] = cm.frames["project"].assign(min_wage_monthly=300000)
    ctx = build_context(cm.frames, as_of=cm.as_of)
    assert _one_row(ctx.min_wage, month=cm.month)["min_wage"] == 300000


@pytest.mark.parametrize(("region", "month", "expected"), [
    ("330783", "2024-02", 207000),   # the month before the 2024 adjustment
    ("330783", "2024-03", 226000),   # the adjustment's first month
    ("330799", "2025-03", 201000),   # an unlisted Zhejiang county: the provincial fallback
])
def test_reference_minimum_wage_is_looked_up_by_region_and_date(region: str, month: str,
                                                                expected: int) -> None:
    assert monthly_minimum(region, pd.Series([month], dtype="str")).iloc[0] == expected


def test_estimate_without_any_minimum_wage_reference_cannot_be_made() -> None:
    cm = clean_month(workers=1)
    cm.frames["roster"] = cm.frames["roster"].assign(daily_wage=pd.array([None], dtype="Int64"))
    del cm.frames["payroll"]
    ctx = build_context(cm.frames, as_of=cm.as_of, config=RuleConfig(region_code="110101"))
    with pytest.raises(MinimumWageUnknownError, match="110101"):
        _ = ctx.owed


def test_roster_worker_takes_sex_and_birth_from_the_id_and_stays_open_if_any_entry_is() -> None:
    cm = clean_month(workers=1)
    first = cm.frames["roster"]
    second = first.assign(entry_date=pd.Timestamp("2025-03-10"), card_number=make_card(77),
                          exit_date=pd.NaT)
    cm.frames["roster"] = pd.concat([first.assign(exit_date=pd.Timestamp("2025-03-05")), second])
    row = _one_row(build_context(cm.frames, as_of=cm.as_of).roster_workers, id_number=cm.ids[0])
    assert row["gender"] == "M"  # seq 1 is a man: odd 17th digit
    assert row["birth_date"] == pd.Timestamp("1985-03-12")
    assert row["card_number"] == make_card(77)
    assert row["entry_date"] == pd.Timestamp("2025-02-01")
    assert pd.isna(row["exit_date"])


def test_projects_include_codes_seen_only_in_other_tables() -> None:
    cm = clean_month(workers=1)
    cm.frames["disbursement"] = pd.concat([cm.frames["disbursement"],
                                          cm.frames["disbursement"].assign(project_code="OTHER")])
    p = build_context(cm.frames, as_of=cm.as_of).projects.set_index("project_code")
    assert bool(p.loc["OTHER", "has_project_file"]) is False
    assert p.loc["OTHER", "payday"] == 15


def _two_workers_sharing_a_card(payment: int) -> tuple[object, list[str]]:
    """Worker 1 (owed 6300.00) and worker 2 (owed 3150.00) give the same card; one payment to it."""
    a = clean_month(workers=1, daily_wage_fen=30000)
    b = clean_month(workers=1, daily_wage_fen=15000, first_seq=2)
    frames = combine(a, b)
    card = a.cards[0]
    frames["roster"] = frames["roster"].assign(card_number=card)
    frames["payroll"] = frames["payroll"].assign(card_number=card)
    frames["disbursement"] = frames["disbursement"].iloc[:1].assign(amount=payment, account_name=pd.NA)
    return build_context(frames, as_of=a.as_of), [a.ids[0], b.ids[0]]


@pytest.mark.parametrize(("payment", "share_a", "share_b", "left_over"), [
    (945000, 630000, 315000, 0),        # exactly what both are owed: 2 : 1
    (300000, 200000, 100000, 0),        # less: still 2 : 1
    (1200000, 630000, 315000, 255000),  # more: each share capped at owed, the rest unattributed
])
def test_shared_card_payment_is_split_in_proportion_to_owed_and_capped(
        payment: int, share_a: int, share_b: int, left_over: int) -> None:
    ctx, (a, b) = _two_workers_sharing_a_card(payment)
    pay = ctx.payments
    assert _one_row(pay, id_number=a)["amount"] == share_a
    assert _one_row(pay, id_number=b)["amount"] == share_b
    assert pay.loc[pay["id_number"].isna(), "amount"].sum() == left_over
    assert not pay["own"].any()  # a shared card is nobody's own card


def test_unknown_card_is_matched_by_account_name_to_a_unique_payroll_worker() -> None:
    cm = clean_month(workers=2)
    cm.frames["disbursement"] = cm.frames["disbursement"].assign(
        card_number=[make_card(90), make_card(91)], account_name=["张 伟", "nobody"])
    ctx = build_context(cm.frames, as_of=cm.as_of)
    pay = ctx.payments.set_index("card_number")
    assert pay.loc[make_card(90), "id_number"] == cm.ids[0]  # the space in the name is folded
    assert not pay.loc[make_card(90), "own"]
    assert pd.isna(pay.loc[make_card(91), "id_number"])
    paid = _one_row(ctx.paid, id_number=cm.ids[0])
    assert (paid["paid"], paid["paid_own"], paid["paid_not_own"]) == (cm.net[0], 0, cm.net[0])


def test_unknown_card_with_an_ambiguous_name_stays_unattributed() -> None:
    cm = clean_month(workers=2)
    cm.frames["payroll"] = cm.frames["payroll"].assign(worker_name="张伟")
    cm.frames["disbursement"] = cm.frames["disbursement"].iloc[:1].assign(card_number=make_card(90))
    pay = build_context(cm.frames, as_of=cm.as_of).payments
    assert pay["id_number"].isna().all()


def test_payment_month_defaults_to_the_month_before_its_date() -> None:
    cm = clean_month(workers=1)
    cm.frames["disbursement"] = cm.frames["disbursement"].assign(month=pd.NA)
    assert build_context(cm.frames, as_of=cm.as_of).payments["month"].tolist() == [cm.month]


@pytest.mark.parametrize(("change", "counted"), [
    ({"status": "F"}, False),                         # a failed transfer is no payment
    ({"date": pd.Timestamp("2025-04-21")}, False),   # dated after as_of (2025-04-20)
    ({"date": pd.Timestamp("2025-04-20")}, True),    # dated on as_of
])
def test_only_successful_payments_up_to_as_of_count(change: dict[str, object], counted: bool) -> None:
    cm = clean_month(workers=1)
    cm.frames["disbursement"] = cm.frames["disbursement"].assign(**change)
    ctx = build_context(cm.frames, as_of=cm.as_of)
    assert _one_row(ctx.worker_months, id_number=cm.ids[0])["paid"] == (cm.net[0] if counted else 0)


def test_own_card_requires_the_workers_name_where_one_is_given() -> None:
    cm = clean_month(workers=1)
    cm.frames["disbursement"] = cm.frames["disbursement"].assign(account_name="李四")
    paid = _one_row(build_context(cm.frames, as_of=cm.as_of).paid, id_number=cm.ids[0])
    assert (paid["paid_own"], paid["paid_not_own"]) == (0, cm.net[0])


@pytest.mark.parametrize(("as_of", "arrears", "completed"), [
    (dt.date(2025, 4, 20), 630000, None),                     # March unpaid, May back pay not yet made
    (dt.date(2025, 6, 1), 0, pd.Timestamp("2025-05-20")),     # after the back pay (补发)
])
def test_back_pay_in_a_later_month_clears_arrears_only_once_made(
        as_of: dt.date, arrears: int, completed: pd.Timestamp | None) -> None:
    cm = clean_month(workers=1)
    cm.frames["disbursement"] = cm.frames["disbursement"].assign(
        date=pd.Timestamp("2025-05-20"), month="2025-03")
    row = _one_row(build_context(cm.frames, as_of=as_of).worker_months, id_number=cm.ids[0])
    assert row["arrears"] == arrears
    assert row["paid_own_by_due"] == 0
    assert (pd.isna(row["completed_on"]) if completed is None else row["completed_on"] == completed)


def test_completed_on_is_the_payment_that_reaches_owed() -> None:
    cm = clean_month(workers=1)
    d = cm.frames["disbursement"]
    cm.frames["disbursement"] = pd.concat([
        d.assign(amount=400000, date=pd.Timestamp("2025-04-10")),
        d.assign(amount=230000, date=pd.Timestamp("2025-04-18")),
    ])
    row = _one_row(build_context(cm.frames, as_of=cm.as_of).paid, id_number=cm.ids[0])
    assert row["completed_on"] == pd.Timestamp("2025-04-18")
    assert (row["paid"], row["paid_by_due"], row["paid_own_by_due"]) == (630000, 400000, 400000)


def test_card_owners_lists_every_worker_of_a_shared_card() -> None:
    ctx, ids = _two_workers_sharing_a_card(945000)
    row = ctx.card_owners.iloc[0]
    assert (row["n_workers"], row["workers"]) == (2, tuple(sorted(ids)))


@pytest.mark.parametrize(("num", "den", "expected"), [(5, 2, 3), (4, 2, 2), (7, 2, 4), (1, 3, 0), (2, 3, 1)])
def test_div_half_up_rounds_halves_up(num: int, den: int, expected: int) -> None:
    assert div_half_up(num, den) == expected


def test_month_helpers_handle_year_ends() -> None:
    dates = pd.Series(pd.to_datetime(["2024-12-31", "2025-01-01"])).astype("datetime64[s]")
    assert month_of(dates).tolist() == ["2024-12", "2025-01"]
    assert shift_month(pd.Series(["2025-01"], dtype="str"), -1).tolist() == ["2024-12"]
    assert make_id(sex="F")[16] in "02468"
