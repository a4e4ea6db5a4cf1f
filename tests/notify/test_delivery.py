"""Acceptance 4: a webhook whose receiver fails is retried with backoff, delivered once the receiver
recovers, and signed so the receiver can verify it — against a real HTTP server on 127.0.0.1, with the
clock moved by hand instead of sleeping."""

from __future__ import annotations

import datetime as dt
import json
import random
import socket
import threading

from four_real.notify.delivery import RetryPolicy, body_of, deliver_due, due_count
from four_real.notify.outbox import deactivate_webhook
from four_real.store.db import session_scope
from tests.notify.conftest import SECRET, messages, queue, subscribe, utc

POLICY = RetryPolicy(base_seconds=30, factor=2, max_seconds=3600, jitter=0.5, max_attempts=10)


def test_a_failing_receiver_is_retried_with_backoff_and_gets_the_message_once_it_recovers(
        engine, receiver_factory, clock):
    receiver = receiver_factory(fail_first=3)
    subscribe(engine, receiver.url)
    [key] = queue(engine, at=clock())
    rng = random.Random(3)

    for failures, ceiling in enumerate([30, 60, 120], start=1):
        report = deliver_due(engine, clock=clock, policy=POLICY, rng=rng)
        assert (report.delivered, report.retrying, report.dead) == (0, 1, 0)
        row = messages(engine).iloc[0]
        wait = (utc(row["next_attempt_at"]) - clock()).total_seconds()
        assert ceiling / 2 <= wait <= ceiling  # exponential, with jitter taking up to half off
        assert (row["status"], row["attempts"], row["last_error"]) == ("pending", failures, "HTTP 500 Internal "
                                                                                            "Server Error")
        assert row["claim"] is None
        clock.advance(wait - 1)  # a second too early: nothing is due, nothing is sent
        assert deliver_due(engine, clock=clock, policy=POLICY).attempted == 0
        assert len(receiver.requests) == failures
        clock.advance(1)

    report = deliver_due(engine, clock=clock, policy=POLICY, rng=rng)
    assert (report.delivered, report.retrying) == (1, 0)
    row = messages(engine).iloc[0]
    assert (row["status"], row["attempts"], row["last_error"]) == ("delivered", 4, None)
    assert utc(row["delivered_at"]) == clock()
    assert [r["status"] for r in receiver.requests] == [500, 500, 500, 200]
    got = receiver.accepted[0]
    assert got["why"] == "ok"  # the receiver verified the signature with the shared secret
    assert got["body"] == body_of(row["payload"]) and got["json"]["项目"] == "东阳"
    assert got["headers"]["X-FourReal-Delivery"] == key and got["headers"]["X-FourReal-Event"] == "warning.new"
    clock.advance(10_000)
    assert deliver_due(engine, clock=clock, policy=POLICY).attempted == 0  # delivered once, never again
    assert len(receiver.requests) == 4


def test_a_receiver_that_never_recovers_leaves_the_message_dead_after_the_last_attempt(
        engine, receiver_factory, clock):
    receiver = receiver_factory(fail_first=10**6)
    subscribe(engine, receiver.url)
    queue(engine, at=clock())
    policy = RetryPolicy(base_seconds=10, max_attempts=3)
    outcomes = []
    for _ in range(3):
        report = deliver_due(engine, clock=clock, policy=policy)
        outcomes.append((report.retrying, report.dead))
        clock.advance(3600)
    assert outcomes == [(1, 0), (1, 0), (0, 1)]
    row = messages(engine).iloc[0]
    assert (row["status"], row["attempts"]) == ("dead", 3) and row["last_error"].startswith("HTTP 500")
    assert deliver_due(engine, clock=clock, policy=policy).attempted == 0 and len(receiver.requests) == 3


def test_a_receiver_with_another_secret_refuses_the_signature_and_the_refusal_is_retried(
        engine, receiver_factory, clock):
    receiver = receiver_factory(secret="not-" + SECRET)
    subscribe(engine, receiver.url)
    queue(engine, at=clock())
    report = deliver_due(engine, clock=clock, policy=POLICY)
    assert report.retrying == 1 and receiver.requests[0]["why"] == "the signature does not match the body"
    assert messages(engine).iloc[0]["last_error"].startswith("HTTP 400")


def test_an_unreachable_receiver_is_recorded_and_retried(engine, clock):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subscribe(engine, f"http://127.0.0.1:{port}/hook")
    queue(engine, at=clock())
    report = deliver_due(engine, clock=clock, policy=POLICY)
    assert report.retrying == 1 and "ConnectError" in report.errors[0]
    assert messages(engine).iloc[0]["last_error"].startswith("ConnectError")


def test_messages_for_a_deactivated_subscriber_wait_and_others_go(engine, receiver_factory, clock):
    receiver = receiver_factory()
    stopped = subscribe(engine, receiver.url, sector="housing")
    subscribe(engine, receiver.url, sector="water")
    queue(engine, at=clock(), sector="housing")
    queue(engine, at=clock(), sector="water")
    with session_scope(engine) as session:
        assert deactivate_webhook(session, stopped) and not deactivate_webhook(session, 999)
    assert due_count(engine, now=clock()) == 1
    assert deliver_due(engine, clock=clock).delivered == 1
    sent = messages(engine).set_index("webhook_id")["status"]
    assert sent.to_dict() == {stopped: "pending", stopped + 1: "delivered"}


def test_queuing_is_idempotent_per_subscriber(engine, receiver_factory, clock):
    subscribe(engine, receiver_factory().url)
    queue(engine, 2, at=clock())
    queue(engine, 2, at=clock())  # the same notifications again, e.g. a repeated step
    assert len(messages(engine)) == 2


def test_two_deliverers_at_once_send_each_message_exactly_once(engine, receiver_factory, clock):
    receiver = receiver_factory()
    subscribe(engine, receiver.url)
    keys = queue(engine, 30, at=clock())
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def deliver() -> None:
        try:
            start.wait()
            while deliver_due(engine, clock=clock, limit=4).attempted:
                pass
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    sent = sorted(r["headers"]["X-FourReal-Delivery"] for r in receiver.requests)
    assert sent == sorted(keys)  # every one, none twice
    assert set(messages(engine)["status"]) == {"delivered"}
    assert json.loads(receiver.requests[0]["body"])["schema"] == "four-real/warning-event@1"


def test_nothing_due_means_nothing_sent(engine, clock):
    assert deliver_due(engine, clock=clock).attempted == 0
    assert due_count(engine, now=clock() + dt.timedelta(days=1)) == 0
