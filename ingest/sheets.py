"""A recognised sheet to its canonical table, with a problem for every cell that could not be read.

Each kind's builder reads the columns its sheet has, applies the kind's value maps and derivations
(a payroll's gross from its parts, an account's direction from the sign), and reports every required value
that is missing. Rows with an error are left out of the frame and counted as rejected; nothing is dropped
without a problem saying why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from ingest.canonical import TABLES, conform, empty
from ingest.columns import SheetData, distinct_map
from ingest.containers import RawSheet, cell_text
from ingest.errors import UnknownKindError
from ingest.grid import read_grid
from ingest.layout import Layout, find_layout, header_guess
from ingest.problems import RowProblem
from ingest.text import normalise_header
from ingest.values.dates import memo_months

__all__ = ["SheetResult", "read_sheet"]

_TYPES: dict[str, dict[str, str]] = {
    "project": {
        "project_code": "text", "project_name": "text", "sector": "enum", "township": "text",
        "builder": "text", "contractor": "text", "contractor_uscc": "text", "contract_amount": "fen",
        "start_date": "date", "end_date": "date", "payday": "int", "wage_account": "digits",
        "wage_account_bank": "text", "deposit_status": "enum", "labor_cost_ratio": "number",
        "min_wage_monthly": "fen",
    },
    "roster": {
        "project_code": "text", "worker_name": "name", "id_number": "id", "gender": "enum", "phone": "digits",
        "employer": "text", "team": "text", "trade": "text", "card_number": "card", "card_bank": "text",
        "contract_signed": "flag", "entry_date": "date", "exit_date": "date", "wage_basis": "enum",
        "daily_wage": "fen", "monthly_wage": "fen",
    },
    "attendance": {"project_code": "text", "id_number": "id", "worker_name": "name", "hours": "number"},
    "payroll": {
        "project_code": "text", "worker_name": "name", "id_number": "id", "days_worked": "number",
        "daily_wage": "fen", "gross": "fen", "deductions": "fen", "net": "fen", "card_number": "card",
    },
    "disbursement": {
        "project_code": "text", "date": "date", "card_number": "card", "account_name": "name",
        "amount": "fen", "reason": "text", "payer_account": "digits", "txn_id": "text", "batch_id": "text",
    },
    "account": {
        "project_code": "text", "date": "date", "counterparty": "text", "counterparty_account": "digits",
        "purpose": "text", "balance": "signed",
    },
}
"""How each column the builders read without further derivation is parsed."""

_REQUIRED: dict[str, tuple[str, ...]] = {
    "project": ("project_code",), "roster": ("worker_name", "id_number", "card_number"),
    "attendance": (), "payroll": ("net",), "disbursement": ("date", "card_number", "account_name", "amount"),
    "account": ("date",),
}
_SIGNED_NO = frozenset({"否", "未签", "无", "n", "no", "×", "✗"})


@dataclass(frozen=True)
class SheetResult:
    """One sheet read: its canonical rows, its problems and its row accounting."""

    kind: str
    frame: pd.DataFrame
    problems: list[RowProblem]
    rows: int
    accepted: int
    rejected: int
    skipped: int
    ignored_columns: list[str]


@dataclass(frozen=True)
class _Context:
    title_month: str | None
    month: str | None


def _parse(d: SheetData, key: str, typ: str) -> pd.Series:
    if typ == "text":
        return d.text(key)
    if typ == "digits":
        return d.digits(key)
    if typ == "name":
        return d.names(key)
    if typ == "enum":
        return d.enum(key)
    if typ == "flag":
        return d.enum(key, "boolean")
    if typ == "signed":
        return d.parsed(key, "fen", allow_negative=True)
    return d.parsed(key, typ)


def _identity(d: SheetData) -> None:
    """An ID or a name must be there; a name alone is matched to the roster later by ``resolve``."""
    column = "id_number" if d.has("id_number") else "worker_name"
    missing = d.raw("id_number").isna() & d.raw("worker_name").isna()
    d.report(missing, "REQUIRED-MISSING", column)


def _month(d: SheetData, ctx: _Context) -> pd.Series:
    """The column's month, else the title's, else the command line's; MONTH-UNKNOWN when none."""
    month = d.parsed("month", "month") if d.has("month") else pd.Series(pd.NA, index=d.index, dtype="str")
    fallback = ctx.title_month or ctx.month
    blank = d.raw("month").isna()
    if fallback is not None:
        month = month.mask(blank, fallback)
    d.report(blank & month.isna(), "MONTH-UNKNOWN", "month")
    return month


