"""One pandera model per canonical table: what a row must satisfy before any rule may trust it.

The dtypes mirror :mod:`ingest.canonical` (the readers' contract); nullability follows the required columns
of ``files.md``, with ``project_code`` and the attendance/payroll ``id_number`` required because
:func:`ingest.resolve.resolve` has filled or rejected them before validation. Models are declared, never
coerced (``coerce=False``): a wrong dtype is a reader bug to report, not something to paper over. Other
code refers to columns through the models (``Payroll.net`` is ``"net"``), so a renamed column fails loudly.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

# Importing validators.checks registers id_checksum, dates_ordered and unique_rows with pandera.
from validators.checks import CARD_PATTERN, ID_PATTERN, MONTH_PATTERN

DATE_MIN = pd.Timestamp("2000-01-01")
DATE_MAX = pd.Timestamp("2100-12-31")

SECTORS = ["housing", "transport", "water"]
DEPOSIT_STATUSES = ["paid", "guarantee", "unpaid", "exempt"]
GENDERS = ["M", "F"]
WAGE_BASES = ["day", "month", "piece"]
STATUSES = ["S", "F"]
DIRECTIONS = ["in", "out"]
DAY_FRACTIONS = [0.5, 1.0]


def _req(**checks: Any) -> Any:
    """A column of ``files.md`` marked required: present and never empty."""
    return pa.Field(nullable=False, **checks)


def _opt(**checks: Any) -> Any:
    """An optional column: may be empty, and a hand-built frame may leave it out (``conform`` adds it)."""
    return pa.Field(nullable=True, required=False, **checks)


def _date(*, nullable: bool = True) -> Any:
    """A date of this century: anything else is a typo or a spreadsheet serial read wrongly."""
    bounds = {"in_range": {"min_value": DATE_MIN, "max_value": DATE_MAX}}
    return _opt(**bounds) if nullable else _req(**bounds)


def _fen(*, nullable: bool = True, positive: bool = False) -> Any:
    """Money in fen: never negative; a payment or account movement of nothing is no movement at all."""
    bound = {"gt": 0} if positive else {"ge": 0}
    return _opt(**bound) if nullable else _req(**bound)


def _id_number() -> Any:
    return _req(matches_pattern=ID_PATTERN, id_checksum=())


class _Canonical(pa.DataFrameModel):
    """Provenance every canonical row carries, so a failure can be shown where the user typed it."""

    src_file: Series[str] = _req()
    src_sheet: Series[str] = _opt()
    src_row: Series[np.int64] = _req(ge=1)

    class Config:
        strict = False
        coerce = False


class Project(_Canonical):
    project_code: Series[str] = _req()
    project_name: Series[str] = _opt()
    sector: Series[str] = _opt(isin=SECTORS)
    township: Series[str] = _opt()
    builder: Series[str] = _opt()
    contractor: Series[str] = _opt()
    contractor_uscc: Series[str] = _opt()
    contract_amount: Series[pd.Int64Dtype] = _fen()
    start_date: Series[pa.DateTime] = _date()
    end_date: Series[pa.DateTime] = _date()
    payday: Series[pd.Int64Dtype] = _opt(in_range={"min_value": 1, "max_value": 31})
    wage_account: Series[str] = _opt()
    wage_account_bank: Series[str] = _opt()
    deposit_status: Series[str] = _opt(isin=DEPOSIT_STATUSES)
    # A share of the contract amount, 0.2 for 20 %.
    labor_cost_ratio: Series[pd.Float64Dtype] = _opt(in_range={"min_value": 0, "max_value": 1})
    min_wage_monthly: Series[pd.Int64Dtype] = _fen()

    class Config:
        unique_rows = {"keys": ["project_code"]}  # noqa: RUF012  (pandera reads it)


class Roster(_Canonical):
    project_code: Series[str] = _req()
    worker_name: Series[str] = _req()
    id_number: Series[str] = _id_number()
    gender: Series[str] = _opt(isin=GENDERS)
    phone: Series[str] = _opt()
    employer: Series[str] = _opt()
    team: Series[str] = _opt()
    trade: Series[str] = _opt()
    card_number: Series[str] = _req(matches_pattern=CARD_PATTERN)
    card_bank: Series[str] = _opt()
    contract_signed: Series[pd.BooleanDtype] = _opt()
    entry_date: Series[pa.DateTime] = _date()
    exit_date: Series[pa.DateTime] = _date()
    wage_basis: Series[str] = _opt(isin=WAGE_BASES)
    daily_wage: Series[pd.Int64Dtype] = _fen()
    monthly_wage: Series[pd.Int64Dtype] = _fen()

    class Config:
        dates_ordered = {"earlier": "entry_date", "later": "exit_date"}  # noqa: RUF012


class Attendance(_Canonical):
    project_code: Series[str] = _req()
    id_number: Series[str] = _id_number()
    worker_name: Series[str] = _opt()
    date: Series[pa.DateTime] = _date(nullable=False)
    day_fraction: Series[np.float64] = _req(isin=DAY_FRACTIONS)
    hours: Series[pd.Float64Dtype] = _opt(in_range={"min_value": 0, "max_value": 24})


class Payroll(_Canonical):
    project_code: Series[str] = _req()
    worker_name: Series[str] = _req()
    id_number: Series[str] = _id_number()
    month: Series[str] = _req(matches_pattern=MONTH_PATTERN)
    days_worked: Series[pd.Float64Dtype] = _opt(in_range={"min_value": 0, "max_value": 31})
    daily_wage: Series[pd.Int64Dtype] = _fen()
    gross: Series[pd.Int64Dtype] = _fen(nullable=False)
    deductions: Series[pd.Int64Dtype] = _fen()
    net: Series[pd.Int64Dtype] = _fen(nullable=False)
    card_number: Series[str] = _opt(matches_pattern=CARD_PATTERN)
    signed: Series[pd.BooleanDtype] = _opt()

    class Config:
        # A worker has one payroll line a month; a second one would count the wage twice.
        unique_rows = {"keys": ["project_code", "month", "id_number"]}  # noqa: RUF012


class Disbursement(_Canonical):
    project_code: Series[str] = _req()
    date: Series[pa.DateTime] = _date(nullable=False)
    card_number: Series[str] = _req(matches_pattern=CARD_PATTERN)
    account_name: Series[str] = _req()
    amount: Series[pd.Int64Dtype] = _fen(nullable=False, positive=True)
    status: Series[str] = _req(isin=STATUSES)
    reason: Series[str] = _opt()
    payer_account: Series[str] = _opt()
    month: Series[str] = _opt(matches_pattern=MONTH_PATTERN)
    memo: Series[str] = _opt()
    txn_id: Series[str] = _opt()
    batch_id: Series[str] = _opt()
    bank_code: Series[str] = _opt()


class Account(_Canonical):
    project_code: Series[str] = _req()
    date: Series[pa.DateTime] = _date(nullable=False)
    amount: Series[pd.Int64Dtype] = _fen(nullable=False, positive=True)
    direction: Series[str] = _opt(isin=DIRECTIONS)
    counterparty: Series[str] = _opt()
    counterparty_account: Series[str] = _opt()
    purpose: Series[str] = _opt()
    # A balance may be negative on an overdrawn account: it is reported, not judged, here.
    balance: Series[pd.Int64Dtype] = _opt()


SCHEMAS: dict[str, type[_Canonical]] = {
    "project": Project, "roster": Roster, "attendance": Attendance, "payroll": Payroll,
    "disbursement": Disbursement, "account": Account,
}
