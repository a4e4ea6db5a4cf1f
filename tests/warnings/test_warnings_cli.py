"""`four-real warnings list|show|ack|resolve|close|urge` on the test database: JSON for tools, one-sentence
errors with exit status 2, every move recorded under ``--by``."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.warnings.conftest import finding, run

RAISED = dt.date(2025, 4, 20)


@pytest.fixture
def cli(city, monkeypatch: pytest.MonkeyPatch):
    import typer
    from typer.testing import CliRunner

    from four_real.cli.warnings_cmds import register
    from four_real.settings import get_settings

    app = typer.Typer()
    app.callback()(lambda: None)
    register(app)
    monkeypatch.setenv("DATABASE_URL", city.url.render_as_string(hide_password=False))
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    get_settings.cache_clear()
    run(city, [finding("CARD-UNPAID", project="P1"), finding("CARD-UNPAID", project="P2"),
               finding("RN-NO-CONTRACT", project="P1", amount=None)], as_of=RAISED)
    yield lambda *args: CliRunner().invoke(app, list(args))
    get_settings.cache_clear()


def _list(cli, *args: str) -> dict:
    result = cli("warnings", "list", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_list_filters_and_reports_overdue_as_of_a_date(cli):
    doc = _list(cli, "--as-of", "2025-04-24")
    assert doc["schema"] == "four-real/warnings@1" and doc["count"] == 3
    assert {(w["project_code"], w["rule_group"], w["overdue"]) for w in doc["data"]} == {
        ("P1", "arrears", True), ("P2", "arrears", True), ("P1", "real_name", False)}
    assert doc["data"][0]["amount"] == "100.00" and doc["data"][0]["bureaus"][0] == "hr"
    assert _list(cli, "--sector", "water")["count"] == 1
    assert _list(cli, "--overdue", "--as-of", "2025-04-23")["count"] == 0  # at the deadline: in time
    assert _list(cli, "--project", "P1", "--month", "2025-03", "--limit", "1")["count"] == 2


def test_moves_are_recorded_under_the_given_name_and_shown_with_the_trail(cli):
    wid = _list(cli, "--sector", "water")["data"][0]["id"]
    assert cli("warnings", "ack", str(wid), "--by", "水利局 钱", "--note", "已约谈").exit_code == 0
    urged = cli("warnings", "urge", str(wid), "--by", "人社局 李")
    assert urged.exit_code == 0 and "urge count 1" in urged.output
    assert cli("warnings", "resolve", str(wid), "--by", "水利局 钱").exit_code == 0
    shown = json.loads(cli("warnings", "show", str(wid), "--format", "json").stdout)
    assert shown["warning"]["status"] == "resolved" and shown["warning"]["urge_count"] == 1
    assert [(e["action"], e["actor"], e["note"]) for e in shown["events"]] == [
        ("raised", "system", None), ("acknowledged", "水利局 钱", "已约谈"), ("urged", "人社局 李", None),
        ("resolved", "水利局 钱", None)]
    table = cli("warnings", "show", str(wid))
    assert table.exit_code == 0 and "Audit trail" in table.output


def test_several_ids_move_together_or_not_at_all(cli):
    ids = [w["id"] for w in _list(cli)["data"]]
    assert cli("warnings", "ack", str(ids[0]), "--by", "a").exit_code == 0
    both = cli("warnings", "ack", str(ids[1]), str(ids[0]), "--by", "b")  # the second is acknowledged already
    assert both.exit_code == 2 and f"warning {ids[0]} is acknowledged" in both.output
    assert _list(cli, "--status", "acknowledged")["count"] == 1  # ids[1] was not acknowledged either


@pytest.mark.parametrize(("args", "message"), [
    (["warnings", "list", "--sector", "mining"], "--sector must be one of housing|transport|water"),
    (["warnings", "list", "--status", "done"], "--status must be one of"),
    (["warnings", "list", "--month", "March"], "month not recognised"),
    (["warnings", "list", "--format", "xml"], "--format must be table or json"),
    (["warnings", "ack", "999", "--by", "x"], "no warning with id 999"),
    (["warnings", "show", "999"], "no warning with id 999"),
    (["warnings", "ack", "1", "--by", "system"], "reserved"),
    (["warnings", "close", "1", "--note", " ", "--by", "x"], "needs a note"),
])
def test_errors_are_one_sentence_and_exit_2(cli, args, message):
    result = cli(*args)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_list_prints_a_table(cli):
    result = cli("warnings", "list", "--as-of", "2025-04-24")
    assert result.exit_code == 0 and "Warnings (3 of 3)" in result.output and "overdue" in result.output
