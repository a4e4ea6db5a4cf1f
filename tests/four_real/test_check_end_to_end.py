"""`four-real check` on generated files: every planted rule is found exactly as the answer key says.

These run the whole chain (files → readers → resolve → pandera → rules → JSON) on files written in the
formats people really send, so a disagreement anywhere in the chain shows up here.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pandas as pd
import pytest

from fixtures.answer_key import AnswerKey
from fixtures.make import make
from four_real.check import CheckReport, run_check
from four_real.report import load_schema, to_document
from validators.catalogue import CHECK_RULES


def found_keys(report: CheckReport) -> set[tuple]:
    f = report.findings
    return {
        (r.rule, r.project, r.month, None if not isinstance(r.worker_id, str) else r.worker_id,
         None if pd.isna(r.amount) else int(r.amount))
        for r in f.itertuples()
    }


def check_folder(out: Path, key: AnswerKey) -> CheckReport:
    return run_check([out], as_of=dt.date.fromisoformat(key.as_of))


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, AnswerKey, CheckReport]:
    out = tmp_path_factory.mktemp("planted")
    key = make(out, seed=11, workers=24, months=["2025-03"], violations=None, style="mixed")
    return out, key, check_folder(out, key)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, AnswerKey, CheckReport]:
    out = tmp_path_factory.mktemp("clean")
    key = make(out, seed=5, workers=20, months=["2025-03"], violations=[], style="mixed")
    return out, key, check_folder(out, key)


def test_generated_clean_month_has_no_findings_and_no_rejected_rows(clean) -> None:
    _, key, report = clean
    assert key.findings == []
    assert report.findings.empty, report.findings[["rule", "project", "worker_id"]].to_string()
    assert report.rejected == []
    assert set(report.project_months["level"]) == {"green"}
    assert (report.project_months["unpaid"] == 0).all()


def test_every_check_rule_is_planted_in_the_answer_key(planted) -> None:
    _, key, _ = planted
    assert {e["rule"] for e in key.findings} >= set(CHECK_RULES)


def test_planted_findings_match_the_answer_key_exactly(planted) -> None:
    _, key, report = planted
    expected = key.keys()
    found = found_keys(report)
    assert found - expected == set(), "unexpected findings"
    assert expected - found == set(), "missed findings"


@pytest.mark.parametrize("rule", CHECK_RULES)
def test_each_rule_is_found_with_worker_month_and_amount(planted, rule: str) -> None:
    _, key, report = planted
    answers = key.keys()
    expected = {k for k in answers if k[0] == rule}
    assert expected, f"{rule} not planted"
    assert {k for k in found_keys(report) if k[0] == rule} == expected


def test_rows_add_up_for_every_input(planted) -> None:
    _, _, report = planted
    assert report.inputs
    for s in report.inputs:
        assert s.rows == s.accepted + s.rejected + s.skipped, s


def test_json_document_validates_against_the_schema(planted) -> None:
    _, _, report = planted
    document = to_document(report)
    jsonschema.validate(document, load_schema())
    assert document["findings"] and document["project_months"]
    assert all(f["message"].count(" / ") >= 1 for f in document["findings"])


def test_the_answer_key_file_beside_the_projects_is_skipped_not_fatal(planted) -> None:
    out, _, report = planted
    assert (out / "answer_key.json").exists()
    assert "answer_key.json" in report.skipped_files


@pytest.mark.parametrize("style", ["xlsx", "csv"])
def test_same_findings_whatever_the_file_format(tmp_path: Path, style: str, planted) -> None:
    _, key, report = planted
    other = make(tmp_path, seed=11, workers=24, months=["2025-03"], violations=None, style=style)
    assert other.keys() == key.keys()
    assert found_keys(check_folder(tmp_path, other)) == found_keys(report)


def test_cli_json_output_and_fail_on(planted, tmp_path: Path) -> None:
    out, key, _ = planted
    target = tmp_path / "result.json"
    base = [sys.executable, "-m", "four_real.cli.app", "check", str(out), "--as-of", key.as_of]
    proc = subprocess.run([*base, "--format", "json", "--output", str(target)], capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
    document = json.loads(target.read_text(encoding="utf-8"))
    jsonschema.validate(document, load_schema())
    assert document["schema"] == "four-real/check@1"
    failing = subprocess.run([*base, "--format", "json", "--output", str(target), "--fail-on", "critical"],
                             capture_output=True, text=True)
    assert failing.returncode == 1


def test_cli_table_output_in_chinese(clean) -> None:
    out, key, _ = clean
    proc = subprocess.run(
        [sys.executable, "-m", "four_real.cli.app", "check", str(out), "--as-of", key.as_of],
        capture_output=True, text=True, env={"LANG": "zh_CN.UTF-8", "PATH": "/usr/bin:/bin",
                                             "COLUMNS": "200"},
    )
    assert proc.returncode == 0, proc.stderr
    assert "项目月度汇总" in proc.stdout and "绿" in proc.stdout


def test_pending_month_has_no_arrears(tmp_path: Path) -> None:
    key = make(tmp_path, seed=3, workers=10, months=["2025-03"], violations=[], style="csv")
    report = run_check([tmp_path], as_of=dt.date(2025, 4, 1))
    assert set(report.project_months["status"]) == {"pending"}
    assert (report.project_months["unpaid"] == 0).all()
    assert key.as_of > "2025-04-01"
