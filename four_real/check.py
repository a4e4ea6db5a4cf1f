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

from ingest.problems import RowProblem
from ingest.reader import InputStats, read_paths
from ingest.resolve import default_project_for, resolve
from validators.config import RuleConfig
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
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def rejected(self) -> list[RowProblem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[RowProblem]:
        return [p for p in self.problems if p.level == "warning"]


def folder_name(paths: Sequence[Path]) -> str | None:
    """The folder that names the project when nothing else does (spec: "or the folder's name")."""
    if not paths:
        return None
    first = Path(paths[0]).resolve()
    return first.name if first.is_dir() else first.parent.name


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
    timings: dict[str, float] = {}
    t0 = time.perf_counter()

    step("read")
    read = read_paths(list(paths), month=months[0] if months and len(months) == 1 else None)
    timings["read"] = time.perf_counter() - t0

    step("resolve")
    t = time.perf_counter()
    default = default_project_for(read.tables, cli_project=project, folder_name=folder_name(paths))
    tables, resolve_problems = resolve(read.tables, default_project=default)
    timings["resolve"] = time.perf_counter() - t

    step("validate")
    t = time.perf_counter()
    valid, schema_problems = validate_tables(tables)
    timings["validate"] = time.perf_counter() - t

    step("reconcile")
    t = time.perf_counter()
    from validators.dataset import Dataset

    result = reconcile(Dataset.from_frames(**valid), as_of=as_of, months=months, config=config)
    timings["reconcile"] = time.perf_counter() - t

    problems = [*read.problems, *resolve_problems, *schema_problems]
    return CheckReport(
        as_of=as_of,
        inputs=account_rows(read.inputs, problems),
        problems=problems,
        findings=result.findings,
        project_months=result.project_months,
        timings=timings,
    )
