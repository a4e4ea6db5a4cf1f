"""The canonical tables: column names and dtypes every reader produces and every rule consumes.

Kept in one place so that readers, fixtures and rules agree by construction; ``conform`` gives partial
frames (tests, fixtures, other front ends) the full column set with NA where a column was absent.
"""

from __future__ import annotations

import pandas as pd

PROVENANCE: dict[str, str] = {"src_file": "str", "src_sheet": "str", "src_row": "int64"}

DATE = "datetime64[s]"
FEN = "Int64"

TABLES: dict[str, dict[str, str]] = {
    "project": {
        "project_code": "str", "project_name": "str", "sector": "str", "township": "str",
        "builder": "str", "contractor": "str", "contractor_uscc": "str", "contract_amount": FEN,
        "start_date": DATE, "end_date": DATE, "payday": "Int64", "wage_account": "str",
        "wage_account_bank": "str", "deposit_status": "str", "labor_cost_ratio": "Float64",
        "min_wage_monthly": FEN,
    },
    "roster": {
        "project_code": "str", "worker_name": "str", "id_number": "str", "gender": "str", "phone": "str",
        "employer": "str", "team": "str", "trade": "str", "card_number": "str", "card_bank": "str",
        "contract_signed": "boolean", "entry_date": DATE, "exit_date": DATE, "wage_basis": "str",
        "daily_wage": FEN, "monthly_wage": FEN,
    },
    "attendance": {
        "project_code": "str", "id_number": "str", "worker_name": "str", "date": DATE,
        "day_fraction": "float64", "hours": "Float64",
    },
    "payroll": {
        "project_code": "str", "worker_name": "str", "id_number": "str", "month": "str",
        "days_worked": "Float64", "daily_wage": FEN, "gross": FEN, "deductions": FEN, "net": FEN,
        "card_number": "str", "signed": "boolean",
    },
    "disbursement": {
        "project_code": "str", "date": DATE, "card_number": "str", "account_name": "str", "amount": FEN,
        "status": "str", "reason": "str", "payer_account": "str", "month": "str", "memo": "str",
        "txn_id": "str", "batch_id": "str", "bank_code": "str",
    },
    "account": {
        "project_code": "str", "date": DATE, "amount": FEN, "direction": "str", "counterparty": "str",
        "counterparty_account": "str", "purpose": "str", "balance": FEN,
    },
}
KINDS: tuple[str, ...] = tuple(TABLES)


def columns(kind: str) -> dict[str, str]:
    """All columns of a kind, provenance included, with their dtypes."""
    return {**TABLES[kind], **PROVENANCE}


def empty(kind: str) -> pd.DataFrame:
    """An empty table of the kind; a copy of a cached template (building one costs ~8 ms, and every
    file read asks for the five kinds it does not hold)."""
    return _EMPTY[kind].copy()


_EMPTY: dict[str, pd.DataFrame] = {
    kind: pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns(kind).items()}) for kind in TABLES
}


def conform(kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Add missing columns as NA, cast to the canonical dtypes, order the columns.

    Missing provenance is filled with a placeholder so hand-built frames (tests, notebooks) still work.
    """
    out = {}
    n = len(frame)
    for col, dtype in columns(kind).items():
        if col in frame:
            s = frame[col]
            if dtype == DATE:
                s = pd.to_datetime(s).astype(DATE) if not str(s.dtype).startswith("datetime64[s]") else s
            elif str(s.dtype) != dtype:
                s = s.astype(dtype)
            out[col] = s
        elif col == "src_file":
            out[col] = pd.Series([f"<{kind}>"] * n, index=frame.index, dtype="str")
        elif col == "src_row":
            out[col] = pd.Series(range(2, n + 2), index=frame.index, dtype="int64")
        else:
            out[col] = pd.Series(pd.NA, index=frame.index, dtype=dtype)
    return pd.DataFrame(out, index=frame.index)
