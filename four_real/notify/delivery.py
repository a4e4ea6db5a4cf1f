"""Delivering the outbox: POST each due notification to its subscriber, signed, and keep score in the table.

One pass (:func:`deliver_due`):

1. **claim** up to ``limit`` due rows (pending, ``next_attempt_at`` reached) in a short transaction: stamp
   them with this pass's token and push ``next_attempt_at`` a lease into the future. The update is
   conditional on the row still being due, so two processes never send the same row at once (PostgreSQL
   also skips rows another claimer holds locked). If this process dies while sending, the lease runs out
   and any later pass (another process, after a restart) sends the row again;
2. **send** each, outside any transaction, with httpx;
3. **record** each outcome: 2xx → ``delivered`` (``delivered_at``); anything else → one more attempt
   counted, ``last_error`` kept, and the next attempt scheduled after an exponential backoff with jitter;
   after ``max_attempts`` failures the row is ``dead`` and left for a person to look at.

Delivery is at least once (a crash between a receiver's 200 and step 3 sends it again): receivers dedupe on
the ``X-FourReal-Delivery`` header, which is the notification's idempotency key. Time comes from an
injectable clock and randomness from an injectable generator, so tests simulate hours of backoff without
sleeping.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import Engine, and_, select, update

from four_real.notify.outbox import OUTBOX, WEBHOOKS
from four_real.notify.signing import SIGNATURE_HEADER, sign
from four_real.store.models import utcnow

__all__ = ["DeliveryReport", "RetryPolicy", "body_of", "deliver_due", "due_count"]

Clock = Callable[[], dt.datetime]
ERROR_MAX = 500
USER_AGENT = "four-real-webhooks/1"


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff after the n-th failure: ``min(max_seconds, base_seconds × factor^(n−1))``, of which a random
    share up to ``jitter`` is taken off (so receivers recovering from an outage are not hit by every sender
    in the same second). Defaults: 30 s, 1 min, 2 min, … capped at 1 h; dead after 10 failed attempts
    (about 4½ hours of trying)."""

    base_seconds: float = 30.0
    factor: float = 2.0
    max_seconds: float = 3600.0
    jitter: float = 0.5
    max_attempts: int = 10
    timeout_seconds: float = 10.0
    lease_seconds: float = 120.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.base_seconds <= 0 or self.factor < 1 or not 0 <= self.jitter < 1:
            raise ValueError("retry policy: max_attempts ≥ 1, base > 0, factor ≥ 1 and 0 ≤ jitter < 1")

    def ceiling(self, failures: int) -> float:
        """The backoff before jitter after ``failures`` failed attempts (≥ 1)."""
        return min(self.max_seconds, self.base_seconds * self.factor ** (failures - 1))

    def delay(self, failures: int, rng: random.Random | None = None) -> dt.timedelta:
        draw = (rng or random).random()
        return dt.timedelta(seconds=self.ceiling(failures) * (1 - self.jitter * draw))


@dataclass
class DeliveryReport:
    delivered: int = 0
    retrying: int = 0
    dead: int = 0
    errors: list[str] = field(default_factory=list)  # "<event_key> → <error>", for the CLI to show

    @property
    def attempted(self) -> int:
        return self.delivered + self.retrying + self.dead


