"""`four-real notify` and its subscriber commands, in process, against a real local receiver."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.notify.conftest import messages, queue


@pytest.fixture
def cli(engine, monkeypatch: pytest.MonkeyPatch):
    import typer
    from typer.testing import CliRunner

    from four_real.cli.warnings_cmds import register
    from four_real.settings import get_settings

    app = typer.Typer()
    app.callback()(lambda: None)
    register(app)
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    get_settings.cache_clear()
    yield lambda *args: CliRunner().invoke(app, list(args))
    get_settings.cache_clear()


def test_subscribe_then_notify_delivers_signed_messages(engine, cli, receiver_factory):
    receiver = receiver_factory(clock=None, secret="given-secret")
    added = cli("notify", "subscribe", receiver.url, "--name", "住建局", "--sector", "housing",
                "--secret", "given-secret")
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["secret"] == "given-secret"
    queue(engine, 2, at=dt.datetime.now(dt.UTC), sector="housing")
    queue(engine, 1, at=dt.datetime.now(dt.UTC), sector="water")  # not this subscriber's sector: not queued
    done = cli("notify")
    assert done.exit_code == 0 and "delivered 2, retrying 0, dead 0" in done.output
    assert [r["why"] for r in receiver.requests] == ["ok", "ok"]
    listed = cli("notify", "subscribers")
    assert listed.exit_code == 0 and "住建局" in listed.output and "given-secret" not in listed.output


def test_a_random_secret_is_made_when_none_is_given_and_bad_input_is_one_sentence(cli):
    made = json.loads(cli("notify", "subscribe", "https://hr.example.gov.cn/hooks").stdout)
    assert len(made["secret"]) >= 40
    for args, message in [(["notify", "subscribe", "ftp://x"], "http(s)"),
                          (["notify", "subscribe", "http://x", "--sector", "mining"], "--sector must be one of"),
                          (["notify", "unsubscribe", "999"], "no subscriber with id 999")]:
        result = cli(*args)
        assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
    assert cli("notify", "unsubscribe", str(made["id"])).exit_code == 0


def test_failures_are_counted_and_named(engine, cli, receiver_factory):
    receiver = receiver_factory(clock=None, fail_first=10)
    cli("notify", "subscribe", receiver.url, "--secret", "s")
    queue(engine, 1, at=dt.datetime.now(dt.UTC))
    done = cli("notify")
    assert done.exit_code == 0 and "retrying 1" in done.output and "HTTP 500" in done.output
    assert messages(engine).iloc[0]["attempts"] == 1
