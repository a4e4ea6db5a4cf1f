"""`four-real check`: one engine run over files on disk, with no store and no server.

The same composition (read → resolve → validate → reconcile) is what the store runs over uploads, so
this module is deliberately the only place that wires the pure packages together for files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from ingest.bank_feed import is_bank_feed
from ingest.containers import TEXT_EXTENSIONS, WORKBOOK_EXTENSIONS
from ingest.errors import IngestError
from ingest.problems import RowProblem
from ingest.reader import InputStats, ReadResult, read_path
from ingest.resolve import default_project_for, resolve
from validators.config import RuleConfig
from validators.dataset import Dataset
from validators.reconcile import reconcile
from validators.validate import validate_tables

Progress = Callable[[str], None]


@dataclass
class CheckReport:
    as_of: dt.date
    inputs: list[InputStats]
    problems: list[RowProblem]
    findings: pd.DataFrame
    project_months: pd.DataFrame
    skipped_files: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def rejected(self) -> list[RowProblem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[RowProblem]:
        return [p for p in self.problems if p.level == "warning"]


def _hidden(relative: Path) -> bool:
    """Hidden files and the `~$` lock files Office leaves beside an open workbook are not data."""
    return any(part.startswith(".") for part in relative.parts) or relative.name.startswith("~$")


def _readable_in_folder(path: Path) -> bool:
    """Inside a folder, read tables and bank feeds; leave notes, PDFs and answer keys alone.

    A file named on the command line is always read (and refused clearly if it cannot be); a folder is
    what people keep everything in, so its other files are listed as skipped instead of stopping the run.
    """
    if path.suffix.lower() in WORKBOOK_EXTENSIONS | TEXT_EXTENSIONS:
        return True
    with path.open("rb") as fh:
        return is_bank_feed(fh.read(4096))


def expand(paths: Sequence[Path]) -> tuple[list[tuple[Path, str, Path]], list[str]]:
    """(file, display name, folder) for every file given or found below a folder given, and the
    display names of the folder files that are not data.

    The display name is relative to the folder given, as a labor manager recognises it; the folder is
    the file's own directory, which decides the default project of its rows.
    """
    out: list[tuple[Path, str, Path]] = []
    skipped: list[str] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p)
                if not f.is_file() or _hidden(rel):
                    continue
                if _readable_in_folder(f):
                    out.append((f, rel.as_posix(), f.parent.resolve()))
                else:
                    skipped.append(rel.as_posix())
        else:
            out.append((p, p.name, p.resolve().parent))
    return out, skipped


def _project_codes(result: ReadResult) -> set[str]:
    codes: set[str] = set()
    for frame in result.tables.values():
        if "project_code" in frame and len(frame):
            codes.update(str(c) for c in frame["project_code"].dropna().unique())
    return codes


def folder_defaults(units: dict[Path, ReadResult], *, cli_project: str | None) -> dict[Path, str | None]:
    """The default project of each folder's rows (cli.md: --project, else the project file's code, else
    the folder's name).

    A folder without a project file of its own takes the nearest enclosing folder's project file, so a
    project folder may keep its months in subfolders.
    """
    own: dict[Path, str | None] = {}
    for folder, result in units.items():
        own[folder] = default_project_for(result.tables, cli_project=cli_project, folder_name=None)
    out: dict[Path, str | None] = {}
    for folder in units:
        code = own.get(folder)
        for parent in folder.parents:
            if code is not None:
                break
            code = own.get(parent)
        out[folder] = code if code is not None else folder.name
    return out


def fill_defaults(result: ReadResult, default: str | None, wage_accounts: set[str]) -> ReadResult:
    """Give a folder's unlabelled rows its default project before the folders are combined.

    Disbursements paid from a known wage account are left for :func:`ingest.resolve.resolve` to route
    by that account, which outranks the folder.
    """
    if default is None:
        return result
    tables = {}
    for kind, frame in result.tables.items():
        if "project_code" not in frame or not frame["project_code"].isna().any():
            tables[kind] = frame
            continue
        fill = frame["project_code"].isna()
        if kind == "disbursement" and wage_accounts:
            payer = frame["payer_account"].astype("str").str.replace(r"\D", "", regex=True)
            fill &= ~payer.isin(wage_accounts)
        frame = frame.copy()
        frame.loc[fill, "project_code"] = default
        tables[kind] = frame
    return replace(result, tables=tables)


def account_rows(inputs: list[InputStats], problems: list[RowProblem]) -> list[InputStats]:
    """Recount accepted/rejected per file and sheet after every stage has had its say.

    Readers count what they rejected; resolution and validation reject more rows later. A row is
    rejected once however many problems it has, so the counts always add up to the rows of the file.
    """
    bad: dict[tuple[str, str | None], set[int]] = {}
    for p in problems:
        if p.level == "error" and p.row is not None:
            bad.setdefault((p.file, p.sheet), set()).add(p.row)
    out = []
    for s in inputs:
        rejected = len(bad.get((s.file, s.sheet), set()))
        out.append(replace(s, rejected=rejected, accepted=s.rows - s.skipped - rejected))
    return out


@dataclass
class Prepared:
    """Files read, resolved and validated: the dataset the rules judge, and everything said about rows."""

    dataset: Dataset
    inputs: list[InputStats]
    problems: list[RowProblem]
    skipped_files: list[str]
    timings: dict[str, float]


def prepare(paths: Sequence[Path], *, project: str | None = None, month: str | None = None,
            progress: Progress | None = None) -> Prepared:
    """Read, resolve and validate the files (the part of a check before the rules); raise
    ``ingest.errors.IngestError`` if a file cannot be read at all."""
    import time

    step = progress or (lambda _msg: None)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()

    step("read")
    parts: dict[Path, list[ReadResult]] = {}
    files, skipped = expand(paths)
    if not files:
        raise IngestError("没有可读取的数据文件", "no data file to read")
    for file, name, folder in files:
        parts.setdefault(folder, []).append(read_path(file, display_name=name, month=month))
    units = {folder: ReadResult.combine(results) for folder, results in parts.items()}
    timings["read"] = time.perf_counter() - t0

    step("resolve")
    t = time.perf_counter()
    defaults = folder_defaults(units, cli_project=project)
    accounts = {
        digits for r in units.values()
        for digits in r.tables["project"]["wage_account"].dropna().astype("str").str.replace(
            r"\D", "", regex=True)
    }
    read = ReadResult.combine(fill_defaults(r, defaults[f], accounts) for f, r in units.items())
    codes = _project_codes(read)
    overall = project or (next(iter(codes)) if len(codes) == 1 else None)
    tables, resolve_problems = resolve(read.tables, default_project=overall)
    timings["resolve"] = time.perf_counter() - t

    step("validate")
    t = time.perf_counter()
    valid, schema_problems = validate_tables(tables)
    dataset = Dataset.from_frames(**valid)
    timings["validate"] = time.perf_counter() - t

    problems = [*read.problems, *resolve_problems, *schema_problems]
    return Prepared(dataset, account_rows(read.inputs, problems), problems, skipped, timings)


def run_check(
    paths: Sequence[Path],
    *,
    as_of: dt.date,
    project: str | None = None,
    months: list[str] | None = None,
    config: RuleConfig | None = None,
    progress: Progress | None = None,
) -> CheckReport:
    """Read, resolve, validate and reconcile the files; raise ``ingest.errors.IngestError`` if a file
    cannot be read at all (the CLI turns that into one sentence and exit status 2)."""
    import time

    config = config or RuleConfig()
    step = progress or (lambda _msg: None)
    month = months[0] if months and len(months) == 1 else None
    ready = prepare(paths, project=project, month=month, progress=progress)

    step("reconcile")
    t = time.perf_counter()
    result = reconcile(ready.dataset, as_of=as_of, months=months, config=config)
    timings = {**ready.timings, "reconcile": time.perf_counter() - t}

    return CheckReport(
        as_of=as_of,
        inputs=ready.inputs,
        problems=ready.problems,
        findings=result.findings,
        project_months=result.project_months,
        skipped_files=ready.skipped_files,
        timings=timings,
    )
