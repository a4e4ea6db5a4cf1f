"""`four-real ingest`: files into the store, every file all-or-nothing.

Files are read and given their folder's default project exactly as ``four-real check`` does
(:mod:`four_real.check`); then each file, in its own transaction, is resolved against the store (the
current roster of its projects for name-only rows, every stored project's wage account for routing
disbursements), validated, split into slices (:mod:`four_real.store.slices`) and written: a slice whose
content is already current is left alone, a changed slice gets a new version that supersedes the old one
(kept, with what changed), a bank feed is checked against its identity (:mod:`four_real.store.feeds`).
A byte-identical file whose every slice is current writes nothing at all, not even an upload row.

A file that fails anywhere leaves no trace but its receipt: the transaction is rolled back, and the other
files of the run still land. On PostgreSQL, concurrent ingests take a transaction-level advisory lock per
project and feed they touch, so two ingests of one project cannot both think they hold its current version;
on SQLite (one writer at a time anyway) each file's transaction begins IMMEDIATE, so its reads and writes
see one state of the store and a concurrent ingest waits for it (the engine's busy timeout).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from sqlalchemy import Engine, bindparam, insert, select, text, update
from sqlmodel import Session

from four_real.check import account_rows, expand, fill_defaults, folder_defaults
from four_real.store.db import session_scope
from four_real.store.feeds import FeedConflictError, decide_feed, feed_key, record_feed
from four_real.store.history import current_hashes, current_roster, diff, version_rows
from four_real.store.models import (
    ROW_TABLES,
    DataVersion,
    RejectedRow,
    Upload,
    UploadInput,
    Worker,
    utcnow,
)
from four_real.store.slices import (
    Slice,
    bulk_insert,
    check_uscc,
    empty_slice,
    records,
    split,
    stored_projects,
    upsert,
    upsert_projects,
)
from ingest.errors import IngestError
from ingest.problems import RowProblem
from ingest.reader import InputStats, ReadResult, read_bytes
from ingest.resolve import default_project_for, resolve
from validators.validate import validate_tables

__all__ = ["IngestReceipt", "OutOfScopeError", "bulk_insert", "ingest_bytes", "ingest_paths"]

log = logging.getLogger(__name__)
Status = Literal["stored", "unchanged", "refused", "forbidden", "failed"]
Progress = Callable[[str], None]
Authorise = Callable[[set[str]], None]
_STORE = "\x00store"  # provenance of rows lent from the store to resolution, removed after it


class OutOfScopeError(Exception):
    """The uploader may not write some project of the file (raised by an ``authorise`` callback)."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        self.message_zh = message_zh
        self.message_en = message_en
        super().__init__(f"{message_zh} / {message_en}")


@dataclass
class IngestReceipt:
    """What happened to one file: what the CLI prints and the API returns."""

    file: str
    status: Status
    message_zh: str
    message_en: str
    upload_id: int | None = None
    sha256: str | None = None
    inputs: list[InputStats] = field(default_factory=list)
    rejected: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    slices_written: list[str] = field(default_factory=list)
    slices_unchanged: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in ("stored", "unchanged")

    @property
    def message(self) -> str:
        return f"{self.message_zh} / {self.message_en}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file, "status": self.status, "upload_id": self.upload_id, "sha256": self.sha256,
            "message": self.message, "inputs": [s.as_dict() for s in self.inputs],
            "rejected_rows": [p.as_dict() for p in self.rejected],
            "warnings": [p.as_dict() for p in self.warnings],
            "slices_written": list(self.slices_written), "slices_unchanged": list(self.slices_unchanged),
        }


@dataclass
class _File:
    """One file read and waiting for its transaction."""

    name: str
    sha256: str
    result: ReadResult
    default: str | None


