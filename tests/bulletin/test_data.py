"""The figures of the bulletin on hand-planted project-months: weighted indices, levels at their thresholds,
workers affected, the trend window, the riskiest projects, and a month with nothing to report."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import Engine

from four_real.bulletin.data import NoFigures, gather, level_of, trend_window, weighted_index
from tests.bulletin.conftest import plant


def _projects(*specs: tuple[str, str, str]) -> list[dict[str, object]]:
    return [{"code": code, "name": f"{code} 工程", "sector": sector, "township": town, "contractor": f"{code} 建设"}
            for code, sector, town in specs]


@pytest.mark.parametrize(("index", "critical", "high", "level"), [
    (95.0, 0, 0, "green"),   # at the target: green
    (94.9, 0, 0, "yellow"),  # just below it
    (95.1, 0, 0, "green"),
    (80.0, 0, 0, "yellow"),  # at the red line: not red
    (79.9, 0, 0, "red"),     # just below it
    (100.0, 1, 0, "red"),    # any critical finding
    (100.0, 0, 1, "yellow"),  # any high finding
    (0.0, 0, 0, "red"),
])
def test_a_group_level_follows_the_project_month_rule(index: float, critical: int, high: int, level: str) -> None:
    assert level_of(index, critical, high) == level


@pytest.mark.parametrize(("tenths", "payable", "index"), [
    (0, 0, 100.0),                        # nothing owed: nothing can be late
    (950 * 300 + 700 * 100, 400, 88.8),   # 88.75 rounds half up
    (9495, 10, 95.0),                     # 94.95 rounds up to the target
    (9494, 10, 94.9),                     # 94.94 stays below it
    (950 * 3, 3, 95.0),                   # exactly 95 stays exactly 95
])
def test_the_weighted_index_rounds_half_up_to_a_tenth(tenths: int, payable: int, index: float) -> None:
    assert weighted_index(tenths, payable) == index


def test_the_trend_window_is_six_months_ending_at_the_bulletin_month() -> None:
    assert trend_window("2025-02") == ["2024-09", "2024-10", "2024-11", "2024-12", "2025-01", "2025-02"]


def test_groups_and_city_weight_the_index_by_what_is_owed(engine: Engine) -> None:
    plant(engine, projects=_projects(("A", "housing", "吴宁街道"), ("B", "housing", "吴宁街道"),
                                     ("C", "water", "横店镇")),
          months=[{"project_code": "A", "month": "2025-03", "payable": 300_00, "anxin_index": 100.0},
                  {"project_code": "B", "month": "2025-03", "payable": 100_00, "unpaid": 30_00, "anxin_index": 70.0,
                   "level": "red"},
                  {"project_code": "C", "month": "2025-03", "payable": 0, "anxin_index": 100.0}])
    b = gather(engine, month="2025-03")
    wuning = b.by_township.loc["吴宁街道"]
    assert wuning["anxin_index"] == 92.5 and wuning["level"] == "yellow"  # (300×100 + 100×70) ÷ 400
    assert wuning["projects"] == 2 and wuning["payable"] == 400_00 and wuning["unpaid"] == 30_00
    assert (wuning["red"], wuning["yellow"], wuning["green"]) == (1, 0, 1)
    assert b.by_township.loc["横店镇", "anxin_index"] == 100.0  # owes nothing
    assert b.headline.anxin_index == 92.5 and b.headline.unpaid == 30_00
    assert list(b.by_sector.index) == ["housing", "water"]
    assert list(b.by_township.index) == ["吴宁街道", "横店镇"]  # most arrears first


def test_a_township_at_exactly_95_is_green_and_one_tenth_below_is_yellow(engine: Engine) -> None:
    plant(engine, projects=_projects(("A", "housing", "歌山镇"), ("B", "housing", "南马镇")),
          months=[{"project_code": "A", "month": "2025-03", "payable": 100_00, "anxin_index": 95.0},
                  {"project_code": "B", "month": "2025-03", "payable": 100_00, "anxin_index": 94.9}])
    b = gather(engine, month="2025-03")
    assert b.by_township.loc["歌山镇", "level"] == "green"
    assert b.by_township.loc["南马镇", "level"] == "yellow"


def test_workers_affected_are_distinct_workers_with_open_arrears_of_the_month(engine: Engine) -> None:
    w1, w2, w3, w4 = "330783198501010011", "330783198501010038", "33078319850101005X", "330783198501010070"
    plant(engine, projects=_projects(("A", "housing", "吴宁街道"), ("B", "transport", "横店镇")),
          months=[{"project_code": "A", "month": "2025-03", "payable": 100_00, "unpaid": 50_00},
                  {"project_code": "B", "month": "2025-03", "payable": 100_00, "unpaid": 20_00},
                  {"project_code": "A", "month": "2025-02", "payable": 100_00, "unpaid": 10_00}],
          findings=[
              {"project_code": "A", "month": "2025-03", "rule": "CARD-UNPAID", "severity": "critical", "worker_id": w1},
              {"project_code": "B", "month": "2025-03", "rule": "CARD-SHORT", "severity": "high", "worker_id": w1},
              {"project_code": "B", "month": "2025-03", "rule": "CARD-SHORT", "severity": "high", "worker_id": w2},
              # not arrears, resolved, or another month: not counted
              {"project_code": "A", "month": "2025-03", "rule": "CARD-LATE", "severity": "medium", "worker_id": w3},
              {"project_code": "A", "month": "2025-03", "rule": "CARD-UNPAID", "severity": "critical",
               "worker_id": w4, "status": "resolved"},
              {"project_code": "A", "month": "2025-02", "rule": "CARD-UNPAID", "severity": "critical",
               "worker_id": w3}])
    b = gather(engine, month="2025-03")
    assert b.headline.affected == 2  # w1 in two projects counts once
    assert b.by_sector.loc["housing", "affected"] == 1 and b.by_sector.loc["transport", "affected"] == 2
    assert b.headline.findings == {"critical": 1, "high": 2, "medium": 1, "low": 0}


def test_trend_months_without_data_are_gaps_not_zeros(engine: Engine) -> None:
    plant(engine, projects=_projects(("A", "housing", "吴宁街道")),
          months=[{"project_code": "A", "month": m, "payable": 100_00, "unpaid": u, "anxin_index": i}
                  for m, u, i in (("2024-12", 10_00, 90.0), ("2025-03", 0, 100.0), ("2025-04", 99_00, 1.0))])
    b = gather(engine, month="2025-03")
    assert b.months == ["2024-10", "2024-11", "2024-12", "2025-01", "2025-02", "2025-03"]
    city = b.trend_city
    assert city.loc["2024-12", "unpaid"] == 10_00 and city.loc["2024-12", "anxin_index"] == 90.0
    assert pd.isna(city.loc["2025-01", "unpaid"]) and pd.isna(city.loc["2025-01", "anxin_index"])
    assert city.loc["2025-01", "projects"] == 0
    assert "2025-04" not in city.index  # a later month is not the bulletin's business
    assert b.trend_sector.loc["2024-12", ("unpaid", "housing")] == 10_00


def test_the_riskiest_are_the_ten_highest_scores_and_never_a_zero(engine: Engine) -> None:
    codes = [f"P{k:02d}" for k in range(13)]
    plant(engine, projects=_projects(*[(c, "housing", "吴宁街道") for c in codes]),
          months=[{"project_code": c, "month": "2025-03", "risk_score": score, "unpaid": unpaid, "payable": 100_00}
                  for c, score, unpaid in zip(codes, [5, 50, 50, 0, 7, 8, 9, 10, 11, 12, 13, 14, 1],
                                              [0, 10, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], strict=True)])
    risky = gather(engine, month="2025-03").riskiest
    # ties on the score go to the larger arrears (P02 before P01); P00 (5) and P12 (1) are eleventh and twelfth
    assert risky["project_code"].tolist() == ["P02", "P01", "P11", "P10", "P09", "P08", "P07", "P06", "P05", "P04"]


def test_only_risky_projects_are_listed_when_fewer_than_ten(engine: Engine) -> None:
    plant(engine, projects=_projects(("A", "housing", "吴宁街道"), ("B", "housing", "吴宁街道")),
          months=[{"project_code": "A", "month": "2025-03", "risk_score": 0},
                  {"project_code": "B", "month": "2025-03", "risk_score": 1}])
    assert gather(engine, month="2025-03").riskiest["project_code"].tolist() == ["B"]


def test_pending_months_and_projects_without_a_project_file_are_counted(engine: Engine) -> None:
    plant(engine, projects=_projects(("A", "housing", "吴宁街道")),
          months=[{"project_code": "A", "month": "2025-03", "status": "pending"},
                  {"project_code": "ZZ-NO-FILE", "month": "2025-03", "payable": 5_00}])
    b = gather(engine, month="2025-03")
    assert b.headline.projects == 2 and b.headline.pending == 1
    assert "unknown" in b.by_sector.index and "unknown" in b.by_township.index


def test_as_of_defaults_to_the_day_the_month_was_reconciled(engine: Engine) -> None:
    plant(engine, projects=_projects(("A", "housing", "吴宁街道")),
          months=[{"project_code": "A", "month": "2025-03"}], as_of=dt.date(2025, 4, 20))
    assert gather(engine, month="2025-03").as_of == dt.date(2025, 4, 20)
    assert gather(engine, month="2025-03", as_of=dt.date(2025, 5, 1)).as_of == dt.date(2025, 5, 1)


def test_a_month_never_reconciled_has_no_bulletin(engine: Engine) -> None:
    plant(engine, projects=_projects(("A", "housing", "吴宁街道")), months=[{"project_code": "A", "month": "2025-03"}])
    with pytest.raises(NoFigures, match="four-real reconcile --month 2025-04"):
        gather(engine, month="2025-04")
