"""What people may do with a warning and in which status; every step recorded with who, what and when."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from four_real.store.db import session_scope
from four_real.warnings import lifecycle
from four_real.warnings.lifecycle import TransitionError, WarningError, WarningNotFound
from tests.warnings.conftest import events, finding, outbox, run, warnings

AT = dt.datetime(2025, 4, 21, 9, 30, tzinfo=dt.UTC)
ACTIONS = {"ack": lifecycle.acknowledge, "resolve": lifecycle.resolve, "urge": lifecycle.urge,
           "close": lambda s, i, **kw: lifecycle.close(s, i, note=kw.pop("note", None) or "理由", **kw)}


@pytest.fixture
def wid(city) -> int:
    run(city, [finding("CARD-UNPAID")], as_of=dt.date(2025, 4, 20))
    return int(warnings(city).iloc[0]["id"])


def _put(engine, wid: int, status: str) -> None:
    """Bring the warning to ``status`` the way people do."""
    path = {"open": [], "acknowledged": ["ack"], "resolved": ["resolve"], "closed": ["close"]}[status]
    with session_scope(engine) as session:
        for action in path:
            ACTIONS[action](session, wid, actor="setup")


@pytest.mark.parametrize(("status", "action", "after"), [
    ("open", "ack", "acknowledged"), ("open", "resolve", "resolved"), ("open", "close", "closed"),
    ("open", "urge", "open"), ("acknowledged", "resolve", "resolved"), ("acknowledged", "close", "closed"),
    ("acknowledged", "urge", "acknowledged"),
])
def test_allowed_moves_change_the_status_and_are_recorded(city, wid, status, action, after):
    _put(city, wid, status)
    with session_scope(city) as session:
        ACTIONS[action](session, wid, actor="交通运输局 赵", note="已电话联系总包", at=AT)
    assert warnings(city).iloc[0]["status"] == after
    last = events(city, wid).iloc[-1]
    assert (last["actor"], last["from_status"], last["to_status"], last["note"]) == (
        "交通运输局 赵", status, after, "已电话联系总包")
    at = pd.Timestamp(last["at"])  # SQLite hands back naive UTC, PostgreSQL aware
    assert (at.tz_convert("UTC") if at.tzinfo else at.tz_localize("UTC")) == AT


@pytest.mark.parametrize(("status", "action"), [
    ("acknowledged", "ack"), ("resolved", "ack"), ("closed", "ack"), ("resolved", "resolve"),
    ("closed", "resolve"), ("resolved", "close"), ("closed", "close"), ("resolved", "urge"), ("closed", "urge"),
])
def test_moves_the_table_does_not_allow_are_refused_and_change_nothing(city, wid, status, action):
    _put(city, wid, status)
    before = len(events(city, wid))
    with pytest.raises(TransitionError, match=f"warning {wid} is {status}"), session_scope(city) as session:
        ACTIONS[action](session, wid, actor="someone")
    assert warnings(city).iloc[0]["status"] == status and len(events(city, wid)) == before


def test_urging_counts_records_and_notifies_each_time(city, wid):
    with session_scope(city) as session:
        for _ in range(3):
            lifecycle.urge(session, wid, actor="人社局 李", note="请于三日内发放")
    w = warnings(city).iloc[0]
    assert w["urge_count"] == 3 and w["last_urged_at"] is not None
    urged = events(city, wid).query("action == 'urged'")
    assert [d["urge_count"] for d in urged["details"]] == [1, 2, 3]
    sent = outbox(city).query("kind == 'warning.urged'")
    assert sent["event_key"].tolist() == [f"warning:{wid}:urged:{n}" for n in (1, 2, 3)]
    assert [p["warning"]["urge_count"] for p in sent["payload"]] == [1, 2, 3]


@pytest.mark.parametrize(("actor", "message"), [("", "who is doing this"), ("  ", "who is doing this"),
                                                ("system", "reserved")])
def test_an_actor_must_be_named_and_cannot_pose_as_the_system(city, wid, actor, message):
    with pytest.raises(WarningError, match=message), session_scope(city) as session:
        lifecycle.acknowledge(session, wid, actor=actor)


def test_closing_needs_a_reason_and_an_unknown_warning_is_named(city, wid):
    with pytest.raises(WarningError, match="needs a note"), session_scope(city) as session:
        lifecycle.close(session, wid, actor="人社局", note=" ")
    with pytest.raises(WarningNotFound, match="no warning with id 999"), session_scope(city) as session:
        lifecycle.acknowledge(session, 999, actor="人社局")
