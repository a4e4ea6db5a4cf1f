"""The canonical tables of `ingest/canonical.py`, stored row for row, provenance included.

Column names equal the canonical ones so a frame loads and reads back without renaming, and the evidence
of a finding (file, sheet, row) is the same whether it came from `four-real check` or from the store.
Money is BIGINT fen; day fractions and hours are not money and stay floating point.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel


class Provenance(SQLModel):
    version_id: int = Field(foreign_key="data_version.id", index=True)
    project_code: str = Field(max_length=64, index=True)
    src_file: str = Field(max_length=500)
    src_sheet: str | None = Field(default=None, max_length=200)
    src_row: int


class RosterEntry(Provenance, table=True):
    __tablename__ = "roster_entry"
    id: int | None = Field(default=None, primary_key=True)
    worker_name: str = Field(max_length=64)
    id_number: str = Field(max_length=18, index=True)
    gender: str | None = Field(default=None, max_length=1)
    phone: str | None = Field(default=None, max_length=32)
    employer: str | None = Field(default=None, max_length=200)
    team: str | None = Field(default=None, max_length=100)
    trade: str | None = Field(default=None, max_length=100)
    card_number: str = Field(max_length=19)
    card_bank: str | None = Field(default=None, max_length=100)
    contract_signed: bool | None = None
    entry_date: dt.date | None = None
    exit_date: dt.date | None = None
    wage_basis: str | None = Field(default=None, max_length=8)
    daily_wage: int | None = Field(default=None, sa_type=BigInteger)
    monthly_wage: int | None = Field(default=None, sa_type=BigInteger)


class AttendanceRow(Provenance, table=True):
    __tablename__ = "attendance_row"
    id: int | None = Field(default=None, primary_key=True)
    id_number: str = Field(max_length=18, index=True)
    worker_name: str | None = Field(default=None, max_length=64)
    date: dt.date = Field(index=True)
    day_fraction: float = 1.0
    hours: float | None = None


class PayrollLine(Provenance, table=True):
    __tablename__ = "payroll_line"
    id: int | None = Field(default=None, primary_key=True)
    worker_name: str = Field(max_length=64)
    id_number: str = Field(max_length=18, index=True)
    month: str = Field(max_length=7, index=True)
    days_worked: float | None = None
    daily_wage: int | None = Field(default=None, sa_type=BigInteger)
    gross: int = Field(sa_type=BigInteger)
    deductions: int | None = Field(default=None, sa_type=BigInteger)
    net: int = Field(sa_type=BigInteger)
    card_number: str | None = Field(default=None, max_length=19)
    signed: bool | None = None


class DisbursementRow(Provenance, table=True):
    __tablename__ = "disbursement_row"
    id: int | None = Field(default=None, primary_key=True)
    date: dt.date = Field(index=True)
    card_number: str = Field(max_length=19, index=True)
    account_name: str = Field(max_length=64)
    amount: int = Field(sa_type=BigInteger)
    status: str = Field(max_length=1)
    reason: str | None = Field(default=None, max_length=500)
    payer_account: str | None = Field(default=None, max_length=40)
    month: str | None = Field(default=None, max_length=7)
    memo: str | None = Field(default=None, max_length=500)
    txn_id: str | None = Field(default=None, max_length=64)
    batch_id: str | None = Field(default=None, max_length=64)
    bank_code: str | None = Field(default=None, max_length=32)


class AccountTxn(Provenance, table=True):
    __tablename__ = "account_txn"
    id: int | None = Field(default=None, primary_key=True)
    date: dt.date = Field(index=True)
    amount: int = Field(sa_type=BigInteger)
    direction: str = Field(max_length=3)
    counterparty: str | None = Field(default=None, max_length=200)
    counterparty_account: str | None = Field(default=None, max_length=40)
    purpose: str | None = Field(default=None, max_length=500)
    balance: int | None = Field(default=None, sa_type=BigInteger)


ROW_TABLES: dict[str, type[SQLModel]] = {
    "roster": RosterEntry, "attendance": AttendanceRow, "payroll": PayrollLine,
    "disbursement": DisbursementRow, "account": AccountTxn,
}
