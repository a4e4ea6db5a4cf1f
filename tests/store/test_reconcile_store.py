"""Reconciling from the store: the same answers as `four-real check`, idempotent reruns, wages paid later
(补发) resolving findings, and the store-only rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, select

from fixtures.answer_key import AnswerKey
from fixtures.make import make
from four_real.check import CheckReport, run_check
from four_real.store.db import session_scope
from four_real.store.ingest import ingest_paths
from four_real.store.models import Finding, ProjectMonth, ReconciliationRun
from four_real.store.reconcile import reconcile_store
from tests.store.test_load import builders, store_frames
from validators.catalogue import RULES
from validators.figures import FIGURE_COLUMNS

UTC = dt.UTC
STORE_ONLY = {code for code, rule in RULES.items() if rule.store_only}


def findings(engine: Engine, status: str | None = "open") -> pd.DataFrame:
    with session_scope(engine) as session:
        stmt = select(Finding).order_by(Finding.id)
        if status:
            stmt = stmt.where(Finding.status == status)
        return pd.DataFrame([r[0].model_dump() for r in session.exec(stmt).all()],
                            columns=list(Finding.model_fields))


def project_months(engine: Engine) -> pd.DataFrame:
    with session_scope(engine) as session:
        rows = [r[0].model_dump() for r in session.exec(select(ProjectMonth)).all()]
    return pd.DataFrame(rows, columns=list(ProjectMonth.model_fields))


def keys(frame: pd.DataFrame, project: str = "project") -> set[tuple]:
    return {(r["rule"], r[project], r["month"], r["worker_id"] if isinstance(r["worker_id"], str) else None,
             None if pd.isna(r["amount"]) else int(r["amount"])) for r in frame.to_dict("records")}


# ---- acceptance 1: check and ingest + reconcile agree ------------------------------------------------
@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, AnswerKey, CheckReport]:
    out = tmp_path_factory.mktemp("planted")
    key = make(out, seed=11, workers=24, months=["2025-03"], violations=None)
    return out, key, run_check([out], as_of=dt.date.fromisoformat(key.as_of))


def test_store_and_check_give_the_same_findings_and_figures_run_after_run(engine, planted):
    out, key, report = planted
    receipts = ingest_paths(engine, [out])
    assert all(r.ok for r in receipts), [(r.file, r.message_en) for r in receipts if not r.ok]
    summary = reconcile_store(engine, as_of=dt.date.fromisoformat(key.as_of))

    stored = findings(engine)
    checked = keys(report.findings)
    assert keys(stored[~stored["rule"].isin(STORE_ONLY)], "project_code") == checked
    assert {k[0] for k in checked} >= set(RULES) - STORE_ONLY  # every check rule planted and found

    # Store-only: the files arrive now, long after March's due date, so every project-month with payroll
    # or attendance is DATA-LATE; no worker of the fixtures works on two projects.
    late = stored[stored["rule"] == "DATA-LATE"]
    assert set(zip(late["project_code"], late["month"], strict=True)) == set(
        zip(report.project_months["project"], report.project_months["month"], strict=True))
    assert late["worker_id"].isna().all() and late["amount"].isna().all()
    assert set(stored["rule"]) & STORE_ONLY == {"DATA-LATE"}

    figures = project_months(engine).rename(columns={"project_code": "project"})
    both = report.project_months.merge(figures, on=["project", "month"], suffixes=("", "_store"))
    assert len(both) == len(report.project_months) == summary.project_months
    for col in [c for c in FIGURE_COLUMNS[2:] if c in ProjectMonth.model_fields]:
        store = both[f"{col}_store"]
        if col == "due_date":
            store = store.astype("str")
        if col == "low":  # DATA-LATE is low: one more per project-month, nothing else changes
            store = store - 1
        assert both[col].tolist() == store.tolist(), col
    assert summary.findings == len(stored) and summary.opened == len(stored) and summary.resolved == 0
    assert summary.unpaid == int(report.project_months["unpaid"].sum())

    # Running it again finds the same findings: no duplicates, nothing newly opened or resolved.
    before = findings(engine, status=None)
    again = reconcile_store(engine, as_of=dt.date.fromisoformat(key.as_of))
    after = findings(engine, status=None)
    assert (again.opened, again.resolved, again.findings) == (0, 0, summary.findings)
    same = ["id", "fingerprint", "rule", "status", "amount", "message_en", "evidence", "first_seen_run"]
    pd.testing.assert_frame_equal(before[same], after[same])
    assert set(after["last_seen_run"]) == {again.run_id}
    with session_scope(engine) as session:
        runs = [(r[0].findings, r[0].opened, r[0].resolved, r[0].finished_at is not None)
                for r in session.exec(select(ReconciliationRun).order_by(ReconciliationRun.id)).all()]
    assert runs == [(summary.findings, summary.findings, 0, True), (summary.findings, 0, 0, True)]


# ---- acceptance 5: 补发 ------------------------------------------------------------------------------
def _feed(path: Path) -> tuple[list[str], list[list[str]]]:
    """A bank feed's header fields and detail records."""
    lines = path.read_bytes().decode("gb18030").splitlines()
    return lines[0].split("|"), [line.split("|") for line in lines if line.startswith("D|")]


