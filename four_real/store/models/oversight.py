"""Complaint leads (线索) and enterprise grades (issue 4).

A **lead** is one complaint received by the local platform (东阳欠薪线索反映平台, 安薪码) or the national
platform (全国根治欠薪线索反映平台). Its identity (``lead_key``) is the platform and the platform's lead
number, or a hash of platform, received date, worker ID and employer when the export carries no number, so
importing the same export again updates the lead instead of adding it twice. What the file said is kept
(``given_*``) beside what it was linked to (``project_code``, ``enterprise_*``, ``township``), so an
unlinked lead stays visible with the names that failed to link.

An **enterprise grade** is one grading of one enterprise on one date, with the inputs it was judged on and
the reasons (input, value, threshold, verdict) that decided it, so every grade explains itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, UniqueConstraint
from sqlmodel import Field, SQLModel

from four_real.store.models.uploads import utcnow


# Database model: one complaint lead, as imported and as linked
class Lead(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    lead_key: str = Field(max_length=64, unique=True, index=True)
    source: str = Field(max_length=10, index=True)  # local | national
    platform_no: str | None = Field(default=None, max_length=64)
    received_on: dt.date = Field(index=True)
    deadline: dt.date
    closed_on: dt.date | None = None
    status: str = Field(default="open", max_length=8, index=True)  # open | closed
    worker_name: str | None = Field(default=None, max_length=64)
    worker_id: str | None = Field(default=None, max_length=18)  # never shown unmasked
    amount_claimed: int | None = Field(default=None, sa_type=BigInteger)  # fen
    given_employer: str | None = Field(default=None, max_length=200)
    given_uscc: str | None = Field(default=None, max_length=18)
    given_project_code: str | None = Field(default=None, max_length=64)
    given_project_name: str | None = Field(default=None, max_length=200)
    given_township: str | None = Field(default=None, max_length=64)
    project_code: str | None = Field(default=None, max_length=64, index=True)  # linked project
    enterprise_id: int | None = Field(default=None, foreign_key="enterprise.id", index=True)
    enterprise_key: str | None = Field(default=None, max_length=210, index=True)  # USCC, or "name:<name>"
    enterprise_uscc: str | None = Field(default=None, max_length=18)
    enterprise_name: str | None = Field(default=None, max_length=200)
    township: str | None = Field(default=None, max_length=64, index=True)
    src_file: str = Field(max_length=500)
    src_sheet: str | None = Field(default=None, max_length=200)
    src_row: int
    imported_at: dt.datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


# Database model: one enterprise graded on one date (a regrade on the same date replaces it)
class EnterpriseGrade(SQLModel, table=True):
    __tablename__ = "enterprise_grade"
    __table_args__ = (UniqueConstraint("enterprise_key", "graded_on"),)
    id: int | None = Field(default=None, primary_key=True)
    enterprise_key: str = Field(max_length=210, index=True)
    enterprise_uscc: str | None = Field(default=None, max_length=18)
    enterprise_name: str = Field(max_length=200)
    role: str = Field(max_length=12)  # general | sub | other
    grade: str = Field(max_length=8, index=True)  # red | yellow | green
    graded_on: dt.date = Field(index=True)
    period_start: dt.date
    period_end: dt.date
    occasion: str = Field(max_length=12)  # half_year | on_demand
    next_inspection: dt.date | None = None
    inputs: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    reasons: list[Any] = Field(default_factory=list, sa_type=JSON)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
