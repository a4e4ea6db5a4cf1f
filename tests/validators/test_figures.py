"""Project-month figures, 安薪指数, level and risk score (docs/indices.md)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from tests.validators.conftest import build_context, clean_month
from validators.config import RuleConfig
from validators.dataset import Dataset
from validators.figures import FIGURE_COLUMNS, compute_figures, risk_score
from validators.findings import empty_findings
from validators.reconcile import reconcile


def _figures(frames: dict[str, pd.DataFrame], as_of: dt.date, **kw: object) -> pd.Series:
    result = reconcile(Dataset.from_frames(**frames), as_of=as_of, **kw)
    assert len(result.project_months) == 1
    return result.project_months.iloc[0]


def test_figures_of_a_month_with_unpaid_short_and_late_workers() -> None:
    cm = clean_month(with_account=False)  # 3 × 6300.00 owed, due 2025-04-15
    d = cm.frames["disbursement"]
    cm.frames["disbursement"] = pd.concat([
        d.iloc[[1]].assign(amount=315000),                              # worker 2: half, on time
        d.iloc[[2]].assign(date=pd.Timestamp("2025-04-18")),            # worker 3: in full, late
    ])                                                                  # worker 1: nothing
    row = _figures(cm.frames, cm.as_of)
    assert row[["project", "month", "due_date", "status", "workers"]].tolist() == [
        cm.project, cm.month, "2025-04-15", "due", 3]
    assert row[["payable", "paid", "unpaid", "unpaid_own", "underpaid"]].tolist() == [
        1890000, 945000, 945000, 945000, 0]
    # S = 3150 / 18900 = 16.67 %; P = 5 (CARD-UNPAID) + 2 (CARD-SHORT) = 7 -> 16.7 - 7 = 9.7
    assert row["anxin_index"] == pytest.approx(9.7)
    assert row["level"] == "red"
    # 60 × 0.5 + 40 × (4 + 2 + 1) / 10 = 58
    assert row["risk_score"] == 58
    assert row[["critical", "high", "medium", "low"]].tolist() == [1, 1, 1, 0]


def test_unpaid_own_counts_pay_to_a_card_not_the_workers_own_as_unpaid() -> None:
    cm = clean_month(with_account=False)
    d = cm.frames["disbursement"]
    cm.frames["disbursement"] = d.assign(account_name=d["account_name"].replace(cm.names[0], "别人"))
    row = _figures(cm.frames, cm.as_of)
    assert row[["paid", "unpaid", "unpaid_own"]].tolist() == [1890000, 0, cm.net[0]]


def test_pending_month_scores_full_and_has_no_arrears() -> None:
    cm = clean_month(with_account=False)
    del cm.frames["disbursement"]
    row = _figures(cm.frames, cm.due - dt.timedelta(days=1))
    assert row[["status", "unpaid", "anxin_index", "level", "risk_score"]].tolist() == [
        "pending", 0, 100.0, "green", 0]


@pytest.mark.parametrize(("tenths", "level"), [
    (799, "red"), (800, "yellow"), (801, "yellow"),      # around 80
    (949, "yellow"), (950, "green"), (951, "green"),     # around 95
])
def test_level_follows_the_index_at_its_thresholds(tenths: int, level: str) -> None:
    cm = clean_month(workers=1, with_account=False)
    owed = cm.net[0]
    on_time = owed * tenths // 1000
    d = cm.frames["disbursement"]
    cm.frames["disbursement"] = pd.concat([   # the rest is paid late: CARD-LATE is only medium
        d.assign(amount=on_time), d.assign(amount=owed - on_time, date=pd.Timestamp("2025-04-18"))])
    row = _figures(cm.frames, cm.as_of)
    assert row["anxin_index"] == pytest.approx(tenths / 10)
    assert row["level"] == level
    assert row[["critical", "high"]].tolist() == [0, 0]


def _project_findings(cm, *rules: str) -> pd.DataFrame:
    return pd.DataFrame({"rule": list(rules), "project": cm.project, "month": cm.month,
                         "worker_id": pd.Series([pd.NA] * len(rules), dtype="str"),
                         "amount": pd.array([pd.NA] * len(rules), dtype="Int64")})


def test_any_critical_finding_is_red_and_any_high_yellow_whatever_the_index() -> None:
    cm = clean_month(with_account=False)
    ctx = build_context(cm.frames, as_of=cm.as_of)
    findings = _project_findings(cm, "PAY-MISSING")
    assert compute_figures(ctx, findings).loc[0, ["anxin_index", "level"]].tolist() == [98.0, "yellow"]
    findings = _project_findings(cm, "RN-CHILD", "RN-CHILD")
    assert compute_figures(ctx, findings).loc[0, ["anxin_index", "level", "critical"]].tolist() == [
        95.0, "red", 2]


def test_index_penalty_is_capped_and_the_index_floored_at_zero() -> None:
    cm = clean_month(with_account=False)
    ctx = build_context(cm.frames, as_of=cm.as_of, config=dataclasses.replace(
        RuleConfig(), anxin_penalty_critical=60.0))
    findings = _project_findings(cm, "RN-CHILD")
    assert compute_figures(ctx, findings).loc[0, "anxin_index"] == 50.0
    ctx = build_context(cm.frames, as_of=cm.as_of, config=dataclasses.replace(
        RuleConfig(), anxin_penalty_cap=150.0, anxin_penalty_critical=120.0))
    assert compute_figures(ctx, findings).loc[0, "anxin_index"] == 0.0


def test_underpaid_takes_the_larger_shortfall_per_worker() -> None:
    cm = clean_month(with_account=False)
    ctx = build_context(cm.frames, as_of=cm.as_of)
    findings = pd.DataFrame({
        "rule": ["PAY-BELOW-AGREED", "PAY-BELOW-MINIMUM", "PAY-BELOW-MINIMUM", "PAY-ARITHMETIC"],
        "project": cm.project, "month": cm.month, "worker_id": [cm.ids[0], cm.ids[0], cm.ids[1], cm.ids[2]],
        "amount": pd.array([100, 250, 70, 999], dtype="Int64"),
    })
    figures = compute_figures(ctx, findings)
    assert figures.loc[0, "underpaid"] == 320
    assert list(figures.columns) == FIGURE_COLUMNS


def test_figures_without_findings_have_every_column() -> None:
    cm = clean_month(with_account=False)
    figures = compute_figures(build_context(cm.frames, as_of=cm.as_of), empty_findings())
    assert figures.loc[0, ["payable", "level", "risk_score"]].tolist() == [1890000, "green", 0]


@pytest.mark.parametrize(("unpaid", "payable", "critical", "high", "medium", "expected"), [
    (0, 0, 0, 0, 0, 0),            # nothing owed, nothing found
    (500, 1000, 1, 0, 0, 46),      # 60 × 0.5 + 40 × 0.4
    (1000, 1000, 3, 0, 0, 100),    # load 12 is capped at 10
    (1, 8, 0, 0, 0, 8),            # 7.5 rounds half up
    (0, 1000, 0, 0, 1, 4),
    (0, 1000, 0, 5, 0, 40),        # load exactly full
])
def test_risk_score_rises_with_unpaid_share_and_severity(
        unpaid: int, payable: int, critical: int, high: int, medium: int, expected: int) -> None:
    rules = pd.DataFrame({"critical": [critical], "high": [high], "medium": [medium], "low": [3]})
    score = risk_score(np.array([unpaid]), np.array([payable]), rules, arrears_weight=60.0,
                       severity_weight=40.0)
    assert score.tolist() == [expected]


def test_due_date_beyond_the_published_holiday_calendar_is_flagged() -> None:
    # wage month 2026-12 falls due in January 2027, a year chinese-calendar 1.11 does not cover
    from validators.reconcile import reconcile

    late = clean_month(month="2026-12")
    early = clean_month(month="2025-03")
    assert reconcile(late.dataset(), as_of=late.as_of).project_months["holiday_calendar"].tolist() == [
        "weekends_only"]
    assert reconcile(early.dataset(), as_of=early.as_of).project_months["holiday_calendar"].tolist() == [
        "official"]
