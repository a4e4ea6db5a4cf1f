"""Where a sheet's header is, which rows are data, and what the title rows say about the month.

People's sheets have title rows (`XX项目2025年3月工资表`, `单位：元`), blank rows, a header of one or two
rows (a merged group heading over its sub-columns), and below the data totals, signatures and notes. The
header is the row (or pair of rows) among the first ones that best matches a kind; every other row that is
not data is counted as skipped, so a totals row is never taken for a worker.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ingest.containers import cell_text
from ingest.kinds import Recognition, is_weekday, recognise
from ingest.text import normalise_header
from ingest.values.dates import month_from_text

__all__ = ["HEADER_SCAN_ROWS", "Layout", "find_layout", "header_guess"]

HEADER_SCAN_ROWS = 15
_LEAD_COLUMNS = 4  # a totals or signature label sits in one of the first few cells of its row
_TOTALS = re.compile(r"合计|总计|小计")
_NOTES = re.compile(
    r"^(?:制表|审核|签字|签名|备注[:：]|说明|复核|负责人|经办|填表|填报|注[:：]|考勤员|记录人|统计人|劳资员|"
    r"劳资专管员|项目经理[:：]|班组长[:：]|日期[:：])"
)
# a sub-heading that only says "total" names its group's total (`应发工资` over `基本工资 加班费 合计`)
_GENERIC_TOTAL = frozenset({"合计", "小计", "总计", "合计金额"})


@dataclass(frozen=True)
class Layout:
    """A recognised sheet's shape. Row numbers are 0-based positions in :class:`RawSheet` cells."""

    recognition: Recognition
    header_row: int
    header_rows: int
    headers: list[str]
    data: np.ndarray
    title_month: str | None

    @property
    def kind(self) -> str:
        return self.recognition.kind

    @property
    def ignored_columns(self) -> list[str]:
        """Named columns the kind does not read (`序号`, `备注`, …), in sheet order."""
        used = set(self.recognition.columns) | set(self.recognition.days)
        return [h for i, h in enumerate(self.headers) if h and i not in used]


def _combine(top: list[object], sub: list[object]) -> list[object]:
    """One name per column from a group row over a sub-heading row.

    The sub-heading wins where there is one; a merged group cell is filled rightwards over the columns that
    have sub-headings, so a column without one keeps its own (vertically merged) name.
    """
    out: list[object] = []
    group: object = None
    for t, s in zip(top, sub, strict=True):
        if t is not None:
            group = t
        elif s is None:
            group = None
        if s is None:
            out.append(t)
        elif normalise_header(cell_text(s)) in _GENERIC_TOTAL and group is not None:
            out.append(group)
        else:
            out.append(s)
    return out


def _candidates(cells: pd.DataFrame) -> list[tuple[int, int, list[object]]]:
    rows = [cells.iloc[r].tolist() for r in range(min(HEADER_SCAN_ROWS + 1, len(cells)))]
    out: list[tuple[int, int, list[object]]] = []
    for r in range(min(HEADER_SCAN_ROWS, len(rows))):
        if all(v is None for v in rows[r]):
            continue
        out.append((r, 1, rows[r]))
        if r + 1 < len(rows) and any(v is not None for v in rows[r + 1]):
            out.append((r, 2, _combine(rows[r], rows[r + 1])))
    return out


def _title_month(cells: pd.DataFrame, header_row: int) -> str | None:
    for v in cells.iloc[:header_row].to_numpy().ravel():
        if v is not None and (month := month_from_text(cell_text(v))):
            return month
    return None


