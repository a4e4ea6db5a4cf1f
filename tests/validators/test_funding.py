"""专户与人工费 rules, each planted on the clean month (due 2025-04-15, paid 2025-04-10)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tests.validators.conftest import clean_month, combine, run_rules

COLUMNS = ["rule", "project", "month", "worker_id", "amount"]


def _account(cm, rows: list[dict[str, object]]) -> None:
    cm.frames["account"] = pd.DataFrame([{"project_code": cm.project, **r} for r in rows])


def _rows(f: pd.DataFrame) -> list[list[object]]:
    return [[None if pd.isna(v) else v for v in row] for row in f[COLUMNS].values.tolist()]


@pytest.mark.parametrize(("inflow_date", "flagged"), [
    ("2025-03-01", False),   # the 1st of the wage month opens the window
    ("2025-04-15", False),   # the due date closes it
    ("2025-04-16", True),    # the day after: the month's window has only the payout
])
def test_month_without_an_inflow_before_its_due_date_has_no_allocation(inflow_date: str,
                                                                      flagged: bool) -> None:
    cm = clean_month()
    _account(cm, [
        {"date": inflow_date, "amount": 2_000_000, "direction": "in", "purpose": "人工费"},
        {"date": "2025-04-10", "amount": 1_890_000, "direction": "out", "purpose": "代发工资"},
    ])
    f = run_rules(cm.frames, as_of=cm.as_of, only="ACCT-NO-ALLOCATION")
    assert _rows(f) == ([["ACCT-NO-ALLOCATION", cm.project, cm.month, None, None]] if flagged else [])


def test_no_allocation_is_not_judged_without_statement_rows_in_the_window() -> None:
    cm = clean_month()
    _account(cm, [{"date": "2025-02-20", "amount": 100, "direction": "out", "purpose": "代发工资"}])
    assert run_rules(cm.frames, as_of=cm.as_of, only="ACCT-NO-ALLOCATION").empty


@pytest.mark.parametrize(("balance", "short"), [
    (1_890_000 - 1, 1),    # one fen below what is still owed
    (1_890_000, None),     # exactly enough
    (1_890_001, None),
])
def test_balance_below_what_is_still_owed_before_the_due_date_is_insufficient(balance: int,
                                                                              short: int | None) -> None:
    cm = clean_month()  # 3 workers × 6300.00, paid on 2025-04-10: on 2025-04-01 all is still owed
    _account(cm, [{"date": "2025-04-01", "amount": balance, "direction": "in", "purpose": "人工费",
                   "balance": balance}])
    f = run_rules(cm.frames, as_of=cm.as_of, only="ACCT-INSUFFICIENT")
    assert _rows(f) == ([["ACCT-INSUFFICIENT", cm.project, cm.month, None, short]] if short else [])
    if short:
        assert f.loc[0, "evidence"] == (("<account>", None, 2),)


def test_insufficient_counts_payments_made_by_the_end_of_the_rows_date() -> None:
    cm = clean_month()
    _account(cm, [{"date": "2025-04-10", "amount": 10, "direction": "out", "purpose": "代发工资",
                   "balance": 0}])
    assert run_rules(cm.frames, as_of=cm.as_of, only="ACCT-INSUFFICIENT").empty


def test_insufficient_is_not_judged_without_a_row_before_the_due_date() -> None:
    cm = clean_month()
    _account(cm, [{"date": "2025-04-15", "amount": 5, "direction": "in", "purpose": "人工费", "balance": 5}])
    assert run_rules(cm.frames, as_of=cm.as_of, only="ACCT-INSUFFICIENT").empty


@pytest.mark.parametrize(("purpose", "counterparty_account", "flagged"), [
    ("材料款", "1234567890", True),
    (None, None, True),               # no purpose names wages
    ("3月工资", "1234567890", False),
    ("代发", None, False),
    ("借薪", None, False),
    ("材料款", "WORKER_CARD", False),  # paid to a worker's card
])
def test_outflow_not_for_wages_is_misuse(purpose: str | None, counterparty_account: str | None,
                                         flagged: bool) -> None:
    cm = clean_month()
    account = cm.cards[0] if counterparty_account == "WORKER_CARD" else counterparty_account
    _account(cm, [{"date": "2025-04-05", "amount": 50_000, "direction": "out", "purpose": purpose,
                   "counterparty": "某建材公司", "counterparty_account": account}])
    f = run_rules(cm.frames, as_of=cm.as_of, only="ACCT-MISUSE")
    assert _rows(f) == ([["ACCT-MISUSE", cm.project, cm.month, None, 50_000]] if flagged else [])


@pytest.mark.parametrize(("date", "month"), [
    ("2025-03-10", "2025-03"),   # in February's window (to Mar 14) and March's: the latest
    ("2025-02-03", "2025-02"),
    ("2025-04-15", "2025-03"),   # March's due date
    ("2025-04-16", None),        # April: not judged
])
def test_misuse_month_is_the_latest_judged_month_whose_pay_window_holds_the_row(date: str,
                                                                               month: str | None) -> None:
    frames = combine(clean_month(month="2025-02"), clean_month(month="2025-03"))
    frames["account"] = pd.DataFrame([{"project_code": "DY2025-001", "date": date, "amount": 100,
                                       "direction": "out", "purpose": "还款"}])
    f = run_rules(frames, as_of=dt.date(2025, 4, 20), only="ACCT-MISUSE")
    assert f["month"].tolist() == ([month] if month else [])


def _two_unpaid_months() -> tuple[dict[str, pd.DataFrame], int]:
    feb, mar = clean_month(month="2025-02"), clean_month(month="2025-03")
    frames = combine(feb, mar)
    del frames["disbursement"], frames["account"]
    return frames, sum(feb.net) + sum(mar.net)


def test_two_due_months_with_attendance_and_no_pay_are_dormant() -> None:
    frames, owed = _two_unpaid_months()
    f = run_rules(frames, as_of=dt.date(2025, 4, 20), only="ACCT-DORMANT")
    assert _rows(f) == [["ACCT-DORMANT", "DY2025-001", "2025-03", None, owed]]


@pytest.mark.parametrize(("as_of", "flagged"), [
    (dt.date(2025, 4, 14), False),   # March still pending
    (dt.date(2025, 4, 15), True),    # March's due date
])
def test_dormant_needs_both_months_due(as_of: dt.date, flagged: bool) -> None:
    frames, _ = _two_unpaid_months()
    assert len(run_rules(frames, as_of=as_of, only="ACCT-DORMANT")) == int(flagged)


def test_any_pay_for_either_month_ends_dormancy() -> None:
    frames, _ = _two_unpaid_months()
    frames["disbursement"] = pd.DataFrame([{"project_code": "DY2025-001", "date": "2025-03-10",
                                            "card_number": "1", "account_name": "x", "amount": 1,
                                            "month": "2025-02"}])
    assert run_rules(frames, as_of=dt.date(2025, 4, 20), only="ACCT-DORMANT").empty


@pytest.mark.parametrize(("start", "flagged"), [
    ("2025-03-21", False),   # 30 days before as_of 2025-04-20
    ("2025-03-20", True),    # 31 days
])
def test_project_without_wage_account_after_the_grace_period(start: str, flagged: bool) -> None:
    cm = clean_month()
    cm.frames["project"] = cm.frames["project"].assign(wage_account=pd.NA, start_date=pd.Timestamp(start))
    f = run_rules(cm.frames, as_of=cm.as_of, only="PRJ-NO-ACCOUNT")
    assert _rows(f) == ([["PRJ-NO-ACCOUNT", cm.project, cm.month, None, None]] if flagged else [])
    if flagged:
        assert "31" in f.loc[0, "message_zh"]
        assert f.loc[0, "evidence"] == (("<project>", None, 2),)


def test_project_without_project_file_is_not_judged_for_an_account() -> None:
    cm = clean_month()
    del cm.frames["project"]
    assert run_rules(cm.frames, as_of=cm.as_of, only="PRJ-NO-ACCOUNT").empty


@pytest.mark.parametrize(("status", "flagged"), [("unpaid", True), ("paid", False), ("guarantee", False),
                                                 ("exempt", False), (None, False)])
def test_unpaid_wage_deposit_is_flagged_each_judged_month(status: str | None, flagged: bool) -> None:
    frames = combine(clean_month(month="2025-02"), clean_month(month="2025-03"))
    frames["project"] = frames["project"].assign(deposit_status=status)
    f = run_rules(frames, as_of=dt.date(2025, 4, 20), only="PRJ-NO-DEPOSIT")
    assert f["month"].tolist() == (["2025-02", "2025-03"] if flagged else [])
    assert f["worker_id"].isna().all()
