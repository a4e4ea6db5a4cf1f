"""Read files and folders into the canonical tables, with every row accounted for.

Each file is recognised by content: a bank batch feed by its `H|` line, otherwise a workbook or a text
table whose every sheet is recognised by its header. The result holds one frame per kind (empty frames for
kinds not seen), the row accounting of every file and sheet, and every row problem. A file that cannot be
checked at all raises from :mod:`ingest.errors`; callers decide whether that stops a run.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ingest.bank_feed import FeedHeader, is_bank_feed, read_bank_feed
from ingest.canonical import KINDS, empty
from ingest.containers import open_sheets
from ingest.errors import UnknownKindError, UnreadableFileError
from ingest.problems import RowProblem
from ingest.sheets import read_sheet

__all__ = ["InputStats", "ReadResult", "read_bytes", "read_path", "read_paths"]


@dataclass(frozen=True, slots=True)
class InputStats:
    """Row accounting of one file or sheet: ``rows == accepted + rejected + skipped``.

    ``rows`` counts from row 1 to the last non-empty row; title, header, blank, totals and signature rows
    are ``skipped``. ``rejected`` counts distinct rows with at least one error-level problem.
    """

    file: str
    sheet: str | None
    kind: str
    rows: int
    accepted: int
    rejected: int
    skipped: int
    ignored_columns: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file, "sheet": self.sheet, "kind": self.kind, "rows": self.rows,
            "accepted": self.accepted, "rejected": self.rejected, "skipped": self.skipped,
            "ignored_columns": list(self.ignored_columns),
        }


@dataclass
class ReadResult:
    """The canonical tables of everything read, the accounting per input, and the row problems."""

    tables: dict[str, pd.DataFrame]
    inputs: list[InputStats] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    feeds: list[FeedHeader] = field(default_factory=list)

    @classmethod
    def combine(cls, parts: Iterable[ReadResult]) -> ReadResult:
        """One result from many, the tables concatenated per kind in input order."""
        parts = list(parts)
        tables = {kind: _concat([p.tables[kind] for p in parts], kind) for kind in KINDS}
        return cls(
            tables=tables,
            inputs=[s for p in parts for s in p.inputs],
            problems=[x for p in parts for x in p.problems],
            feeds=[f for p in parts for f in p.feeds],
        )


def _concat(frames: list[pd.DataFrame], kind: str) -> pd.DataFrame:
    """Concatenated with the canonical dtypes kept; empty frames are left out so no dtype is widened."""
    filled = [f for f in frames if len(f)]
    if not filled:
        return empty(kind)
    return filled[0] if len(filled) == 1 else pd.concat(filled, ignore_index=True)


def _tables(found: dict[str, list[pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    return {kind: _concat(found.get(kind, []), kind) for kind in KINDS}


def read_bytes(data: bytes, *, filename: str, month: str | None = None) -> ReadResult:
    """Read one file's content (an upload); ``filename`` is its display name and its extension counts.

    ``month`` (`YYYY-MM`) is the wage month for payroll sheets and attendance grids that name none.
    """
    if is_bank_feed(data):
        feed = read_bank_feed(data, file=filename)
        stats = feed.stats
        return ReadResult(
            tables=_tables({"disbursement": [feed.frame]}),
            inputs=[InputStats(filename, None, "disbursement", stats.rows, stats.accepted, stats.rejected,
                               stats.skipped)],
            problems=list(feed.problems),
            feeds=[feed.header],
        )
    sheets = open_sheets(data, file=filename)
    if not sheets:
        raise UnknownKindError(file=filename, sheet=None, headers=[])
    found: dict[str, list[pd.DataFrame]] = {}
    inputs: list[InputStats] = []
    problems: list[RowProblem] = []
    for sheet in sheets:
        r = read_sheet(sheet, file=filename, month=month)
        found.setdefault(r.kind, []).append(r.frame)
        inputs.append(InputStats(filename, sheet.name, r.kind, r.rows, r.accepted, r.rejected, r.skipped,
                                 r.ignored_columns))
        problems.extend(r.problems)
    return ReadResult(tables=_tables(found), inputs=inputs, problems=problems)


def read_path(path: str | Path, *, display_name: str | None = None, month: str | None = None) -> ReadResult:
    """Read one file from disk; ``display_name`` (default: the path as given) is what reports show."""
    name = display_name if display_name is not None else str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise UnreadableFileError(f"无法打开文件 {name}", f"cannot open {name}", file=name) from e
    return read_bytes(data, filename=name, month=month)


def _skipped(relative: Path) -> bool:
    """Hidden files and folders, and the `~$` lock files Office leaves beside an open workbook."""
    return any(part.startswith(".") for part in relative.parts) or relative.name.startswith("~$")


def _expand(paths: Iterable[str | Path]) -> Iterator[tuple[Path, str]]:
    for given in paths:
        p = Path(given)
        if not p.is_dir():
            yield p, str(given)
            continue
        for f in sorted(p.rglob("*")):
            relative = f.relative_to(p)
            if f.is_file() and not _skipped(relative):
                yield f, relative.as_posix()


def read_paths(paths: Iterable[str | Path], *, month: str | None = None) -> ReadResult:
    """Read files and folders (every file below a folder, sorted; names relative to the folder given).

    The first file that cannot be checked raises; row problems never do.
    """
    return ReadResult.combine(read_path(f, display_name=name, month=month) for f, name in _expand(paths))
