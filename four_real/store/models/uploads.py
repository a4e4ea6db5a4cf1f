"""What arrived, when, from whom, and which version of each slice of data is current.

A *slice* is what a corrected file replaces (files.md, README "The flow"): one project's roster, one
project-month's payroll or account statement, one project-day's attendance, one bank feed (by bank code
and batch). Every version is kept; the current one has ``superseded_at`` NULL.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, DateTime, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# One file (or API upload, or bank feed) as received
class Upload(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64, index=True)
    filename: str = Field(max_length=500)
    uploader: str = Field(default="cli", max_length=100)
    received_at: dt.datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    rows: int = 0
    accepted: int = 0
    rejected: int = 0
    skipped: int = 0


# Row accounting per sheet of an upload
class UploadInput(SQLModel, table=True):
    __tablename__ = "upload_input"
    id: int | None = Field(default=None, primary_key=True)
    upload_id: int = Field(foreign_key="upload.id", index=True)
    sheet: str | None = Field(default=None, max_length=200)
    kind: str = Field(max_length=16)
    rows: int = 0
    accepted: int = 0
    rejected: int = 0
    skipped: int = 0


# A rejected row, kept so the labor manager can correct it and send it again
class RejectedRow(SQLModel, table=True):
    __tablename__ = "rejected_row"
    id: int | None = Field(default=None, primary_key=True)
    upload_id: int = Field(foreign_key="upload.id", index=True)
    file: str = Field(max_length=500)
    sheet: str | None = Field(default=None, max_length=200)
    row: int | None = None
    column: str | None = Field(default=None, max_length=64)
    value: str | None = Field(default=None, max_length=500)
    code: str = Field(max_length=32)
    reason: str = Field(max_length=1000)


# One version of one slice; rows of the canonical tables point at it
class DataVersion(SQLModel, table=True):
    __tablename__ = "data_version"
    id: int | None = Field(default=None, primary_key=True)
    project_code: str = Field(max_length=64, index=True)
    kind: str = Field(max_length=16)  # roster | attendance | payroll | disbursement | account
    slice_key: str = Field(max_length=200, index=True)  # e.g. "payroll:2025-03", "attendance:2025-03-05"
    month: str | None = Field(default=None, max_length=7, index=True)
    content_hash: str = Field(max_length=64)
    upload_id: int = Field(foreign_key="upload.id", index=True)
    received_at: dt.datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    superseded_at: dt.datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    superseded_by: int | None = Field(default=None, foreign_key="data_version.id")
    rows: int = 0
    rows_added: int = 0
    rows_removed: int = 0
    amounts_changed: int = 0


# A bank batch feed, identified by (bank_code, batch_id) and version
class BankFeed(SQLModel, table=True):
    __tablename__ = "bank_feed"
    __table_args__ = (UniqueConstraint("bank_code", "batch_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    bank_code: str = Field(max_length=32)
    batch_id: str = Field(max_length=64)
    version: int = 1
    branch_code: str | None = Field(default=None, max_length=32)
    payer_account: str | None = Field(default=None, max_length=40)
    feed_date: dt.date | None = None
    record_count: int = 0
    total_fen: int = Field(default=0, sa_type=BigInteger)
    content_hash: str = Field(max_length=64)
    upload_id: int = Field(foreign_key="upload.id", index=True)
    is_correction: bool = False
    superseded_at: dt.datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
