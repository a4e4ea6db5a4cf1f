"""Open a file's bytes into raw sheets: a grid of cells per sheet, nothing interpreted yet.

The container is recognised by its content first (a renamed `.xls` that is really xlsx still opens) and by
its extension second. Library errors (calamine, codecs, csv) are translated here into
:mod:`ingest.errors`, so nothing above this module sees a library's traceback.

Text is decoded strictly: UTF-8 (with or without BOM), else GB18030. Guessing an encoding would turn a
worker's name into mojibake that then matches nobody, so text in neither is an :class:`EncodingError`.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

import pandas as pd
import python_calamine as pc

from ingest.errors import EncodingError, UnreadableFileError

__all__ = ["TEXT_EXTENSIONS", "WORKBOOK_EXTENSIONS", "RawSheet", "cell_text", "decode_text", "open_sheets"]

WORKBOOK_EXTENSIONS = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})
TEXT_EXTENSIONS = frozenset({".csv", ".txt", ".tsv"})

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_SEPARATORS = (",", "\t", "|")
_SNIFF_LINES = 30


@dataclass(frozen=True, slots=True)
class RawSheet:
    """One sheet as the user sees it: ``cells`` row 0 is spreadsheet row 1, column 0 is column A.

    Cells hold Python values (str, float, int, bool, date, datetime); an empty or all-blank cell is None.
    Trailing blank rows are dropped so that the row count ends at the last non-empty row.
    """

    name: str | None
    cells: pd.DataFrame

    @property
    def empty(self) -> bool:
        return self.cells.empty


def cell_text(v: object) -> str:
    """A cell as the user would read it back: `8` not `8.0`, `2025-03-01` not a datetime repr.

    Used for header matching and for the ``value`` of a row problem, which the user looks for in the sheet.
    """
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v).upper()
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    return str(v)


def _unreadable(file: str, why_zh: str, why_en: str) -> UnreadableFileError:
    return UnreadableFileError(f"无法读取 {file}：{why_zh}", f"cannot read {file}: {why_en}", file=file)


def _frame(rows: Sequence[Sequence[object]]) -> pd.DataFrame:
    """Pad ragged rows, blank out empty strings and drop trailing blank rows and columns."""
    width = max((len(r) for r in rows), default=0)
    padded = [[*r, *[None] * (width - len(r))] if len(r) < width else r for r in rows]
    return _tidy(pd.DataFrame(padded, dtype=object, columns=range(width)))


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Blank out empty strings and drop trailing blank rows and columns."""
    if frame.empty:
        return frame
    frame = frame.astype(object)
    for col in frame.columns:
        s = frame[col]
        blank = s.isna()
        with contextlib.suppress(AttributeError):  # a column without any text: only None is blank
            blank |= s.str.strip().eq("")
        if blank.any():
            frame[col] = s.mask(blank, None)
    filled = frame.notna()
    rows_used = filled.any(axis=1).to_numpy().nonzero()[0]
    cols_used = filled.any(axis=0).to_numpy().nonzero()[0]
    if len(rows_used) == 0:
        return pd.DataFrame(dtype=object)
    return frame.iloc[: rows_used[-1] + 1, : cols_used[-1] + 1]


def _workbook_sheets(data: bytes, file: str) -> list[RawSheet]:
    try:
        with pc.CalamineWorkbook.from_filelike(io.BytesIO(data)) as book:
            names = [m.name for m in book.sheets_metadata if m.typ == pc.SheetTypeEnum.WorkSheet]
            sheets = [
                RawSheet(name, _frame(book.get_sheet_by_name(name).to_python(skip_empty_area=False)))
                for name in names
            ]
    except pc.PasswordError as e:
        raise _unreadable(file, "工作簿有密码保护", "the workbook is password-protected") from e
    except (pc.CalamineError, ValueError, OSError) as e:
        raise _unreadable(file, "不是可读的电子表格（文件可能已损坏）",
                          "not a readable spreadsheet (the file may be corrupt)") from e
    return [s for s in sheets if not s.empty]


