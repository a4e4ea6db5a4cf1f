"""validate_tables: failures become positioned, bilingual problems; failing rows leave, nothing silently."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from stdnum.cn import ric

from ingest.canonical import TABLES, conform
from validators.dataset import Dataset
from validators.validate import validate_dataset, validate_table, validate_tables


def make_id(seq: int) -> str:
    body = f"33078319850312{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def payroll(n: int = 4, **changes: list[object]) -> pd.DataFrame:
    frame = pd.DataFrame({
        "project_code": "P1", "worker_name": [f"工人{i}" for i in range(n)],
        "id_number": [make_id(i + 1) for i in range(n)], "month": "2025-03", "gross": 500_000,
        "net": 500_000, "src_file": "工资表.xlsx", "src_sheet": "3月工资表", "src_row": list(range(5, 5 + n)),
    })
    for column, values in changes.items():
        frame[column] = values
    return conform("payroll", frame)


def test_problem_is_positioned_by_the_rows_provenance_and_worded_in_both_languages() -> None:
    frame = payroll(net=[500_000, -12_345, 500_000, 500_000])
    _, problems = validate_tables({"payroll": frame})
    assert [p.as_dict() for p in problems] == [{
        "file": "工资表.xlsx", "sheet": "3月工资表", "row": 6, "column": "net", "value": "-123.45",
        "code": "RANGE",
        "reason": "数值超出合理范围（不能小于 0.00） / "
                  "value is outside the plausible range (must be at least 0.00)",
    }]


@pytest.mark.parametrize(("column", "value", "shown", "reason_en"), [
    # money in yuan, as on the sheet
    ("gross", -5, "-0.05", "must be at least 0.00"),
    # a date without a clock time
    ("date", pd.Timestamp("1999-03-01"), "1999-03-01", "must be between 2000-01-01 and 2100-12-31"),
    # the accepted values are listed
    ("status", "OK", "OK", "must be one of S, F"),
])
def test_value_and_limit_are_shown_as_the_user_knows_them(column: str, value: object, shown: str,
                                                          reason_en: str) -> None:
    kind = "payroll" if column == "gross" else "disbursement"
    if kind == "payroll":
        frame = payroll(1, gross=[value])
    else:
        frame = conform("disbursement", pd.DataFrame({
            "project_code": ["P1"], "date": [pd.Timestamp("2025-04-10")],
            "card_number": ["6222020000000000019"],
            "account_name": ["张伟"], "amount": [100], "status": ["S"]}).assign(**{column: [value]}))
    _, problems = validate_table(kind, frame)
    assert [(p.value, p.reason_en.endswith(f"({reason_en})")) for p in problems] == [(shown, True)]


def test_failing_rows_leave_and_the_others_keep_their_index_and_values() -> None:
    frame = payroll(month=["2025-03", "2025-3", "2025-03", "2025-03"]).set_axis([10, 20, 30, 40])
    valid, problems = validate_tables({"payroll": frame})
    pd.testing.assert_frame_equal(valid["payroll"], frame.loc[[10, 30, 40]])
    assert [(p.row, p.code) for p in problems] == [(6, "MONTH-FORMAT")]


def test_repeated_index_labels_still_point_at_the_right_row() -> None:
    # frames concatenated without ignore_index repeat their labels
    frame = pd.concat([payroll(2), payroll(2, net=[1, -1]).assign(src_row=[8, 9])])
    valid, problems = validate_tables({"payroll": frame.assign(id_number=[make_id(i) for i in range(1, 5)])})
    assert [(p.row, p.column) for p in problems] == [(9, "net")]
    assert valid["payroll"]["src_row"].tolist() == [5, 6, 8]


def test_a_row_with_several_faults_leaves_once_with_every_problem() -> None:
    frame = payroll(net=[500_000, -1, 500_000, 500_000], month=["2025-03", "March", "2025-03", "2025-03"])
    valid, problems = validate_tables({"payroll": frame})
    assert sorted((p.row, p.column) for p in problems) == [(6, "month"), (6, "net")]
    assert len(valid["payroll"]) == 3


def test_nothing_is_dropped_without_a_problem() -> None:
    ids = [make_id(1), make_id(1), *(make_id(i) for i in range(3, 9))]  # row 6 repeats row 5's worker
    frame = payroll(8, net=[1, 1, 1, None, 1, 1, 1, -2], id_number=ids)
    valid, problems = validate_tables({"payroll": frame})
    dropped = set(frame["src_row"]) - set(valid["payroll"]["src_row"])
    assert dropped == {p.row for p in problems} == {6, 8, 12}


def test_grid_rows_sharing_a_source_row_give_one_problem() -> None:
    # a wide attendance grid: one canonical row per day, all with the grid row's number
    frame = conform("attendance", pd.DataFrame({
        "project_code": "P1", "id_number": make_id(1), "worker_name": "张伟",
        "date": pd.date_range("2025-03-01", periods=5), "day_fraction": 2.0, "src_file": "考勤.xlsx",
        "src_sheet": "3月", "src_row": 7,
    }))
    valid, problems = validate_tables({"attendance": frame})
    assert [(p.row, p.code, p.value) for p in problems] == [(7, "VALUE-UNKNOWN", "2.0")]
    assert valid["attendance"].empty


def test_missing_required_column_is_one_problem_naming_it() -> None:
    frame = payroll().drop(columns=["net"])
    valid, problems = validate_tables({"payroll": frame})
    assert [(p.code, p.column, p.row, p.file) for p in problems] == [
        ("REQUIRED-MISSING", "net", None, "工资表.xlsx")]
    assert len(valid["payroll"]) == 4  # no row is at fault


def test_missing_optional_column_is_no_problem() -> None:
    _, problems = validate_tables({"payroll": payroll().drop(columns=["deductions", "signed"])})
    assert problems == []


def test_wrong_dtype_is_a_schema_problem_naming_the_column() -> None:
    frame = payroll().assign(net=np.full(4, 5000.0))
    _, problems = validate_tables({"payroll": frame})
    assert [(p.code, p.column, p.row) for p in problems] == [("SCHEMA", "net", None)]


def test_unknown_table_passes_through() -> None:
    other = pd.DataFrame({"x": [1]})
    valid, problems = validate_tables({"notes": other})
    assert valid["notes"] is other and problems == []


def test_clean_tables_are_returned_untouched() -> None:
    tables = {"payroll": payroll(), "roster": conform("roster", pd.DataFrame({
        "project_code": "P1", "worker_name": ["张伟"], "id_number": [make_id(1)],
        "card_number": ["6222020000000000019"]}))}
    valid, problems = validate_tables(tables)
    assert problems == []
    for kind, frame in tables.items():
        assert valid[kind] is frame


def test_validate_dataset_gives_all_six_tables() -> None:
    dataset, problems = validate_dataset({"payroll": payroll(net=[1, 2, -3, 4])})
    assert isinstance(dataset, Dataset)
    assert [p.row for p in problems] == [7]
    assert len(dataset.payroll) == 3 and dataset.roster.empty
    assert set(dataset.tables()) == set(TABLES)


@pytest.mark.slow
def test_a_million_attendance_rows_validate_in_about_a_second() -> None:
    workers, days = 40_000, 25
    frame = conform("attendance", pd.DataFrame({
        "project_code": "P1", "id_number": np.repeat([make_id(i % 1000) for i in range(workers)], days),
        "date": np.tile(pd.date_range("2025-03-01", periods=days).to_numpy(), workers), "day_fraction": 1.0,
        "src_file": "考勤.xlsx", "src_row": np.arange(workers * days) + 2,
    }))
    start = time.perf_counter()
    valid, problems = validate_tables({"attendance": frame})
    assert time.perf_counter() - start < 2.0
    assert problems == [] and len(valid["attendance"]) == workers * days


def test_rows_missing_a_key_are_reported_missing_not_duplicate() -> None:
    frame = payroll(3, id_number=[make_id(1), None, None])
    _, problems = validate_tables({"payroll": frame})
    assert [(p.row, p.code) for p in problems] == [(6, "REQUIRED-MISSING"), (7, "REQUIRED-MISSING")]
