"""`ingest_paths` on generated project folders, on SQLite and PostgreSQL: identical files change nothing,
corrections supersede and keep history, daily attendance replaces only its day, every row is accounted."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import SQLModel

from fixtures.data import ProjectData
from fixtures.project import make_project
from fixtures.sheets import payroll_flat, project_sheet
from fixtures.write_text import write_csv, write_feed, write_gate_csv
from fixtures.writers import write_project
from four_real.store.db import session_scope
from four_real.store.history import current_versions, version_history, version_rows
from four_real.store.ingest import ingest_bytes, ingest_paths
from four_real.store.models import Enterprise, Project, RejectedRow, Upload, UploadInput, Worker

MONTH = "2025-03"
CODE = "DY2025-001"


def counts(engine: Engine) -> dict[str, int]:
    """Rows in every table of the store."""
    with engine.connect() as connection:
        return {name: connection.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in SQLModel.metadata.tables.items()}


def project(seed: int = 7, code: str = CODE, workers: int = 8) -> ProjectData:
    """A clean one-month project whose attendance is written as a gate log (whole days only)."""
    return make_project(seed=seed, code=code, months=[MONTH], workers=workers, half_days=False)


def folder(data: ProjectData, root: Path) -> Path:
    out = root / data.code
    write_project(data, out, style="csv", seed=1)
    return out


def write_days(path: Path, attendance: pd.DataFrame) -> None:
    """A plain attendance export: one row per worker-day."""
    pd.DataFrame({"姓名": attendance["worker_name"], "身份证号": attendance["id_number"],
                  "考勤日期": pd.to_datetime(attendance["date"]).dt.strftime("%Y-%m-%d")}).to_csv(
        path, index=False, encoding="utf-8")


def current_rows(engine: Engine, kind: str, code: str = CODE) -> pd.DataFrame:
    with session_scope(engine) as session:
        versions = current_versions(session, project_codes=[code])
        return version_rows(session, kind, versions.loc[versions["kind"] == kind, "id"])


def test_reingesting_identical_files_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    out = folder(project(), tmp_path)
    first = ingest_paths(engine, [out])
    assert {r.status for r in first} == {"stored"}, [r.message for r in first]
    before = counts(engine)
    assert before["payroll_line"] == 8 and before["roster_entry"] == 8 and before["project"] == 1

    again = ingest_paths(engine, [out])

    assert [r.status for r in again] == ["unchanged"] * len(first)
    assert all(r.upload_id is None and not r.slices_written for r in again)
    assert "identical content already stored" in again[0].message
    assert counts(engine) == before


def test_same_data_in_another_file_is_unchanged_but_the_upload_is_recorded(engine: Engine, tmp_path: Path) -> None:
    data = project()
    out = folder(data, tmp_path)
    ingest_paths(engine, [out])
    before = counts(engine)
    reordered = data.copy()  # other row order, other encoding, other file name
    reordered.payroll = data.payroll.iloc[::-1].reset_index(drop=True)
    copy = tmp_path / "again" / "payroll_copy.csv"
    copy.parent.mkdir()
    write_csv(copy, payroll_flat(reordered, MONTH), encoding="gb18030")

    (receipt,) = ingest_paths(engine, [copy], project=CODE)

    assert receipt.status == "unchanged" and receipt.upload_id is not None
    assert receipt.slices_unchanged == [f"{CODE} payroll:{MONTH}"]
    after = counts(engine)
    assert after["upload"] == before["upload"] + 1
    assert {k: v for k, v in after.items() if k not in ("upload", "upload_input")} == {
        k: v for k, v in before.items() if k not in ("upload", "upload_input")}


def test_corrected_payroll_supersedes_and_keeps_the_old_version(engine: Engine, tmp_path: Path) -> None:
    data = project()
    payroll = data.payroll.reset_index(drop=True)
    a, b, d = payroll["id_number"].iloc[[0, 1, 3]]
    out = folder(data, tmp_path)
    path = out / "工资表_2025年3月.csv"
    data.payroll = payroll[payroll["id_number"] != a]  # the first version lacks worker a
    write_csv(path, payroll_flat(data, MONTH), encoding="utf-8-sig")
    ingest_paths(engine, [out])

    corrected = payroll[payroll["id_number"] != d].copy()  # a added, d removed, b's pay changed
    corrected.loc[corrected["id_number"] == b, ["gross", "net"]] += 10_000
    data.payroll = corrected
    write_csv(path, payroll_flat(data, MONTH), encoding="utf-8-sig")
    receipts = ingest_paths(engine, [out])

    by_file = {r.file.split("/")[-1]: r for r in receipts}
    assert by_file["工资表_2025年3月.csv"].status == "stored"
    assert by_file["工资表_2025年3月.csv"].slices_written == [f"{CODE} payroll:{MONTH}"]
    assert {r.status for name, r in by_file.items() if name != "工资表_2025年3月.csv"} == {"unchanged"}
    with session_scope(engine) as session:
        old, new = version_history(session, project_code=CODE, kind="payroll")
    assert (new.rows_added, new.rows_removed, new.amounts_changed) == (1, 1, 1)
    assert new.current and not old.current and old.superseded_by == new.id
    assert new.rows == old.rows == len(payroll) - 1
    assert new.filename == old.filename == "工资表_2025年3月.csv"
    current = current_rows(engine, "payroll")
    assert set(current["id_number"]) == set(corrected["id_number"])
    assert int(current.loc[current["id_number"] == b, "net"].iloc[0]) == int(
        corrected.loc[corrected["id_number"] == b, "net"].iloc[0])
    with session_scope(engine) as session:  # the old version's rows stay queryable
        kept = version_rows(session, "payroll", [old.id])
    assert a not in set(kept["id_number"]) and d in set(kept["id_number"])


def test_daily_attendance_file_replaces_only_its_day(engine: Engine, tmp_path: Path) -> None:
    data = project()
    out = folder(data, tmp_path)
    ingest_paths(engine, [out])
    before = current_rows(engine, "attendance")
    with session_scope(engine) as session:
        versions_before = current_versions(session, project_codes=[CODE])
    day = pd.Timestamp(sorted(data.attendance["date"].unique())[5])
    one_day = data.copy()
    that_day = data.attendance[data.attendance["date"] == day]
    one_day.attendance = that_day.iloc[1:]  # the gate export of one day, one worker fewer
    daily = tmp_path / "inbox" / "门禁_当日.csv"
    daily.parent.mkdir()
    write_gate_csv(daily, one_day, MONTH, np.random.default_rng(3))

    (receipt,) = ingest_paths(engine, [daily], project=CODE)

    key = f"attendance:{day:%Y-%m-%d}"
    assert receipt.status == "stored" and receipt.slices_written == [f"{CODE} {key}"]
    after = current_rows(engine, "attendance")
    other = pd.to_datetime(after["date"]) != day
    assert set(pd.to_datetime(after["date"])) == set(pd.to_datetime(before["date"]))
    assert after[other]["version_id"].value_counts().sort_index().equals(
        before[pd.to_datetime(before["date"]) != day]["version_id"].value_counts().sort_index())
    assert after[~other]["id_number"].nunique() == len(that_day) - 1
    with session_scope(engine) as session:
        versions = current_versions(session, project_codes=[CODE])
        (info,) = [v for v in version_history(session, project_code=CODE, kind="attendance")
                   if v.slice_key == key and v.current]
    assert (info.rows_added, info.rows_removed) == (0, 1)
    assert len(versions) == len(versions_before)


def test_monthly_attendance_replaces_a_covered_day_left_empty(engine: Engine, tmp_path: Path) -> None:
    data = project()
    out = folder(data, tmp_path)
    (out / "门禁考勤_2025年3月.csv").unlink()
    write_days(out / "考勤_3月.csv", data.attendance)
    ingest_paths(engine, [out])
    days = sorted(data.attendance["date"].unique())
    gone = pd.Timestamp(days[3])
    monthly = tmp_path / "again" / "考勤_3月_更正.csv"
    monthly.parent.mkdir()
    write_days(monthly, data.attendance[data.attendance["date"] != gone])

    (receipt,) = ingest_paths(engine, [monthly], project=CODE)

    assert receipt.slices_written == [f"{CODE} attendance:{gone:%Y-%m-%d}"]
    after = current_rows(engine, "attendance")
    assert gone not in set(pd.to_datetime(after["date"]))


def test_rejected_rows_and_sheet_counts_are_stored(engine: Engine, tmp_path: Path) -> None:
    data = project()
    data.payroll = data.payroll.reset_index(drop=True)
    data.payroll.loc[2, "id_number"] = data.payroll.loc[2, "id_number"][:-1] + (
        "0" if data.payroll.loc[2, "id_number"][-1] != "0" else "1")  # a wrong check digit
    path = tmp_path / "payroll.csv"
    write_csv(path, payroll_flat(data, MONTH), encoding="utf-8-sig")

    (receipt,) = ingest_paths(engine, [path], project=CODE)

    assert receipt.status == "stored"
    assert [(p.row, p.code) for p in receipt.rejected] == [(4, "ID-CHECKSUM")]
    assert [(s.rows, s.accepted, s.rejected) for s in receipt.inputs] == [(9, 7, 1)]
    with session_scope(engine) as session:
        stored = session.execute(select(RejectedRow.row, RejectedRow.code, RejectedRow.upload_id)).all()
        sheet = session.execute(select(UploadInput.kind, UploadInput.accepted, UploadInput.rejected)).all()
        upload = session.execute(select(Upload.rows, Upload.accepted, Upload.rejected, Upload.uploader)).one()
    assert stored == [(4, "ID-CHECKSUM", receipt.upload_id)]
    assert sheet == [("payroll", 7, 1)]
    assert tuple(upload) == (9, 7, 1, "cli")
    assert len(current_rows(engine, "payroll")) == 7


def test_file_without_an_acceptable_row_records_the_upload_and_its_rejected_rows(engine: Engine,
                                                                                 tmp_path: Path) -> None:
    path = tmp_path / "payroll.csv"
    path.write_text("姓名,身份证号,工资月份,应发工资,实发工资\n张三,123,2025-03,100,100\n", encoding="utf-8")

    (receipt,) = ingest_paths(engine, [path], project=CODE)

    assert receipt.status == "unchanged" and "no row could be stored" in receipt.message_en
    assert [p.code for p in receipt.rejected] == ["ID-LENGTH"]
    assert (counts(engine)["upload"], counts(engine)["rejected_row"], counts(engine)["data_version"]) == (1, 1, 0)


def test_project_file_upserts_project_and_contractor(engine: Engine, tmp_path: Path) -> None:
    data = project()
    ingest_paths(engine, [folder(data, tmp_path)])
    data.project = data.project.assign(contract_amount=data.project["contract_amount"] + 100)
    path = tmp_path / "fix" / "项目信息.csv"
    path.parent.mkdir()
    write_csv(path, project_sheet(data), encoding="utf-8-sig")

    (receipt,) = ingest_paths(engine, [path])

    assert receipt.slices_written == [f"{CODE} project"]
    with session_scope(engine) as session:
        stored = session.execute(select(Project.contract_amount, Project.contractor_id)).one()
        firm = session.execute(select(Enterprise.id, Enterprise.uscc)).one()
        (old, new) = version_history(session, project_code=CODE, kind="project")
        workers = session.execute(select(func.count()).select_from(Worker)).scalar_one()
    assert stored.contract_amount == int(data.project["contract_amount"].iloc[0])
    assert stored.contractor_id == firm.id and firm.uscc == data.project["contractor_uscc"].iloc[0]
    assert (new.rows_added, new.rows_removed, new.amounts_changed) == (0, 0, 1) and not old.current
    assert workers == len(data.roster)


def test_invalid_contractor_code_rejects_the_project_row(engine: Engine, tmp_path: Path) -> None:
    data = project()
    uscc = data.project["contractor_uscc"].iloc[0]
    data.project = data.project.assign(contractor_uscc=uscc[:-1] + ("0" if uscc[-1] != "0" else "1"))
    path = tmp_path / "项目信息.csv"
    write_csv(path, project_sheet(data), encoding="utf-8-sig")

    (receipt,) = ingest_paths(engine, [path])

    assert [p.code for p in receipt.rejected] == ["USCC-INVALID"]
    assert counts(engine)["project"] == 0 and counts(engine)["enterprise"] == 0


def test_name_only_attendance_resolves_against_the_stored_roster(engine: Engine, tmp_path: Path) -> None:
    data = project()
    ingest_paths(engine, [folder(data, tmp_path)])
    worker = data.roster.iloc[2]
    path = tmp_path / "inbox" / "考勤.csv"
    path.parent.mkdir()
    path.write_text(f"姓名,考勤日期\n{worker.worker_name},2025-03-31\n无此人,2025-03-31\n", encoding="utf-8")

    (receipt,) = ingest_paths(engine, [path], project=CODE)

    assert [p.code for p in receipt.rejected] == ["WORKER-UNMATCHED"]
    rows = current_rows(engine, "attendance")
    assert worker.id_number in set(rows.loc[pd.to_datetime(rows["date"]) == "2025-03-31", "id_number"])


def test_feed_alone_is_routed_by_a_stored_wage_account(engine: Engine, tmp_path: Path) -> None:
    data = project()
    out = folder(data, tmp_path)
    (feed,) = out.glob("代发回单_*.txt")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    feed.rename(inbox / feed.name)
    ingest_paths(engine, [out])

    (receipt,) = ingest_paths(engine, [inbox])

    assert receipt.status == "stored", receipt.message
    assert receipt.slices_written[0].startswith(f"{CODE} feed:")
    assert len(current_rows(engine, "disbursement")) == len(data.disbursement)


def test_unreadable_file_fails_alone(engine: Engine, tmp_path: Path) -> None:
    out = folder(project(), tmp_path)
    (out / "坏文件.xlsx").write_bytes(b"not a workbook")

    receipts = ingest_paths(engine, [out])

    bad = [r for r in receipts if r.file.endswith("坏文件.xlsx")]
    assert [r.status for r in bad] == ["failed"] and "nothing was stored" in bad[0].message
    assert {r.status for r in receipts if r not in bad} == {"stored"}


def test_ingest_bytes_stores_an_upload_for_its_target_project(engine: Engine, tmp_path: Path) -> None:
    data = project()
    path = tmp_path / "payroll.csv"
    write_csv(path, payroll_flat(data, MONTH), encoding="utf-8-sig")

    receipt = ingest_bytes(engine, path.read_bytes(), filename="工资表.csv", uploader="manager-1", project=CODE)
    again = ingest_bytes(engine, path.read_bytes(), filename="工资表.csv", uploader="manager-1", project=CODE)

    assert (receipt.status, again.status) == ("stored", "unchanged")
    with session_scope(engine) as session:
        assert session.execute(select(Upload.uploader, Upload.filename)).one() == ("manager-1", "工资表.csv")


def test_a_2000_worker_month_is_stored_whole(engine: Engine, tmp_path: Path) -> None:
    """Bulk paths (executemany, COPY-sized batches) keep every row; speed is measured in bench/, not here."""
    data = make_project(seed=2, code=CODE, months=[MONTH], workers=2_000, half_days=False)
    out = folder(data, tmp_path)
    receipts = ingest_paths(engine, [out])

    assert {r.status for r in receipts} == {"stored"}
    assert counts(engine)["payroll_line"] == 2_000


@pytest.mark.parametrize("kind", ["payroll", "roster"])
def test_history_lists_only_the_asked_kind(engine: Engine, tmp_path: Path, kind: str) -> None:
    ingest_paths(engine, [folder(project(), tmp_path)])
    with session_scope(engine) as session:
        versions = version_history(session, project_code=CODE, kind=kind)
    assert [v.kind for v in versions] == [kind]


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run the store commands (registered on a bare app, as the lead wires them) against ``db_url``."""
    import typer
    from typer.testing import CliRunner

    from four_real.cli.store_cmds import register
    from four_real.settings import get_settings

    app = typer.Typer(pretty_exceptions_enable=False)

    @app.callback()
    def _root() -> None:
        """four-real"""

    register(app)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    get_settings.cache_clear()
    yield lambda *args: CliRunner().invoke(app, [str(a) for a in args])
    get_settings.cache_clear()


