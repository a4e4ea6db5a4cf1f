"""What changed between two versions of a slice (by each kind's natural key), and the version queries."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from fixtures.project import make_project
from fixtures.sheets import payroll_flat
from fixtures.write_text import write_csv
from four_real.store.db import session_scope
from four_real.store.history import Diff, current_versions, diff, version_history
from four_real.store.ingest import ingest_paths
from four_real.store.slices import content_hash, row_texts, split
from ingest.canonical import conform

A, B, C = "330724199003151236", "33072419900315125X", "330724199003151271"


def frame(kind: str, rows: list[dict]) -> pd.DataFrame:
    return conform(kind, pd.DataFrame(rows))


def payroll(*lines: tuple[str, int]) -> pd.DataFrame:
    return frame("payroll", [{"project_code": "P", "worker_name": "x", "id_number": i, "month": "2025-03",
                              "gross": net, "net": net} for i, net in lines])


@pytest.mark.parametrize(("old", "new", "expected"), [
    # one line added, one removed, one whose net changed
    (payroll((A, 100), (B, 200)), payroll((A, 150), (C, 300)), Diff(1, 1, 1)),
    # the same lines in another order: nothing changed
    (payroll((A, 100), (B, 200)), payroll((B, 200), (A, 100)), Diff(0, 0, 0)),
    # a first version: every line is added
    (payroll(), payroll((A, 100)), Diff(1, 0, 0)),
    # a version emptied: every line is removed
    (payroll((A, 100), (B, 1)), payroll(), Diff(0, 2, 0)),
])
def test_payroll_diff_counts_lines_by_worker_and_month(old: pd.DataFrame, new: pd.DataFrame,
                                                       expected: Diff) -> None:
    assert diff("payroll", old, new) == expected


def test_attendance_diff_counts_worker_days_not_gate_events() -> None:
    def events(*pairs: tuple[str, str]) -> pd.DataFrame:
        return frame("attendance", [{"project_code": "P", "id_number": i, "date": d, "day_fraction": 1.0}
                                    for i, d in pairs])

    old = events((A, "2025-03-03"), (A, "2025-03-03"), (B, "2025-03-03"))  # A passed the gate twice
    new = events((A, "2025-03-03"), (C, "2025-03-03"), (C, "2025-03-03"))
    assert diff("attendance", old, new) == Diff(1, 1, 0)


def test_disbursement_diff_keys_by_transaction_id_else_card_date_amount() -> None:
    def paid(*rows: tuple[str | None, str, int]) -> pd.DataFrame:
        return frame("disbursement", [{"project_code": "P", "date": "2025-04-10", "card_number": card,
                                       "account_name": "x", "amount": amount, "status": "S", "txn_id": txn}
                                      for txn, card, amount in rows])

    card = "6222020498889761553"
    old = paid(("T1", card, 100), (None, card, 500))
    new = paid(("T1", card, 120), (None, card, 550))  # T1's amount changed; the keyless row replaced
    assert diff("disbursement", old, new) == Diff(1, 1, 1)


def test_roster_diff_counts_a_new_daily_wage_and_a_cleared_one() -> None:
    def roster(*rows: tuple[str, int | None]) -> pd.DataFrame:
        return frame("roster", [{"project_code": "P", "worker_name": "x", "id_number": i, "card_number": "1" * 16,
                                 "daily_wage": wage} for i, wage in rows])

    assert diff("roster", roster((A, 300_00), (B, 280_00)), roster((A, 320_00), (B, None))) == Diff(0, 0, 2)


def test_content_hash_ignores_provenance_and_order_but_not_data() -> None:
    old = payroll((A, 100), (B, 200))
    moved = old.iloc[::-1].assign(src_file="other.csv", src_row=[40, 41])
    changed = payroll((A, 100), (B, 201))
    assert content_hash("payroll", row_texts("payroll", old)) == content_hash("payroll", row_texts("payroll", moved))
    assert content_hash("payroll", row_texts("payroll", old)) != content_hash("payroll", row_texts("payroll", changed))


def test_split_gives_each_attendance_day_its_slice_and_fills_the_span() -> None:
    att = frame("attendance", [{"project_code": "P", "id_number": A, "date": d, "day_fraction": 1.0}
                               for d in ("2025-03-03", "2025-03-05")])
    slices = split({"attendance": att})
    assert [(s.key, s.month, len(s.rows)) for s in slices] == [
        ("attendance:2025-03-03", "2025-03", 1), ("attendance:2025-03-05", "2025-03", 1),
        ("attendance:2025-03-04", "2025-03", 0)]


def test_split_puts_spreadsheet_payments_without_month_in_the_month_before() -> None:
    paid = frame("disbursement", [{"project_code": "P", "date": "2025-04-10", "card_number": "1" * 16,
                                   "account_name": "x", "amount": 1, "status": "S"}])
    (s,) = split({"disbursement": paid})
    assert (s.key, s.month) == ("disbursement:2025-03@paid:2025-04", "2025-03")
    (f,) = split({"disbursement": paid}, feed_key="feed:102:B1")
    assert (f.key, f.month) == ("feed:102:B1", None)


def test_split_keeps_a_later_payment_for_a_month_apart_from_the_first() -> None:
    """补发 in a spreadsheet: paid in May for March is its own slice beside March's April payments; a file
    naming its 批次号 is keyed by it."""
    rows = [{"project_code": "P", "date": d, "card_number": "1" * 16, "account_name": "x", "amount": 1,
             "status": "S", "month": "2025-03", "batch_id": b}
            for d, b in (("2025-04-10", None), ("2025-04-28", None), ("2025-05-10", None), ("2025-05-10", "B9"))]
    slices = split({"disbursement": frame("disbursement", rows)})
    assert sorted((s.key, s.month, len(s.rows)) for s in slices) == [
        ("disbursement:2025-03@B9", "2025-03", 1),
        ("disbursement:2025-03@paid:2025-04", "2025-03", 2),
        ("disbursement:2025-03@paid:2025-05", "2025-03", 1)]


def test_version_history_and_current_versions(engine: Engine, tmp_path: Path) -> None:
    data = make_project(seed=3, code="DY2025-001", months=["2025-03"], workers=4)
    path = tmp_path / "payroll.csv"
    write_csv(path, payroll_flat(data, "2025-03"), encoding="utf-8-sig")
    ingest_paths(engine, [path], project="DY2025-001", uploader="alice")
    data.payroll = data.payroll.assign(net=data.payroll["net"] + 1)
    write_csv(path, payroll_flat(data, "2025-03"), encoding="utf-8-sig")
    ingest_paths(engine, [path], project="DY2025-001", uploader="bob")
    ingest_paths(engine, [path], project="DY2025-002", uploader="bob")

    with session_scope(engine) as session:
        history = version_history(session, project_code="DY2025-001")
        none = version_history(session, project_code="DY2025-001", kind="roster")
        mine = current_versions(session, project_codes=["DY2025-001"])
        every = current_versions(session)

    assert [(v.uploader, v.current, v.amounts_changed) for v in history] == [("alice", False, 0), ("bob", True, 4)]
    assert history[0].superseded_by == history[1].id and history[1].as_dict()["current"] is True
    assert none == []
    assert list(mine["id"]) == [history[1].id]
    assert sorted(every["project_code"]) == ["DY2025-001", "DY2025-002"]
