"""`four-real warnings list|show|ack|resolve|close|urge` and `four-real notify`.

Warnings come from ``four-real reconcile``; these commands read them and move them along their lifecycle
(each move one audit event naming ``--by``), and ``notify`` delivers the outbox to the subscribed webhooks.
Nothing personal is printed: a warning names a project, month and rule group, never a worker.
"""

from __future__ import annotations

import getpass
import json
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from four_real.cli.store_engine import open_store

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from four_real.i18n import Lang
    from four_real.store.models.warnings import WageWarningPublic

__all__ = ["register"]

SCHEMA = "four-real/warnings@1"
SECTORS = ("housing", "transport", "water")
STATUSES = ("open", "acknowledged", "resolved", "closed")
SEVERITY_ZH = {"critical": "严重", "high": "高"}
STATUS_ZH = {"open": "待处理", "acknowledged": "已签收", "resolved": "已办结", "closed": "已关闭"}

warnings_app = typer.Typer(help="Warnings raised from critical and high findings / 预警：列出、签收、办结、关闭、催办",
                           no_args_is_help=True)
notify_app = typer.Typer(help="`four-real notify` delivers the notification outbox as signed webhooks (retrying "
                              "failed ones); its subcommands manage the subscribers / 推送预警通知，管理订阅")

By = Annotated[str | None, typer.Option("--by", help="Who does this, for the audit trail (default: your login)")]
Note = Annotated[str | None, typer.Option(help="A note for the audit trail")]
Ids = Annotated[list[int], typer.Argument(help="Warning id(s) / 预警编号", show_default=False)]


def register(app: typer.Typer) -> None:
    """Add ``warnings`` and ``notify`` to the ``four-real`` app."""
    app.add_typer(warnings_app, name="warnings")
    app.add_typer(notify_app, name="notify")


def _t(zh: str, en: str) -> str:
    from four_real.i18n import pick, terminal_language

    return pick(terminal_language(), zh, en)


def _choice(value: str | None, allowed: tuple[str, ...], option: str) -> str | None:
    from four_real.cli.app import UsageProblem

    if value is not None and value not in allowed:
        raise UsageProblem(f"{option} 只能是 {'|'.join(allowed)} / {option} must be one of {'|'.join(allowed)}")
    return value


def _engine() -> Engine:
    return open_store()


def _yuan(fen: int) -> str:
    from validators.findings import fen_to_str

    return fen_to_str(fen) or "0.00"


def _document(w: WageWarningPublic) -> dict[str, Any]:
    doc = w.model_dump(mode="json")
    doc["amount"] = _yuan(w.amount)
    return doc


