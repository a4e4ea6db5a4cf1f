"""REFER-NONPAYMENT-CRIME: the thresholds of 法释〔2013〕3号 第三条 for one worker and for a group."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from tests.validators.conftest import clean_month, combine, run_rules
from validators.config import RuleConfig

AS_OF = dt.date(2025, 4, 20)


def _one_worker_unpaid(months: list[str]) -> tuple[dict[str, pd.DataFrame], int]:
    """Three workers over Jan–Mar; the first is not paid in ``months``. Returns frames and his arrears."""
    parts = [clean_month(month=m) for m in ("2025-01", "2025-02", "2025-03")]
    frames = combine(*parts)
    d = frames["disbursement"]
    frames["disbursement"] = d[~(d["card_number"].eq(parts[0].cards[0]) & d["month"].isin(months))]
    return frames, sum(p.net[0] for p in parts if p.month in months)


def test_one_worker_unpaid_three_due_months_over_5000_yuan_is_referred() -> None:
    frames, arrears = _one_worker_unpaid(["2025-01", "2025-02", "2025-03"])
    f = run_rules(frames, as_of=AS_OF, only="REFER-NONPAYMENT-CRIME")
    assert f[["rule", "project", "month", "amount"]].values.tolist() == [
        ["REFER-NONPAYMENT-CRIME", "DY2025-001", "2025-03", arrears]]
    assert pd.isna(f.loc[0, "worker_id"])
    assert "1 名工人 3 个月" in f.loc[0, "message_zh"]
    assert len(f.loc[0, "evidence"]) == 3  # the three payroll lines


def test_one_worker_unpaid_two_months_is_not_referred() -> None:
    frames, _ = _one_worker_unpaid(["2025-02", "2025-03"])
    assert run_rules(frames, as_of=AS_OF, only="REFER-NONPAYMENT-CRIME").empty


@pytest.mark.parametrize(("threshold_delta", "referred"), [(-1, True), (0, True), (1, False)])
def test_single_worker_threshold_is_inclusive(threshold_delta: int, referred: bool) -> None:
    frames, arrears = _one_worker_unpaid(["2025-01", "2025-02", "2025-03"])
    config = dataclasses.replace(RuleConfig(), crime_single_fen=arrears + threshold_delta)
    f = run_rules(frames, as_of=AS_OF, config=config, only="REFER-NONPAYMENT-CRIME")
    assert len(f) == int(referred)


def test_months_not_yet_due_do_not_count() -> None:
    frames, _ = _one_worker_unpaid(["2025-01", "2025-02", "2025-03"])
    assert run_rules(frames, as_of=dt.date(2025, 4, 14), only="REFER-NONPAYMENT-CRIME").empty


@pytest.mark.parametrize(("workers", "referred"), [(9, False), (10, True), (11, True)])
def test_ten_or_more_unpaid_workers_over_30000_yuan_are_referred(workers: int, referred: bool) -> None:
    cm = clean_month(workers=workers)
    del cm.frames["disbursement"]
    f = run_rules(cm.frames, as_of=cm.as_of, only="REFER-NONPAYMENT-CRIME")
    assert f["amount"].tolist() == ([sum(cm.net)] if referred else [])
    if referred:
        assert f"{workers} 名工人 1 个月" in f.loc[0, "message_zh"]


def test_referral_is_reported_on_the_latest_judged_month() -> None:
    frames, arrears = _one_worker_unpaid(["2025-01", "2025-02", "2025-03"])
    f = run_rules(frames, as_of=AS_OF, months=["2025-02"], only="REFER-NONPAYMENT-CRIME")
    assert f[["month", "amount"]].values.tolist() == [["2025-02", arrears]]