def decode_text(data: bytes, file: str) -> str:
    """UTF-8 (BOM or not), else GB18030; never a lossy decode."""
    encodings = ("utf-8-sig",) if data.startswith(_BOM) else ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise EncodingError(
        f"{file} 的文字编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV",
        f"{file} is in an encoding other than UTF-8 or GBK/GB18030; save it as UTF-8 CSV",
        file=file,
    )


def _sniff_separator(text: str) -> str:
    """The separator that splits the most of the first lines into the most consistent fields.

    Title rows above the header have no separator at all, so the score looks at lines that do.
    """
    lines = [line for line in text.splitlines()[:_SNIFF_LINES] if line.strip()]
    best, best_score = ",", (0, 0)
    for sep in _SEPARATORS:
        counts = [line.count(sep) for line in lines]
        used = [c for c in counts if c]
        if not used:
            continue
        modal = max(set(used), key=used.count)
        score = (used.count(modal) * modal, len(used))
        if score > best_score:
            best, best_score = sep, score
    return best


def _text_sheet(data: bytes, file: str) -> list[RawSheet]:
    if data.startswith(_UTF16_BOMS):  # Excel's "Unicode text": readable, but not an encoding we accept
        raise EncodingError(
            f"{file} 是 UTF-16（Unicode 文本）编码，请另存为 UTF-8 或 GBK 编码的 CSV",
            f"{file} is UTF-16 (Excel's Unicode text); save it as UTF-8 CSV",
            file=file,
        )
    if b"\x00" in data[:4096]:
        raise _unreadable(file, "不是文本文件或电子表格", "it is neither a text file nor a spreadsheet")
    text = decode_text(data, file)
    sep = _sniff_separator(text)
    sheet = RawSheet(None, _text_frame(text, sep, file))
    return [] if sheet.empty else [sheet]


def _text_frame(text: str, sep: str, file: str) -> pd.DataFrame:
    """Parse delimited text with pandas' C parser into the same grid :func:`_frame` builds.

    Every cell stays text and blank lines are kept, so row numbers are the lines the user sees (a quoted
    cell spanning lines counts as one row, as in a spreadsheet). The width is an upper bound from the
    separator count; unused trailing columns are dropped by :func:`_frame`'s rules below.
    """
    width = max((line.count(sep) for line in text.splitlines()), default=0) + 1
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, header=None, names=range(width), dtype=object,
                            keep_default_na=False, na_filter=False, skip_blank_lines=False, engine="c",
                            quoting=csv.QUOTE_MINIMAL)
    except (pd.errors.ParserError, ValueError) as e:
        raise _unreadable(file, "文本格式有误", "the text is malformed") from e
    if text.endswith(("\n", "\r")) and len(frame) and frame.iloc[-1].eq("").all():
        frame = frame.iloc[:-1]
    return _tidy(frame)


def open_sheets(data: bytes, *, file: str) -> list[RawSheet]:
    """Every non-empty sheet of a workbook or text file, in workbook order.

    Raises :class:`UnreadableFileError` for anything that is not a spreadsheet or text table, and
    :class:`EncodingError` for text in an encoding we do not accept.
    """
    suffix = PurePath(file).suffix.lower()
    if data.startswith((_ZIP, _OLE)):
        return _workbook_sheets(data, file)
    if suffix in WORKBOOK_EXTENSIONS:
        raise _unreadable(file, "文件内容不是电子表格（文件可能已损坏）",
                          "the content is not a spreadsheet (the file may be corrupt)")
    if suffix in TEXT_EXTENSIONS or not suffix:
        return _text_sheet(data, file)
    raise _unreadable(file, f"不支持的文件类型 {suffix}，请使用 xlsx、xls、ods 或 csv",
                      f"{suffix} files are not supported; use xlsx, xls, ods or csv")
