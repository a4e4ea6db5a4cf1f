"""`four-real demo`: a small city made, ingested, reconciled and summarised (registered by
``four_real/cli/demo_cmd.py``).

The city is ``fixtures.city``: about forty projects of Dongyang over three months with planted problems,
so what the summary shows can be checked against ``demo-files/city_key.json``. Projects are made in
worker processes and each is ingested as soon as it is written, so making and ingesting overlap on a
two-core machine. The demo database is a fresh SQLite file beside the files, never the user's store.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine, bindparam, select, update

from four_real.i18n import Lang, pick, terminal_language
from four_real.summary import LEVELS, CitySummary

if TYPE_CHECKING:
    from fixtures.city import CityKey

FILES, DATABASE, KEY, LEADS = "demo-files", "demo.db", "city_key.json", "complaint-leads"
SECTOR_ZH = {"housing": "住建", "transport": "交通运输", "water": "水利", "unknown": "未知"}
LEVEL_ZH = {"red": "红", "yellow": "黄", "green": "绿"}
LEVEL_STYLE = {"red": "bold red", "yellow": "yellow", "green": "green"}
SEVERITY_ZH = {"critical": "严重", "high": "高", "medium": "中", "low": "低"}


def demo(*, data_dir: Path | None, seed: int, projects: int) -> None:
    """Make a small city with planted problems, ingest and reconcile it, and print the city summary."""
    from four_real.cli.app import UsageProblem, err, user_errors

    with user_errors():
        if not 1 <= projects <= 500:
            raise UsageProblem("--projects 应在 1 到 500 之间 / --projects must be between 1 and 500")
        from four_real.settings import get_settings

        root = data_dir or get_settings().data_dir
        files, db = root / FILES, root / DATABASE
        _clear_previous(files)
        summary, oversight, key, failed = _run(files, db, seed=seed, projects=projects, console=err)
        console = Console() if Console().is_terminal else Console(width=160)
        lang = terminal_language()
        render_city(summary, console, lang, as_of=key.as_of)
        render_oversight(oversight, console, lang)
        if failed:
            err.print(pick(lang, f"[yellow]有 {len(failed)} 个文件未能入库：[/]", f"[yellow]{len(failed)} files "
                           "could not be stored:[/] ") + ", ".join(failed))
        _next_steps(console, lang, files=files, db=db, as_of=key.as_of, riskiest=summary.riskiest,
                    month=key.months[-1])


def _clear_previous(files: Path) -> None:
    """An empty or missing folder is used; a previous demo (its key and nothing but its project folders)
    is replaced; anything else is refused, since it may be someone's real files."""
    from fixtures.city import CityKey
    from four_real.cli.app import UsageProblem

    if not files.exists() or not any(files.iterdir()):
        return
    try:
        key = CityKey.read(files / KEY)
        ours = {KEY, LEADS, *(p["folder"] for p in key.projects)}
    except (OSError, ValueError, KeyError, TypeError):
        ours = set()
    if not ours or any(entry.name not in ours for entry in files.iterdir()):
        raise UsageProblem(f"{files} 不是空文件夹，也不是以前的演示数据，未覆盖 / {files} is neither empty nor "
                           "a previous demo; not overwriting it")
    shutil.rmtree(files)


def _ingest_project(job: tuple[str, str, str]) -> list[str]:
    """One project's folder into the demo database, in a worker process with its own engine."""
    from four_real.store.db import make_engine
    from four_real.store.ingest import ingest_paths

    db, folder, code = job
    engine = make_engine(f"sqlite:///{db}")
    try:
        receipts = ingest_paths(engine, [Path(folder)], project=code, uploader="demo")
        return [f"{code}/{r.file}" for r in receipts if not r.ok]
    finally:
        engine.dispose()