# ---- warnings ----------------------------------------------------------------------------------------
@warnings_app.command("list")
def list_cmd(
    sector: Annotated[str | None, typer.Option(help="housing, transport or water (default: all)")] = None,
    township: Annotated[str | None, typer.Option(help="Township / 乡镇（街道）")] = None,
    status: Annotated[list[str] | None, typer.Option(help="open, acknowledged, resolved, closed (repeatable)")]
    = None,
    month: Annotated[list[str] | None, typer.Option(help="Wage month(s), YYYY-MM")] = None,
    project: Annotated[list[str] | None, typer.Option(help="Project code(s)")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only warnings past their deadline")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Judge overdue as of this date (default today)")]
    = None,
    limit: Annotated[int, typer.Option(min=1, max=10000, help="At most this many")] = 50,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many")] = 0,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """List warnings, most severe and nearest deadline first."""
    from four_real.cli.app import check_format, parse_day, parse_months, user_errors

    with user_errors():
        check_format(fmt)
        _choice(sector, SECTORS, "--sector")
        for s in status or []:
            _choice(s, STATUSES, "--status")
        day = parse_day(as_of)
        months = parse_months(month)
        codes = sorted({p.strip() for item in project or [] for p in item.split(",") if p.strip()}) or None
        from four_real.store.db import session_scope
        from four_real.warnings.queries import warnings_page

        engine = _engine()
        try:
            with session_scope(engine) as session:
                page = warnings_page(session, sector=sector, township=township, status=status or None,
                                     month=months, project_codes=codes, as_of=day, overdue=overdue or None,
                                     limit=limit, offset=offset)
        finally:
            engine.dispose()
        if fmt == "json":
            doc = {"schema": SCHEMA, "as_of": day.isoformat(), "count": page.count,
                   "data": [_document(w) for w in page.data]}
            sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
        else:
            from four_real.i18n import terminal_language

            _render_list(page.data, page.count, terminal_language())


def _console() -> Any:
    from rich.console import Console

    return Console() if sys.stdout.isatty() else Console(width=160)


def _render_list(data: list[WageWarningPublic], count: int, lang: Lang) -> None:
    from rich.table import Table

    from four_real.i18n import pick
    from four_real.warnings.groups import GROUP_NAMES_ZH

    def t(zh: str, en: str) -> str:
        return pick(lang, zh, en)

    table = Table(title=t(f"预警（共 {count} 条，显示 {len(data)} 条）", f"Warnings ({len(data)} of {count})"))
    for name in (t("编号", "id"), t("项目", "project"), t("月份", "month"), t("类别", "group"),
                 t("等级", "severity"), t("状态", "status"), t("期限", "deadline"), t("问题数", "findings"),
                 t("金额（元）", "amount (yuan)"), t("催办", "urged"), t("乡镇", "township")):
        table.add_column(name)
    for w in data:
        late = t(" 已逾期", " overdue") if w.overdue else ""
        table.add_row(str(w.id), w.project_code, w.month,
                      t(GROUP_NAMES_ZH.get(w.rule_group, w.rule_group), w.rule_group),
                      t(SEVERITY_ZH.get(w.severity, w.severity), w.severity),
                      t(STATUS_ZH.get(w.status, w.status), w.status),
                      f"[red]{w.deadline}{late}[/]" if w.overdue else str(w.deadline),
                      str(w.findings), _yuan(w.amount), str(w.urge_count), w.township or "-")
    _console().print(table)


@warnings_app.command("show")
def show_cmd(
    warning_id: Annotated[int, typer.Argument(help="Warning id / 预警编号", show_default=False)],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Judge overdue as of this date (default today)")]
    = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """Show one warning and its audit trail (who did what, and when)."""
    from four_real.cli.app import UsageProblem, check_format, parse_day, user_errors

    with user_errors():
        check_format(fmt)
        day = parse_day(as_of)
        from four_real.store.db import session_scope
        from four_real.warnings.queries import get_warning, warning_events

        engine = _engine()
        try:
            with session_scope(engine) as session:
                warning = get_warning(session, warning_id, as_of=day)
                trail = warning_events(session, warning_id)
        finally:
            engine.dispose()
        if warning is None:
            raise UsageProblem(f"没有编号为 {warning_id} 的预警 / no warning with id {warning_id}")
        if fmt == "json":
            doc = {"schema": SCHEMA, "as_of": day.isoformat(), "warning": _document(warning),
                   "events": [e.model_dump(mode="json") for e in trail]}
            sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
            return
        from rich.table import Table

        _render_list([warning], 1, _lang())
        table = Table(title=_t("处理记录", "Audit trail"))
        for name in (_t("时间", "at"), _t("操作人", "actor"), _t("操作", "action"), _t("状态", "status"),
                     _t("说明", "note")):
            table.add_column(name)
        for e in trail:
            moved = f"{e.from_status or '-'} → {e.to_status or '-'}"
            table.add_row(e.at.strftime("%Y-%m-%d %H:%M:%S"), e.actor, e.action, moved, e.note or "")
        _console().print(table)


def _lang() -> Lang:
    from four_real.i18n import terminal_language

    return terminal_language()


def _act(action: str, ids: list[int], by: str | None, note: str | None) -> None:
    """Apply one lifecycle step to every id, all in one transaction: all of them happen or none."""
    from four_real.cli.app import UsageProblem, err, user_errors

    with user_errors():
        from four_real.store.db import session_scope
        from four_real.warnings import lifecycle

        actor = by if by is not None else getpass.getuser()
        step: Any = {"ack": lifecycle.acknowledge, "resolve": lifecycle.resolve, "urge": lifecycle.urge,
                     "close": lifecycle.close}[action]
        engine = _engine()
        try:
            with session_scope(engine) as session:
                done = [step(session, i, actor=actor, note=note) for i in ids]
                lines = [(w.id, w.status, w.urge_count) for w in done]
        except lifecycle.WarningError as exc:
            raise UsageProblem(str(exc)) from None
        finally:
            engine.dispose()
        for wid, status, urged in lines:
            extra = _t(f"（第 {urged} 次催办）", f" (urge count {urged})") if action == "urge" else ""
            err.print(_t(f"预警 {wid}：{STATUS_ZH.get(status, status)}{extra}", f"warning {wid}: {status}{extra}"),
                      highlight=False)


@warnings_app.command("ack")
def ack_cmd(ids: Ids, by: By = None, note: Note = None) -> None:
    """Acknowledge (签收) open warnings: your bureau is on it."""
    _act("ack", ids, by, note)


@warnings_app.command("resolve")
def resolve_cmd(ids: Ids, by: By = None, note: Note = None) -> None:
    """Resolve (办结) open or acknowledged warnings."""
    _act("resolve", ids, by, note)


@warnings_app.command("close")
def close_cmd(ids: Ids, note: Annotated[str, typer.Option(help="Why it is closed without resolution")],
              by: By = None) -> None:
    """Close (关闭) warnings that end without resolution; a note saying why is required."""
    _act("close", ids, by, note)


@warnings_app.command("urge")
def urge_cmd(ids: Ids, by: By = None, note: Note = None) -> None:
    """Urge (催办) action on open or acknowledged warnings; counted, recorded and notified."""
    _act("urge", ids, by, note)


# ---- notify ------------------------------------------------------------------------------------------
@notify_app.callback(invoke_without_command=True)
def notify_cmd(
    ctx: typer.Context,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Mark warnings overdue as of this date "
                                                               "(default today)")] = None,
    batch: Annotated[int, typer.Option(min=1, max=1000, help="Messages claimed per pass")] = 100,
    watch: Annotated[float | None, typer.Option(min=1, help="Keep running, delivering every N seconds")] = None,
) -> None:
    """Deliver due notifications (new, overdue, escalated, urged… warnings) as signed webhooks, retrying
    failed ones with backoff. First marks warnings that have passed their deadline as overdue."""
    if ctx.invoked_subcommand is not None:
        return
    from four_real.cli.app import err, parse_day, user_errors

    with user_errors():
        day = parse_day(as_of)
        engine = _engine()
        try:
            while True:
                _notify_once(engine, day, batch)
                if watch is None:
                    break
                import time

                time.sleep(watch)
                day = parse_day(as_of)
        except KeyboardInterrupt:
            err.print(_t("已停止", "stopped"))
        finally:
            engine.dispose()


def _notify_once(engine: Engine, day: Any, batch: int) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from four_real.cli.app import err
    from four_real.notify.delivery import DeliveryReport, deliver_due, due_count
    from four_real.store.db import session_scope
    from four_real.warnings.sync import mark_overdue

    with session_scope(engine) as session:
        overdue = mark_overdue(session, as_of=day)
    total = due_count(engine)
    report = DeliveryReport()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err,
                  transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task(_t("推送通知", "delivering"), total=total)
        while True:
            done = deliver_due(engine, limit=batch, progress=lambda *_: bar.advance(task))
            report.delivered += done.delivered
            report.retrying += done.retrying
            report.dead += done.dead
            report.errors += done.errors
            if done.attempted == 0:
                break
    err.print(_t(f"新逾期 {overdue} 条；已送达 {report.delivered}，待重试 {report.retrying}，放弃 {report.dead}",
                 f"{overdue} newly overdue; delivered {report.delivered}, retrying {report.retrying}, "
                 f"dead {report.dead}"), highlight=False)
    for line in report.errors[:10]:
        err.print(f"  {line}", highlight=False, markup=False)


@notify_app.command("subscribe")
def subscribe_cmd(
    url: Annotated[str, typer.Argument(help="http(s) URL that receives the POSTs", show_default=False)],
    name: Annotated[str, typer.Option(help="A name for this subscriber")] = "webhook",
    sector: Annotated[str | None, typer.Option(help="Only this sector's warnings (default: all, as 人社)")] = None,
    secret: Annotated[str | None, typer.Option(help="Signing secret (default: a random one, printed once)")]
    = None,
) -> None:
    """Add a webhook subscriber; prints its id and signing secret."""
    from four_real.cli.app import UsageProblem, user_errors

    with user_errors():
        _choice(sector, SECTORS, "--sector")
        from four_real.notify.outbox import add_webhook
        from four_real.store.db import session_scope

        engine = _engine()
        try:
            with session_scope(engine) as session:
                try:
                    hook = add_webhook(session, name=name, url=url, sector=sector, secret=secret)
                except ValueError as exc:
                    raise UsageProblem(f"订阅参数无效 / {exc}") from None
                hook_id, hook_secret = hook.id, hook.secret
        finally:
            engine.dispose()
        sys.stdout.write(json.dumps({"id": hook_id, "secret": hook_secret}) + "\n")


@notify_app.command("subscribers")
def subscribers_cmd() -> None:
    """List webhook subscribers (secrets are not shown)."""
    from four_real.cli.app import user_errors

    with user_errors():
        from rich.table import Table

        from four_real.notify.outbox import list_webhooks
        from four_real.store.db import session_scope

        engine = _engine()
        try:
            with session_scope(engine) as session:
                hooks = [(h.id, h.name, h.url, h.sector or _t("全部", "all"), h.active) for h in list_webhooks(session)]
        finally:
            engine.dispose()
        table = Table(title=_t("通知订阅", "Webhook subscribers"))
        for col in ("id", "name", "url", "sector", "active"):
            table.add_column(col)
        for row in hooks:
            table.add_row(*(str(v) for v in row))
        _console().print(table)


@notify_app.command("unsubscribe")
def unsubscribe_cmd(webhook_id: Annotated[int, typer.Argument(help="Subscriber id", show_default=False)]) -> None:
    """Stop delivering to a subscriber (what it was sent stays recorded)."""
    from four_real.cli.app import UsageProblem, err, user_errors

    with user_errors():
        from four_real.notify.outbox import deactivate_webhook
        from four_real.store.db import session_scope

        engine = _engine()
        try:
            with session_scope(engine) as session:
                found = deactivate_webhook(session, webhook_id)
        finally:
            engine.dispose()
        if not found:
            raise UsageProblem(f"没有编号为 {webhook_id} 的订阅 / no subscriber with id {webhook_id}")
        err.print(_t(f"订阅 {webhook_id} 已停用", f"subscriber {webhook_id} deactivated"))
