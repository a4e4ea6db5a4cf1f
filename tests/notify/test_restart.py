"""Delivery survives a restart: everything a deliverer needs is in the outbox table, so a new process (or a
new engine after a crash) delivers what an earlier one queued, failed on, or claimed and never finished."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from four_real.notify.delivery import RetryPolicy, _claim, deliver_due
from four_real.store.db import make_engine
from tests.notify.conftest import messages, queue, subscribe


def test_a_new_process_delivers_what_an_earlier_one_queued(db_url, receiver_factory, tmp_path: Path):
    receiver = receiver_factory(clock=None)  # the other process signs with real time
    engine = make_engine(db_url)
    try:
        subscribe(engine, receiver.url)
        keys = queue(engine, 3, at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    finally:
        engine.dispose()

    env = {k: v for k, v in os.environ.items() if k not in {"FOUR_REAL_DATA"}} | {
        "DATABASE_URL": db_url, "LANG": "en_US.UTF-8"}
    done = subprocess.run([sys.executable, "-m", "four_real.cli.app", "notify"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "delivered 3, retrying 0, dead 0" in done.stderr
    assert sorted(r["headers"]["X-FourReal-Delivery"] for r in receiver.accepted) == sorted(keys)
    assert all(r["why"] == "ok" for r in receiver.requests)

    engine = make_engine(db_url)
    try:
        assert set(messages(engine)["status"]) == {"delivered"}
    finally:
        engine.dispose()


def test_a_message_claimed_by_a_process_that_died_is_sent_after_its_lease(db_url, receiver_factory, clock):
    receiver = receiver_factory(fail_first=1)
    policy = RetryPolicy(lease_seconds=120, base_seconds=30)
    first = make_engine(db_url)
    try:
        subscribe(first, receiver.url)
        queue(first, 2, at=clock())
        assert deliver_due(first, clock=clock, policy=policy, limit=1).retrying == 1  # one failed attempt
        claimed = _claim(first, now=clock(), limit=10, lease=dt.timedelta(seconds=120), token="dead-process")
        assert len(claimed) == 1  # the other one: claimed, then the process "dies" before sending
    finally:
        first.dispose()

    second = make_engine(db_url)  # a restart
    try:
        clock.advance(60)  # the failed one is due again (≤ 30 s backoff); the claimed one is still leased
        assert deliver_due(second, clock=clock, policy=policy).delivered == 1
        clock.advance(61)  # the lease has run out
        assert deliver_due(second, clock=clock, policy=policy).delivered == 1
        rows = messages(second)
    finally:
        second.dispose()
    assert rows["status"].tolist() == ["delivered", "delivered"]
    assert sorted(rows["attempts"]) == [1, 2] and rows["claim"].isna().all()
    assert len(receiver.accepted) == 2
