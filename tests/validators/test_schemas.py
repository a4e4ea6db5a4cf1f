"""The table models: one clean frame per table passes untouched; each planted fault yields one problem."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest
from stdnum import luhn
from stdnum.cn import ric

from ingest.canonical import TABLES, columns, conform, empty
from validators.checks import id_check_digits_match
from validators.schemas import SCHEMAS, Disbursement, Payroll, Roster
from validators.validate import validate_table


def make_id(seq: int, birth: str = "19850312") -> str:
    body = f"330783{birth}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum ignores the last character it is given


def make_card(n: int, digits: int = 19) -> str:
    body = f"622202{n:0{digits - 7}d}"
    return body + luhn.calc_check_digit(body)


IDS = [make_id(s) for s in (1, 2, 3)]
ID_X = next(i for i in (make_id(s) for s in range(1, 100)) if i.endswith("X"))
CARDS = [make_card(n) for n in (1, 2, 3)]
DATES = pd.to_datetime(["2025-03-03", "2025-03-04", "2025-03-05"])


def clean(kind: str) -> pd.DataFrame:
    """Three valid rows of ``kind`` (source rows 2–4), every optional column filled."""
    data: dict[str, dict[str, object]] = {
        "project": {
            "project_code": ["P1", "P2", "P3"], "project_name": "东阳项目",
            "sector": ["housing", "transport", "water"],
            "contract_amount": 100_000_000, "start_date": pd.Timestamp("2024-01-01"),
            "end_date": pd.Timestamp("2026-12-31"), "payday": [15, 1, 31], "wage_account": "3305016112",
            "deposit_status": ["paid", "guarantee", "exempt"], "labor_cost_ratio": [0.2, 0.0, 1.0],
            "min_wage_monthly": 249_000,
        },
        "roster": {
            "project_code": "P1", "worker_name": ["张伟", "王芳", "李强"], "id_number": IDS,
            "gender": ["M", "F", "M"], "card_number": CARDS, "contract_signed": [True, False, True],
            "entry_date": pd.Timestamp("2025-01-02"),
            "exit_date": pd.to_datetime(["2025-06-30", None, "2025-01-02"]),  # open-ended; left the same day
            "wage_basis": ["day", "month", "piece"], "daily_wage": 30_000, "monthly_wage": 700_000,
        },
        "attendance": {
            "project_code": "P1", "id_number": IDS, "worker_name": ["张伟", None, "李强"], "date": DATES,
            "day_fraction": [1.0, 0.5, 1.0], "hours": pd.array([8.0, None, 24.0], dtype="Float64"),
        },
        "payroll": {
            "project_code": "P1", "worker_name": ["张伟", "王芳", "李强"], "id_number": IDS,
            "month": "2025-03",
            "days_worked": [22.0, 0.0, 31.0], "daily_wage": 30_000, "gross": [660_000, 0, 930_000],
            "deductions": pd.array([0, None, 1_000], dtype="Int64"), "net": [660_000, 0, 929_000],
            "card_number": [CARDS[0], None, CARDS[2]], "signed": [True, False, None],
        },
        "disbursement": {
            "project_code": "P1", "date": DATES, "card_number": CARDS,
            "account_name": ["张伟", "王芳", "李强"],
            "amount": [660_000, 1, 929_000], "status": ["S", "F", "S"], "payer_account": "3305016112",
            "month": ["2025-03", None, "2025-12"], "txn_id": ["T1", "T2", "T3"],
        },
        "account": {
            "project_code": "P1", "date": DATES, "amount": [2_000_000, 1_589_000, 1],
            "direction": ["in", "out", "out"], "balance": [2_000_000, 411_000, -1],
        },
    }
    frame = pd.DataFrame(data[kind])
    frame["src_file"] = f"{kind}.xlsx"
    frame["src_sheet"] = ["第一页", None, "第一页"]
    frame["src_row"] = [2, 3, 4]
    return conform(kind, frame)


def first_row_value(column: str) -> Callable[[pd.DataFrame], object]:
    return lambda frame: frame.loc[0, column]


BAD: list[tuple[str, str, object, str]] = [
    # (table, column, value planted in source row 3, expected code)
    ("project", "project_code", None, "REQUIRED-MISSING"),
    ("project", "project_code", first_row_value("project_code"), "DUPLICATE-ROW"),  # the project twice
    ("project", "sector", "住建", "VALUE-UNKNOWN"),  # not mapped by the reader
    ("project", "deposit_status", "yes", "VALUE-UNKNOWN"),
    ("project", "payday", 0, "RANGE"),  # no day 0 of a month
    ("project", "payday", 32, "RANGE"),
    ("project", "contract_amount", -1, "RANGE"),
    ("project", "labor_cost_ratio", 1.5, "RANGE"),  # more than the whole contract
    ("project", "start_date", pd.Timestamp("1999-12-31"), "RANGE"),  # before 2000: a typo
    ("project", "end_date", pd.Timestamp("2101-01-01"), "RANGE"),
    ("roster", "worker_name", None, "REQUIRED-MISSING"),
    ("roster", "id_number", None, "REQUIRED-MISSING"),
    ("roster", "id_number", IDS[1][:-1] + ("0" if IDS[1][-1] != "0" else "1"), "ID-CHECKSUM"),
    ("roster", "id_number", IDS[1][:-1] + "x", "ID-FORMAT"),  # lower-case x is the reader's to fold
    ("roster", "id_number", IDS[1][:17], "ID-LENGTH"),  # 17 characters
    ("roster", "id_number", "33078319850312005Y", "ID-FORMAT"),
    ("roster", "card_number", None, "REQUIRED-MISSING"),
    ("roster", "card_number", "62220212345", "CARD-FORMAT"),  # 11 digits
    ("roster", "card_number", "62220212345678901234", "CARD-FORMAT"),  # 20 digits
    ("roster", "gender", "男", "VALUE-UNKNOWN"),
    ("roster", "wage_basis", "hour", "VALUE-UNKNOWN"),
    ("roster", "exit_date", pd.Timestamp("2025-01-01"), "RANGE"),  # left the day before entering
    ("roster", "daily_wage", -100, "RANGE"),
    ("attendance", "id_number", None, "REQUIRED-MISSING"),  # a name-only row that resolve did not match
    ("attendance", "date", pd.NaT, "REQUIRED-MISSING"),
    ("attendance", "date", pd.Timestamp("2101-03-04"), "RANGE"),
    ("attendance", "day_fraction", 0.25, "VALUE-UNKNOWN"),  # only whole and half days
    ("attendance", "hours", 24.5, "RANGE"),
    ("attendance", "hours", -1.0, "RANGE"),
    ("payroll", "worker_name", None, "REQUIRED-MISSING"),
    ("payroll", "id_number", first_row_value("id_number"), "DUPLICATE-ROW"),  # one worker, two lines
    ("payroll", "month", "2025-13", "MONTH-FORMAT"),
    ("payroll", "month", None, "REQUIRED-MISSING"),
    ("payroll", "days_worked", 31.5, "RANGE"),
    ("payroll", "gross", None, "REQUIRED-MISSING"),
    ("payroll", "net", -1, "RANGE"),
    ("payroll", "deductions", -500, "RANGE"),
    ("payroll", "card_number", "abc", "CARD-FORMAT"),
    ("disbursement", "amount", 0, "RANGE"),  # a payment of nothing
    ("disbursement", "amount", None, "REQUIRED-MISSING"),
    ("disbursement", "status", "成功", "VALUE-UNKNOWN"),  # not mapped by the reader
    ("disbursement", "status", None, "REQUIRED-MISSING"),
    ("disbursement", "account_name", None, "REQUIRED-MISSING"),
    ("disbursement", "card_number", "6222 0200 0000 0000", "CARD-FORMAT"),  # spaces left in
    ("disbursement", "month", "202503", "MONTH-FORMAT"),
    ("disbursement", "project_code", None, "REQUIRED-MISSING"),
    ("account", "amount", 0, "RANGE"),
    ("account", "direction", "收", "VALUE-UNKNOWN"),
    ("account", "date", pd.NaT, "REQUIRED-MISSING"),
]


def plant(kind: str, column: str, value: object) -> pd.DataFrame:
    frame = clean(kind)
    frame.loc[1, column] = value(frame) if callable(value) else value
    return frame


@pytest.mark.parametrize("kind", list(TABLES))
def test_clean_table_passes_untouched(kind: str) -> None:
    frame = clean(kind)
    valid, problems = validate_table(kind, frame)
    assert problems == []
    pd.testing.assert_frame_equal(valid, frame)


@pytest.mark.parametrize(("kind", "column", "value", "code"), BAD)
def test_planted_fault_gives_exactly_one_problem_on_its_row(kind: str, column: str, value: object,
                                                            code: str) -> None:
    valid, problems = validate_table(kind, plant(kind, column, value))
    assert [(p.code, p.column, p.file, p.sheet, p.row) for p in problems] == [
        (code, column, f"{kind}.xlsx", None, 3)]
    assert valid["src_row"].tolist() == [2, 4]


@pytest.mark.parametrize(("kind", "column", "value"), [
    ("roster", "id_number", ID_X),  # check digit X
    ("roster", "exit_date", pd.Timestamp("2025-01-02")),  # left the day of entry
    ("roster", "card_number", "622202123456"),  # 12 digits, not Luhn-valid: a warning elsewhere, not here
    ("roster", "gender", None),
    ("attendance", "worker_name", None),  # an ID is enough
    ("attendance", "hours", 0.0),
    ("payroll", "id_number", IDS[0]),  # the same ID in another month is no duplicate ...
    ("payroll", "signed", None),
    ("project", "payday", None),  # the default payday applies
    ("project", "sector", None),
    ("disbursement", "month", None),  # the rules use the memo or the month before the date
    ("disbursement", "project_code", "P2"),
    ("account", "balance", None),
    ("account", "direction", None),
])
def test_edge_values_that_are_valid_pass(kind: str, column: str, value: object) -> None:
    frame = plant(kind, column, value)
    if kind == "payroll" and column == "id_number":
        frame.loc[1, "month"] = "2025-04"  # ... which is what this case is about
    valid, problems = validate_table(kind, frame)
    assert problems == []
    assert len(valid) == 3


def test_duplicate_payroll_line_reports_the_later_row_and_names_the_first() -> None:
    frame = plant("payroll", "id_number", IDS[0])
    _, problems = validate_table("payroll", frame)
    assert problems[0].reason_en.endswith("(same as row 2)")


@pytest.mark.parametrize("kind", list(TABLES))
def test_models_declare_every_canonical_column(kind: str) -> None:
    assert set(SCHEMAS[kind].to_schema().columns) == set(columns(kind))


@pytest.mark.parametrize("kind", list(TABLES))
def test_empty_canonical_table_is_valid(kind: str) -> None:
    SCHEMAS[kind].validate(empty(kind))


def test_models_give_column_names_through_attributes() -> None:
    assert (Payroll.net, Roster.id_number, Disbursement.amount) == ("net", "id_number", "amount")


def test_models_do_not_coerce_or_reject_extra_columns() -> None:
    schema = Payroll.to_schema()
    assert (schema.coerce, schema.strict) == (False, False)
    Payroll.validate(clean("payroll").assign(note="extra"))


def test_wrong_dtype_is_reported_not_coerced() -> None:
    frame = clean("payroll").assign(net=[6600.0, 0.0, 9290.0])  # yuan as floats: a reader bug
    with pytest.raises(pa.errors.SchemaError, match="net"):
        Payroll.validate(frame)


def test_id_check_digit_agrees_with_python_stdnum() -> None:
    rng = np.random.default_rng(7)
    bodies = [f"{int(rng.integers(110000, 659999))}19{int(rng.integers(50, 99))}0{int(rng.integers(1, 9))}"
              f"{int(rng.integers(10, 28))}{int(rng.integers(0, 999)):03d}" for _ in range(300)]
    ids = [b + c for b in bodies for c in "0123456789X"]
    expected = [ric.calc_check_digit(i) == i[-1] for i in ids]
    got = id_check_digits_match(pd.Series([*ids, None, "12345"], dtype="str"))
    assert got.tolist() == [*expected, True, True]  # NA and malformed are not the checksum's business
