"""`four-real report bulletin`: the monthly bulletin (每月通报).

Writes ``bulletin-<M>.xlsx`` and ``bulletin-<M>.html`` into ``--out`` (default: the current folder) from
what the store holds for wage month M, and prints the two paths on stdout. Exit 0 when written; 2 for a usage error,
a store that cannot be opened, or a month that was never reconciled (one sentence, as every command).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

report_app = typer.Typer(help="Reports for the bureaus / 报表", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the ``four-real`` app."""
    app.add_typer(report_app, name="report")


@report_app.command("bulletin")
def bulletin(
    month: Annotated[str, typer.Option(help="Wage month of the bulletin, YYYY-MM", show_default=False)],
    out: Annotated[Path, typer.Option(help="Folder to write the workbook and the page into")] = Path("."),
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date that grades, leads and warnings are counted "
                                              "on (default: the day the month was last reconciled)")] = None,
) -> None:
    """Write the monthly bulletin of a wage month: an Excel workbook and a printable web page."""
    from four_real.cli.app import UsageProblem, err, parse_day, parse_months, user_errors
    from four_real.cli.store_engine import open_store
    from four_real.i18n import pick, terminal_language

    with user_errors():
        months = parse_months([month]) or []
        if len(months) != 1:
            raise UsageProblem("--month 只能给一个月份 / --month takes exactly one month")
        day = parse_day(as_of) if as_of else None
        if out.exists() and not out.is_dir():
            raise UsageProblem(f"{out} 不是文件夹 / {out} is not a folder")

        from four_real.bulletin import write_bulletin
        from four_real.bulletin.data import NoFigures

        engine = open_store()
        try:
            files = write_bulletin(engine, month=months[0], out=out, as_of=day)
        except NoFigures as exc:
            raise UsageProblem(str(exc)) from None
        finally:
            engine.dispose()
        err.print(pick(terminal_language(), "已写入每月通报：", "bulletin written:"), highlight=False)
        typer.echo(files.xlsx)  # the paths alone on stdout, for a script to pick up
        typer.echo(files.html)