def _per_distinct(s: pd.Series, test: Callable[[object], bool]) -> np.ndarray:
    """``test`` of every non-empty cell, evaluated once per distinct value: a sheet repeats its cells."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    table = np.array([*(bool(test(u)) for u in uniques), False])
    return table[codes]


def _folded(s: pd.Series) -> pd.Series:
    """Cells folded like headers (NFKC, no whitespace), vectorised: gate-event sheets have 100k+ distinct
    timestamps in the leading columns, too many to fold one by one in Python."""
    text = s.astype("str") if s.dtype != "str" else s
    return text.str.normalize("NFKC").str.replace(r"\s+", "", regex=True)


def _repeats_header(s: pd.Series, header: str) -> np.ndarray:
    """Rows whose cell is the column's header again (a header repeated on every printed page).

    Only cells that start like the header get the exact header fold; the rest cannot be it.
    """
    if not header:
        return np.zeros(len(s), dtype=bool)
    text = s.astype("str")
    candidates = text.str.contains(re.escape(header[0]), case=False, regex=True).fillna(False)
    candidates = candidates.to_numpy(dtype=bool)
    hit = np.zeros(len(s), dtype=bool)
    if candidates.any():
        hit[candidates] = _per_distinct(s[candidates], lambda v: normalise_header(cell_text(v)) == header)
    return hit


# Every totals or signature label contains one of these; NFKC and removing spaces never change them, so
# they find the few candidate cells in one native pass before the exact (slower) fold is applied.
_MARK_CHARS = re.compile(r"[计制审签备说复负经填注考记统劳项班日]")


def _marked(block: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(totals rows, notes/signature rows) among ``block``'s rows, judged on folded cells."""
    totals = np.zeros(len(block), dtype=bool)
    notes = np.zeros(len(block), dtype=bool)
    for col in block.columns:
        text = block[col].astype("str")
        candidates = text.str.contains(_MARK_CHARS).fillna(False).to_numpy(dtype=bool)
        if not candidates.any():
            continue
        folded = _folded(text[candidates])
        totals[candidates] |= folded.str.contains(_TOTALS).fillna(False).to_numpy(dtype=bool)
        notes[candidates] |= folded.str.match(_NOTES).fillna(False).to_numpy(dtype=bool)
    return totals, notes


def _data_rows(cells: pd.DataFrame, start: int, recognition: Recognition, headers: list[str]) -> np.ndarray:
    body = cells.iloc[start:]
    keep = body.notna().any(axis=1).to_numpy(dtype=bool, copy=True)
    lead = [c for c in body.columns if c < _LEAD_COLUMNS or recognition.columns.get(c) in
            ("worker_name", "id_number", "account_name")]
    totals, notes = _marked(body[lead])
    keep &= ~(totals | notes)
    # a header repeated on every printed page is not a worker either
    named = [c for c in recognition.columns if headers[c]][:3]
    if named:
        repeats = np.zeros(len(body), dtype=np.int64)
        for c in named:
            repeats += _repeats_header(body[c], headers[c])
        keep &= repeats < min(2, len(named))
    return np.flatnonzero(keep) + start


def find_layout(cells: pd.DataFrame) -> Layout | None:
    """The layout of a non-empty sheet, or None when no candidate header row matches a kind."""
    best: tuple[tuple[int, int], int, int, list[object], Recognition] | None = None
    for r, n, raw in _candidates(cells):
        recognition = recognise(raw)
        if recognition is None:
            continue
        # the better score wins; on a tie one header row beats two and the earlier row the later
        if best is None or recognition.score > best[0] or (
            recognition.score == best[0] and (n, r) < (best[2], best[1])
        ):
            best = (recognition.score, r, n, raw, recognition)
    if best is None:
        return None
    _, r, n, raw, recognition = best
    if recognition.grid and n == 1 and r + 1 < len(cells):
        below = [v for v in cells.iloc[r + 1].tolist() if v is not None]
        if below and sum(map(is_weekday, below)) * 2 >= len(below):
            n = 2  # the weekday row under the day numbers belongs to the header
    headers = [normalise_header(cell_text(v)) for v in raw]
    data = _data_rows(cells, r + n, recognition, headers)
    return Layout(recognition, r, n, [cell_text(v).strip() for v in raw], data, _title_month(cells, r))


def header_guess(cells: pd.DataFrame) -> list[str]:
    """The headers to show when no kind matched: the fullest of the first rows."""
    rows: list[list[object]] = [cells.iloc[r].tolist() for r in range(min(HEADER_SCAN_ROWS, len(cells)))]
    fullest: list[object] = max(rows, key=lambda row: sum(v is not None for v in row), default=[])
    return [cell_text(v).strip() for v in fullest if v is not None]