def ingest_paths(engine: Engine, paths: Sequence[Path | str], *, project: str | None = None,
                 uploader: str = "cli", correction: bool = False, month: str | None = None,
                 progress: Progress | None = None, strict: bool = False) -> list[IngestReceipt]:
    """Store files and folders; one receipt per file, in the order the files were found.

    Project files are stored first and rosters next, so a folder's name-only attendance and payroll rows
    resolve against the roster that arrives with them. ``progress`` is called with a file's name when it
    has been read and again when it has been stored (twice per file). ``strict`` re-raises unexpected
    errors (after the rollback) instead of turning them into ``failed`` receipts, for debugging.
    """
    files, _skipped = expand([Path(p) for p in paths])
    receipts: dict[int, IngestReceipt] = {}
    read: dict[Path, list[tuple[int, str, str, ReadResult]]] = {}
    for i, (path, name, folder) in enumerate(files):
        try:
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            read.setdefault(folder, []).append((i, name, digest, read_bytes(data, filename=name, month=month)))
        except OSError:
            receipts[i] = _failed(name, f"无法打开文件 {name}", f"cannot open {name}")
        except IngestError as exc:
            receipts[i] = _failed(name, exc.message_zh, exc.message_en)
        if progress:
            progress(name)
    units = {folder: ReadResult.combine(r for *_, r in parts) for folder, parts in read.items()}
    defaults = folder_defaults(units, cli_project=project) if units else {}
    todo = [(i, _File(name, digest, result, defaults[folder]))
            for folder, parts in read.items() for i, name, digest, result in parts]
    todo.sort(key=lambda item: (_priority(item[1].result), item[0]))
    for i, unit in todo:
        receipts[i] = _ingest_file(engine, unit, uploader=uploader, correction=correction, strict=strict)
        if progress:
            progress(unit.name)
    return [receipts[i] for i in sorted(receipts)]


def ingest_bytes(engine: Engine, data: bytes, *, filename: str, uploader: str, project: str | None = None,
                 correction: bool = False, month: str | None = None, strict: bool = False,
                 result: ReadResult | None = None, authorise: Authorise | None = None) -> IngestReceipt:
    """Store one uploaded file (the API's entry point); ``project`` is the upload's target project.

    ``result`` is ``data`` already read (the API reads first, to answer an unreadable file itself).
    ``authorise`` is called inside the transaction with the projects the file would write (after routing
    disbursements by wage account) and raises :class:`OutOfScopeError` to refuse the whole file.
    """
    if result is None:
        try:
            result = read_bytes(data, filename=filename, month=month)
        except IngestError as exc:
            return _failed(filename, exc.message_zh, exc.message_en)
    default = default_project_for(result.tables, cli_project=project, folder_name=None)
    unit = _File(filename, hashlib.sha256(data).hexdigest(), result, default)
    return _ingest_file(engine, unit, uploader=uploader, correction=correction, strict=strict, authorise=authorise)


def _priority(result: ReadResult) -> int:
    return 0 if len(result.tables["project"]) else 1 if len(result.tables["roster"]) else 2


def _failed(name: str, zh: str, en: str, *, status: Status = "failed", **kw: Any) -> IngestReceipt:
    return IngestReceipt(name, status, f"{zh}，未入库", f"{en}; nothing was stored", **kw)


def _ingest_file(engine: Engine, unit: _File, *, uploader: str, correction: bool,
                 strict: bool, authorise: Authorise | None = None) -> IngestReceipt:
    base: dict[str, Any] = {"sha256": unit.sha256, "inputs": unit.result.inputs,
                            "rejected": [p for p in unit.result.problems if p.level == "error"]}
    try:
        with session_scope(engine) as session:
            if engine.dialect.name == "sqlite":  # one writer at a time, from the first read on
                session.connection().exec_driver_sql("BEGIN IMMEDIATE")
            receipt = _store(session, unit, uploader=uploader, correction=correction, authorise=authorise)
    except OutOfScopeError as exc:
        return _failed(unit.name, exc.message_zh, exc.message_en, status="forbidden", **base)
    except FeedConflictError as exc:
        return _failed(unit.name, exc.message_zh, exc.message_en, status="refused", **base)
    except IngestError as exc:
        return _failed(unit.name, exc.message_zh, exc.message_en, **base)
    except Exception as exc:
        log.error("ingest of %s failed and was rolled back: %s", unit.name, type(exc).__name__)
        if strict:
            raise
        kind = type(exc).__name__
        return _failed(unit.name, f"入库出错（{kind}）", f"storing failed ({kind})", **base)
    log.info("ingest of %s: %s", unit.name, receipt.status)
    return receipt


