"""The generator: files in the formats of files.md, a reference copy of the same rows, a key of what was
planted, and clean data everywhere else."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from bench.city_files import days_text, yuan
from bench.city_gen import generate
from four_real.check import run_check
from ingest.values import card, id_number


def test_every_planting_is_present_so_the_comparisons_are_not_vacuous(tiny_city: tuple[Path, dict[str, Any]]) -> None:
    _, key = tiny_city
    assert set(key["expected_counts"]) == {"CARD-UNPAID", "CARD-SHORT", "CARD-SHARED", "CARD-NOT-OWN",
                                           "PAY-MISSING", "PAY-DAYS-MISMATCH", "XP-DOUBLE-ATTENDANCE"}
    assert all(n >= 1 for n in key["expected_counts"].values())
    # a shared card and a double attendance each concern two findings
    assert key["expected_counts"]["CARD-SHARED"] % 2 == 0
    assert key["expected_counts"]["XP-DOUBLE-ATTENDANCE"] % 2 == 0


def test_reference_csvs_hold_the_rows_the_key_counts(tiny_city: tuple[Path, dict[str, Any]]) -> None:
    folder, key = tiny_city
    ref = folder / "reference"
    assert len(pd.read_csv(ref / "attendance.csv")) == key["attendance_rows"]
    assert len(pd.read_csv(ref / "payroll.csv")) == key["payroll_lines"]
    assert len(pd.read_csv(ref / "disbursement.csv")) == key["disbursements"]
    assert sorted(p.name for p in (folder / "files").iterdir()) == [f"DY2025-{k:05d}" for k in range(1, 6)]


def test_ids_and_cards_are_valid_and_cards_are_one_per_worker_except_the_planted(
        tiny_city: tuple[Path, dict[str, Any]]) -> None:
    folder, key = tiny_city
    roster = pd.read_csv(folder / "reference" / "roster.csv", dtype="str")
    # the project's own validators: the check digit, a real birth date, a known province; Luhn for cards
    assert roster["id_number"].map(id_number.is_valid).all()
    assert roster["card_number"].map(card.luhn_ok).all()
    per_card = roster.drop_duplicates(["card_number", "id_number"]).groupby("card_number").size()
    assert (per_card > 1).sum() == key["expected_counts"]["CARD-SHARED"] // 2


def test_engine_reads_every_row_and_finds_exactly_the_planted_check_rules(
        tiny_city: tuple[Path, dict[str, Any]]) -> None:
    folder, key = tiny_city
    report = run_check([folder / "files"], as_of=dt.date.fromisoformat(key["as_of"]))
    assert report.rejected == [] and report.warnings == []
    found = set(zip(report.findings["rule"], report.findings["project"], report.findings["worker_id"], strict=True))
    planted = {(e["rule"], e["project"], e["worker_id"]) for v in key["planted"].values() for e in v
               if e["rule"] != "XP-DOUBLE-ATTENDANCE"}  # store-only: check cannot see other projects
    assert found == planted


def test_same_seed_same_files_and_key(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", projects=2, seed=3)
    b = generate(tmp_path / "b", projects=2, seed=3)
    a.pop("seconds"), b.pop("seconds")
    assert a == b
    for f in sorted((tmp_path / "a").rglob("*.*")):
        if f.suffix in (".csv", ".txt"):
            assert f.read_bytes() == (tmp_path / "b" / f.relative_to(tmp_path / "a")).read_bytes(), f


def test_refuses_a_folder_with_files(tmp_path: Path) -> None:
    (tmp_path / "old.csv").write_text("x", encoding="utf-8")
    with pytest.raises(FileExistsError, match="not empty"):
        generate(tmp_path, projects=1)


@pytest.mark.parametrize(("fen", "text"), [
    (0, "0.00"),  # nothing
    (5, "0.05"),  # one digit of fen is padded
    (123456, "1234.56"),
    (100, "1.00"),
])
def test_yuan_text_is_exact(fen: int, text: str) -> None:
    assert yuan([fen])[0] == text


def test_days_text_keeps_half_days_and_drops_trailing_zero() -> None:
    assert days_text([24.0, 23.5]).tolist() == ["24", "23.5"]


def test_key_is_json_with_the_schema(tiny_city: tuple[Path, dict[str, Any]]) -> None:
    folder, _ = tiny_city
    assert json.loads((folder / "bench_key.json").read_text(encoding="utf-8"))["schema"] == "four-real/bench-city@1"