def _write_feed(path: Path, header: list[str], records: list[list[str]], *, batch: str, day: str) -> None:
    """A bank feed (files.md) of ``records`` as batch ``batch`` paid on ``day`` (yyyymmdd), totals included.

    Bank feeds are what a 补发 arrives as: each batch is its own slice, so a later batch adds to a month's
    payments where a spreadsheet for the same month would replace them.
    """
    total = sum(round(float(r[5]) * 100) for r in records)
    amount = f"{total // 100}.{total % 100:02d}"
    n = len(records)
    lines = ["|".join([*header[:4], batch, day, str(n), amount])]
    lines += ["|".join([r[0], str(i), f"{batch}{i:05d}", *r[3:8], day, r[9]]) for i, r in enumerate(records, 1)]
    lines.append(f"T|{n}|{amount}|{n}|{amount}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_wages_paid_later_clear_the_arrears_and_resolve_the_finding(engine, tmp_path):
    out = tmp_path / "files"
    make(out, seed=3, workers=4, months=["2025-03"], violations=[], style="csv")
    project = out / "DY2025-001"
    feed = next(project.glob("代发回单_*.txt"))
    header, records = _feed(feed)
    feed.unlink()
    unpaid = records[0]  # D|seq|txn|card|name|amount|S|reason|yyyymmdd|memo: this worker is not paid
    _write_feed(project / "代发回单_B0410.txt", header, records[1:], batch="B0410", day="20250410")
    assert all(r.ok for r in ingest_paths(engine, [out]))

    april = reconcile_store(engine, as_of=dt.date(2025, 4, 20))
    owed = round(float(unpaid[5]) * 100)
    open_now = findings(engine)
    card = open_now[open_now["rule"] == "CARD-UNPAID"]
    assert len(card) == 1 and card.iloc[0]["amount"] == owed
    assert april.unpaid == owed
    assert project_months(engine).set_index("month").loc["2025-03", "unpaid"] == owed

    later = tmp_path / "may" / "DY2025-001"
    later.mkdir(parents=True)
    paid_may = [*unpaid[:8], "20250510", "2025年3月补发"]  # paid on May 10th for March
    _write_feed(later / "代发回单_B0510.txt", header, [paid_may], batch="B0510", day="20250510")
    assert all(r.ok for r in ingest_paths(engine, [later], project="DY2025-001"))

    june = reconcile_store(engine, as_of=dt.date(2025, 6, 20))
    assert june.unpaid == 0 and june.resolved >= 1
    assert project_months(engine).set_index("month").loc["2025-03", "unpaid"] == 0
    row = findings(engine, status=None).set_index("id").loc[int(card.iloc[0]["id"])]
    assert (row["rule"], row["status"], row["resolved_run"]) == ("CARD-UNPAID", "resolved", june.run_id)
    assert row["fingerprint"] == card.iloc[0]["fingerprint"]
    # Paid in full, but after the due date: that is now a late payment, not arrears.
    still = findings(engine)
    assert "CARD-UNPAID" not in set(still["rule"])
    assert set(still.loc[still["rule"] == "CARD-LATE", "worker_id"]) == {card.iloc[0]["worker_id"]}


def _write_results_sheet(path: Path, payer: str, records: list[list[str]]) -> None:
    """The same payments as a labor manager's 代发明细 spreadsheet (CSV) instead of a bank feed."""
    lines = ["交易日期,收款账号,收款户名,金额,状态,付款账号,工资月份"]
    lines += [f"{r[8][:4]}-{r[8][4:6]}-{r[8][6:]},{r[3]},{r[4]},{r[5]},成功,{payer},2025-03" for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_wages_paid_later_in_a_spreadsheet_add_to_the_month_instead_of_replacing_it(engine, tmp_path):
    """The same 补发 as above, but both payments arrive as spreadsheets: May's file must not supersede
    April's (each payment month is its own slice), or every worker paid in April would turn unpaid."""
    out = tmp_path / "files"
    make(out, seed=3, workers=4, months=["2025-03"], violations=[], style="csv")
    project = out / "DY2025-001"
    feed = next(project.glob("代发回单_*.txt"))
    header, records = _feed(feed)
    feed.unlink()
    unpaid = records[0]
    _write_results_sheet(project / "代发明细_4月.csv", header[3], records[1:])
    assert all(r.ok for r in ingest_paths(engine, [out]))
    april = reconcile_store(engine, as_of=dt.date(2025, 4, 20))
    assert april.unpaid == round(float(unpaid[5]) * 100)

    later = tmp_path / "may" / "DY2025-001"
    later.mkdir(parents=True)
    _write_results_sheet(later / "代发明细_5月补发.csv", header[3], [[*unpaid[:8], "20250510", ""]])
    assert all(r.ok for r in ingest_paths(engine, [later], project="DY2025-001"))

    june = reconcile_store(engine, as_of=dt.date(2025, 6, 20))
    assert june.unpaid == 0 and june.resolved >= 1
    assert "CARD-UNPAID" not in set(findings(engine)["rule"])


# ---- store-only rules through the store --------------------------------------------------------------
def test_data_arriving_on_time_is_not_late_and_a_late_correction_changes_nothing(engine):
    cm = builders().clean_month(3)
    store_frames(engine, cm.frames, received_at=dt.datetime(2025, 4, 1, 1, tzinfo=UTC))
    # Attendance arrived on April 1st for March: late for all but the last days; the payroll is on time.
    reconcile_store(engine, as_of=cm.as_of)
    first = findings(engine)
    assert first["rule"].tolist() == ["DATA-LATE"]
    assert "payroll" not in first.iloc[0]["message_en"]
    # A new version of the payroll after the due date: the first version's arrival still counts.
    store_frames(engine, {"payroll": cm.frames["payroll"]}, received_at=dt.datetime(2025, 6, 1, tzinfo=UTC))
    again = reconcile_store(engine, as_of=cm.as_of)
    assert (again.opened, again.resolved) == (0, 0)


def test_reconciling_some_projects_still_sees_attendance_elsewhere(engine):
    b = builders()
    a = b.clean_month(2, project="P-A")
    frames = b.combine(a, b.clean_month(1, project="P-B"))
    store_frames(engine, frames, received_at=dt.datetime(2025, 3, 1, tzinfo=UTC))  # "early": no DATA-LATE
    only_a = reconcile_store(engine, as_of=a.as_of, projects=["P-A"])
    xp = findings(engine)
    assert set(zip(xp["rule"], xp["project_code"], xp["worker_id"], strict=True)) == {
        ("XP-DOUBLE-ATTENDANCE", "P-A", a.ids[0])}
    assert only_a.projects == 1 and set(project_months(engine)["project_code"]) == {"P-A"}

    everyone = reconcile_store(engine, as_of=a.as_of)
    assert (everyone.opened, everyone.resolved) == (1, 0)  # P-B's side is new; P-A's is the same finding
    assert set(findings(engine)["project_code"]) == {"P-A", "P-B"}


def test_an_empty_store_reconciles_to_nothing(engine):
    summary = reconcile_store(engine, as_of=dt.date(2025, 4, 20))
    assert (summary.findings, summary.project_months, summary.opened, summary.resolved) == (0, 0, 0, 0)


# ---- the command ------------------------------------------------------------------------------------
@pytest.fixture
def cli(engine: Engine, monkeypatch: pytest.MonkeyPatch):
    """``four-real reconcile`` on the test database (an app of its own: the wiring into the main app is
    not what is tested here)."""
    import typer
    from typer.testing import CliRunner

    from four_real.cli.reconcile_cmd import register
    from four_real.settings import get_settings

    app = typer.Typer()
    app.callback()(lambda: None)
    register(app)
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    get_settings.cache_clear()
    yield lambda *args: CliRunner().invoke(app, ["reconcile", *args])
    get_settings.cache_clear()


def test_the_command_prints_the_run_summary_as_json(engine, cli):
    import json

    cm = builders().clean_month(3)
    frames = dict(cm.frames, disbursement=cm.frames["disbursement"].iloc[1:])
    store_frames(engine, frames, received_at=dt.datetime(2025, 3, 1, tzinfo=UTC))
    result = cli("--as-of", cm.as_of.isoformat(), "--month", "2025-03", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["schema"] == "four-real/reconcile@1" and doc["months"] == ["2025-03"]
    assert doc["project_months"] == 1 and doc["findings"]["new"] == doc["findings"]["open"] >= 1
    assert doc["unpaid"] == f"{cm.net[0] // 100}.00"
    again = json.loads(cli("--as-of", cm.as_of.isoformat(), "--format", "json").stdout)
    assert (again["findings"]["new"], again["findings"]["resolved"]) == (0, 0)


def test_the_command_prints_a_table_and_refuses_bad_dates_in_one_sentence(engine, cli):
    table = cli("--as-of", "2025-04-20")
    assert table.exit_code == 0 and "project-months judged" in table.output
    bad = cli("--as-of", "2025-13-01")
    assert bad.exit_code == 2 and "date not recognised" in bad.output and "Traceback" not in bad.output
    assert cli("--format", "xml").exit_code == 2
