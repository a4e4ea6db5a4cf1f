"""`four-real ingest` and `four-real history`: the store from the command line.

`ingest` prints one line per file (stored, unchanged, refused or failed, with the row counts) and exits 0
when every file was stored or was already there, 1 when some file was refused or failed (the others still
land: each file is its own transaction), 2 for usage errors. Rejected rows are listed by position and
reason only: their values (ID and card numbers) stay out of terminals and logs.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from four_real.cli.store_engine import open_store, store_session

if TYPE_CHECKING:
    pass

__all__ = ["history", "ingest", "register"]

_SHOWN_PROBLEMS = 5
_PROGRESS_FROM = 4  # files; fewer finish before a bar would be worth drawing
_STATUS = {"stored": ("已入库", "stored"), "unchanged": ("未改动", "unchanged"), "refused": ("已拒收", "refused"),
           "failed": ("失败", "failed")}


def register(app: typer.Typer) -> None:
    """Add ``ingest`` and ``history`` to the ``four-real`` app."""
    app.command("ingest")(ingest)
    app.command("history")(history)


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders / 文件或文件夹", show_default=False)],
    project: Annotated[str | None, typer.Option(help="Project code for rows that carry none")] = None,
    correction: Annotated[bool, typer.Option(
        help="Send bank feeds as corrections of batches already received (spreadsheets need no flag)")] = False,
    month: Annotated[str | None, typer.Option(help="Wage month for sheets that name none, YYYY-MM")] = None,
    uploader: Annotated[str, typer.Option(help="Who is uploading (recorded with each file)")] = "cli",
) -> None:
    """Store files: identical content changes nothing, a corrected file replaces the earlier one."""
    from rich.cells import cell_len
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from four_real.check import expand
    from four_real.cli.app import UsageProblem, err, parse_months, user_errors
    from four_real.i18n import pick, terminal_language
    from four_real.store.ingest import ingest_paths

    with user_errors():
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise UsageProblem(f"找不到文件：{', '.join(missing)} / no such file: {', '.join(missing)}")
        months = parse_months([month] if month else None)
        if months and len(months) > 1:
            raise UsageProblem("--month 只能给一个月份 / --month takes one month")
        files, _ = expand(paths)
        if not files:
            raise UsageProblem("没有可读取的数据文件 / no data file to read")
        engine = open_store()
        lang = terminal_language()
        strict = bool(os.environ.get("FOUR_REAL_DEBUG"))  # a bug's traceback instead of a "failed" line
        try:
            if len(files) >= _PROGRESS_FROM and err.is_terminal:
                with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                              console=err, transient=True) as bar:
                    task = bar.add_task(pick(lang, "入库", "ingest"), total=2 * len(files))  # read, store
                    receipts = ingest_paths(engine, paths, project=project, uploader=uploader,
                                            correction=correction, month=months[0] if months else None,
                                            progress=lambda _name: bar.advance(task), strict=strict)
            else:
                receipts = ingest_paths(engine, paths, project=project, uploader=uploader,
                                        correction=correction, month=months[0] if months else None,
                                        strict=strict)
        finally:
            engine.dispose()
        for r in receipts:
            zh, en = _STATUS[r.status]
            rows = sum(s.rows for s in r.inputs)
            accepted = sum(s.accepted for s in r.inputs)
            rejected = sum(s.rejected for s in r.inputs)
            counts = pick(lang, f"{rows} 行，接受 {accepted}，拒收 {rejected}",
                          f"{rows} rows, {accepted} accepted, {rejected} rejected")
            projects = sorted({label.split(" ", 1)[0] for label in r.slices_written + r.slices_unchanged})
            target = f" → {', '.join(projects)}" if projects else ""
            label = pick(lang, zh, en)
            typer.echo(f"{label}{' ' * max(1, 10 - cell_len(label))}{r.file}{target}  {counts}  "
                       f"{pick(lang, r.message_zh, r.message_en)}")
            for p in r.rejected[:_SHOWN_PROBLEMS]:
                where = " ".join(x for x in (p.sheet, f"row {p.row}" if p.row else None, p.column) if x)
                typer.echo(f"          {where}: {pick(lang, p.reason_zh, p.reason_en)} [{p.code}]")
            if len(r.rejected) > _SHOWN_PROBLEMS:
                more = len(r.rejected) - _SHOWN_PROBLEMS
                typer.echo("          " + pick(lang, f"另有 {more} 个问题", f"and {more} more problems"))
        if any(not r.ok for r in receipts):
            raise typer.Exit(1)


def history(
    project: Annotated[str, typer.Option(help="Project code", show_default=False)],
    kind: Annotated[str | None, typer.Option(
        help="roster, attendance, payroll, disbursement, account or project")] = None,
) -> None:
    """List every stored version of a project's data, with what each correction changed."""
    from four_real.cli.app import UsageProblem, user_errors
    from four_real.i18n import pick, terminal_language
    from four_real.store.history import version_history
    from four_real.store.slices import SLICED

    with user_errors():
        if kind is not None and kind not in SLICED:
            raise UsageProblem(f"未知的数据类型：{kind} / unknown kind: {kind} (use {', '.join(SLICED)})")
        with store_session() as session:
            versions = version_history(session, project_code=project, kind=kind)
        lang = terminal_language()
        if not versions:
            typer.echo(pick(lang, f"项目 {project} 没有已存数据", f"no stored data for project {project}"))
            return
        for v in versions:
            state = (pick(lang, "当前", "current") if v.current
                     else pick(lang, f"已被 #{v.superseded_by} 取代", f"superseded by #{v.superseded_by}"))
            changes = pick(lang, f"新增 {v.rows_added}，删除 {v.rows_removed}，金额变动 {v.amounts_changed}",
                           f"+{v.rows_added} -{v.rows_removed} ~{v.amounts_changed} amounts")
            received = v.received_at if v.received_at.tzinfo is None else v.received_at.astimezone(dt.UTC)
            when = received.strftime("%Y-%m-%d %H:%M UTC")
            typer.echo(f"#{v.id:<6} {v.slice_key:<32} {when}  {v.rows:>6} {pick(lang, '行', 'rows')}  "
                       f"{changes}  {state}  {v.filename} ({v.uploader})")
