"""`four-real check` fails with one clear sentence and exit status 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def run_cli(*args: str, env_lang: str = "en_US.UTF-8") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "four_real.cli.app", *args],
        capture_output=True, text=True, env={"LANG": env_lang, "PATH": "/usr/bin:/bin"},
    )


def assert_one_sentence(proc: subprocess.CompletedProcess[str]) -> None:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "Traceback" not in proc.stdout
    assert len([line for line in proc.stderr.splitlines() if line.strip()]) == 1, proc.stderr


def test_empty_folder_is_refused_with_one_sentence(tmp_path: Path) -> None:
    proc = run_cli("check", str(tmp_path))
    assert_one_sentence(proc)
    assert "empty" in proc.stderr


def test_missing_path_is_refused(tmp_path: Path) -> None:
    proc = run_cli("check", str(tmp_path / "nope.xlsx"))
    assert_one_sentence(proc)
    assert "no such file" in proc.stderr


def test_file_that_is_not_a_spreadsheet_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "payroll.xlsx"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    proc = run_cli("check", str(bad))
    assert_one_sentence(proc)
    assert "payroll.xlsx" in proc.stderr


def test_sheet_of_unknown_kind_names_its_headers(tmp_path: Path) -> None:
    odd = tmp_path / "odd.csv"
    odd.write_text("水果,价格,产地\n苹果,5,山东\n", encoding="utf-8")
    proc = run_cli("check", str(odd))
    assert_one_sentence(proc)
    assert "odd.csv" in proc.stderr and "水果" in proc.stderr


def test_chinese_terminal_gets_chinese_error(tmp_path: Path) -> None:
    proc = run_cli("check", str(tmp_path), env_lang="zh_CN.UTF-8")
    assert_one_sentence(proc)
    assert "错误" in proc.stderr


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--month", "2025-13"], "month not recognised"),  # no 13th month
        (["--as-of", "25/04/2025"], "date not recognised"),  # day-first dates are ambiguous
        (["--format", "xml"], "--format"),
        (["--fail-on", "urgent"], "--fail-on"),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str], fragment: str) -> None:
    (tmp_path / "a.csv").write_text("姓名,身份证号\n", encoding="utf-8")
    proc = run_cli("check", str(tmp_path), *args)
    assert_one_sentence(proc)
    assert fragment in proc.stderr


def test_help_lists_commands() -> None:
    proc = run_cli("--help")
    assert proc.returncode == 0
    assert "check" in proc.stdout and "fixtures" in proc.stdout
