"""`four-real reconcile`: judge what the store holds and record the findings and project-month figures.

Prints the run's summary (project-months judged, findings open/new/resolved, arrears) and exits 0 whatever
was found; 2 for usage errors and a database that cannot be opened, as every command (cli.md). Nothing
personal is printed: the summary is counts and money only.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated

import typer

from four_real.cli.store_engine import open_store

if TYPE_CHECKING:

    from four_real.i18n import Lang
    from four_real.store.reconcile import RunSummary

__all__ = ["reconcile", "register", "summary_document"]

SCHEMA = "four-real/reconcile@1"


def register(app: typer.Typer) -> None:
    """Add ``reconcile`` to the ``four-real`` app."""
    app.command("reconcile")(reconcile)


def summary_document(summary: RunSummary) -> dict[str, object]:
    """The JSON form: money as decimal strings exact to the fen, as in `four-real check`'s output."""
    from validators.findings import fen_to_str

    doc = asdict(summary)
    doc["as_of"] = summary.as_of.isoformat()
    for key in ("unpaid", "unpaid_own", "underpaid"):
        doc[key] = fen_to_str(getattr(summary, key))
    doc["findings"] = {"open": summary.findings, "new": summary.opened, "resolved": summary.resolved,
                       "by_severity": doc.pop("by_severity")}
    del doc["opened"], doc["resolved"]
    return {"schema": SCHEMA, **doc}


def _render(summary: RunSummary, lang: Lang) -> None:
    from rich.console import Console
    from rich.table import Table

    from four_real.i18n import pick
    from validators.findings import fen_to_str

    def t(zh: str, en: str) -> str:
        return pick(lang, zh, en)

    console = Console() if sys.stdout.isatty() else Console(width=120)
    months = ", ".join(summary.months) or "-"
    table = Table(title=t(f"核查批次 #{summary.run_id}（截至 {summary.as_of}）",
                          f"Reconciliation run #{summary.run_id} (as of {summary.as_of})"), show_header=False)
    table.add_column(justify="left")
    table.add_column(justify="right")
    sev = summary.by_severity
    rows = [
        (t("月份", "months"), months),
        (t("项目数", "projects"), str(summary.projects)),
        (t("项目月", "project-months judged"), str(summary.project_months)),
        (t("问题（未解决）", "findings open"), str(summary.findings)),
        (t("其中新增", "new this run"), str(summary.opened)),
        (t("本次解决", "resolved this run"), str(summary.resolved)),
        (t("严重/高/中/低", "critical/high/medium/low"),
         "/".join(str(sev.get(s, 0)) for s in ("critical", "high", "medium", "low"))),
        (t("红/黄/绿", "red/yellow/green"),
         "/".join(str(summary.levels.get(lv, 0)) for lv in ("red", "yellow", "green"))),
        (t("欠发（元）", "arrears (yuan)"), fen_to_str(summary.unpaid) or "0.00"),
        (t("未发至本人卡（元）", "not paid to own card (yuan)"), fen_to_str(summary.unpaid_own) or "0.00"),
        (t("少发（元）", "underpaid (yuan)"), fen_to_str(summary.underpaid) or "0.00"),
    ]
    for label, value in rows:
        table.add_row(label, value)
    console.print(table)


def reconcile(
    month: Annotated[list[str] | None, typer.Option(help="Wage month(s) to judge, YYYY-MM (default: all)")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date of the reconciliation (default today)")] = None,
    project: Annotated[list[str] | None, typer.Option(help="Project code(s) (default: every project)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """Reconcile the stored data of every project (or those named) and record findings and figures."""
    from four_real.cli.app import check_format, err, parse_day, parse_months, user_errors
    from four_real.i18n import terminal_language
    from four_real.progress import stage_progress
    from four_real.store.reconcile import STAGES, reconcile_store

    with user_errors():
        check_format(fmt)
        day = parse_day(as_of)
        months = parse_months(month)
        projects = sorted({p.strip() for item in project or [] for p in item.split(",") if p.strip()}) or None
        engine = open_store()
        try:
            with stage_progress(err, STAGES) as advance:
                summary = reconcile_store(engine, as_of=day, months=months, projects=projects, progress=advance)
        finally:
            engine.dispose()
        if fmt == "json":
            sys.stdout.write(json.dumps(summary_document(summary), ensure_ascii=False, indent=2) + "\n")
        else:
            _render(summary, terminal_language())
