"""The city summary read from the store is what the planted problems imply (the city key)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from fixtures.city import CityKey, make_city
from four_real.demo import replay_arrivals
from four_real.store.db import make_engine
from four_real.store.ingest import ingest_paths
from four_real.store.reconcile import reconcile_store
from four_real.store.schema import ensure_schema
from four_real.summary import GROUP_COLUMNS, RISKY_COLUMNS, SEVERITIES, city_summary

MONTHS = ["2025-02", "2025-03"]  # two months: ACCT-DORMANT needs them, and fewer files ingest faster
KEY_COLUMNS = ["projects", "workers", "payable", "unpaid", "underpaid", "anxin_index", "red", "yellow", "green"]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, CityKey]]:
    root = tmp_path_factory.mktemp("summary")
    key = make_city(root / "files", seed=11, projects=3, months=MONTHS, workers=(12, 20))
    engine = make_engine(f"sqlite:///{(root / 'city.db').as_posix()}")
    ensure_schema(engine)
    for p in key.projects:
        receipts = ingest_paths(engine, [root / "files" / p["folder"]], project=p["code"])
        assert all(r.ok for r in receipts), [r.message for r in receipts if not r.ok]
    replay_arrivals(engine)
    reconcile_store(engine, as_of=dt.date.fromisoformat(key.as_of), months=key.months)
    yield engine, key
    engine.dispose()


def _key_frame(key: CityKey, group: str) -> pd.DataFrame:
    return pd.DataFrame(key.summary[group]).T[KEY_COLUMNS]


def test_unpaid_per_sector_is_the_planted_arrears(store: tuple[Engine, CityKey]) -> None:
    engine, key = store
    sector_of = {p["code"]: p["sector"] for p in key.projects}
    planted: Counter[str] = Counter()
    for e in key.findings:
        if e["rule"] in ("CARD-UNPAID", "CARD-SHORT"):
            planted[sector_of[e["project"]]] += e["amount"]
    s = city_summary(engine)
    assert s.by_sector["unpaid"].to_dict() == {sector: planted.get(sector, 0) for sector in s.by_sector.index}
    assert s.unpaid == sum(planted.values()) > 0


def test_sectors_and_townships_equal_the_key(store: tuple[Engine, CityKey]) -> None:
    engine, key = store
    s = city_summary(engine)
    assert list(s.by_sector.columns) == GROUP_COLUMNS
    assert list(s.by_sector.index) == ["housing", "transport", "water"]
    for frame, group in ((s.by_sector, "by_sector"), (s.by_township, "by_township")):
        expected = _key_frame(key, group).loc[frame.index]
        pd.testing.assert_frame_equal(frame[KEY_COLUMNS].astype("float64"), expected.astype("float64"),
                                      check_names=False)


def test_the_riskiest_project_is_the_one_with_the_most_planted_arrears(store: tuple[Engine, CityKey]) -> None:
    engine, key = store
    arrears: Counter[str] = Counter()
    for m in key.project_months:
        arrears[m["project"]] += m["unpaid"]
    riskiest = city_summary(engine).riskiest
    assert list(riskiest.columns) == RISKY_COLUMNS
    assert riskiest["project_code"].iloc[0] == arrears.most_common(1)[0][0]
    assert riskiest["level"].iloc[0] == "red"
    assert riskiest["project_code"].tolist() == key.summary["riskiest"]


def test_city_index_and_open_findings_equal_the_key(store: tuple[Engine, CityKey]) -> None:
    engine, key = store
    s = city_summary(engine)
    assert s.anxin_index == pytest.approx(key.summary["anxin_index"], abs=0.05)
    assert s.anxin_index < 95  # the dormant project's arrears pull the city below its target
    assert list(s.findings.index) == list(SEVERITIES)
    assert s.findings["findings"].to_dict() == key.summary["findings_by_severity"]
    assert s.projects == len(key.projects) and s.payable == key.summary["payable"]


def test_a_month_filter_sums_that_month_only(store: tuple[Engine, CityKey]) -> None:
    engine, key = store
    s = city_summary(engine, months=["2025-03"])
    march = [m for m in key.project_months if m["month"] == "2025-03"]
    assert s.months == ["2025-03"]
    assert s.payable == sum(m["payable"] for m in march) and s.unpaid == sum(m["unpaid"] for m in march)


def test_an_empty_store_has_an_empty_summary(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{(tmp_path / 'empty.db').as_posix()}")
    ensure_schema(engine)
    s = city_summary(engine)
    engine.dispose()
    assert s.empty and s.anxin_index == 100.0 and s.unpaid == 0
    assert s.by_sector.empty and s.riskiest.empty and s.findings["findings"].sum() == 0
