"""Subscribers and the outbox: a notification is queued, once per subscriber it concerns, in the same
transaction as the change it announces (the transactional-outbox pattern), so a rolled-back reconciliation
or acknowledgement notifies nobody and a committed one is never forgotten.

A subscriber with a ``sector`` receives that sector's notifications (an industry bureau); one without
receives all (人社). Notifications are queued for the subscribers active at the time: a subscriber added
later does not receive the backlog. ``(event_key, webhook_id)`` is unique and queuing skips what exists, so
a notification is queued once however often the step that causes it is repeated.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session
from sqlmodel import select as select_models

from four_real.store.models import utcnow
from four_real.store.models.warnings import OutboxMessage, Webhook

__all__ = ["Notice", "add_webhook", "deactivate_webhook", "enqueue", "list_webhooks"]

OUTBOX = OutboxMessage.__table__  # type: ignore[attr-defined]
WEBHOOKS = Webhook.__table__  # type: ignore[attr-defined]
SECTORS = ("housing", "transport", "water")


@dataclass(frozen=True)
class Notice:
    """One notification before it is addressed: its idempotency key, kind, and the document sent."""

    event_key: str
    kind: str
    sector: str | None
    warning_id: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)


def _insert(connection: Connection) -> Any:
    return postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert


def enqueue(connection: Connection, notices: list[Notice], *, now: dt.datetime | None = None) -> int:
    """Queue each notice for every active subscriber of its sector (and every all-sector subscriber);
    returns the number of (notice, subscriber) pairs offered (those queued before are skipped)."""
    if not notices:
        return 0
    hooks = connection.execute(select(WEBHOOKS.c.id, WEBHOOKS.c.sector).where(WEBHOOKS.c.active)).all()
    if not hooks:
        return 0
    at = now or utcnow()
    rows = [{"event_key": n.event_key, "kind": n.kind, "webhook_id": hook_id, "warning_id": n.warning_id,
             "payload": n.payload, "status": "pending", "attempts": 0, "next_attempt_at": at, "claim": None,
             "last_error": None, "created_at": at, "delivered_at": None}
            for n in notices for hook_id, sector in hooks if sector is None or sector == n.sector]
    if rows:
        stmt = _insert(connection)(OUTBOX).on_conflict_do_nothing(index_elements=["event_key", "webhook_id"])
        connection.execute(stmt, rows)
    return len(rows)


def _check_url(url: str) -> str:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValueError(f"a webhook URL must be http(s)://host/…, not {url!r}")
    return url


def add_webhook(session: Session, *, name: str, url: str, sector: str | None = None,
                secret: str | None = None) -> Webhook:
    """Register a subscriber; without ``secret`` a random one is made (show it to the receiver once)."""
    if sector is not None and sector not in SECTORS:
        raise ValueError(f"sector must be one of {', '.join(SECTORS)} (or none for all), not {sector!r}")
    hook = Webhook(name=name, url=_check_url(url), sector=sector, secret=secret or secrets.token_urlsafe(32))
    session.add(hook)
    session.flush()
    return hook


def list_webhooks(session: Session) -> list[Webhook]:
    return list(session.exec(select_models(Webhook).order_by(Webhook.id)).all())  # type: ignore[arg-type]


def deactivate_webhook(session: Session, webhook_id: int) -> bool:
    """Stop queuing and delivering to a subscriber (its history stays); False when there is none."""
    done = session.connection().execute(update(WEBHOOKS).where(WEBHOOKS.c.id == webhook_id).values(active=False))
    return bool(done.rowcount)
