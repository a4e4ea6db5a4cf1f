"""Warnings (预警), their append-only audit trail, webhook subscribers and the notification outbox.

A warning stands for one project, wage month and rule group (``four_real.warnings.groups``) whose critical
or high findings are open; reconciliation keeps it in step with the findings (``four_real.warnings.sync``)
and people move it along its lifecycle (``four_real.warnings.lifecycle``). Every step, by a person or by
"system", is one ``warning_event`` row; the migration adds triggers that refuse UPDATE and DELETE there.

Routing: every warning goes to the human-resources bureau (人社, which sees all) and to the bureau of the
project's sector (``sector``: housing → 住建, transport → 交通运输, water → 水利). ``sector`` and ``township``
are indexed columns of the warning itself, so "my sector's open warnings" is one index range, no join.

The outbox holds one row per (notification, subscriber): its delivery state lives in the table, so a
restart resumes where the last process stopped, and ``(event_key, webhook_id)`` is unique, so the same
notification is never queued twice for a subscriber.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from four_real.store.models.uploads import utcnow

STATUSES = ("open", "acknowledged", "resolved", "closed")
LIVE = ("open", "acknowledged")  # statuses that can be overdue, urged or auto-resolved


# Shared properties of a warning
class WageWarningBase(SQLModel):
    project_code: str = Field(max_length=64, index=True)
    month: str = Field(max_length=7, index=True)
    rule_group: str = Field(max_length=16)
    sector: str | None = Field(default=None, max_length=16, index=True)  # routed to this sector's bureau
    township: str | None = Field(default=None, max_length=64, index=True)
    severity: str = Field(max_length=8, index=True)  # critical | high: the worst open finding of the group
    status: str = Field(default="open", max_length=12, index=True)  # open | acknowledged | resolved | closed
    rules: str = Field(default="", max_length=500)  # comma-separated rule codes of its open findings
    findings: int = 0  # open critical/high findings of the group at the last run that saw any
    amount: int = Field(default=0, sa_type=BigInteger)  # fen: Σ of those findings' amounts
    opened_on: dt.date  # as_of of the run that raised (or last reopened) it
    deadline: dt.date = Field(index=True)
    urge_count: int = 0


# Database model
class WageWarning(WageWarningBase, table=True):
    __tablename__ = "warning"
    __table_args__ = (
        UniqueConstraint("project_code", "month", "rule_group", name="uq_warning_project_code_month_rule_group"),
        Index("ix_warning_sector_status", "sector", "status"),  # "my sector's open warnings"
    )
    id: int | None = Field(default=None, primary_key=True)
    active: bool = True  # the group had open critical/high findings at the last run that judged it
    cycle: int = 0  # times reopened; part of the notification keys, so each cycle notifies afresh
    overdue_at: dt.date | None = None  # when first seen overdue in this cycle (notified once)
    first_run_id: int = Field(foreign_key="reconciliation_run.id")
    last_run_id: int = Field(foreign_key="reconciliation_run.id")
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    last_urged_at: dt.datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


# One step in a warning's life; append-only (database triggers refuse UPDATE and DELETE)
class WageWarningEvent(SQLModel, table=True):
    __tablename__ = "warning_event"
    id: int | None = Field(default=None, primary_key=True)
    warning_id: int = Field(foreign_key="warning.id", index=True)
    at: dt.datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    actor: str = Field(max_length=100)  # a person's name, or "system" for reconciliation and overdue checks
    action: str = Field(max_length=16)  # raised | acknowledged | resolved | closed | reopened | urged | ...
    from_status: str | None = Field(default=None, max_length=12)
    to_status: str | None = Field(default=None, max_length=12)
    note: str | None = Field(default=None, max_length=2000)
    run_id: int | None = Field(default=None, foreign_key="reconciliation_run.id")
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


# A receiver of signed webhooks; ``sector`` None receives every sector's warnings (人社)
class Webhook(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    url: str = Field(max_length=500)
    secret: str = Field(max_length=200)  # HMAC key; kept in plain text because signing needs it
    sector: str | None = Field(default=None, max_length=16)
    active: bool = True
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


# One notification for one subscriber, with its delivery state
class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("event_key", "webhook_id", name="uq_outbox_event_key_webhook_id"),
        Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),  # what is due
    )
    id: int | None = Field(default=None, primary_key=True)
    event_key: str = Field(max_length=120)  # e.g. warning:12:new:0, the idempotency key receivers see
    kind: str = Field(max_length=32)  # warning.new | warning.overdue | warning.escalated | ...
    webhook_id: int = Field(foreign_key="webhook.id", index=True)
    warning_id: int | None = Field(default=None, foreign_key="warning.id", index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    status: str = Field(default="pending", max_length=10)  # pending | delivered | dead
    attempts: int = 0
    next_attempt_at: dt.datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    claim: str | None = Field(default=None, max_length=32)  # the delivering process's token while it sends
    last_error: str | None = Field(default=None, max_length=500)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    delivered_at: dt.datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


# Properties to return via the API: the warning with its routing and whether it is overdue as of a date
class WageWarningPublic(WageWarningBase):
    id: int
    active: bool
    overdue: bool
    bureaus: list[str]  # 人社 always, and the sector's bureau when the project has a sector
    created_at: dt.datetime
    updated_at: dt.datetime
    last_urged_at: dt.datetime | None = None


class WageWarningsPublic(SQLModel):
    data: list[WageWarningPublic]
    count: int


# One audit step, as returned via the API
class WageWarningEventPublic(SQLModel):
    id: int
    warning_id: int
    at: dt.datetime
    actor: str
    action: str
    from_status: str | None = None
    to_status: str | None = None
    note: str | None = None
    run_id: int | None = None
    details: dict[str, Any] = {}
