"""The three-stage escalation: steps at their thresholds, what counts as a month, the twelve-month window."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd
import pytest

from four_real.oversight.escalation import ESCALATION_COLUMNS, escalation_list, step_for
from four_real.store.db import session_scope

AS_OF = dt.date(2025, 12, 20)

if TYPE_CHECKING:
    from tests.oversight.conftest import Store


@pytest.mark.parametrize(("months", "step"), [(0, None), (1, "reminder"), (2, "interview"), (3, "full_check"),
                                              (4, "full_check"), (12, "full_check")])
def test_the_step_follows_the_number_of_months(months: int, step: str | None) -> None:
    got = step_for(pd.Series([months]))[0]
    assert (None if pd.isna(got) else got) == step


def _list(store: Store, as_of: dt.date = AS_OF) -> pd.DataFrame:
    with session_scope(store.engine) as s:
        return escalation_list(s, as_of)


@pytest.mark.parametrize(("n", "step"), [(1, "reminder"), (2, "interview"), (3, "full_check")])
def test_months_with_arrears_escalate_the_contractor(store: Store, n: int, step: str) -> None:
    key = store.project("P-1")
    for m in ("2025-03", "2025-05", "2025-07")[:n]:
        store.month("P-1", m, unpaid=100)
    store.month("P-1", "2025-08")  # paid in full: not a month with arrears
    e = _list(store)
    assert list(e.columns[:4]) == ESCALATION_COLUMNS
    assert e.set_index("enterprise_uscc").loc[key, ["months", "step"]].tolist() == [n, step]


def test_a_clean_enterprise_is_not_listed(store: Store) -> None:
    store.project("P-1")
    store.month("P-1", "2025-06")
    assert _list(store).empty


@pytest.mark.parametrize(("as_of", "listed"), [
    (dt.date(2025, 4, 14), False),  # the day before March's due date: pending, no arrears yet
    (dt.date(2025, 4, 15), True),  # on the due date
    (dt.date(2025, 4, 16), True),
])
def test_arrears_count_from_the_due_date(store: Store, as_of: dt.date, listed: bool) -> None:
    store.project("P-1")
    store.month("P-1", "2025-03", unpaid=100, due=dt.date(2025, 4, 15))
    assert (not _list(store, as_of).empty) == listed


@pytest.mark.parametrize(("month", "counted"), [
    ("2024-12", False),  # thirteen months back
    ("2025-01", True),  # the twelfth month back, counting December 2025
    ("2025-12", True),
])
def test_only_the_last_twelve_months_count(store: Store, month: str, counted: bool) -> None:
    store.project("P-1")
    store.leads([{"source": "local", "received_on": dt.date.fromisoformat(month + "-10"), "worker_name": "a",
                  "project_code": "P-1"}])
    assert (not _list(store).empty) == counted


def test_a_month_with_arrears_and_a_lead_counts_once(store: Store) -> None:
    key = store.project("P-1")
    store.month("P-1", "2025-03", unpaid=100)
    store.leads([{"source": "local", "received_on": dt.date(2025, 3, k), "worker_name": f"w{k}",
                  "project_code": "P-1"} for k in (2, 9)])
    store.leads([{"source": "national", "received_on": dt.date(2025, 6, 1), "worker_name": "x",
                  "project_code": "P-1"}])
    row = _list(store).set_index("enterprise_uscc").loc[key]
    assert (row["months"], row["step"], row["month_list"]) == (2, "interview", ["2025-03", "2025-06"])


def test_a_subcontractor_escalates_on_its_workers_arrears_and_leads(store: Store) -> None:
    store.project("P-1")
    mine = store.worker_ids(1)[0]
    store.roster("P-1", [(mine, "东阳市丙劳务有限公司", True)])
    store.month("P-1", "2025-02", unpaid=100)
    store.finding("P-1", "2025-02", "CARD-UNPAID", "critical", worker_id=mine, amount=100)
    store.leads([{"source": "local", "received_on": dt.date(2025, 9, 1), "worker_name": "a",
                  "employer_name": "东阳市丙劳务有限公司"},
                 {"source": "local", "received_on": dt.date(2025, 10, 1), "worker_name": "b",
                  "employer_name": "东阳 市丙劳务有限公司"}])  # the same company, typed with a space
    row = _list(store).set_index("enterprise_key").loc["name:东阳市丙劳务有限公司"]
    assert (row["months"], row["step"], row["role"]) == (3, "full_check", "sub")
