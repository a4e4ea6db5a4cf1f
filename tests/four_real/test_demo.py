"""`four-real demo`: makes, ingests, reconciles and prints the city summary; never overwrites real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from fixtures.city import CityKey
from four_real.cli.demo_cmd import register

ENGLISH = {"LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
CHINESE = {"LC_ALL": "zh_CN.UTF-8", "LANG": "zh_CN.UTF-8"}
HEADINGS_EN = ["City summary", "By sector", "By township", "Riskiest projects", "Open findings by severity",
               "Enterprise grades", "complaint leads", "four-real check", "four-real report bulletin"]
HEADINGS_ZH = ["全市汇总", "按行业", "按镇街", "风险最高的项目", "未处理的问题（按级别）", "企业评级", "欠薪线索",
               "four-real check"]


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:  # a group, so `demo` is a subcommand as in the real console script
        """four-real"""

    register(app)
    return app


def _demo(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    result = CliRunner().invoke(_app(), ["demo", *args], env=env)
    return result.exit_code, result.output


def test_demo_replaces_a_previous_demo_and_prints_the_summary_in_chinese(tmp_path: Path) -> None:
    files = tmp_path / "demo-files"
    (files / "DY2025-009").mkdir(parents=True)
    CityKey(seed=1, as_of="2025-04-25", months=["2025-03"],
            projects=[{"folder": "DY2025-009"}]).write(files / "city_key.json")
    code, out = _demo(["--data-dir", str(tmp_path), "--projects", "1"], CHINESE)
    assert code == 0, out
    assert all(h in out for h in HEADINGS_ZH)
    assert not (files / "DY2025-009").exists() and (files / "DY2025-001").is_dir()
    assert (tmp_path / "demo.db").is_file()


def test_demo_refuses_a_folder_that_is_not_a_previous_demo(tmp_path: Path) -> None:
    files = tmp_path / "demo-files"
    files.mkdir()
    (files / "工资表.xlsx").write_bytes(b"someone's real file")
    code, out = _demo(["--data-dir", str(tmp_path), "--projects", "1"], ENGLISH)
    assert code == 2 and "not overwriting" in out
    assert (files / "工资表.xlsx").read_bytes() == b"someone's real file"


def test_demo_refuses_an_impossible_number_of_projects(tmp_path: Path) -> None:
    code, out = _demo(["--data-dir", str(tmp_path), "--projects", "0"], ENGLISH)
    assert code == 2 and "--projects" in out


@pytest.mark.slow
def test_demo_of_four_projects_prints_what_the_key_implies(tmp_path: Path) -> None:
    code, out = _demo(["--data-dir", str(tmp_path), "--projects", "4", "--seed", "3"], ENGLISH)
    assert code == 0, out
    assert all(h in out for h in HEADINGS_EN)
    key = json.loads((tmp_path / "demo-files" / "city_key.json").read_text(encoding="utf-8"))
    riskiest = key["summary"]["riskiest"][0]
    assert f"four-real check {(tmp_path / 'demo-files' / riskiest).as_posix()} --as-of {key['as_of']}" in out
    assert f"安薪指数 {key['summary']['anxin_index']:.1f}" in out
    leads = json.loads((tmp_path / "demo-files" / "complaint-leads" / "leads_key.json").read_text(encoding="utf-8"))
    assert f"complaint leads {len(leads['leads'])}," in out
