"""The `four-real` console script.

Errors reach the user as one sentence and an exit status, never as a traceback: exit 2 means the input
could not be checked at all (cli.md); set FOUR_REAL_DEBUG=1 to see the traceback when reporting a bug.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from four_real.i18n import pick, terminal_language

app = typer.Typer(
    name="four-real",
    help="四实 payroll compliance checker for construction sites / 工程建设领域农民工工资“四实”核查工具",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
fixtures_app = typer.Typer(help="Make realistic test projects with planted violations / 生成测试数据",
                           no_args_is_help=True)
app.add_typer(fixtures_app, name="fixtures")

err = Console(stderr=True, soft_wrap=True)


class UsageProblem(Exception):
    """A usage error found after parsing (bad month, no files): exit 2 with one sentence."""


def check_format(fmt: str) -> None:
    """``--format`` of every command that prints a report: table or json."""
    if fmt not in ("table", "json"):
        raise UsageProblem("--format 只能是 table 或 json / --format must be table or json")


def fail(message_zh: str, message_en: str, code: int = 2) -> typer.Exit:
    lang = terminal_language()
    err.print(f"[red]{pick(lang, '错误', 'error')}:[/] {pick(lang, message_zh, message_en)}",
              highlight=False, markup=True)
    return typer.Exit(code)


@contextmanager
def user_errors():
    """Translate every failure into one sentence; keep tracebacks for FOUR_REAL_DEBUG."""
    from ingest.errors import IngestError

    try:
        yield
    except typer.Exit:
        raise
    except IngestError as exc:
        raise fail(exc.message_zh, exc.message_en) from None
    except UsageProblem as exc:
        zh, _, en = str(exc).partition(" / ")
        raise fail(zh, en or zh) from None
    except Exception as exc:
        if os.environ.get("FOUR_REAL_DEBUG"):
            raise
        raise fail(f"内部错误（{type(exc).__name__}），请设置 FOUR_REAL_DEBUG=1 重试并报告",
                   f"internal error ({type(exc).__name__}); rerun with FOUR_REAL_DEBUG=1 and report it",
                   code=3) from None


def parse_months(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    import pandas as pd

    from ingest.values.dates import parse_month_series

    raw = [v.strip() for item in values for v in item.split(",") if v.strip()]
    parsed, codes = parse_month_series(pd.Series(raw, dtype="object"))
    if codes.notna().any():
        bad = ", ".join(r for r, c in zip(raw, codes, strict=True) if isinstance(c, str))
        raise UsageProblem(f"无法识别的月份：{bad}（应为 YYYY-MM） / "
                           f"month not recognised: {bad} (use YYYY-MM)")
    return sorted(set(parsed))


def parse_day(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageProblem(f"无法识别的日期：{value}（应为 YYYY-MM-DD） / date not recognised: {value} "
                           "(use YYYY-MM-DD)") from None


SEVERITIES = ["low", "medium", "high", "critical"]


@app.command()
def check(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders / 文件或文件夹", show_default=False)],
    project: Annotated[str | None, typer.Option(help="Project code for rows that carry none")] = None,
    month: Annotated[list[str] | None, typer.Option(help="Wage month(s) to judge, YYYY-MM")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date of the check (default today)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    output: Annotated[Path | None, typer.Option(help="Write to this file instead of stdout")] = None,
    fail_on: Annotated[str | None, typer.Option("--fail-on", help="low|medium|high|critical")] = None,
) -> None:
    """Check monthly files (roster, attendance, payroll, bank results, wage account) before uploading."""
    with user_errors():
        check_format(fmt)
        if fail_on is not None and fail_on not in SEVERITIES:
            raise UsageProblem("--fail-on 只能是 low|medium|high|critical / --fail-on must be one of "
                               "low|medium|high|critical")
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise UsageProblem(f"找不到文件：{', '.join(missing)} / no such file: {', '.join(missing)}")
        files = [f for p in paths for f in ([p] if p.is_file() else p.rglob("*")) if f.is_file()]
        if not files:
            raise UsageProblem("没有可读取的文件（文件夹为空） / no readable file (the folder is empty)")
        day = parse_day(as_of)
        months = parse_months(month)

        from four_real.check import run_check
        from four_real.progress import stage_progress

        with stage_progress(err, ["read", "resolve", "validate", "reconcile"]) as advance:
            report = run_check(paths, as_of=day, project=project, months=months, progress=advance)

        lang = terminal_language()
        if fmt == "json":
            from four_real.report import to_json

            text = to_json(report)
            if output:
                output.write_text(text + "\n", encoding="utf-8")
            else:
                sys.stdout.write(text + "\n")
        else:
            from four_real.render import render

            if output:
                with output.open("w", encoding="utf-8") as fh:
                    render(report, Console(file=fh, width=160, force_terminal=False), lang)
            else:
                console = Console()
                if not console.is_terminal:  # piped into a file or a pager: no terminal width to honour
                    console = Console(width=160)
                render(report, console, lang)

        if fail_on is not None:
            threshold = SEVERITIES.index(fail_on)
            hit = report.findings["severity"].map(SEVERITIES.index).ge(threshold).any()
            if hit:
                raise typer.Exit(1)


@fixtures_app.command("make")
def fixtures_make(
    out: Annotated[Path, typer.Option(help="Folder to write the files into")],
    seed: Annotated[int, typer.Option(help="Random seed: the same seed makes the same files")] = 1,
    workers: Annotated[int, typer.Option(help="Workers per project")] = 30,
    month: Annotated[list[str] | None, typer.Option(help="Wage month(s), YYYY-MM")] = None,
    violations: Annotated[
        str, typer.Option(help="all, none, or a comma-separated list of rule codes")
    ] = "all",
    style: Annotated[str, typer.Option(help="mixed, xlsx or csv")] = "mixed",
) -> None:
    """Write a project's monthly files with planted violations and their answer key."""
    with user_errors():
        from fixtures.make import make
        from validators.catalogue import CHECK_RULES

        months = parse_months(month) or ["2025-03"]
        if violations == "all":
            chosen: list[str] | None = None
        elif violations == "none":
            chosen = []
        else:
            chosen = [v.strip() for v in violations.split(",") if v.strip()]
            unknown = sorted(set(chosen) - set(CHECK_RULES))
            if unknown:
                raise UsageProblem(f"未知的规则：{', '.join(unknown)} / unknown rules: {', '.join(unknown)}")
        key = make(out, seed=seed, workers=workers, months=months, violations=chosen, style=style)
        n = len(key.findings)
        err.print(pick(terminal_language(), f"已写入 {out}（答案含 {n} 项问题）",
                       f"wrote {out} (answer key: {n} findings)"))


def _register_commands() -> None:
    """The store and service commands live in their own modules, each adding itself to the app."""
    from four_real.cli import (
        demo_cmd,
        oversight_cmds,
        reconcile_cmd,
        report_cmds,
        serve_cmds,
        store_cmds,
        warnings_cmds,
    )

    for module in (store_cmds, reconcile_cmd, demo_cmd, oversight_cmds, warnings_cmds, report_cmds,
                   serve_cmds):
        module.register(app)


_register_commands()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