def _store(session: Session, unit: _File, *, uploader: str, correction: bool,
           authorise: Authorise | None = None) -> IngestReceipt:
    """Resolve, validate, compare with the store and write; raises to roll everything back."""
    tables, problems = _resolve(session, unit.result, default=unit.default)
    valid, schema_problems = validate_tables(tables)
    valid["project"], uscc_problems = check_uscc(valid["project"])
    problems = [*unit.result.problems, *problems, *schema_problems, *uscc_problems]
    inputs = account_rows(unit.result.inputs, problems)
    receipt = IngestReceipt(unit.name, "unchanged", "", "", sha256=unit.sha256, inputs=inputs,
                            rejected=[p for p in problems if p.level == "error"],
                            warnings=[p for p in problems if p.level == "warning"])

    header = unit.result.feeds[0] if unit.result.feeds else None
    fkey = feed_key(header) if header else None
    slices = split(valid, feed_key=fkey)
    if authorise is not None:
        authorise({s.project_code for s in slices})
    _lock(session, [*(f"project:{s.project_code}" for s in slices), *([fkey] if fkey else [])])
    decision = decide_feed(session, header, content_hash=unit.sha256, correction=correction) if header else None
    current = current_hashes(session, codes=[s.project_code for s in slices], keys=[s.key for s in slices],
                             feed_key=fkey)
    if fkey:  # a corrected feed that no longer pays a project replaces that project's part with nothing
        covered = {s.project_code for s in slices}
        slices += [empty_slice("disbursement", code, fkey, None)
                   for (code, key) in current if key == fkey and code not in covered]
    # A feed found unchanged is left as it is, even if this run would route it elsewhere.
    changed = [s for s in slices if _differs(s, current)
               and not (decision is not None and decision.action == "unchanged" and s.key == fkey)]
    receipt.slices_unchanged = [s.label for s in slices if s not in changed and (s.project_code, s.key) in current]
    feed_new = decision is not None and decision.action != "unchanged"
    u = Upload.__table__  # type: ignore[attr-defined]
    known = session.execute(select(u.c.id).where(u.c.sha256 == unit.sha256).limit(1)).first()
    if known and not changed and not feed_new:
        receipt.message_zh = "已存在相同内容，未作改动"
        receipt.message_en = "identical content already stored; nothing changed"
        return receipt

    now = utcnow()
    receipt.upload_id = _record_upload(session, unit, inputs, receipt.rejected, uploader=uploader, now=now)
    if header is not None and decision is not None and feed_new:
        record_feed(session, header, decision, content_hash=unit.sha256, upload_id=receipt.upload_id, now=now)
    _write_slices(session, changed, current, upload_id=receipt.upload_id, now=now)
    receipt.slices_written = [s.label for s in changed]
    n, m = len(changed), len(receipt.slices_unchanged)
    if changed or feed_new:
        receipt.status = "stored"
        receipt.message_zh = f"已入库：更新 {n} 个数据片，{m} 个未变"
        receipt.message_en = f"stored: {n} data slice(s) updated, {m} unchanged"
    elif not slices:
        receipt.message_zh = "没有可入库的数据行（已登记本次上传及其拒收行）"
        receipt.message_en = "no row could be stored (the upload and its rejected rows were recorded)"
    else:
        receipt.message_zh = "数据与已存内容相同，未作改动（已登记本次上传）"
        receipt.message_en = "data identical to what is stored; nothing changed (the upload was recorded)"
    return receipt


def _resolve(session: Session, result: ReadResult, *, default: str | None) -> tuple[dict[str, pd.DataFrame],
                                                                                     list[RowProblem]]:
    """``ingest.resolve`` with the store's knowledge added: every stored project's wage account routes
    disbursements, and the current roster of the file's projects names name-only rows (the file's own
    project rows and roster come first: they are what is being corrected)."""
    stored = stored_projects(session, src_file=_STORE)
    own = result.tables["project"]
    payer = pd.concat([stored["wage_account"], own["wage_account"]], ignore_index=True).astype("str")
    accounts = set(payer.str.replace(r"\D", "", regex=True).replace("", None).dropna())
    tables = dict(fill_defaults(result, default, accounts).tables)
    codes = {str(c) for f in tables.values() for c in f["project_code"].dropna().unique()} | {default or ""}
    codes -= set(tables["roster"]["project_code"].dropna().astype("str")) | {""}
    tables["project"] = _stack("project", [own, stored[~stored["project_code"].isin(own["project_code"])]])
    tables["roster"] = _stack("roster", [tables["roster"], current_roster(session, codes, src_file=_STORE)])
    resolved, problems = resolve(tables, default_project=default)
    for kind in ("project", "roster"):
        resolved[kind] = resolved[kind][resolved[kind]["src_file"] != _STORE]
    return resolved, problems


def _stack(kind: str, frames: list[pd.DataFrame]) -> pd.DataFrame:
    filled = [f for f in frames if len(f)]
    return pd.concat(filled, ignore_index=True) if len(filled) > 1 else filled[0] if filled else frames[0]