def body_of(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent (and signed): compact UTF-8 JSON with sorted keys."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _due(now: dt.datetime) -> Any:
    c = OUTBOX.c
    return and_(c.status == "pending", c.next_attempt_at <= now)


def due_count(engine: Engine, *, now: dt.datetime | None = None) -> int:
    """Notifications due for delivery now (to active subscribers)."""
    from sqlalchemy import func

    at = now or utcnow()
    stmt = (select(func.count()).select_from(OUTBOX.join(WEBHOOKS, OUTBOX.c.webhook_id == WEBHOOKS.c.id))
            .where(_due(at), WEBHOOKS.c.active))
    with engine.connect() as connection:
        return int(connection.execute(stmt).scalar_one())


def _claim(engine: Engine, *, now: dt.datetime, limit: int, lease: dt.timedelta, token: str) -> list[Any]:
    c = OUTBOX.c
    with engine.begin() as connection:
        candidates = (select(c.id).select_from(OUTBOX.join(WEBHOOKS, c.webhook_id == WEBHOOKS.c.id))
                      .where(_due(now), WEBHOOKS.c.active).order_by(c.next_attempt_at, c.id).limit(limit))
        if connection.dialect.name == "postgresql":
            candidates = candidates.with_for_update(of=OUTBOX, skip_locked=True)
        ids = list(connection.execute(candidates).scalars())
        if not ids:
            return []
        connection.execute(update(OUTBOX).where(c.id.in_(ids), _due(now))
                           .values(claim=token, next_attempt_at=now + lease))
        return list(connection.execute(
            select(c.id, c.event_key, c.kind, c.payload, c.attempts, WEBHOOKS.c.url, WEBHOOKS.c.secret)
            .select_from(OUTBOX.join(WEBHOOKS, c.webhook_id == WEBHOOKS.c.id))
            .where(c.claim == token).order_by(c.next_attempt_at, c.id)).all())


def _send(client: httpx.Client, row: Any, *, now: dt.datetime, policy: RetryPolicy) -> str | None:
    """POST one notification; None when the receiver accepted it, else what went wrong (no secrets)."""
    body = body_of(row.payload)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: sign(row.secret, body, timestamp=int(now.timestamp())),
        "X-FourReal-Event": row.kind,
        "X-FourReal-Delivery": row.event_key,
    }
    try:
        response = client.post(row.url, content=body, headers=headers, timeout=policy.timeout_seconds)
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"[:ERROR_MAX]
    if 200 <= response.status_code < 300:
        return None
    return f"HTTP {response.status_code} {response.reason_phrase}".strip()[:ERROR_MAX]


def _record(engine: Engine, row: Any, error: str | None, *, now: dt.datetime, token: str,
            policy: RetryPolicy, rng: random.Random | None) -> str:
    c = OUTBOX.c
    failures = row.attempts + 1
    if error is None:
        values: dict[str, Any] = {"status": "delivered", "delivered_at": now, "last_error": None}
        outcome = "delivered"
    elif failures >= policy.max_attempts:
        values = {"status": "dead", "last_error": error}
        outcome = "dead"
    else:
        values = {"last_error": error, "next_attempt_at": now + policy.delay(failures, rng)}
        outcome = "retrying"
    with engine.begin() as connection:  # only if still ours: a lease that ran out may have passed it on
        connection.execute(update(OUTBOX).where(c.id == row.id, c.claim == token)
                           .values(attempts=failures, claim=None, **values))
    return outcome


def deliver_due(engine: Engine, *, clock: Clock = utcnow, policy: RetryPolicy | None = None, limit: int = 100,
                client: httpx.Client | None = None, rng: random.Random | None = None,
                progress: Callable[[int, int], None] | None = None) -> DeliveryReport:
    """Deliver up to ``limit`` due notifications once each; returns what happened to them."""
    policy = policy or RetryPolicy()
    token = secrets.token_hex(8)
    rows = _claim(engine, now=clock(), limit=limit, lease=dt.timedelta(seconds=policy.lease_seconds), token=token)
    report = DeliveryReport()
    own = client is None
    http = client or httpx.Client(follow_redirects=False)
    try:
        for done, row in enumerate(rows, 1):
            error = _send(http, row, now=clock(), policy=policy)
            outcome = _record(engine, row, error, now=clock(), token=token, policy=policy, rng=rng)
            setattr(report, outcome, getattr(report, outcome) + 1)
            if error:
                report.errors.append(f"{row.event_key} → {error}")
            if progress:
                progress(done, len(rows))
    finally:
        if own:
            http.close()
    return report