def _run(files: Path, db: Path, *, seed: int, projects: int,
         console: Console) -> tuple[CitySummary, Oversight, CityKey, list[str]]:
    """Make, ingest, reconcile, import leads and grade, summarise; returns the summary, the oversight
    figures, the city key and the files not stored."""
    from fixtures.city import make_city
    from four_real.store.db import make_engine
    from four_real.store.reconcile import reconcile_store
    from four_real.store.schema import ensure_schema
    from four_real.summary import city_summary

    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{db.as_posix()}")
    lang = terminal_language()
    failed: list[str] = []
    try:
        ensure_schema(engine)
        engine.dispose()
        cores = min(2, os.cpu_count() or 1)
        with _bar(console, total=2 * projects + 2) as step, \
                ProcessPoolExecutor(max_workers=cores, mp_context=get_context("spawn")) as pool:
            # Each project is ingested as soon as its files are written, while later ones are being made:
            # both are CPU-bound, and overlapping them keeps both cores busy from start to end. SQLite's
            # BEGIN IMMEDIATE makes the ingests' short write transactions take turns.
            pending: list[tuple[str, Future[list[str]]]] = []

            def made(code: str) -> None:
                step(pick(lang, f"已生成 {code}", f"made {code}"))
                pending.append((code, pool.submit(_ingest_project, (db.as_posix(), (files / code).as_posix(),
                                                                     code))))

            key = make_city(files, seed=seed, projects=projects, jobs=cores, progress=made)
            for code, future in pending:
                failed.extend(future.result())
                step(pick(lang, f"已入库 {code}", f"ingested {code}"))
            replay_arrivals(engine)
            reconcile_store(engine, as_of=dt.date.fromisoformat(key.as_of), months=key.months,
                            progress=lambda stage: step(pick(lang, f"核查：{stage}", f"reconcile: {stage}"),
                                                        advance=False))
            step(pick(lang, "已核查", "reconciled"))
            oversight = _oversight(engine, files / LEADS, seed=seed, as_of=dt.date.fromisoformat(key.as_of))
            summary = city_summary(engine, months=key.months)
            step(pick(lang, "已汇总", "summarised"))
    finally:
        engine.dispose()
    return summary, oversight, key, failed


@dataclass(frozen=True)
class Oversight:
    """What the bureaus act on after the run: grades, leads, warnings (counts as of the demo date)."""

    grades: dict[str, int]
    leads: int
    leads_closed: int
    leads_overdue: int
    warnings_open: int
    warnings_overdue: int


def _oversight(engine: Engine, leads_dir: Path, *, seed: int, as_of: dt.date) -> Oversight:
    """Complaint leads about the city's projects (both platforms' exports, faker-made) imported, and the
    enterprises graded as of the demo date, so grades, escalation and the bulletin have their inputs."""
    from fixtures.leads import make_leads
    from four_real.oversight.grading import grade_enterprises, store_grades
    from four_real.oversight.leads import closure_by_township, contractor_projects, import_leads
    from four_real.store.db import session_scope
    from four_real.warnings.queries import warning_counts
    from ingest.leads import read_leads

    with session_scope(engine) as session:
        rows = contractor_projects(session)
    make_leads(leads_dir, seed=seed, projects=rows, as_of=as_of, random_leads=30)
    with session_scope(engine) as session:
        for path in sorted(leads_dir.iterdir()):
            if path.suffix.lower() in (".csv", ".xlsx"):
                import_leads(session, read_leads(path.read_bytes(), filename=path.name).frame)
        grades = grade_enterprises(session, as_of)
        store_grades(session, grades)
        closure = closure_by_township(session, as_of)
        counts = warning_counts(session, month=None, as_of=as_of)
    live = counts[counts["status"].isin(["open", "acknowledged"])]
    return Oversight(
        grades={g: int((grades["grade"] == g).sum()) for g in LEVEL_ZH},
        leads=int(closure["leads"].sum()), leads_closed=int(closure["closed"].sum()),
        leads_overdue=int(closure["overdue"].sum()),
        warnings_open=int(live["count"].sum()), warnings_overdue=int(live.loc[live["overdue"], "count"].sum()))


