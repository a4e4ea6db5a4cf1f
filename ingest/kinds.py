"""Which kind a header row belongs to, judged by its columns, never by the file's name.

Several kinds share headers (`姓名` in four of them, `实发金额` is a payroll's net and a bank's amount,
`卡号` a roster's and a bank's), so a kind qualifies only when its required columns are all there, and the
qualifying kind matching the most columns wins; columns only one kind knows break a tie. A tie that
remains is no guess: the sheet is reported as unrecognised.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from ingest.aliases import GRID_SPEC, SPECS, KindSpec, lookup
from ingest.containers import cell_text
from ingest.text import normalise_header

__all__ = ["MIN_DAY_COLUMNS", "DayHeader", "Recognition", "day_header", "is_weekday", "recognise"]

MIN_DAY_COLUMNS = 5
"""Fewer day columns than this is not a grid: a payroll may carry a `1`/`2` column by accident."""

_DAY = re.compile(r"^(\d{1,2})[日号]?$")
_FULL_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?$")
_MONTH_DAY = re.compile(r"^(\d{1,2})[-/.月](\d{1,2})[日号]?$")
_WEEKDAY = re.compile(r"^(?:星期|周|礼拜)?[一二三四五六日天]$")


@dataclass(frozen=True, slots=True)
class DayHeader:
    """A grid column's day; ``month`` is set when the header was a full date."""

    day: int
    month: str | None = None


@dataclass(frozen=True)
class Recognition:
    """A header row recognised as ``kind``; ``days`` is non-empty for the wide attendance grid."""

    kind: str
    columns: dict[int, str]
    score: tuple[int, int]
    days: dict[int, DayHeader] = field(default_factory=dict)

    @property
    def grid(self) -> bool:
        return bool(self.days)


def day_header(v: object) -> DayHeader | None:
    """The day a grid column stands for: `1`…`31`, `1日`, `3月1日`, `3/1` or a date cell."""
    if isinstance(v, dt.date):
        return DayHeader(v.day, f"{v.year:04d}-{v.month:02d}")
    if isinstance(v, float | int) and not isinstance(v, bool):
        return DayHeader(int(v)) if float(v).is_integer() and 1 <= v <= 31 else None
    text = normalise_header(cell_text(v))
    if m := _DAY.match(text):
        day = int(m.group(1))
        return DayHeader(day) if 1 <= day <= 31 else None
    if m := _FULL_DATE.match(text):
        year, month, day = (int(g) for g in m.groups())
        if 1 <= month <= 12 and 1 <= day <= 31:
            return DayHeader(day, f"{year:04d}-{month:02d}")
        return None
    if m := _MONTH_DAY.match(text):
        month, day = int(m.group(1)), int(m.group(2))
        return DayHeader(day) if 1 <= month <= 12 and 1 <= day <= 31 else None
    return None


def is_weekday(v: object) -> bool:
    """A weekday mark (`一`, `周六`, `星期日`) of the row grids often put under their day numbers."""
    return bool(_WEEKDAY.match(normalise_header(cell_text(v))))


@cache
def _distinctive() -> frozenset[str]:
    """Normalised aliases that only one kind knows."""
    counts = Counter(alias for spec in SPECS.values() for alias in set(spec.aliases))
    return frozenset(alias for alias, n in counts.items() if n == 1)


def _satisfied(spec: KindSpec, keys: set[str]) -> bool:
    if not all(any(k in keys for k in alternatives) for alternatives in spec.required):
        return False
    # every kind may carry a project code, so the project kind needs one of its own columns as well
    return spec.kind != "project" or len(keys - {"project_code"}) >= 1


def _long(spec: KindSpec, names: list[str]) -> Recognition | None:
    columns = lookup(spec, names)
    keys = set(columns.values())
    if not _satisfied(spec, keys):
        return None
    distinctive = _distinctive()
    matched = sum(1 for k in columns.values() if k != "project_code")
    own = sum(1 for i in columns if names[i] in distinctive)
    return Recognition(spec.kind, columns, (matched, own))


def _grid(raw: list[object], names: list[str]) -> Recognition | None:
    days: dict[int, DayHeader] = {}
    for i, v in enumerate(raw):
        if (d := day_header(v)) is not None and all(d.day != seen.day for seen in days.values()):
            days[i] = d
    if len(days) < MIN_DAY_COLUMNS:
        return None
    columns = {i: k for i, k in lookup(GRID_SPEC, names).items() if i not in days}
    if not _satisfied(GRID_SPEC, set(columns.values())):
        return None
    return Recognition("attendance", columns, (len(columns) + len(days), 0), days)


def recognise(raw: list[object]) -> Recognition | None:
    """The kind of a header row (raw cells, merged two-row headers already combined), or None.

    A long kind that qualifies beats a grid: a payroll with day columns is still a payroll (the days are
    then ignored columns), because its money columns are what a payroll is for.
    """
    names = [normalise_header(cell_text(v)) for v in raw]
    found = [r for spec in SPECS.values() if (r := _long(spec, names)) is not None]
    if not found:
        return _grid(raw, names)
    found.sort(key=lambda r: r.score, reverse=True)
    if len(found) > 1 and found[0].score == found[1].score:
        return None
    return found[0]


def header_score(raw: list[object]) -> tuple[int, int]:
    """How well a candidate header row matches its best kind; (0, 0) when it matches none."""
    r = recognise(raw)
    return (0, 0) if r is None else r.score
