"""The 安薪指数 of townships, sectors and general contractors: owed-weighted, levelled at 80 and 95."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from four_real.oversight.aggregates import (
    COLUMNS,
    by_enterprise,
    by_month,
    by_sector,
    by_subcontractor,
    by_township,
)
from four_real.store.db import session_scope

if TYPE_CHECKING:
    from tests.oversight.conftest import Store


def _town(store: Store, month: str | None = "2025-03") -> dict:
    with session_scope(store.engine) as s:
        return by_township(s, month).set_index("township").to_dict("index")


@pytest.mark.parametrize(("low", "index", "level"), [
    (79.6, 94.9, "yellow"),  # (79.6 × 1 + 100 × 3) ÷ 4 = 94.9: just below 95
    (80.0, 95.0, "green"),  # at 95
    (80.4, 95.1, "green"),
    (20.0, 80.0, "yellow"),  # at 80
    (19.6, 79.9, "red"),  # just below 80
])
def test_the_index_is_owed_weighted_and_levelled_at_the_thresholds(store: Store, low: float, index: float,
                                                                   level: str) -> None:
    store.project("P-1", township="横店镇")
    store.project("P-2", township="横店镇")
    store.month("P-1", "2025-03", payable=100_000, anxin=low)
    store.month("P-2", "2025-03", payable=300_000, anxin=100.0)
    row = _town(store)["横店镇"]
    assert (row["anxin_index"], row["level"], row["projects"], row["payable"]) == (index, level, 2, 400_000)


def test_a_critical_or_high_finding_sets_the_level_whatever_the_index(store: Store) -> None:
    store.project("P-1", township="横店镇")
    store.project("P-2", township="歌山镇")
    store.month("P-1", "2025-03", anxin=100.0, critical=1)
    store.month("P-2", "2025-03", anxin=100.0, high=2)
    towns = _town(store)
    assert (towns["横店镇"]["level"], towns["歌山镇"]["level"]) == ("red", "yellow")


def test_nothing_owed_is_an_index_of_100(store: Store) -> None:
    store.project("P-1")
    store.month("P-1", "2025-03", payable=0, anxin=100.0)
    assert _town(store)["吴宁街道"]["anxin_index"] == 100.0


def test_groups_by_sector_enterprise_and_month(store: Store) -> None:
    a = store.project("P-1", sector="water", contractor="浙江甲建设集团有限公司")
    store.project("P-2", sector="water", contractor="浙江甲建设集团有限公司")
    store.project("P-3", sector="transport", contractor="浙江乙建设集团有限公司")
    store.month("P-1", "2025-03", payable=200_000, unpaid=50_000, anxin=75.0)
    store.month("P-2", "2025-03", payable=200_000, anxin=100.0)
    store.month("P-3", "2025-03", payable=100_000, anxin=100.0)
    store.month("P-3", "2025-02", payable=100_000, anxin=50.0)
    with session_scope(store.engine) as s:
        sectors = by_sector(s, "2025-03").set_index("sector")
        firms = by_enterprise(s, "2025-03").set_index("enterprise_uscc")
        months = by_month(s).set_index("month")
        every = by_township(s, None).set_index("township")
    assert list(sectors.columns) == COLUMNS
    assert sectors.loc["water", ["projects", "payable", "unpaid", "anxin_index", "level"]].tolist() == [
        2, 400_000, 50_000, 87.5, "yellow"]
    assert firms.loc[a, ["enterprise_name", "projects", "anxin_index"]].tolist() == ["浙江甲建设集团有限公司", 2, 87.5]
    assert months.loc["2025-02", "anxin_index"] == 50.0
    assert every.loc["吴宁街道", "payable"] == 600_000


def test_a_project_month_without_a_project_file_is_unknown_not_lost(store: Store) -> None:
    store.month("P-X", "2025-03", payable=100_000, anxin=90.0)
    assert _town(store)["unknown"]["anxin_index"] == 90.0


def test_a_subcontractor_is_indexed_from_its_own_workers(store: Store) -> None:
    store.project("P-1")
    store.month("P-1", "2025-03", payable=400_000, unpaid=50_000, anxin=80.0, critical=1)
    a1, a2, b1, b2 = store.worker_ids(4)
    store.roster("P-1", [(a1, "东阳市甲劳务有限公司", True), (a2, "东阳市甲劳务有限公司", True),
                         (b1, "东阳市乙劳务有限公司", True), (b2, "东阳市乙劳务有限公司", True)])
    store.payroll("P-1", "2025-03", [(a1, 100_000), (a2, 100_000), (b1, 150_000), (b2, 50_000)])
    store.finding("P-1", "2025-03", "CARD-UNPAID", "critical", worker_id=a1, amount=50_000)
    store.finding("P-1", "2025-03", "CARD-LATE", "medium", worker_id=b2, amount=10_001)
    with session_scope(store.engine) as s:
        subs = by_subcontractor(s, "2025-03").set_index("enterprise_name")
    # A: 150,000 of 200,000 covered = 75.0, less 5 for one critical rule = 70.0; B: 189,999 of 200,000 = 95.0
    assert subs.loc["东阳市甲劳务有限公司", ["payable", "unpaid", "anxin_index", "level"]].tolist() == [
        200_000, 50_000, 70.0, "red"]
    assert subs.loc["东阳市乙劳务有限公司", ["payable", "unpaid", "anxin_index", "level"]].tolist() == [
        200_000, 0, 95.0, "green"]
