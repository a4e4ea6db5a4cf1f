"""API tokens (stored as hashes) and their scopes.

A token is shown once, when it is created; the table keeps only its SHA-256 hash and a short, non-secret
prefix that finds the row without scanning (the prefix alone grants nothing).

The scope is held on the token row itself, as columns and small JSON lists, rather than in a join table:
a scope is fixed when the token is issued (a changed scope is a new token), it is always read whole
together with the token on every request, and it is never queried element by element. One row read per
request is what keeps authentication off the latency budget.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime
from sqlmodel import Field, SQLModel

from four_real.store.models.uploads import utcnow


# Shared properties of a token: who holds it and what it may see
class ApiTokenBase(SQLModel):
    label: str = Field(max_length=200)  # who holds it, e.g. "住建局 张三" (for audits; never a secret)
    role: str = Field(max_length=24)  # labor_manager | bank | industry_bureau | hr_bureau | admin
    projects: list[str] = Field(default_factory=list, sa_type=JSON)  # labor_manager: the named projects
    bank_code: str | None = Field(default=None, max_length=32)  # bank: its code in feed headers
    wage_accounts: list[str] = Field(default_factory=list, sa_type=JSON)  # bank: the accounts it holds
    sector: str | None = Field(default=None, max_length=16)  # industry_bureau: housing | transport | water
    townships: list[str] = Field(default_factory=list, sa_type=JSON)  # industry_bureau: empty means all
    expires_at: dt.datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


# Database model
class ApiToken(ApiTokenBase, table=True):
    __tablename__ = "api_token"
    id: int | None = Field(default=None, primary_key=True)
    prefix: str = Field(max_length=16, index=True)  # the first characters of the token, for lookup
    token_hash: str = Field(max_length=64, unique=True)  # sha256 hex of the whole token
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    revoked_at: dt.datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
