"""Deadlines by severity, and overdue at their edges: the day before the deadline, the deadline itself
(still in time) and the day after (overdue), for each severity, in the policy and through the store."""

from __future__ import annotations

import datetime as dt

import pytest

from four_real.store.db import session_scope
from four_real.warnings import lifecycle
from four_real.warnings.policy import WarningPolicy, is_overdue
from four_real.warnings.queries import list_warnings, warning_counts
from four_real.warnings.sync import mark_overdue
from tests.warnings.conftest import events, finding, outbox, run, warnings

RAISED = dt.date(2025, 4, 20)
DEADLINES = [("critical", "CARD-UNPAID", dt.date(2025, 4, 23)), ("high", "RN-NO-CONTRACT", dt.date(2025, 4, 27))]
EDGES = [(-1, False), (0, False), (1, True)]  # days from the deadline → overdue?


@pytest.mark.parametrize(("severity", "_rule", "deadline"), DEADLINES)
def test_default_deadlines_are_three_days_for_critical_and_seven_for_high(severity, _rule, deadline):
    assert WarningPolicy().deadline(severity, RAISED) == deadline


@pytest.mark.parametrize(("offset", "overdue"), EDGES)
@pytest.mark.parametrize("status", ["open", "acknowledged"])
def test_a_live_warning_is_overdue_only_after_its_deadline(offset, overdue, status):
    deadline = dt.date(2025, 4, 23)
    assert is_overdue(status, deadline, deadline + dt.timedelta(days=offset)) is overdue


@pytest.mark.parametrize("status", ["resolved", "closed"])
def test_a_resolved_or_closed_warning_is_never_overdue(status):
    assert not is_overdue(status, dt.date(2025, 4, 23), dt.date(2026, 1, 1))


def test_deadlines_come_from_the_environment_and_bad_values_are_refused():
    policy = WarningPolicy.from_env({"FOUR_REAL_WARNING_CRITICAL_DAYS": "1", "FOUR_REAL_WARNING_HIGH_DAYS": "5"})
    assert (policy.critical_days, policy.high_days) == (1, 5)
    assert WarningPolicy.from_env({}) == WarningPolicy()
    with pytest.raises(ValueError, match="whole number"):
        WarningPolicy.from_env({"FOUR_REAL_WARNING_HIGH_DAYS": "a week"})
    with pytest.raises(ValueError, match="zero or more"):
        WarningPolicy(critical_days=-1)
    with pytest.raises(ValueError, match="critical or high"):
        WarningPolicy().days("medium")


@pytest.mark.parametrize(("offset", "overdue"), EDGES)
@pytest.mark.parametrize(("severity", "rule", "deadline"), DEADLINES)
def test_the_store_marks_and_lists_overdue_at_the_deadline_edges(city, severity, rule, deadline, offset, overdue):
    run(city, [finding(rule, amount=None)], as_of=RAISED)
    w = warnings(city).iloc[0]
    assert (w["severity"], w["deadline"]) == (severity, deadline)
    day = deadline + dt.timedelta(days=offset)
    with session_scope(city) as session:
        assert mark_overdue(session, as_of=day) == int(overdue)
        assert mark_overdue(session, as_of=day + dt.timedelta(days=9)) == int(not overdue)  # once per cycle
        listed = list_warnings(session, as_of=day)
        counts = warning_counts(session, as_of=day)
    assert [x.overdue for x in listed] == [overdue]
    assert counts["overdue"].tolist() == [overdue]
    assert events(city)["action"].tolist() == ["raised", "overdue"]
    assert outbox(city)["kind"].tolist() == ["warning.new", "warning.overdue"]


def test_a_reconciliation_after_the_deadline_marks_overdue_once(city):
    found = [finding("CARD-UNPAID")]
    run(city, found, as_of=RAISED)
    assert run(city, found, as_of=dt.date(2025, 4, 23)).overdue == 0
    assert run(city, found, as_of=dt.date(2025, 4, 24)).overdue == 1
    assert run(city, found, as_of=dt.date(2025, 4, 25)).overdue == 0
    assert warnings(city).iloc[0]["overdue_at"] == dt.date(2025, 4, 24)


def test_an_acknowledged_warning_can_be_overdue_but_a_resolved_one_cannot(city):
    run(city, [finding("CARD-UNPAID"), finding("CARD-SHARED")], as_of=RAISED)
    arrears, card = (int(i) for i in warnings(city).sort_values("rule_group")["id"])
    with session_scope(city) as session:
        lifecycle.acknowledge(session, arrears, actor="住建局")
        lifecycle.resolve(session, card, actor="住建局")
        assert mark_overdue(session, as_of=dt.date(2025, 4, 30)) == 1
        assert [(x.id, x.overdue) for x in list_warnings(session, as_of=dt.date(2025, 4, 30), overdue=True)] == [
            (arrears, True)]
