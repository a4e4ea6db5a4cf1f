"""支付实卡 rules, each planted on the clean month."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from stdnum import luhn

from tests.validators.conftest import bad_luhn, clean_month, combine, make_card, run_rules
from validators.rules.real_card import luhn_valid


def _without_payment(cm, worker: int = 0) -> None:
    d = cm.frames["disbursement"]
    cm.frames["disbursement"] = d[d["card_number"] != cm.cards[worker]]


def test_unpaid_worker_is_flagged_after_payday() -> None:
    cm = clean_month()
    _without_payment(cm)
    f = run_rules(cm.frames, as_of=cm.as_of, only="CARD-UNPAID")
    assert f[["rule", "worker_id", "month", "amount"]].values.tolist() == [
        ["CARD-UNPAID", cm.ids[0], cm.month, cm.net[0]]]
    assert f.loc[0, "worker_name"] == cm.names[0]
    assert f.loc[0, "message_zh"] == "3月工资 6300.00 元逾期未发放"
    assert f.loc[0, "message_en"] == "March wage of 6300.00 not paid by 2025-04-15"
    assert f.loc[0, "evidence"] == (("<payroll>", None, 2),)


@pytest.mark.parametrize(("offset", "flagged"), [(-1, False), (0, True), (1, True)])
def test_unpaid_is_not_flagged_before_the_due_date(offset: int, flagged: bool) -> None:
    cm = clean_month()
    _without_payment(cm)
    f = run_rules(cm.frames, as_of=cm.due + dt.timedelta(days=offset), only="CARD-UNPAID")
    assert len(f) == int(flagged)


def test_unpaid_estimate_says_so() -> None:
    cm = clean_month()
    _without_payment(cm)
    cm.frames["payroll"] = cm.frames["payroll"].iloc[1:]
    f = run_rules(cm.frames, as_of=cm.as_of, only="CARD-UNPAID")
    assert f["amount"].tolist() == [cm.days * cm.daily_wage_fen]
    assert "估算" in f.loc[0, "message_zh"]
    assert "estimated" in f.loc[0, "message_en"]
    assert len(f.loc[0, "evidence"]) == cm.days  # the attendance rows behind the estimate


@pytest.mark.parametrize(("paid", "short"), [
    (630000 - 2, 2),      # just below the 0.01-yuan tolerance: short by 0.02
    (630000 - 1, None),   # at it: not flagged
    (630000, None),       # in full
    (600000, 30000),
])
def test_short_payment_is_flagged_beyond_one_fen(paid: int, short: int | None) -> None:
    cm = clean_month()
    d = cm.frames["disbursement"]
    cm.frames["disbursement"] = d.assign(amount=d["amount"].where(d["card_number"] != cm.cards[0], paid))
    f = run_rules(cm.frames, as_of=cm.as_of, only=["CARD-SHORT", "CARD-UNPAID"])
    expected = [] if short is None else [["CARD-SHORT", cm.ids[0], cm.month, short]]
    assert f[["rule", "worker_id", "month", "amount"]].values.tolist() == expected


@pytest.mark.parametrize(("pay_date", "days_late"), [
    ("2025-04-15", None),   # on the due date
    ("2025-04-16", 1),
    ("2025-04-18", 3),
])
def test_late_payment_gives_the_days_late(pay_date: str, days_late: int | None) -> None:
    cm = clean_month()
    d = cm.frames["disbursement"]
    cm.frames["disbursement"] = d.assign(date=d["date"].where(d["card_number"] != cm.cards[0],
                                                              pd.Timestamp(pay_date)))
    f = run_rules(cm.frames, as_of=cm.as_of, only="CARD-LATE")
    if days_late is None:
        assert f.empty
        return
    assert f[["rule", "worker_id", "month", "amount"]].values.tolist() == [
        ["CARD-LATE", cm.ids[0], cm.month, cm.net[0]]]
    assert f"逾期 {days_late} 天" in f.loc[0, "message_zh"]
    assert f"{days_late} days after" in f.loc[0, "message_en"]


def test_late_amount_is_the_part_paid_after_the_due_date() -> None:
    cm = clean_month(workers=1)
    d = cm.frames["disbursement"]
    cm.frames["disbursement"] = pd.concat([d.assign(amount=500000),
                                          d.assign(amount=130000, date=pd.Timestamp("2025-04-25"))])
    f = run_rules(cm.frames, as_of=dt.date(2025, 5, 1), only="CARD-LATE")
    assert f["amount"].tolist() == [130000]


def test_pay_to_another_card_is_not_own() -> None:
    cm = clean_month()
    d = cm.frames["disbursement"]
    cm.frames["disbursement"] = d.assign(card_number=d["card_number"].replace(cm.cards[0], make_card(88)))
    f = run_rules(cm.frames, as_of=cm.as_of, only=["CARD-NOT-OWN", "CARD-UNPAID"])
    assert f[["rule", "worker_id", "month", "amount"]].values.tolist() == [
        ["CARD-NOT-OWN", cm.ids[0], cm.month, cm.net[0]]]
    assert f.loc[0, "evidence"] == (("<disbursement>", None, 2),)


def test_shared_card_flags_every_worker_involved_once_a_month() -> None:
    cm = clean_month()
    for table in ("roster", "payroll", "disbursement"):
        frame = cm.frames[table]
        cm.frames[table] = frame.assign(card_number=frame["card_number"].replace(cm.cards[1], cm.cards[0]))
    f = run_rules(cm.frames, as_of=cm.as_of, only="CARD-SHARED")
    assert f[["rule", "worker_id", "month"]].values.tolist() == [
        ["CARD-SHARED", cm.ids[0], cm.month], ["CARD-SHARED", cm.ids[1], cm.month]]
    assert f["amount"].isna().all()
    assert "2 名工人" in f.loc[0, "message_zh"]


def test_shared_card_is_not_flagged_in_a_month_the_worker_is_not_owed() -> None:
    march, april = clean_month(), clean_month(month="2025-04")
    frames = combine(march, april)
    roster = frames["roster"]
    frames["roster"] = roster.assign(
        card_number=roster["card_number"].replace(march.cards[1], march.cards[0]))
    # worker 2 leaves after March: no April attendance, payroll or pay
    for table in ("attendance", "payroll", "disbursement"):
        t = frames[table]
        month = t["month"] if "month" in t else t["date"].dt.strftime("%Y-%m")
        frames[table] = t[~((month == "2025-04") & (t.get("id_number", t.get("card_number")).isin(
            [march.ids[1], march.cards[1]])))]
    f = run_rules(frames, as_of=april.as_of, only="CARD-SHARED")
    assert sorted(map(tuple, f[["worker_id", "month"]].values.tolist())) == [
        (march.ids[0], "2025-03"), (march.ids[0], "2025-04"), (march.ids[1], "2025-03")]


def test_payment_not_from_the_wage_account_is_flagged_and_still_counts_as_paid() -> None:
    cm = clean_month()
    d = cm.frames["disbursement"]
    cm.frames["disbursement"] = d.assign(
        payer_account=d["payer_account"].where(d["card_number"] != cm.cards[0], "6222000011112222"))
    f = run_rules(cm.frames, as_of=cm.as_of, only=["CARD-NOT-VIA-ACCOUNT", "CARD-UNPAID", "CARD-SHORT"])
    assert f[["rule", "worker_id", "month", "amount"]].values.tolist() == [
        ["CARD-NOT-VIA-ACCOUNT", cm.ids[0], cm.month, cm.net[0]]]
    assert "6222000011112222" in f.loc[0, "message_en"]


def test_payment_from_the_wage_account_or_without_payer_is_not_flagged() -> None:
    cm = clean_month()
    d = cm.frames["disbursement"]
    cm.frames["disbursement"] = d.assign(payer_account=d["payer_account"].where(
        d["card_number"] != cm.cards[0], pd.NA))
    assert run_rules(cm.frames, as_of=cm.as_of, only="CARD-NOT-VIA-ACCOUNT").empty


def test_payment_to_a_card_of_several_workers_via_another_account_names_no_worker() -> None:
    cm = clean_month(workers=2)
    for table in ("roster", "payroll"):
        cm.frames[table] = cm.frames[table].assign(card_number=cm.cards[0])
    cm.frames["disbursement"] = cm.frames["disbursement"].iloc[:1].assign(
        amount=2 * cm.net[0], payer_account="999", account_name=pd.NA)
    f = run_rules(cm.frames, as_of=cm.as_of, only="CARD-NOT-VIA-ACCOUNT")
    assert len(f) == 1
    assert pd.isna(f.loc[0, "worker_id"])
    assert f.loc[0, "amount"] == 2 * cm.net[0]


def test_roster_card_failing_luhn_is_flagged_once_per_judged_month() -> None:
    march, april = clean_month(), clean_month(month="2025-04")
    frames = combine(march, april)
    for table in ("roster", "payroll", "disbursement"):
        t = frames[table]
        frames[table] = t.assign(
            card_number=t["card_number"].replace(march.cards[0], bad_luhn(march.cards[0])))
    f = run_rules(frames, as_of=april.as_of, only="CARD-CHECK-DIGIT")
    assert f[["rule", "worker_id", "month"]].values.tolist() == [
        ["CARD-CHECK-DIGIT", march.ids[0], "2025-03"], ["CARD-CHECK-DIGIT", march.ids[0], "2025-04"]]
    only_april = run_rules(frames, as_of=april.as_of, months=["2025-04"], only="CARD-CHECK-DIGIT")
    assert only_april["month"].tolist() == ["2025-04"]


@pytest.mark.parametrize("card", [
    make_card(1), make_card(123456), bad_luhn(make_card(5)), "4111111111111111", "4111111111111112",
    "621700123456", "6217001234567890123", "12345x7890123", "0",
])
def test_vectorised_luhn_agrees_with_stdnum(card: str) -> None:
    expected = luhn.is_valid(card) if card.isdigit() else False
    assert bool(luhn_valid(pd.Series([card], dtype="str")).iloc[0]) is expected


@pytest.mark.parametrize(("as_of", "expected"), [
    (dt.date(2025, 4, 20), [("CARD-UNPAID", 630000)]),   # before the back pay: arrears
    (dt.date(2025, 6, 2), [("CARD-LATE", 630000)]),      # after it: paid, but late
])
def test_back_pay_made_in_may_turns_march_arrears_into_a_late_payment(
        as_of: dt.date, expected: list[tuple[str, int]]) -> None:
    cm = clean_month(workers=1)
    cm.frames["disbursement"] = cm.frames["disbursement"].assign(  # ingest reads the month from the memo
        date=pd.Timestamp("2025-05-20"), month="2025-03", memo="2025年3月补发")
    f = run_rules(cm.frames, as_of=as_of, months=["2025-03"],
                  only=["CARD-UNPAID", "CARD-SHORT", "CARD-LATE"])
    assert list(zip(f["rule"], f["amount"], strict=True)) == expected
    if expected[0][0] == "CARD-LATE":
        assert "逾期 35 天" in f.loc[0, "message_zh"]