def _lock(session: Session, names: list[str]) -> None:
    """PostgreSQL: serialise ingests touching the same project or feed, in one global order (no deadlock)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for name in sorted(set(names)):
        key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


def _differs(s: Slice, current: dict[tuple[str, str], tuple[int, str]]) -> bool:
    """A slice is written when its content is new; a covered slice without rows only replaces something."""
    now = current.get((s.project_code, s.key))
    if now is None:
        return not s.rows.empty
    return now[1] != s.content_hash


def _record_upload(session: Session, unit: _File, inputs: list[InputStats], rejected: list[RowProblem], *,
                   uploader: str, now: Any) -> int:
    u = Upload.__table__  # type: ignore[attr-defined]
    totals = {k: sum(getattr(s, k) for s in inputs) for k in ("rows", "accepted", "rejected", "skipped")}
    upload_id = int(session.execute(insert(u).values(
        sha256=unit.sha256, filename=unit.name[:500], uploader=uploader[:100], received_at=now, **totals,
    ).returning(u.c.id)).scalar_one())
    sheets = pd.DataFrame([s.as_dict() for s in inputs], columns=["sheet", "kind", *totals]).assign(
        upload_id=upload_id)
    bulk_insert(session, UploadInput.__table__, list(sheets), sheets)  # type: ignore[attr-defined]
    problems = pd.DataFrame(
        [(p.file[:500], p.sheet, p.row, p.column, None if p.value is None else p.value[:500], p.code,
          p.reason[:1000]) for p in rejected],
        columns=["file", "sheet", "row", "column", "value", "code", "reason"]).astype({"row": "Int64"})
    problems["upload_id"] = upload_id
    bulk_insert(session, RejectedRow.__table__, list(problems), problems)  # type: ignore[attr-defined]
    return upload_id


def _old_rows(session: Session, kind: str, version_ids: list[int], codes: list[str]) -> pd.DataFrame:
    """The rows of the versions being superseded; a project's are its row in ``project`` (no row table)."""
    if kind == "project":
        return stored_projects(session, codes).assign(version_id=0)
    return version_rows(session, kind, version_ids)


def _write_slices(session: Session, changed: list[Slice], current: dict[tuple[str, str], tuple[int, str]], *,
                  upload_id: int, now: Any) -> None:
    """New versions (with what changed against the previous one), the old ones superseded, then the rows."""
    if not changed:
        return
    previous = {s.label: current[(s.project_code, s.key)][0] for s in changed if (s.project_code, s.key) in current}
    versions = []
    for kind in sorted({s.kind for s in changed}):
        mine = [s for s in changed if s.kind == kind]
        old = _old_rows(session, kind, [previous[s.label] for s in mine if s.label in previous],
                        [s.project_code for s in mine])
        for s in mine:
            before = old.iloc[:0]
            if s.label in previous:
                before = old[old["project_code"] == s.project_code] if kind == "project" else old[
                    old["version_id"] == previous[s.label]]
            d = diff(kind, before, s.rows)
            versions.append((s, {
                "project_code": s.project_code, "kind": kind, "slice_key": s.key, "month": s.month,
                "content_hash": s.content_hash, "upload_id": upload_id, "received_at": now, "rows": len(s.rows),
                "rows_added": d.rows_added, "rows_removed": d.rows_removed, "amounts_changed": d.amounts_changed}))
    v = DataVersion.__table__  # type: ignore[attr-defined]
    ids = session.execute(insert(v).returning(v.c.id, sort_by_parameter_order=True),
                          [values for _, values in versions]).scalars().all()
    new_id = {s.label: i for (s, _), i in zip(versions, ids, strict=True)}
    superseded = [{"old": old, "new": new_id[label], "at": now} for label, old in previous.items()]
    if superseded:
        session.execute(update(v).where(v.c.id == bindparam("old"))
                        .values(superseded_at=bindparam("at"), superseded_by=bindparam("new")), superseded)
    for kind in sorted({s.kind for s in changed}):
        frames = [s.rows.assign(version_id=new_id[s.label]) for s in changed if s.kind == kind and len(s.rows)]
        if not frames:
            continue
        rows = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        if kind == "project":
            upsert_projects(session, rows)
            continue
        if kind == "roster":  # a worker is an ID number; the name is the latest seen
            upsert(session, Worker.__table__, records(  # type: ignore[attr-defined]
                rows.drop_duplicates("id_number", keep="last").rename(columns={"worker_name": "name"}),
                ["id_number", "name"]), key="id_number", update=["name"])
        table = ROW_TABLES[kind].__table__  # type: ignore[attr-defined]
        bulk_insert(session, table, [c.name for c in table.columns if c.name != "id"], rows)
