"""`four-real report bulletin`: writes both files and prints their paths; a month with nothing to report
or a bad argument is one sentence and exit 2."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner, Result

from tests.bulletin.conftest import plant

PROJECTS = [{"code": "A", "name": "甲工程", "sector": "housing", "township": "吴宁街道", "contractor": "甲建设"}]


@pytest.fixture
def cli(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Result]]:
    from four_real.cli.app import app
    from four_real.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.delenv("FOUR_REAL_DEBUG", raising=False)
    get_settings.cache_clear()
    yield lambda *args: CliRunner().invoke(app, ["report", "bulletin", *args])
    get_settings.cache_clear()


def test_the_command_writes_the_workbook_and_the_page(engine: Engine, cli: Callable[..., Result],
                                                      tmp_path: Path) -> None:
    plant(engine, projects=PROJECTS, months=[{"project_code": "A", "month": "2025-03", "unpaid": 12_34}])
    out = tmp_path / "out"
    result = cli("--month", "2025-03", "--out", str(out))
    assert result.exit_code == 0, result.output
    xlsx, html = out / "bulletin-2025-03.xlsx", out / "bulletin-2025-03.html"
    assert result.stdout.split() == [str(xlsx), str(html)]
    assert xlsx.stat().st_size > 0 and "12.34" in html.read_text(encoding="utf-8")


@pytest.mark.parametrize(("args", "message"), [
    (["--month", "2025-04"], "no reconciled figures for 2025-04; run four-real reconcile --month 2025-04 first"),
    (["--month", "2025-13"], "month not recognised: 2025-13"),
    (["--month", "2025-03", "--as-of", "25/04/2025"], "date not recognised: 25/04/2025"),
])
def test_a_month_with_nothing_to_report_or_a_bad_argument_is_one_sentence(
        engine: Engine, cli: Callable[..., Result], tmp_path: Path, args: list[str], message: str) -> None:
    plant(engine, projects=PROJECTS, months=[{"project_code": "A", "month": "2025-03"}])
    result = cli(*args, "--out", str(tmp_path))
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert not list(tmp_path.glob("bulletin-*"))