def _sum_parts(d: SheetData, key: str, column: str) -> pd.Series | None:
    """The sum of a multi-column key's cells per row (empty parts count 0), NA where every part is empty."""
    cols = d.parts.get(key, [])
    if not cols:
        return None
    values = [d.parsed(key, "fen", column, col=c) for c in cols]
    total = values[0].fillna(0)
    for v in values[1:]:
        total = total + v.fillna(0)
    any_given = pd.concat([v.notna() for v in values], axis=1).any(axis=1)
    return total.where(any_given)


def _total_or_parts(d: SheetData, out: dict[str, pd.Series], column: str, part_key: str) -> None:
    """The total column counts; its parts fill in where there is no total, and cross-check it otherwise."""
    parts = _sum_parts(d, part_key, column)
    if parts is None:
        return
    if not d.has(column):
        out[column] = parts
        return
    total = out[column]
    d.report(total.notna() & parts.notna() & total.ne(parts), "PARTS-TOTAL-MISMATCH", column,
             d.raw(column), level="warning")
    out[column] = total.fillna(parts)


def _attendance(d: SheetData, ctx: _Context, out: dict[str, pd.Series]) -> None:
    _identity(d)
    source = "date" if d.has("date") else "clock_in"  # a gate log may carry only the entry time
    when = d.parsed(source, "datetime", "date")
    out["date"] = when.dt.normalize()
    d.require("date", out["date"], d.raw(source))
    out["day_fraction"] = pd.Series(1.0, index=d.index)


def _payroll(d: SheetData, ctx: _Context, out: dict[str, pd.Series]) -> None:
    _identity(d)
    out["month"] = _month(d, ctx)
    _total_or_parts(d, out, "gross", "gross_part")
    _total_or_parts(d, out, "deductions", "deduction_part")
    if "deductions" in out and (d.has("deductions") or d.parts.get("deduction_part")):
        out["deductions"] = out["deductions"].fillna(0)  # an empty cell in a deduction column is none
    gross_cells = [c for key in ("gross", "gross_part") for c in d.parts.get(key, [])]
    given = d.cells[gross_cells].notna().any(axis=1)
    d.require("gross", out["gross"], given.where(given))
    if d.has("signed"):
        marks = distinct_map(d.raw("signed"), lambda v: normalise_header(cell_text(v)) not in _SIGNED_NO,
                             "boolean")
        out["signed"] = marks.fillna(False)


def _disbursement(d: SheetData, ctx: _Context, out: dict[str, pd.Series]) -> None:
    if d.has("status"):
        out["status"] = d.enum("status").fillna("S")  # an empty status cell reads like an absent column
    else:
        out["status"] = pd.Series("S", index=d.index, dtype="str")
    out["memo"] = out.get("reason", pd.Series(pd.NA, index=d.index, dtype="str"))
    memo = memo_months(out["memo"], out["date"])
    out["month"] = d.parsed("month", "month").fillna(memo) if d.has("month") else memo


