"""Who and what the store knows: enterprises, projects and workers (full-stack-fastapi-template style:
a Base with the shared fields, the table, and a Public model where the API needs one)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel


# Shared properties of an enterprise
class EnterpriseBase(SQLModel):
    uscc: str = Field(max_length=18, unique=True, index=True)  # 统一社会信用代码, validated on the way in
    name: str = Field(max_length=200)


# Database model
class Enterprise(EnterpriseBase, table=True):
    id: int | None = Field(default=None, primary_key=True)


# Shared properties of a project (the project file's columns, files.md)
class ProjectBase(SQLModel):
    code: str = Field(max_length=64, unique=True, index=True)
    name: str | None = Field(default=None, max_length=200)
    sector: str | None = Field(default=None, max_length=16, index=True)  # housing | transport | water
    township: str | None = Field(default=None, max_length=64, index=True)
    builder: str | None = Field(default=None, max_length=200)
    contractor: str | None = Field(default=None, max_length=200)
    contractor_uscc: str | None = Field(default=None, max_length=18)
    contract_amount: int | None = Field(default=None, sa_type=BigInteger)  # fen
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    payday: int | None = None
    wage_account: str | None = Field(default=None, max_length=40, index=True)
    wage_account_bank: str | None = Field(default=None, max_length=100)
    deposit_status: str | None = Field(default=None, max_length=16)
    labor_cost_ratio: float | None = None  # a ratio, not money
    min_wage_monthly: int | None = Field(default=None, sa_type=BigInteger)  # fen


# Database model
class Project(ProjectBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    contractor_id: int | None = Field(default=None, foreign_key="enterprise.id", index=True)


# A worker is an ID number; the name is the latest seen (RN-NAME-MISMATCH reports disagreements)
class Worker(SQLModel, table=True):
    id_number: str = Field(primary_key=True, max_length=18)
    name: str | None = Field(default=None, max_length=64)
