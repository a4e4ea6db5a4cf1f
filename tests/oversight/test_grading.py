"""Enterprise grades: every threshold just below, at and just above; the window; reasons; regrading."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd
import pytest

from four_real.oversight.config import DEFAULT
from four_real.oversight.grading import (
    GRADE_COLUMNS,
    current_grades,
    grade_enterprises,
    half_year_date,
    store_grades,
    verdicts,
)
from four_real.store.db import session_scope

D = dt.date(2025, 7, 1)  # a regular regrade: the window is 2025-01 … 2025-06

if TYPE_CHECKING:
    from tests.oversight.conftest import Store


def _verdict(name: str, value: object) -> str:
    return verdicts(pd.DataFrame({name: pd.Series([value], dtype="Float64")}))[name].iloc[0]


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("leads", 0, "green"),
    ("leads", 1, "yellow"),  # at the yellow threshold
    ("leads", 2, "yellow"),  # just below red
    ("leads", 3, "red"),  # at red
    ("leads", 4, "red"),
    ("signing_rate", 0.79, "red"),  # just below 80 %
    ("signing_rate", 0.80, "yellow"),  # at 80 %: not below it
    ("signing_rate", 0.81, "yellow"),
    ("signing_rate", 0.94, "yellow"),
    ("signing_rate", 0.95, "green"),  # at 95 %
    ("signing_rate", 0.96, "green"),
    ("signing_rate", 19 / 20, "green"),  # computed, not typed: still exactly at the threshold
    ("arrears", 0, "green"),
    ("arrears", 1, "yellow"),  # one fen owed
    ("arrears", 2_999_999, "yellow"),  # a fen under 30,000 yuan
    ("arrears", 3_000_000, "red"),
    ("arrears", 3_000_001, "red"),
    ("critical", 0, "green"),
    ("critical", 1, "red"),
    ("critical", 2, "red"),
    ("high", 0, "green"),
    ("high", 1, "yellow"),
    ("high", 2, "yellow"),
    ("account", 0, "green"),
    ("account", 1, "yellow"),
    ("account", 2, "red"),
    ("account", 3, "red"),
    ("leads", None, "not_judged"),
])
def test_each_input_takes_its_verdict_at_its_thresholds(name: str, value: object, expected: str) -> None:
    assert _verdict(name, value) == expected


def test_thresholds_are_configuration() -> None:
    strict = dataclasses.replace(DEFAULT, leads_red=2)
    assert verdicts(pd.DataFrame({"leads": [2]}), strict)["leads"].iloc[0] == "red"
    assert verdicts(pd.DataFrame({"leads": [2]}))["leads"].iloc[0] == "yellow"


@pytest.mark.parametrize(("day", "regular"), [
    (dt.date(2025, 1, 1), dt.date(2025, 1, 1)),
    (dt.date(2025, 6, 30), dt.date(2025, 1, 1)),
    (dt.date(2025, 7, 1), dt.date(2025, 7, 1)),
    (dt.date(2025, 12, 31), dt.date(2025, 7, 1)),
])
def test_the_regular_regrade_is_the_last_first_of_january_or_july(day: dt.date, regular: dt.date) -> None:
    assert half_year_date(day) == regular


def _grade(store: Store, key: str, day: dt.date = D) -> pd.Series:
    with session_scope(store.engine) as s:
        g = grade_enterprises(s, day)
    return g.set_index("enterprise_key").loc[key]


@pytest.mark.parametrize(("received", "counted"), [
    (dt.date(2024, 12, 31), False),  # a day before the window
    (dt.date(2025, 1, 1), True),  # first day of the window
    (dt.date(2025, 6, 30), True),  # the day before the grading date
    (dt.date(2025, 7, 1), False),  # on the grading date: the next grading's
])
def test_leads_count_within_the_six_months_before_the_grading_date(store: Store, received: dt.date,
                                                                   counted: bool) -> None:
    key = store.project("P-1")
    store.month("P-1", "2025-03")
    store.leads([{"source": "local", "received_on": received, "worker_name": "张三", "project_code": "P-1"}])
    g = _grade(store, key)
    assert g["inputs"]["leads"] == int(counted)
    assert g["grade"] == ("yellow" if counted else "green")


@pytest.mark.parametrize(("leads", "grade"), [(0, "green"), (1, "yellow"), (2, "yellow"), (3, "red")])
def test_labor_disputes_grade_the_general_contractor(store: Store, leads: int, grade: str) -> None:
    key = store.project("P-1")
    store.month("P-1", "2025-03")
    store.leads([{"source": "national", "received_on": dt.date(2025, 3, k + 1), "worker_name": f"w{k}",
                  "project_code": "P-1"} for k in range(leads)])
    g = _grade(store, key)
    assert g["grade"] == grade
    assert g["next_inspection"] == {"red": dt.date(2025, 8, 1), "yellow": dt.date(2025, 10, 1),
                                    "green": None}[grade]


@pytest.mark.parametrize(("unpaid", "grade"), [(0, "green"), (1, "yellow"), (2_999_999, "yellow"),
                                               (3_000_000, "red"), (3_000_001, "red")])
def test_arrears_over_the_window_grade_the_general_contractor(store: Store, unpaid: int, grade: str) -> None:
    key = store.project("P-1")
    store.month("P-1", "2025-02", unpaid=unpaid // 2)
    store.month("P-1", "2025-06", unpaid=unpaid - unpaid // 2)
    store.month("P-1", "2024-12", unpaid=9_000_000)  # before the window: does not count
    g = _grade(store, key)
    assert g["inputs"]["arrears"] == unpaid
    assert g["grade"] == grade


def test_findings_and_account_rules_grade_the_general_contractor(store: Store) -> None:
    key = store.project("P-1")
    store.month("P-1", "2025-03")
    store.finding("P-1", "2025-03", "ACCT-NO-ALLOCATION", "high")
    g = _grade(store, key)
    assert (g["grade"], g["inputs"]["account"], g["inputs"]["high"]) == ("yellow", 1, 1)
    store.finding("P-1", "2025-04", "ACCT-INSUFFICIENT", "high")
    g = _grade(store, key)
    assert (g["grade"], g["inputs"]["account"]) == ("red", 2)
    reasons = {r["input"]: r for r in g["reasons"]}
    assert {k: reasons["account"][k] for k in ("value", "threshold", "verdict", "op")} == {
        "value": 2, "threshold": 2, "verdict": "red", "op": "≥"}
    assert {k: reasons["high"][k] for k in ("value", "threshold", "verdict")} == {
        "value": 2, "threshold": 1, "verdict": "yellow"}
    assert reasons["leads"]["verdict"] == "green" and reasons["leads"]["threshold"] == 1


def test_a_finding_resolved_before_the_grading_date_no_longer_counts(store: Store) -> None:
    key = store.project("P-1")
    store.month("P-1", "2025-03")
    store.finding("P-1", "2025-03", "CARD-UNPAID", "critical", worker_id=store.worker_ids(1)[0], amount=100,
                  status="resolved", resolved_at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC))
    assert _grade(store, key)["grade"] == "green"
    assert _grade(store, key, dt.date(2025, 5, 1))["grade"] == "red"  # still open on 1 May


@pytest.mark.parametrize(("signed", "grade"), [(15, "red"), (16, "yellow"), (18, "yellow"), (19, "green"),
                                               (20, "green")])
def test_the_signing_rate_grades_contractor_and_subcontractor(store: Store, signed: int, grade: str) -> None:
    """20 workers: 15 signed is 75 %, 16 is 80 % (at red's threshold), 19 is 95 % (at yellow's)."""
    key = store.project("P-1")
    store.month("P-1", "2025-03")
    ids = store.worker_ids(20)
    store.roster("P-1", [(w, "东阳市丙劳务有限公司", k < signed) for k, w in enumerate(ids)])
    assert _grade(store, key)["grade"] == grade
    sub = _grade(store, "name:东阳市丙劳务有限公司")
    assert sub["role"] == "sub"
    assert sub["grade"] == grade
    assert sub["inputs"]["signing_rate"] == pytest.approx(signed / 20)


def test_a_subcontractor_answers_for_its_own_workers_arrears(store: Store) -> None:
    key = store.project("P-1")
    store.month("P-1", "2025-03", unpaid=3_000_000)
    mine, theirs = store.worker_ids(2)
    store.roster("P-1", [(mine, "东阳市丙劳务有限公司", True), (theirs, "东阳市丁劳务有限公司", True)])
    store.finding("P-1", "2025-03", "CARD-SHORT", "high", worker_id=mine, amount=2_999_999)
    store.finding("P-1", "2025-03", "ACCT-INSUFFICIENT", "high", amount=1)  # project-level: contractor's
    assert _grade(store, key)["grade"] == "red"
    sub = _grade(store, "name:东阳市丙劳务有限公司")
    assert (sub["grade"], sub["inputs"]["arrears"], sub["inputs"]["high"]) == ("yellow", 2_999_999, 1)
    assert sub["inputs"]["account"] is None  # a subcontractor's money runs through the contractor's account
    assert {r["input"]: r["verdict"] for r in sub["reasons"]}["account"] == "not_judged"
    clean = _grade(store, "name:东阳市丁劳务有限公司")
    assert clean["grade"] == "green"


def test_current_grades_is_the_half_year_grade_unless_regraded_since(store: Store) -> None:
    key = store.project("P-1")
    store.month("P-1", "2025-03")
    store.leads([{"source": "local", "received_on": dt.date(2025, 3, 1), "worker_name": "a",
                  "project_code": "P-1"}])
    with session_scope(store.engine) as s:
        g = current_grades(s, dt.date(2025, 8, 15))
    assert list(g.columns[: len(GRADE_COLUMNS)]) == GRADE_COLUMNS
    row = g.set_index("enterprise_uscc").loc[key]
    assert (row["grade"], row["graded_on"]) == ("yellow", dt.date(2025, 7, 1))
    # three more leads in July, graded on demand on 1 August: that grade is in force from then on
    store.leads([{"source": "local", "received_on": dt.date(2025, 7, k), "worker_name": f"b{k}",
                  "project_code": "P-1"} for k in (1, 2, 3)])
    with session_scope(store.engine) as s:
        store_grades(s, grade_enterprises(s, dt.date(2025, 8, 1)))
        store_grades(s, grade_enterprises(s, dt.date(2025, 8, 1)))  # a regrade the same day replaces
    with session_scope(store.engine) as s:
        now = current_grades(s, dt.date(2025, 8, 15)).set_index("enterprise_uscc").loc[key]
        before = current_grades(s, dt.date(2025, 7, 31)).set_index("enterprise_uscc").loc[key]
        later = current_grades(s, dt.date(2026, 1, 2)).set_index("enterprise_uscc").loc[key]
        from sqlalchemy import func, select

        from four_real.store.models.oversight import EnterpriseGrade

        assert s.execute(select(func.count()).select_from(EnterpriseGrade)).scalar() == 1
    assert (now["grade"], now["graded_on"], now["occasion"]) == ("red", dt.date(2025, 8, 1), "on_demand")
    assert now["next_inspection"] == dt.date(2025, 9, 1)
    assert (before["grade"], before["graded_on"]) == ("yellow", dt.date(2025, 7, 1))
    assert (later["grade"], later["graded_on"]) == ("red", dt.date(2026, 1, 1))  # July leads, next half-year


def test_an_enterprise_with_nothing_in_the_window_is_not_graded(store: Store) -> None:
    key = store.project("P-1")
    store.month("P-1", "2024-06", unpaid=5_000_000)
    with session_scope(store.engine) as s:
        g = grade_enterprises(s, D)
    assert key not in set(g["enterprise_key"])


def test_a_roster_naming_the_general_contractor_as_employer_is_not_a_subcontractor(store: Store) -> None:
    key = store.project("P-1", contractor="浙江甲建设集团有限公司")
    store.month("P-1", "2025-03")
    ids = store.worker_ids(3)
    store.roster("P-1", [(ids[0], "浙江甲建设集团有限公司", False), (ids[1], "东阳市丙劳务有限公司", True),
                         (ids[2], None, True)])  # no employer named: still the contractor's worker
    with session_scope(store.engine) as s:
        g = grade_enterprises(s, D).set_index("enterprise_key")
    assert set(g.index) == {key, "name:东阳市丙劳务有限公司"}
    assert g.loc[key, "inputs"]["signing_rate"] == pytest.approx(2 / 3)  # every roster row of its projects
    assert g.loc[key, "grade"] == "red"