def _account(d: SheetData, ctx: _Context, out: dict[str, pd.Series]) -> pd.DataFrame:
    """Signed amounts, or separate in and out columns, to a positive amount and a direction.

    A row with both an in and an out amount becomes two canonical rows sharing its row number.
    """
    given = d.enum("direction") if d.has("direction") else pd.Series(pd.NA, index=d.index, dtype="str")
    if d.has("amount_in") or d.has("amount_out"):
        money_in = d.parsed("amount_in", "fen", "amount", allow_negative=True).abs()
        money_out = d.parsed("amount_out", "fen", "amount", allow_negative=True).abs()
        d.report(money_in.fillna(0).eq(0) & money_out.fillna(0).eq(0) & d.raw("amount_in").isna()
                 & d.raw("amount_out").isna(), "REQUIRED-MISSING", "amount")
        base = pd.DataFrame(out, index=d.index)
        ins = base.assign(amount=money_in, direction="in")[money_in.fillna(0).gt(0)]
        outs = base.assign(amount=money_out, direction="out")[money_out.fillna(0).gt(0)]
        return pd.concat([ins, outs]).sort_index(kind="stable")
    amount = d.parsed("amount", "fen", allow_negative=True)
    d.require("amount", amount, d.raw("amount"))
    by_sign = amount.lt(0).map({True: "out", False: "in"}).astype("str")
    return pd.DataFrame(out, index=d.index).assign(amount=amount.abs(), direction=given.fillna(by_sign))


_BUILDERS: dict[str, Callable[[SheetData, _Context, dict[str, pd.Series]], pd.DataFrame | None]] = {
    "attendance": _attendance, "payroll": _payroll, "disbursement": _disbursement, "account": _account,
}


def _long_frame(d: SheetData, kind: str, ctx: _Context) -> pd.DataFrame:
    out = {key: _parse(d, key, typ) for key, typ in _TYPES[kind].items() if d.has(key)}
    for key in _REQUIRED[kind]:
        if key in _TYPES[kind]:
            d.require(key, out.get(key, pd.Series(pd.NA, index=d.index, dtype="str")), d.raw(key))
    builder = _BUILDERS.get(kind)
    built = builder(d, ctx, out) if builder else None
    frame = built if built is not None else pd.DataFrame(out, index=d.index)
    return frame[~d.rejected.reindex(frame.index).to_numpy(dtype=bool)]


def _sheet_data(cells: pd.DataFrame, layout: Layout, file: str, sheet: str | None) -> SheetData:
    columns: dict[str, int] = {}
    parts: dict[str, list[int]] = {}
    for col, key in layout.recognition.columns.items():
        columns.setdefault(key, col)
        parts.setdefault(key, []).append(col)
    return SheetData(file, sheet, cells.iloc[layout.data], columns, parts)


def read_sheet(raw: RawSheet, *, file: str, month: str | None = None) -> SheetResult:
    """Recognise a non-empty sheet and read it; :class:`UnknownKindError` when no kind matches.

    ``rows`` counts the sheet from row 1 to its last non-empty row; title, header, blank, totals and
    signature rows are ``skipped``, so ``rows == accepted + rejected + skipped``.
    """
    layout = find_layout(raw.cells)
    if layout is None:
        raise UnknownKindError(file=file, sheet=raw.name, headers=header_guess(raw.cells))
    d = _sheet_data(raw.cells, layout, file, raw.name)
    ctx = _Context(layout.title_month, month)
    kind = layout.kind
    if layout.recognition.grid:
        frame = read_grid(d, layout, title_month=layout.title_month, month=month)
    else:
        frame = _long_frame(d, kind, ctx)
    frame = frame[[c for c in frame.columns if c in TABLES[kind]]]
    frame = frame.assign(src_file=file, src_sheet=raw.name, src_row=frame.index.to_numpy() + 1)
    frame = conform(kind, frame.reset_index(drop=True)) if len(frame) else empty(kind)
    rejected = int(d.rejected.sum())
    data = len(layout.data)
    problems = sorted(d.problems, key=lambda p: p.row or 0)  # by row, as the user goes through the sheet
    return SheetResult(kind, frame, problems, len(raw.cells), data - rejected, rejected,
                       len(raw.cells) - data, layout.ignored_columns)
