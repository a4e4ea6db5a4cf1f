"""The engine's findings and figures on a small instance of the benchmark's generator, frozen in a golden
file: tuning the engine for speed (issue 6) must not change one of them (target 5).

The instance is small (eight projects, ~850 workers) so the test runs in seconds, but it is the same
generator as the city's, so every planted problem and every file form of the city (daily CSV exports, gate
logs, xlsx grids with half days, two-row payroll headers, bank feeds in two encodings) is in it.

Regenerate only when a change of findings is intended, and say why in the commit:
    FOUR_REAL_UPDATE_GOLDEN=1 python -m pytest tests/bench/test_golden.py
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from bench.city_gen import generate
from four_real.check import run_check

GOLDEN = Path(__file__).parent / "golden" / "city_p8_seed7.json"
FINDING_KEYS = ["rule", "severity", "project", "month", "worker_id", "amount"]
FIGURE_KEYS = ["project", "month", "status", "workers", "payable", "paid", "unpaid", "unpaid_own", "underpaid",
               "anxin_index", "level", "risk_score", "critical", "high", "medium", "low"]


def _plain(frame: pd.DataFrame, keys: list[str]) -> list[dict[str, Any]]:
    """Rows as JSON values (NA → None, numpy scalars → Python), in a stable order."""
    rows = frame[keys].astype("object").where(frame[keys].notna(), None).to_dict("records")
    out = [{k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()} for r in rows]
    return sorted(out, key=lambda r: json.dumps(r, sort_keys=True, ensure_ascii=False))


@pytest.fixture(scope="module")
def engine_output(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("golden") / "city"
    key = generate(folder, projects=8, seed=7)
    report = run_check([folder / "files"], as_of=dt.date.fromisoformat(key["as_of"]))
    return {"schema": "four-real/bench-golden@1", "generator": {"projects": 8, "seed": 7},
            "as_of": key["as_of"], "rejected_rows": len(report.rejected),
            "findings": _plain(report.findings, FINDING_KEYS),
            "project_months": _plain(report.project_months, FIGURE_KEYS)}


def test_engine_findings_equal_the_golden_file(engine_output: dict[str, Any]) -> None:
    if os.environ.get("FOUR_REAL_UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(engine_output, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert engine_output["rejected_rows"] == golden["rejected_rows"]
    assert engine_output["findings"] == golden["findings"]
    assert engine_output["project_months"] == golden["project_months"]


def test_golden_file_holds_every_planted_check_rule(engine_output: dict[str, Any]) -> None:
    """The golden file is not an empty or trivial record: each planted rule is in it, with amounts."""
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    rules = {f["rule"] for f in golden["findings"]}
    assert {"CARD-UNPAID", "CARD-SHORT", "CARD-SHARED", "CARD-NOT-OWN", "PAY-MISSING", "PAY-DAYS-MISMATCH"} <= rules
    assert all(f["amount"] > 0 for f in golden["findings"] if f["rule"] in ("CARD-UNPAID", "CARD-SHORT"))
    assert len(golden["project_months"]) == 8
