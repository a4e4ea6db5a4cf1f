"""The benchmark end to end at a tiny scale, on both stores: every stage timed, the result document's
shape, and the DuckDB reference agreeing with the engine (check and store) on the rules both compute: the
seed of the findings-equality test for the tuned engine (issue 6, target 5)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench.city_bench import agreement, run
from bench.duckdb_ref import RULES
from bench.rss import PeakRss

CHECK_STAGES = ["check.read", "check.resolve", "check.validate", "check.reconcile"]
STORE_STAGES = ["store.migrate", "store.ingest", "store.replay_arrivals", "store.reconcile.load",
                "store.reconcile.reconcile", "store.reconcile.store_rules", "store.reconcile.persist"]


def _check_result(result: dict[str, Any], key: dict[str, Any], db: str) -> None:
    json.dumps(result)  # the document is JSON as it stands
    assert result["schema"] == "four-real/bench-city-result@1"
    assert result["params"]["db"] == db
    assert [s["name"] for s in result["stages"]] == CHECK_STAGES + STORE_STAGES
    for s in result["stages"]:
        assert s["seconds"] >= 0 and s["peak_rss_bytes"] > 50 * 2**20, s  # a Python with pandas is > 50 MB
    assert result["engine"]["files_not_stored"] == 0
    assert result["engine"]["end_to_end_seconds"] > 0
    duck = result["duckdb"]
    assert duck["rows"]["attendance"] == key["attendance_rows"]
    assert duck["variants"]["naive"]["counts"] == duck["variants"]["tuned"]["counts"]
    assert set(result["ratios"]) == {"reconcile_vs_duckdb_tuned", "reconcile_vs_duckdb_naive", "read_vs_duckdb_read"}
    assert "reconcile_vs_duckdb" in result["targets"]
    # the reference, the engine's check, the store and the generator's key name the same findings
    assert set(result["agreement"]) == set(RULES)
    for rule, a in result["agreement"].items():
        assert a["equal"], (rule, a)
        assert a["duckdb"] == key["expected_counts"][rule] >= 1
    assert result["agree"] is True


def test_tiny_benchmark_on_sqlite(tiny_city: tuple[Path, dict[str, Any]]) -> None:
    folder, key = tiny_city
    result = run(scale=1, db="sqlite", data=folder, projects=5, seed=key["seed"], repeat=1)
    _check_result(result, key, "sqlite")


def test_tiny_benchmark_on_postgresql(tiny_city: tuple[Path, dict[str, Any]], pg_admin_url: str) -> None:
    folder, key = tiny_city
    result = run(scale=1, db="postgresql", data=folder, projects=5, seed=key["seed"], pg_url=pg_admin_url, repeat=1)
    _check_result(result, key, "postgresql")


def test_agreement_notices_a_finding_one_side_lacks() -> None:
    key = {"planted": {"CARD-SHORT": [{"rule": "CARD-SHORT", "project": "P", "worker_id": "W", "month": "2025-03"}]}}
    one = {("CARD-SHORT", "P", "W", "2025-03")}
    assert agreement(key, one, one, [["CARD-SHORT", "P", "W", "2025-03"]])["CARD-SHORT"]["equal"]
    missing = agreement(key, one, set(), [["CARD-SHORT", "P", "W", "2025-03"]])["CARD-SHORT"]
    assert missing == {"key": 1, "check": 1, "store": 0, "duckdb": 1, "equal": False}


def test_peak_rss_sees_an_allocation_between_marks() -> None:
    with PeakRss() as rss:
        before = rss.mark()
        block = bytearray(300 * 2**20)  # touched pages: zero-filled bytearray is resident
        block[::4096] = b"\x01" * len(block[::4096])
        peak = rss.mark()
        del block
    assert peak - before > 250 * 2**20


def test_a_folder_of_another_city_is_refused(tiny_city: tuple[Path, dict[str, Any]]) -> None:
    folder, key = tiny_city
    with pytest.raises(SystemExit, match="holds another city"):
        run(scale=1, db="sqlite", data=folder, projects=6, seed=key["seed"])


def test_without_the_store_the_engine_is_still_compared_with_duckdb(tiny_city: tuple[Path, dict[str, Any]]) -> None:
    folder, key = tiny_city
    result = run(scale=1, db="sqlite", data=folder, projects=5, seed=key["seed"], repeat=1, store=False)
    assert [s["name"] for s in result["stages"]] == CHECK_STAGES
    assert result["engine"]["end_to_end_seconds"] is None and result["params"]["db"] == "none"
    # XP-DOUBLE-ATTENDANCE is store-only: without the store only the key and DuckDB speak for it
    assert set(result["agreement"]) == set(RULES)
    assert set(result["agreement"]["XP-DOUBLE-ATTENDANCE"]) == {"key", "duckdb", "equal"}
    assert all("store" not in a and a["equal"] for a in result["agreement"].values())
