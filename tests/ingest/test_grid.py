"""The wide attendance grid: marks, hours, the month, the total column, and rows per worker-day."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from ingest import read_path
from ingest.grid import read_mark

DAYS = [str(d) for d in range(1, 32)]


def grid(title: str | None, workers: list[list[object]], *, days: list[object] = DAYS,
         total: bool = True) -> list[list[object]]:
    """A grid sheet: optional title row, then 序号 姓名 身份证号 day columns [出勤天数]."""
    header = ["序号", "姓名", "身份证号", *days, *(["出勤天数"] if total else [])]
    return ([[title]] if title else []) + [header, *workers]


def marks(*values: object, n: int = 31) -> list[object]:
    return [*values, *[None] * (n - len(values))]


@pytest.mark.parametrize(("cell", "fraction", "hours"), [
    ("√", 1.0, None),
    ("✓", 1.0, None),
    ("✔", 1.0, None),
    ("1", 1.0, None),
    (1.0, 1.0, None),  # a number cell
    ("出勤", 1.0, None),
    ("上", 1.0, None),
    ("0.5", 0.5, None),
    (0.5, 0.5, None),
    ("半", 0.5, None),
    ("半天", 0.5, None),
    ("8", 1.0, 8.0),  # hours: a day worked with those hours
    (10.5, 1.0, 10.5),
    ("１０．５", 1.0, 10.5),  # full-width digits
    ("×", 0.0, None),
    ("✗", 0.0, None),
    ("休", 0.0, None),
    ("假", 0.0, None),
    ("旷", 0.0, None),
    ("0", 0.0, None),
    ("-", 0.0, None),
    (None, 0.0, None),
])
def test_known_marks(cell, fraction, hours):
    f, h, known = read_mark(cell)
    assert known and f == fraction
    assert (math.isnan(h) if hours is None else h == hours)


@pytest.mark.parametrize("cell", [
    "?",
    "○",  # some sheets' own mark, not one of the accepted ones
    25,  # more hours than a day has
    0.3,  # a fraction that is not a half day
    True,  # a checkbox cell
])
def test_unknown_marks_are_reported_not_guessed(cell):
    assert read_mark(cell) == (0.0, pytest.approx(float("nan"), nan_ok=True), False)


def test_grid_becomes_one_row_per_worker_day_with_hours_and_halves(files, sample):
    rows = grid("XX项目2025年3月考勤表", [
        [1, "张 伟", sample.id_a, *marks("√", "半", "8", None, "休", 10.5), 3.5],
        [2, "李四", None, *marks(None, "✓"), 1],
    ])
    r = read_path(files.xlsx("g.xlsx", {"3月考勤": rows}))
    att = r.tables["attendance"]
    assert att[["worker_name", "date", "day_fraction"]].to_dict("list") == {
        "worker_name": ["张伟", "张伟", "张伟", "张伟", "李四"],
        "date": [pd.Timestamp(f"2025-03-0{d}") for d in (1, 2, 3, 6, 2)],
        "day_fraction": [1.0, 0.5, 1.0, 1.0, 1.0],
    }
    assert att["hours"].tolist() == [pd.NA, pd.NA, 8.0, 10.5, pd.NA]
    assert att["src_row"].tolist() == [3, 3, 3, 3, 4]  # every day of a worker shares the grid row
    assert att["id_number"].isna().tolist() == [False] * 4 + [True]  # 李四 is matched by name later
    assert r.problems == []
    [stats] = r.inputs
    assert (stats.rows, stats.accepted, stats.rejected, stats.skipped) == (4, 2, 0, 2)


def test_total_column_disagreeing_with_the_marks_is_a_warning_and_the_marks_count(files, sample):
    rows = grid("2025年3月考勤表", [[1, "张伟", sample.id_a, *marks("√", "√", "半"), 3]])
    r = read_path(files.text("g.csv", rows))
    [p] = r.problems
    assert (p.code, p.level, p.row, p.value) == ("GRID-TOTAL-MISMATCH", "warning", 3, "3")
    assert r.tables["attendance"]["day_fraction"].sum() == 2.5
    assert r.inputs[0].accepted == 1


def test_unknown_mark_is_a_warning_and_only_that_day_is_not_counted(files, sample):
    rows = grid("2025年3月考勤表", [[1, "张伟", sample.id_a, *marks("√", "○", "√"), 3]])
    r = read_path(files.text("g.csv", rows))
    codes = sorted((p.code, p.level, p.value) for p in r.problems)
    assert codes == [("GRID-MARK-UNKNOWN", "warning", "○"), ("GRID-TOTAL-MISMATCH", "warning", "3")]
    assert "2025-03-02" in r.problems[0].reason_zh
    assert r.tables["attendance"]["date"].dt.day.tolist() == [1, 3]
    assert r.inputs[0].rejected == 0


@pytest.mark.parametrize(("title", "month", "expected"), [
    ("2025年4月考勤表", None, "2025-04"),  # from the title
    (None, "2025-05", "2025-05"),  # from the command line
    ("2025年4月考勤表", "2025-05", "2025-04"),  # the title names the sheet's own month
])
def test_grid_month_comes_from_the_title_else_the_argument(files, sample, title, month, expected):
    rows = grid(title, [[1, "张伟", sample.id_a, *marks("√")]], total=False)
    r = read_path(files.text("g.csv", rows), month=month)
    assert r.tables["attendance"]["date"].dt.strftime("%Y-%m").tolist() == [expected]


def test_date_headers_give_the_month_even_against_the_title(files, sample):
    days = [dt.date(2025, 2, d) for d in range(1, 29)]
    rows = grid("2025年3月考勤表", [[1, "张伟", sample.id_a, *marks("√", n=28)]], days=days, total=False)
    r = read_path(files.xlsx("g.xlsx", {"s": rows}))
    assert r.tables["attendance"]["date"].tolist() == [pd.Timestamp("2025-02-01")]


def test_without_any_month_every_grid_row_is_rejected(files, sample):
    rows = grid(None, [[1, "张伟", sample.id_a, *marks("√")], [2, "李四", None, *marks("√")]])
    r = read_path(files.text("g.csv", rows))
    assert [(p.code, p.row) for p in r.problems] == [("MONTH-UNKNOWN", 2), ("MONTH-UNKNOWN", 3)]
    assert r.tables["attendance"].empty
    [stats] = r.inputs
    assert (stats.rows, stats.accepted, stats.rejected, stats.skipped) == (3, 0, 2, 1)


def test_day_columns_past_the_end_of_the_month_are_ignored(files, sample):
    rows = grid("2025年4月考勤表", [[1, "张伟", sample.id_a, *marks(*["√"] * 31), 31]])
    r = read_path(files.text("g.csv", rows))
    assert len(r.tables["attendance"]) == 30  # April has 30 days; the 31 column is no day
    assert [p.code for p in r.problems] == ["GRID-TOTAL-MISMATCH"]


def test_a_grid_row_with_a_bad_id_is_rejected_with_none_of_its_days(files, sample):
    rows = grid("2025年3月考勤表", [
        [1, "张伟", "33072419900315123", *marks("√")],  # 17 characters
        [2, "李四", sample.id_b, *marks("√")],
        [3, None, None, *marks("√")],  # nobody
    ], total=False)
    r = read_path(files.text("g.csv", rows))
    assert [(p.code, p.row, p.column) for p in r.problems] == [
        ("ID-LENGTH", 3, "id_number"), ("REQUIRED-MISSING", 5, "worker_name"),
    ]
    assert r.tables["attendance"]["worker_name"].tolist() == ["李四"]
    [stats] = r.inputs
    assert stats.rows == stats.accepted + stats.rejected + stats.skipped == 5
