"""Listing and counting warnings: filters on sector, township, status, month and projects, paging, the
public model the API returns, the bulletin's counts, and the audit trail in order."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from four_real.store.db import session_scope
from four_real.warnings import lifecycle
from four_real.warnings.queries import (
    count_warnings,
    get_warning,
    list_warnings,
    warning_counts,
    warning_events,
    warnings_page,
)
from tests.warnings.conftest import finding, run

RAISED = dt.date(2025, 4, 20)
LATER = dt.date(2025, 4, 25)  # critical warnings (due 04-23) are overdue, high ones (04-27) not


def _city(engine) -> dict[str, int]:
    run(engine, [
        finding("CARD-UNPAID", project="P1"), finding("RN-NO-CONTRACT", project="P1", amount=None),
        finding("CARD-UNPAID", project="P2"), finding("CARD-UNPAID", project="P3"),
        finding("CARD-SHORT", project="P1", month="2025-02"),
    ], as_of=RAISED)
    with session_scope(engine) as session:
        listed = list_warnings(session, limit=100, as_of=RAISED)
    return {f"{w.project_code}/{w.month}/{w.rule_group}": w.id for w in listed}


def test_filters_select_on_each_column_and_any_of_a_list(city):
    ids = _city(city)
    with session_scope(city) as session:
        def keys(**kw):
            return {f"{w.project_code}/{w.month}/{w.rule_group}" for w in list_warnings(session, as_of=LATER, **kw)}

        assert keys() == set(ids)
        assert keys(sector="housing") == {"P1/2025-03/arrears", "P1/2025-03/real_name", "P1/2025-02/arrears"}
        assert keys(sector=["water", "transport"]) == {"P2/2025-03/arrears"}
        assert keys(township="南马镇") == {"P2/2025-03/arrears"}
        assert keys(month="2025-02") == {"P1/2025-02/arrears"}
        assert keys(project_codes=["P2", "P3"]) == {"P2/2025-03/arrears", "P3/2025-03/arrears"}
        assert keys(overdue=True) == {"P1/2025-03/arrears", "P2/2025-03/arrears", "P3/2025-03/arrears"}
        assert keys(overdue=False) == {"P1/2025-03/real_name", "P1/2025-02/arrears"}
        lifecycle.acknowledge(session, ids["P2/2025-03/arrears"], actor="水利局")
        assert keys(status="acknowledged") == {"P2/2025-03/arrears"}
        assert keys(status=["open", "acknowledged"], sector="water") == {"P2/2025-03/arrears"}
        assert count_warnings(session, sector="housing") == 3


def test_the_list_puts_critical_and_nearest_deadlines_first_and_pages(city):
    _city(city)
    with session_scope(city) as session:
        everything = list_warnings(session, as_of=LATER)
        first, second = list_warnings(session, limit=2, as_of=LATER), list_warnings(session, limit=2, offset=2,
                                                                                   as_of=LATER)
        page = warnings_page(session, limit=2, sector="housing", as_of=LATER)
    assert [w.severity for w in everything] == ["critical"] * 3 + ["high"] * 2
    assert [w.id for w in first + second] == [w.id for w in everything[:4]]
    assert page.count == 3 and len(page.data) == 2


def test_the_public_model_carries_routing_and_overdue(city):
    ids = _city(city)
    with session_scope(city) as session:
        p1 = get_warning(session, ids["P1/2025-03/arrears"], as_of=LATER)
        p3 = get_warning(session, ids["P3/2025-03/arrears"], as_of=RAISED)
        assert get_warning(session, 12345) is None
    assert p1 is not None and p3 is not None
    assert (p1.bureaus, p1.overdue, p1.amount, p1.deadline) == (["hr", "housing"], True, 100_00, dt.date(2025, 4, 23))
    assert (p3.bureaus, p3.overdue, p3.sector) == (["hr"], False, None)
    assert set(p1.model_dump()) >= {"id", "project_code", "month", "rule_group", "severity", "status", "urge_count"}


def test_counts_for_the_bulletin(city):
    ids = _city(city)
    with session_scope(city) as session:
        lifecycle.resolve(session, ids["P2/2025-03/arrears"], actor="水利局")
        counts = warning_counts(session, month="2025-03", as_of=LATER)
        every_month = warning_counts(session, as_of=LATER)
    assert list(counts.columns) == ["sector", "township", "severity", "status", "overdue", "count"]
    rows = {(None if pd.isna(r.sector) else r.sector, None if pd.isna(r.township) else r.township, r.severity,
             r.status, bool(r.overdue), int(r.count)) for r in counts.itertuples()}
    assert rows == {
        ("housing", "吴宁街道", "critical", "open", True, 1), ("housing", "吴宁街道", "high", "open", False, 1),
        ("water", "南马镇", "critical", "resolved", False, 1), (None, None, "critical", "open", True, 1),
    }
    assert int(every_month["count"].sum()) == 5


def test_counts_of_an_empty_store_have_the_columns(engine):
    with session_scope(engine) as session:
        counts = warning_counts(session)
    assert counts.empty and list(counts.columns) == ["sector", "township", "severity", "status", "overdue", "count"]


def test_the_audit_trail_comes_back_in_order(city):
    ids = _city(city)
    wid = ids["P1/2025-03/arrears"]
    with session_scope(city) as session:
        lifecycle.acknowledge(session, wid, actor="住建局 王")
        lifecycle.urge(session, wid, actor="人社局 李", note="请尽快")
        trail = warning_events(session, wid)
    assert [(e.action, e.actor) for e in trail] == [("raised", "system"), ("acknowledged", "住建局 王"),
                                                    ("urged", "人社局 李")]
