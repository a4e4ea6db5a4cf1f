"""`four-real leads import|list`, `grade`, `escalation`: complaint leads, enterprise grades and the
three-stage escalation from the command line (the bulletin lives in ``report_cmds``).

Every command opens the store at DATABASE_URL (migrating it), prints a table in the terminal's language or
JSON (``--format json``; dates ISO, money as decimal strings exact to the fen), and exits 0 when it ran;
``leads import`` exits 1 when some file could not be imported (the others still land: each file is its own
transaction) and 2 for usage errors. Worker ID numbers never reach the terminal: rejected rows are shown by
position and reason only, and the lead list carries no identity.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from four_real.cli.store_engine import open_store, store_session

if TYPE_CHECKING:
    import pandas as pd

    from four_real.i18n import Lang

__all__ = ["escalation", "grade", "leads_import", "leads_list", "register"]

leads_app = typer.Typer(help="Complaint leads (线索) from the local and national platforms / 欠薪线索",
                        no_args_is_help=True)
_SHOWN_PROBLEMS = 5
_PROGRESS_FROM = 2
GRADE_ZH = {"red": "红", "yellow": "黄", "green": "绿"}
STATUS_ZH = {"open": "办理中", "closed": "已办结"}
SOURCE_ZH = {"local": "本地平台", "national": "国家平台"}


def register(app: typer.Typer) -> None:
    """Add ``leads``, ``grade`` and ``escalation`` to the ``four-real`` app."""
    leads_app.command("import")(leads_import)
    leads_app.command("list")(leads_list)
    leads_app.command("fixture")(leads_fixture)
    app.add_typer(leads_app, name="leads")
    app.command("grade")(grade)
    app.command("escalation")(escalation)


def _console() -> Any:
    from rich.console import Console

    return Console() if sys.stdout.isatty() else Console(width=160)


def _json_value(v: Any) -> Any:
    import numpy as np
    import pandas as pd

    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, np.generic):
        return v.item()
    return v


def _records(frame: pd.DataFrame, money: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    from validators.findings import fen_to_str

    out = []
    for r in frame.to_dict("records"):
        row = {k: _json_value(v) for k, v in r.items()}
        for m in money:
            row[m] = fen_to_str(row.get(m))
        out.append(row)
    return out


def _print_json(doc: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2, default=_json_value) + "\n")


# ---- leads import ---------------------------------------------------------------------------------------

def leads_import(
    paths: Annotated[list[Path], typer.Argument(help="Export files (xlsx, xls, ods, csv) or folders",
                                                 show_default=False)],
    source: Annotated[str | None, typer.Option(
        help="local or national: the platform of rows whose file has no source column")] = None,
) -> None:
    """Import complaint-lead exports; the same export again changes nothing, a later one updates status."""
    from four_real.check import expand
    from four_real.cli.app import UsageProblem, err, user_errors
    from four_real.i18n import terminal_language
    from four_real.progress import stage_progress

    with user_errors():
        if source is not None and source not in ("local", "national"):
            raise UsageProblem("--source 只能是 local 或 national / --source must be local or national")
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise UsageProblem(f"找不到文件：{', '.join(missing)} / no such file: {', '.join(missing)}")
        files, _ = expand(paths)
        if not files:
            raise UsageProblem("没有可读取的线索文件 / no lead file to read")
        lang = terminal_language()
        engine = open_store()
        failed = False
        try:
            names = [name for _, name, _ in files]
            with stage_progress(err, names if len(files) >= _PROGRESS_FROM else names[:1]) as advance:
                for path, name, _ in files:
                    advance(name)
                    failed |= not _import_one(engine, path, name, source, lang)
        finally:
            engine.dispose()
        if failed:
            raise typer.Exit(1)


def _import_one(engine: Any, path: Path, name: str, source: str | None, lang: Lang) -> bool:
    from four_real.i18n import pick
    from four_real.oversight.leads import import_leads
    from four_real.store.db import session_scope
    from ingest.errors import IngestError
    from ingest.leads import read_leads

    try:
        read = read_leads(path.read_bytes(), filename=name, source=source)
    except IngestError as exc:
        typer.echo(f"{pick(lang, '失败', 'failed')}  {name}  {pick(lang, exc.message_zh, exc.message_en)}")
        return False
    except OSError:
        typer.echo(f"{pick(lang, '失败', 'failed')}  {name}  {pick(lang, '无法打开文件', 'cannot open the file')}")
        return False
    with session_scope(engine) as session:
        summary = import_leads(session, read.frame)
    typer.echo(pick(
        lang,
        f"已导入  {name}  {read.rows} 行，接受 {read.accepted}，拒收 {read.rejected}；新增 {summary.new}，"
        f"更新 {summary.updated}，未变 {summary.unchanged}；未关联项目 {summary.unlinked_project}，"
        f"未关联企业 {summary.unlinked_enterprise}",
        f"imported  {name}  {read.rows} rows, {read.accepted} accepted, {read.rejected} rejected; "
        f"{summary.new} new, {summary.updated} updated, {summary.unchanged} unchanged; "
        f"{summary.unlinked_project} without project, {summary.unlinked_enterprise} without enterprise"))
    shown = [p for p in read.problems if p.level == "error"] + [p for p in read.problems if p.level != "error"]
    for p in shown[:_SHOWN_PROBLEMS]:
        where = " ".join(x for x in (p.sheet, f"row {p.row}" if p.row else None, p.column) if x)
        typer.echo(f"          {where}: {pick(lang, p.reason_zh, p.reason_en)} [{p.code}]")
    if len(shown) > _SHOWN_PROBLEMS:
        more = len(shown) - _SHOWN_PROBLEMS
        typer.echo("          " + pick(lang, f"另有 {more} 个问题", f"and {more} more problems"))
    return True


# ---- leads fixture --------------------------------------------------------------------------------------

def leads_fixture(
    out: Annotated[Path, typer.Option(help="Folder to write the two exports and their key into")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date the key is judged on (default today)")] = None,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed makes the same files")] = 1,
    leads: Annotated[int, typer.Option(help="Leads beside the planted deadline edges")] = 30,
) -> None:
    """Write faker-made lead exports of both platforms about the projects in the store, with their key."""
    from four_real.cli.app import UsageProblem, parse_day, user_errors
    from four_real.i18n import pick, terminal_language

    with user_errors():
        day = parse_day(as_of)
        if out.exists() and any(out.iterdir()):
            raise UsageProblem(f"{out} 不是空文件夹 / {out} is not empty")
        from fixtures.leads import make_leads
        from four_real.oversight.leads import contractor_projects

        with store_session() as session:
            rows = contractor_projects(session)
        if not rows:
            raise UsageProblem("库中没有带施工总承包单位的项目，请先导入项目信息 / the store has no project with a "
                               "contractor; ingest project files first")
        key = make_leads(out, seed=seed, projects=rows, as_of=day, random_leads=leads)
        typer.echo(pick(terminal_language(), f"已写入 {out}（{len(key.leads)} 条线索）",
                        f"wrote {out} ({len(key.leads)} leads)"))


# ---- leads list -----------------------------------------------------------------------------------------

def leads_list(
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date the deadlines are judged on (default today)")
                     ] = None,
    township: Annotated[str | None, typer.Option(help="Only this township")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue leads")] = False,
    by_township: Annotated[bool, typer.Option("--by-township", help="Closure rate (办结率) per township")
                           ] = False,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """List leads with their deadlines (local 7 days, national 30) or the closure rate per township."""
    from four_real.cli.app import check_format, parse_day, user_errors
    from four_real.i18n import terminal_language
    from four_real.oversight.leads import closure_by_township, lead_table

    with user_errors():
        check_format(fmt)
        day = parse_day(as_of)
        with store_session() as session:
            frame = closure_by_township(session, day) if by_township else lead_table(session, day)
        if township is not None:
            frame = frame[frame["township"] == township]
        if overdue and not by_township:
            frame = frame[frame["overdue"]]
        lang = terminal_language()
        if fmt == "json":
            key = "townships" if by_township else "leads"
            _print_json({"schema": "four-real/leads@1", "as_of": day.isoformat(),
                         key: _records(frame, () if by_township else ("amount_claimed",))})
        elif by_township:
            _render_closure(frame, day, lang)
        else:
            _render_leads(frame, day, lang)


def _render_leads(frame: pd.DataFrame, day: dt.date, lang: Lang) -> None:
    from rich.table import Table

    from four_real.i18n import pick
    from validators.findings import fen_to_str

    table = Table(title=pick(lang, f"欠薪线索（截至 {day}，共 {len(frame)} 条）",
                             f"Complaint leads (as of {day}, {len(frame)})"))
    for zh, en in (("编号", "id"), ("来源", "source"), ("受理", "received"), ("期限", "deadline"),
                   ("办结", "closed"), ("状态", "status"), ("逾期", "overdue"), ("镇街", "township"),
                   ("项目", "project"), ("企业", "enterprise"), ("金额（元）", "amount (yuan)")):
        table.add_column(pick(lang, zh, en), justify="right" if en.startswith(("id", "amount")) else "left")
    for r in frame.itertuples(index=False):
        table.add_row(str(r.lead_id), pick(lang, SOURCE_ZH.get(r.source, r.source), r.source),
                      str(r.received_on), str(r.deadline), str(r.closed_on or "-"),
                      pick(lang, STATUS_ZH.get(r.status, r.status), r.status),
                      ("[red]" + pick(lang, "逾期", "overdue") + "[/]") if r.overdue else "",
                      str(r.township or "-"), str(r.project_code or "-"), str(r.enterprise_name or "-"),
                      fen_to_str(r.amount_claimed) or "-")
    _console().print(table)


def _render_closure(frame: pd.DataFrame, day: dt.date, lang: Lang) -> None:
    from rich.table import Table

    from four_real.i18n import pick

    table = Table(title=pick(lang, f"各镇街线索办结率（截至 {day}）", f"Lead closure by township (as of {day})"))
    for zh, en in (("镇街", "township"), ("线索", "leads"), ("已办结", "closed"), ("按期办结", "closed in time"),
                   ("办结率", "closure rate"), ("逾期", "overdue")):
        table.add_column(pick(lang, zh, en), justify="left" if en == "township" else "right")
    for r in frame.itertuples(index=False):
        table.add_row(str(r.township), str(r.leads), str(r.closed), str(r.closed_in_time),
                      f"{r.closure_rate:.1%}", f"[red]{r.overdue}[/]" if r.overdue else "0")
    _console().print(table)


# ---- grade ----------------------------------------------------------------------------------------------

def grade(
    as_of: Annotated[str | None, typer.Option("--as-of", help="Grade as of this date, YYYY-MM-DD")] = None,
    now: Annotated[bool, typer.Option("--now", help="Grade today, on demand")] = False,
    half_year: Annotated[bool, typer.Option(
        "--half-year", help="Grade on the last regular date (1 Jan or 1 Jul) on or before --as-of")] = False,
    store: Annotated[bool, typer.Option("--store/--dry-run", help="Record the grades (default) or only show them")
                     ] = True,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """Grade enterprises red/yellow/green from the six months before the date, with reasons and next inspection."""
    from four_real.cli.app import UsageProblem, check_format, err, parse_day, user_errors
    from four_real.i18n import pick, terminal_language
    from four_real.oversight.grading import grade_enterprises, half_year_date, store_grades
    from four_real.progress import stage_progress
    from four_real.store.db import session_scope

    with user_errors():
        check_format(fmt)
        if now and as_of is not None:
            raise UsageProblem("--now 与 --as-of 不能同时使用 / give --now or --as-of, not both")
        day = dt.date.today() if now else parse_day(as_of)
        if half_year:
            day = half_year_date(day)
        lang = terminal_language()
        engine = open_store()
        try:
            with stage_progress(err, [pick(lang, "评级", "grading"), pick(lang, "保存", "storing")]) as advance, \
                    session_scope(engine) as session:
                advance(pick(lang, "评级", "grading"))
                grades = grade_enterprises(session, day)
                advance(pick(lang, "保存", "storing"))
                if store:
                    store_grades(session, grades)
        finally:
            engine.dispose()
        if fmt == "json":
            _print_json({"schema": "four-real/grades@1", "graded_on": day.isoformat(), "stored": store,
                         "grades": _records(grades)})
        else:
            _render_grades(grades, day, lang, stored=store)


def _explain(reasons: list[dict[str, Any]], lang: Lang) -> str:
    from four_real.i18n import pick
    from validators.findings import fen_to_str

    parts = []
    for r in reasons:
        if r["verdict"] in ("red", "yellow"):
            value: object = r["value"]
            limit: object = r["threshold"]
            if r["input"] == "signing_rate":
                value, limit = f"{r['value']:.0%}", f"{r['threshold']:.0%}"
            elif r["input"] == "arrears":
                value, limit = fen_to_str(r["value"]), fen_to_str(r["threshold"])
            label = pick(lang, r["label_zh"], r["label_en"])
            parts.append(f"{label} {value} {r['op']} {limit} → {pick(lang, GRADE_ZH[r['verdict']], r['verdict'])}")
    return "; ".join(parts) or pick(lang, "各项均未达黄色阈值", "no input reached a yellow threshold")


def _render_grades(grades: pd.DataFrame, day: dt.date, lang: Lang, *, stored: bool) -> None:
    from rich.table import Table

    from four_real.i18n import pick

    if grades.empty:
        typer.echo(pick(lang, f"{day} 前六个月内没有可评级的企业（无项目月、线索或花名册数据）",
                        f"no enterprise to grade: nothing (project-months, leads, rosters) in the six months "
                        f"before {day}"))
        return
    counts = grades["grade"].value_counts()
    title = pick(lang, f"企业分级（{day}，红 {counts.get('red', 0)} / 黄 {counts.get('yellow', 0)} / 绿 "
                       f"{counts.get('green', 0)}）{'' if stored else '（未保存）'}",
                 f"Enterprise grades ({day}: red {counts.get('red', 0)} / yellow {counts.get('yellow', 0)} / "
                 f"green {counts.get('green', 0)}){'' if stored else ' (not stored)'}")
    table = Table(title=title)
    for zh, en in (("企业", "enterprise"), ("类型", "role"), ("等级", "grade"), ("下次检查", "next inspection"),
                   ("依据", "why")):
        table.add_column(pick(lang, zh, en))
    style = {"red": "bold red", "yellow": "yellow", "green": "green"}
    roles = {"general": ("总包", "general"), "sub": ("分包", "sub"), "other": ("其他", "other")}
    order = grades.assign(_r=grades["grade"].map({"red": 0, "yellow": 1, "green": 2})).sort_values(
        ["_r", "enterprise_name"], kind="stable")
    for r in order.itertuples(index=False):
        table.add_row(str(r.enterprise_name), pick(lang, *roles.get(r.role, (r.role, r.role))),
                      f"[{style[r.grade]}]{pick(lang, GRADE_ZH[r.grade], r.grade)}[/]",
                      str(r.next_inspection or "-"), _explain(r.reasons, lang))
    _console().print(table)


# ---- escalation -----------------------------------------------------------------------------------------

def escalation(
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date of the list (default today)")] = None,
    step: Annotated[str | None, typer.Option(help="Only this step: reminder, interview or full_check")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """Enterprises due for a step of the three-stage escalation (提醒 → 约谈 → 用工全面体检).

    Months with arrears or leads in the last twelve: 1 → reminder, 2 → on-site interview, 3+ → full
    employment check.
    """
    from four_real.cli.app import UsageProblem, check_format, parse_day, user_errors
    from four_real.i18n import terminal_language
    from four_real.oversight.escalation import STEP_NAMES, escalation_list

    with user_errors():
        check_format(fmt)
        if step is not None and step not in STEP_NAMES:
            raise UsageProblem("--step 只能是 reminder、interview 或 full_check / --step must be reminder, "
                               "interview or full_check")
        day = parse_day(as_of)
        with store_session() as session:
            frame = escalation_list(session, day)
        if step is not None:
            frame = frame[frame["step"] == step]
        lang = terminal_language()
        if fmt == "json":
            _print_json({"schema": "four-real/escalation@1", "as_of": day.isoformat(),
                         "enterprises": _records(frame)})
            return
        from rich.table import Table

        from four_real.i18n import pick

        if frame.empty:
            typer.echo(pick(lang, f"截至 {day}，近12个月没有需要整改的企业", f"as of {day}, no enterprise had "
                            "arrears or complaint leads in the last twelve months"))
            return
        table = Table(title=pick(lang, f"三段式整改名单（截至 {day}，近12个月）",
                                 f"Three-stage escalation (as of {day}, last twelve months)"))
        for zh, en in (("企业", "enterprise"), ("月数", "months"), ("步骤", "step"), ("月份", "which months")):
            table.add_column(pick(lang, zh, en), justify="right" if en == "months" else "left")
        for r in frame.itertuples(index=False):
            table.add_row(str(r.enterprise_name), str(r.months), pick(lang, *STEP_NAMES[r.step]),
                          ", ".join(r.month_list))
        _console().print(table)
