"""What reconciliation concluded: runs, findings with a lifecycle, and project-month figures.

A finding is identified across runs by its fingerprint (rule, project, month, worker, and an occurrence
number for rules that can fire twice for one worker-month), so running a month again updates it instead of
adding a duplicate, and a finding that disappears (arrears paid later, 补发) is resolved, not deleted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Index
from sqlmodel import Field, SQLModel

from four_real.store.models.uploads import utcnow


class ReconciliationRun(SQLModel, table=True):
    __tablename__ = "reconciliation_run"
    id: int | None = Field(default=None, primary_key=True)
    started_at: dt.datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    finished_at: dt.datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    as_of: dt.date
    months: str = Field(default="", max_length=2000)  # comma-separated judged months
    projects: int = 0
    findings: int = 0
    opened: int = 0
    resolved: int = 0


class Finding(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    fingerprint: str = Field(max_length=64, unique=True, index=True)
    rule: str = Field(max_length=32, index=True)
    pillar: str = Field(max_length=16)
    severity: str = Field(max_length=8, index=True)
    project_code: str = Field(max_length=64, index=True)
    month: str = Field(max_length=7, index=True)
    worker_id: str | None = Field(default=None, max_length=18, index=True)
    worker_name: str | None = Field(default=None, max_length=64)
    amount: int | None = Field(default=None, sa_type=BigInteger)  # fen
    message_zh: str = Field(max_length=2000)
    message_en: str = Field(max_length=2000)
    basis: str = Field(max_length=500)
    evidence: list[Any] = Field(default_factory=list, sa_type=JSON)
    status: str = Field(default="open", max_length=10, index=True)  # open | resolved
    first_seen_run: int = Field(foreign_key="reconciliation_run.id")
    last_seen_run: int = Field(foreign_key="reconciliation_run.id")
    resolved_run: int | None = Field(default=None, foreign_key="reconciliation_run.id")
    first_seen_at: dt.datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    resolved_at: dt.datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class ProjectMonth(SQLModel, table=True):
    __tablename__ = "project_month"
    __table_args__ = (Index("ix_project_month_month_level", "month", "level"),)  # the API's listing by level
    project_code: str = Field(primary_key=True, max_length=64)
    month: str = Field(primary_key=True, max_length=7)
    due_date: dt.date
    status: str = Field(max_length=8)
    workers: int = 0
    payable: int = Field(default=0, sa_type=BigInteger)
    paid: int = Field(default=0, sa_type=BigInteger)
    unpaid: int = Field(default=0, sa_type=BigInteger)
    unpaid_own: int = Field(default=0, sa_type=BigInteger)
    underpaid: int = Field(default=0, sa_type=BigInteger)
    anxin_index: float = 100.0
    risk_score: int = 0
    level: str = Field(default="green", max_length=8, index=True)
    critical: int = 0
    high: int = 0
    medium: int = 0
    low: int = 0
    holiday_calendar: str = Field(default="official", max_length=16)  # official | weekends_only
    run_id: int = Field(foreign_key="reconciliation_run.id")
    as_of: dt.date