def test_cli_ingest_prints_a_line_per_file_and_exits_0(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = folder(project(), tmp_path)

    first = cli("ingest", out)
    again = cli("ingest", out, "--uploader", "alice")

    assert first.exit_code == 0, first.output
    lines = first.stdout.strip().splitlines()
    assert len(lines) == 6 and all(line.startswith("stored") and f"→ {CODE}" in line for line in lines)
    assert again.exit_code == 0 and again.stdout.count("identical content already stored") == 6


def test_cli_ingest_exits_1_when_a_feed_is_refused(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = project()
    out = folder(data, tmp_path)
    assert cli("ingest", out).exit_code == 0
    (feed,) = out.glob("代发回单_*.txt")
    batch = data.disbursement.sort_values("txn_id").reset_index(drop=True)
    batch.loc[0, "amount"] += 100  # the same batch with another amount
    changed = tmp_path / "resend" / feed.name
    changed.parent.mkdir()
    write_feed(changed, data, batch, encoding="utf-8")

    refused = cli("ingest", changed)
    corrected = cli("ingest", changed, "--correction")

    assert refused.exit_code == 1, refused.output
    assert refused.stdout.startswith("refused") and "send it as a correction" in refused.stdout
    assert corrected.exit_code == 0 and corrected.stdout.startswith("stored")


def test_cli_usage_errors_exit_2(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("ingest", tmp_path / "missing.csv").exit_code == 2
    assert cli("ingest", tmp_path, "--month", "March").exit_code == 2
    assert cli("history", "--project", CODE, "--kind", "salary").exit_code == 2


def test_cli_history_shows_what_a_correction_changed(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = project()
    path = tmp_path / "payroll.csv"
    write_csv(path, payroll_flat(data, MONTH), encoding="utf-8-sig")
    cli("ingest", path, "--project", CODE)
    data.payroll = data.payroll.iloc[1:]
    write_csv(path, payroll_flat(data, MONTH), encoding="utf-8-sig")
    cli("ingest", path, "--project", CODE)

    shown = cli("history", "--project", CODE, "--kind", "payroll")

    assert shown.exit_code == 0, shown.output
    old, new = shown.stdout.strip().splitlines()
    assert "superseded by" in old and "+8 -0" in old
    assert "current" in new and "+0 -1 ~0" in new
