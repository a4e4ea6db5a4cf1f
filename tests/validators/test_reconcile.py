"""The whole run: rule wiring, a clean month, ordering, severities and figures across projects."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from tests.validators.conftest import clean_month, combine, run_rules
from validators import reconcile as reconcile_module
from validators.catalogue import CHECK_RULES, RULES
from validators.config import RuleConfig
from validators.dataset import Dataset
from validators.figures import FIGURE_COLUMNS
from validators.reconcile import RESULT_COLUMNS, RuleWiringError, reconcile, rule_functions


def test_every_check_rule_has_exactly_one_function() -> None:
    codes = [code for module in reconcile_module.MODULES for code in module.RULES]
    assert sorted(codes) == sorted(CHECK_RULES)
    assert list(rule_functions()) == list(CHECK_RULES)
    assert not any(RULES[c].store_only for c in codes)


def test_missing_rule_function_refuses_to_run(monkeypatch: pytest.MonkeyPatch) -> None:
    from validators.rules import real_card

    monkeypatch.setattr(real_card, "RULES", {k: v for k, v in real_card.RULES.items() if k != "CARD-LATE"})
    with pytest.raises(RuleWiringError, match="missing \\['CARD-LATE'\\]"):
        rule_functions()


def test_clean_month_has_no_findings() -> None:
    cm = clean_month()
    result = reconcile(cm.dataset(), as_of=cm.as_of)
    assert result.findings.empty
    assert list(result.findings.columns) == RESULT_COLUMNS
    assert result.project_months[["unpaid", "anxin_index", "level"]].values.tolist() == [[0, 100.0, "green"]]


def test_clean_months_of_several_projects_have_no_findings() -> None:
    frames = combine(*[clean_month(month=m) for m in ("2025-02", "2025-03")],
                     *[clean_month(month=m, project="DY2025-002", first_seq=20, workers=12)
                       for m in ("2025-02", "2025-03")])
    result = reconcile(Dataset.from_frames(**frames), as_of=pd.Timestamp("2025-04-20").date())
    assert result.findings.empty
    assert result.project_months[["project", "month"]].values.tolist() == [
        ["DY2025-001", "2025-02"], ["DY2025-001", "2025-03"], ["DY2025-002", "2025-02"],
        ["DY2025-002", "2025-03"]]
    assert list(result.project_months.columns) == FIGURE_COLUMNS


def test_findings_are_annotated_and_sorted_by_project_month_severity_rule_worker() -> None:
    cm = clean_month()
    cm.frames["disbursement"] = cm.frames["disbursement"].iloc[:0]
    cm.frames["project"] = cm.frames["project"].assign(deposit_status="unpaid")
    f = run_rules(cm.frames, as_of=cm.as_of)
    card = f[f["rule"].isin(["CARD-UNPAID", "PRJ-NO-DEPOSIT"])]
    assert card["rule"].tolist() == ["CARD-UNPAID"] * 3 + ["PRJ-NO-DEPOSIT"]
    assert card["worker_id"].tolist()[:3] == sorted(cm.ids)
    assert card[["pillar", "severity"]].drop_duplicates().values.tolist() == [
        ["real_card", "critical"], ["funding", "medium"]]
    assert card["basis"].iloc[0] == RULES["CARD-UNPAID"].basis
    ranks = f["severity"].map({"critical": 4, "high": 3, "medium": 2, "low": 1})
    assert ranks.is_monotonic_decreasing


def test_severity_override_changes_severity_and_index_penalty() -> None:
    cm = clean_month(with_account=False)
    cm.frames["project"] = cm.frames["project"].assign(deposit_status="unpaid")
    config = dataclasses.replace(RuleConfig(), severity_overrides={"PRJ-NO-DEPOSIT": "critical"})
    result = reconcile(cm.dataset(), as_of=cm.as_of, config=config)
    assert result.findings["severity"].tolist() == ["critical"]
    assert result.project_months[["anxin_index", "level", "critical"]].values.tolist() == [[95.0, "red", 1]]


def test_only_judged_months_are_reported() -> None:
    frames = combine(clean_month(month="2025-02"), clean_month(month="2025-03"))
    frames["disbursement"] = frames["disbursement"].iloc[:0]
    result = reconcile(Dataset.from_frames(**frames), as_of=pd.Timestamp("2025-04-20").date(),
                       months=["2025-03"])
    assert set(result.findings["month"]) == {"2025-03"}
    assert result.project_months["month"].tolist() == ["2025-03"]


def test_month_with_attendance_and_no_payroll_at_all_is_judged_not_crashed() -> None:
    # A project whose payroll sheet is missing entirely: the underpayment rules have nothing to judge,
    # and PAY-SHEET-MISSING must still be raised.
    month = clean_month()
    frames = {k: v for k, v in month.frames.items() if k != "payroll"}
    found = run_rules(frames, as_of=month.as_of)
    assert "PAY-SHEET-MISSING" in set(found["rule"])
    assert not {"PAY-BELOW-AGREED", "PAY-BELOW-MINIMUM"} & set(found["rule"])