def render_oversight(o: Oversight, console: Console, lang: Lang) -> None:
    rate = f"{100 * o.leads_closed / o.leads:.1f}%" if o.leads else "–"
    g = o.grades
    console.print(pick(
        lang,
        f"企业评级：[bold red]红 {g['red']}[/]、[yellow]黄 {g['yellow']}[/]、[green]绿 {g['green']}[/]；"
        f"欠薪线索 {o.leads} 条，办结率 {rate}，逾期 {o.leads_overdue} 条；"
        f"预警 {o.warnings_open} 条未办结，其中逾期 {o.warnings_overdue} 条",
        f"Enterprise grades: [bold red]red {g['red']}[/], [yellow]yellow {g['yellow']}[/], "
        f"[green]green {g['green']}[/]; complaint leads {o.leads}, closure rate {rate}, overdue "
        f"{o.leads_overdue}; warnings not yet resolved {o.warnings_open}, overdue {o.warnings_overdue}"),
        highlight=False)


@contextmanager
def _bar(console: Console, *, total: int) -> Iterator[Callable[..., None]]:
    """A bar over the demo's steps on a terminal; nothing when output is redirected."""
    if not console.is_terminal:
        yield lambda _label, advance=True: None
        return
    with Progress(TextColumn("{task.description:<28}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task("demo", total=total)

        def step(label: str, advance: bool = True) -> None:
            progress.update(task, description=label, advance=1 if advance else 0)

        yield step


def replay_arrivals(engine: Engine) -> None:
    """Date every slice's arrival as a punctual labor manager's upload would have been.

    The demo's files all arrive today for a quarter long past, so DATA-LATE would flag every month of
    every project and hide the planted problems. A real city's files arrive day by day: attendance the
    evening after the day (18:00 in China), each payroll on the 5th of the following month, before any
    due date; other slices keep their time (DATA-LATE does not read them).
    """
    from four_real.store.models import DataVersion

    v = DataVersion.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        rows = pd.read_sql(select(v.c.id, v.c.kind, v.c.slice_key, v.c.month)
                           .where(v.c.kind.in_(["attendance", "payroll"])), conn)
        day = pd.to_datetime(rows["slice_key"].str.extract(r"^attendance:(\d{4}-\d{2}-\d{2})$")[0],
                             format="%Y-%m-%d")
        month = pd.to_datetime(rows["month"], format="%Y-%m", errors="coerce")
        when = day.where(rows["kind"].eq("attendance"), month + pd.DateOffset(months=1, days=4))
        when = when + pd.Timedelta(hours=10)  # 10:00 UTC = 18:00 in China
        params = [{"vid": int(i), "at": t.to_pydatetime().replace(tzinfo=dt.UTC)}
                  for i, t in zip(rows["id"], when, strict=True) if pd.notna(t)]
        if params:
            conn.execute(update(v).where(v.c.id == bindparam("vid")).values(received_at=bindparam("at")), params)


def _money(fen: object) -> str:
    """Yuan with thousands separators, for reading (JSON output keeps the exact contract format)."""
    v = int(fen)  # type: ignore[call-overload]
    return f"{'-' if v < 0 else ''}{abs(v) // 100:,}.{abs(v) % 100:02d}"


def _level(level: str, lang: Lang) -> str:
    return f"[{LEVEL_STYLE.get(level, '')}]{LEVEL_ZH.get(level, level) if lang == 'zh' else level}[/]"


def _group_table(frame: pd.DataFrame, title: str, label: str, lang: Lang, sector: bool) -> Table:
    t = lambda zh, en: pick(lang, zh, en)  # noqa: E731
    table = Table(title=title)
    table.add_column(label)
    for zh, en in [("项目", "projects"), ("人数", "workers"), ("应发", "payable"), ("欠发", "unpaid"),
                   ("少发", "underpaid"), ("安薪指数", "index"), ("红", "red"), ("黄", "yellow"),
                   ("绿", "green"), ("问题", "findings")]:
        table.add_column(t(zh, en), justify="right")
    for name, r in frame.to_dict("index").items():  # to_dict keeps each column's type: counts stay ints
        shown = SECTOR_ZH.get(str(name), str(name)) if sector and lang == "zh" else str(name)
        table.add_row(shown, str(r["projects"]), str(r["workers"]), _money(r["payable"]), _money(r["unpaid"]),
                      _money(r["underpaid"]), f"{r['anxin_index']:.1f}",
                      *[f"[{LEVEL_STYLE[lv]}]{r[lv]}[/]" if r[lv] else "0" for lv in LEVELS], str(r["findings"]))
    return table


def render_city(s: CitySummary, console: Console, lang: Lang, *, as_of: str) -> None:
    """The summary as tables: the city line, sectors, townships, the riskiest projects, open findings."""
    t = lambda zh, en: pick(lang, zh, en)  # noqa: E731
    span = f"{s.months[0]}–{s.months[-1]}" if s.months else "–"
    console.print(t(f"[bold]全市汇总[/]（东阳市演示数据，{span}，截至 {as_of}）",
                    f"[bold]City summary[/] (Dongyang demo city, {span}, as of {as_of})"))
    target = "[green]" if s.anxin_index >= 95 else "[red]"
    console.print(t(f"项目 {s.projects} 个，工人 {s.workers} 人；应发 {_money(s.payable)} 元，欠发 "
                    f"{_money(s.unpaid)} 元，少发 {_money(s.underpaid)} 元；安薪指数 {target}{s.anxin_index:.1f}[/]"
                    "（目标 ≥ 95）",
                    f"{s.projects} projects, {s.workers} workers; payable {_money(s.payable)} yuan, unpaid "
                    f"{_money(s.unpaid)}, underpaid {_money(s.underpaid)}; 安薪指数 {target}{s.anxin_index:.1f}[/]"
                    " (target ≥ 95)"))
    console.print(_group_table(s.by_sector, t("按行业", "By sector"), t("行业", "sector"), lang, True))
    console.print(_group_table(s.by_township, t("按镇街", "By township"), t("镇街", "township"), lang, False))

    risky = Table(title=t("风险最高的项目", "Riskiest projects"))
    for zh, en in [("项目", "project"), ("名称", "name"), ("行业", "sector"), ("镇街", "township"),
                   ("欠发", "unpaid"), ("少发", "underpaid"), ("安薪指数", "index"), ("等级", "level"),
                   ("风险", "risk"), ("问题", "findings")]:
        risky.add_column(t(zh, en), justify="right" if en in {"unpaid", "underpaid", "index", "risk",
                                                              "findings"} else "left", overflow="fold")
    for r in s.riskiest.to_dict("records"):
        sector = str(r["sector"])
        risky.add_row(str(r["project_code"]), str(r["name"] or ""), SECTOR_ZH.get(sector, sector)
                      if lang == "zh" else sector, str(r["township"]), _money(r["unpaid"]), _money(r["underpaid"]),
                      f"{r['anxin_index']:.1f}", _level(str(r["level"]), lang), str(r["risk_score"]),
                      str(r["findings"]))
    console.print(risky)

    found = Table(title=t("未处理的问题（按级别）", "Open findings by severity"))
    for zh, en in [("级别", "severity"), ("问题", "findings"), ("涉及项目", "projects")]:
        found.add_column(t(zh, en), justify="left" if en == "severity" else "right")
    for sev, r in s.findings.to_dict("index").items():
        found.add_row(SEVERITY_ZH[str(sev)] if lang == "zh" else str(sev), str(r["findings"]), str(r["projects"]))
    console.print(found)


def _next_steps(console: Console, lang: Lang, *, files: Path, db: Path, as_of: str,
                riskiest: pd.DataFrame, month: str) -> None:
    codes = list(dict.fromkeys([*riskiest["project_code"].head(1).tolist(), "DY2025-001"]))
    console.print(pick(lang, "进一步查看：", "Explore further:"))
    for code in codes:
        console.print(f"  four-real check {(files / code).as_posix()} --as-of {as_of}", highlight=False,
                      soft_wrap=True)
    store = f"DATABASE_URL=sqlite:///{db.resolve().as_posix()}"
    for command in (f"report bulletin --month {month} --out {(db.parent / 'bulletin').as_posix()}",
                    f"warnings list --as-of {as_of}", f"grade --as-of {as_of} --dry-run",
                    f"leads list --as-of {as_of} --by-township", f"escalation --as-of {as_of}"):
        console.print(f"  {store} four-real {command}", highlight=False, soft_wrap=True)
    console.print(pick(lang, f"  答案：{(files / KEY).as_posix()}    演示数据库：{db.as_posix()}",
                       f"  answer key: {(files / KEY).as_posix()}    demo database: {db.as_posix()}"),
                  highlight=False, soft_wrap=True)
