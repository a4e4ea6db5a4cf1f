"""The bank batch feed (``files.md``, "Bank batch feed"): a bank's report of one batch of wage payments.

    H|bank_code|branch_code|payer_account|batch_id|yyyymmdd|record_count|total_amount
    D|seq|txn_id|card_number|account_name|amount|S or F|reason|yyyymmdd|memo
    T|record_count|total_amount|success_count|success_amount

The control totals are what make a feed trustworthy: a feed whose header or trailer disagrees with its
detail lines may be truncated or doubled, and accepting part of it would hide payments, so such a feed is
rejected whole (:class:`FeedTotalsError`). A malformed structure (no header or trailer, a wrong field count,
an unknown record type, an amount that cannot be read and so cannot be totalled) is a
:class:`FeedFormatError` naming the line. Only a detail line with a bad card or date is a row problem: the
totals still add up without it, and the rest of the batch is good evidence.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ingest.canonical import conform
from ingest.errors import EncodingError, FeedFormatError, FeedTotalsError
from ingest.problems import RowProblem, problem
from ingest.values import amount, card, dates

__all__ = ["FeedHeader", "FeedResult", "FeedStats", "is_bank_feed", "read_bank_feed"]

_BOM = b"\xef\xbb\xbf"
_FIELDS = {"H": 8, "D": 10, "T": 5}
_NAMES = {"H": ("文件头", "header"), "D": ("明细", "detail"), "T": ("文件尾", "trailer")}
_D_COLUMNS = ["type", "seq", "txn_id", "card_number", "account_name", "amount", "status", "reason", "date",
              "memo"]
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LEADING_SPACE = re.compile(rb"\s*")
_COUNT = re.compile(r"^[0-9]+$")
_YUAN = re.compile(r"^[0-9]+(?:\.[0-9]{1,2})?$")
_YYYYMMDD = re.compile(r"^[0-9]{8}$")


@dataclass(frozen=True, slots=True)
class FeedHeader:
    """The H line. ``(bank_code, batch_id)`` is the feed's identity: a resent batch is recognised by it."""

    bank_code: str
    branch_code: str
    payer_account: str
    batch_id: str
    date: dt.date
    record_count: int
    total_fen: int


@dataclass(frozen=True, slots=True)
class FeedStats:
    """Line accounting: ``accepted + rejected + skipped == rows`` (H, T and blank lines are skipped)."""

    rows: int
    accepted: int
    rejected: int
    skipped: int


@dataclass(frozen=True)
class FeedResult:
    header: FeedHeader
    frame: pd.DataFrame
    problems: list[RowProblem]
    stats: FeedStats
    content_hash: str

    @property
    def identity(self) -> tuple[str, str]:
        return self.header.bank_code, self.header.batch_id


def is_bank_feed(data: bytes) -> bool:
    """Whether the first non-empty line is an H record; the feed is recognised by content, not by name."""
    body = data.removeprefix(_BOM)
    start = _LEADING_SPACE.match(body)
    return body[start.end() if start else 0:].startswith(b"H|")


def read_bank_feed(data: bytes, *, file: str) -> FeedResult:
    """Parse, check the control totals, and return the detail lines as a canonical disbursement frame."""
    lines = pd.Series(_lines(_decode(data, file=file)), dtype="str").str.strip()
    kinds = _structure(lines, file=file)
    header_no = int(np.flatnonzero(kinds == "H")[0])
    trailer_no = int(np.flatnonzero(kinds == "T")[0])
    header = _header(str(lines.iloc[header_no]).split("|"), line=header_no + 1, file=file)
    trailer = _numbers(str(lines.iloc[trailer_no]).split("|")[1:], line=trailer_no + 1, file=file,
                       kinds=("count", "yuan", "count", "yuan"))

    details = _details(lines[kinds == "D"])
    fen, _ = amount.parse_series(details["amount"])
    if fen.isna().any():
        line = int(details.index[fen.isna().to_numpy()][0]) + 1
        raise FeedFormatError(
            f"{file} 第 {line} 行的金额无法识别，无法核对控制合计，整批拒收",
            f"{file} line {line}: the amount cannot be read, so the control totals cannot be checked; "
            "the whole feed is rejected",
            file=file,
        )
    status = details["status"].str.upper()
    _check_totals(header, trailer, fen, status == "S", file=file)

    frame, problems = _frame(details, fen, status, header, file=file)
    rejected = len(details) - len(frame)
    return FeedResult(
        header=header, frame=frame, problems=problems,
        stats=FeedStats(rows=len(lines), accepted=len(frame), rejected=rejected,
                        skipped=len(lines) - len(details)),
        content_hash=hashlib.sha256(data).hexdigest(),
    )


def _decode(data: bytes, *, file: str) -> str:
    """UTF-8 (BOM or not), else GB18030, strictly: a guessed encoding turns names into mojibake."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding).removeprefix("\ufeff")
        except UnicodeDecodeError:
            continue
    raise EncodingError(
        f"{file} 银行代发文件的文字编码无法识别，应为 UTF-8 或 GB18030",
        f"{file}: the bank feed is neither UTF-8 nor GB18030 text",
        file=file,
    )


def _lines(text: str) -> list[str]:
    """Lines as numbered by the bank; a final line break does not start another line."""
    lines = _LINE_BREAK.split(text)
    return lines[:-1] if lines and lines[-1] == "" else lines


def _format_error(file: str, line: int, zh: str, en: str) -> FeedFormatError:
    return FeedFormatError(f"{file} 第 {line} 行{zh}", f"{file} line {line}: {en}", file=file)


def _structure(lines: pd.Series, *, file: str) -> np.ndarray:
    """Each line's record type ("" for blank), after checking the H … D … T shape and field counts."""
    first_field = pc.list_element(pc.split_pattern(pa.array(lines.array), "|", max_splits=1), 0)
    kinds = first_field.to_numpy(zero_copy_only=False).astype(object)
    filled = np.flatnonzero(kinds != "")
    if len(filled) == 0:
        raise FeedFormatError(f"{file} 银行代发文件为空", f"{file}: the bank feed is empty", file=file)
    first, last = int(filled[0]), int(filled[-1])
    if kinds[first] != "H":
        raise _format_error(file, first + 1, "应为文件头（H 记录），缺少文件头",
                            "should be the header (H record); the header is missing")
    if last == first or kinds[last] != "T":
        raise _format_error(file, last + 1, "应为文件尾（T 记录），缺少文件尾",
                            "should be the trailer (T record); the trailer is missing")
    middle = filled[(filled > first) & (filled < last)]
    stray = middle[kinds[middle] != "D"]
    if len(stray):
        at = int(stray[0])
        kind = str(kinds[at])
        if kind == "H":
            raise _format_error(file, at + 1, "又出现了文件头（H 记录），文件头只能在第一行",
                                "another header (H record); a feed has one, on its first line")
        if kind == "T":
            raise _format_error(file, at + 1, "的文件尾（T 记录）后面还有记录，文件尾只能在最后一行",
                                "a trailer (T record) before the end; a feed has one, on its last line")
        raise _format_error(file, at + 1, f"的记录类型“{kind[:10]}”无法识别，应为 H、D 或 T",
                            f"unknown record type '{kind[:10]}'; expected H, D or T")
    counts = lines.str.count(r"\|").to_numpy(dtype=np.int64, na_value=0) + 1
    expected = pd.Series(kinds[filled]).map(_FIELDS).fillna(0).to_numpy(dtype=np.int64)
    wrong = filled[counts[filled] != expected]
    if len(wrong):
        at = int(wrong[0])
        kind = str(kinds[at])
        zh, en = _NAMES[kind]
        n, want = counts[at], _FIELDS[kind]
        raise _format_error(file, at + 1, f"有 {n} 个字段，{zh}（{kind} 记录）应有 {want} 个",
                            f"has {n} fields; a {en} ({kind} record) has {want}")
    return kinds


def _header(fields: list[str], *, line: int, file: str) -> FeedHeader:
    bank_code, branch_code, payer_account, batch_id, date_text = (f.strip() for f in fields[1:6])
    for value, zh, en in ((bank_code, "银行代码", "bank code"), (batch_id, "批次号", "batch id")):
        if not value:
            raise _format_error(file, line, f"缺少{zh}", f"the {en} is missing")
    if not _YYYYMMDD.match(date_text):
        raise _format_error(file, line, f"的日期“{date_text}”应为 yyyymmdd",
                            f"the date '{date_text}' should be yyyymmdd")
    try:
        date = dt.datetime.strptime(date_text, "%Y%m%d").date()
    except ValueError as e:
        raise _format_error(file, line, f"的日期“{date_text}”不存在",
                            f"the date '{date_text}' does not exist") from e
    count, total = _numbers(fields[6:8], line=line, file=file, kinds=("count", "yuan"))
    return FeedHeader(bank_code=bank_code, branch_code=branch_code, payer_account=payer_account,
                      batch_id=batch_id, date=date, record_count=count, total_fen=total)


def _numbers(fields: list[str], *, line: int, file: str, kinds: tuple[str, ...]) -> list[int]:
    """Control figures, strictly: a count is digits, an amount is yuan with at most two decimals."""
    out = []
    for raw, kind in zip(fields, kinds, strict=True):
        text = raw.strip()
        if kind == "count" and _COUNT.match(text):
            out.append(int(text))
        elif kind == "yuan" and _YUAN.match(text):
            out.append(int(Decimal(text) * 100))
        else:
            what = ("笔数", "count") if kind == "count" else ("金额", "amount")
            raise _format_error(file, line, f"的{what[0]}“{text}”无法识别",
                                f"the {what[1]} '{text}' cannot be read")
    return out


def _details(d_lines: pd.Series) -> pd.DataFrame:
    """D lines split into named fields, indexed by 0-based line number; empty fields are NA."""
    if d_lines.empty:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in _D_COLUMNS})
    # Split in Arrow: pandas' str.split goes through Python objects. Every D line has exactly
    # len(_D_COLUMNS) fields (checked by _structure), so field j of line i is flat[i * width + j].
    width = len(_D_COLUMNS)
    flat = pc.list_flatten(pc.split_pattern(pa.array(d_lines.array), "|"))
    flat = pc.utf8_trim_whitespace(flat)
    starts = np.arange(len(d_lines), dtype=np.int64) * width
    fields = {}
    for j, name in enumerate(_D_COLUMNS):
        column = pd.Series(pd.array(flat.take(starts + j), dtype="str"), index=d_lines.index)
        fields[name] = column.mask(column == "")
    return pd.DataFrame(fields)


def _yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def _check_totals(header: FeedHeader, trailer: list[int], fen: pd.Series, success: pd.Series, *,
                  file: str) -> None:
    """Every declared figure against the detail lines, in the order a bank clerk would check them."""
    count, total = len(fen), int(fen.sum())
    success_mask = success.fillna(False).to_numpy(dtype=bool)
    success_count, success_total = int(success_mask.sum()), int(fen[success_mask].sum())
    figures: list[tuple[str, int, int, Callable[[int], str]]] = [
        ("header.record_count", header.record_count, count, str),
        ("header.total_amount", header.total_fen, total, _yuan),
        ("trailer.record_count", trailer[0], count, str),
        ("trailer.total_amount", trailer[1], total, _yuan),
        ("trailer.success_count", trailer[2], success_count, str),
        ("trailer.success_amount", trailer[3], success_total, _yuan),
    ]
    for field, declared, found, show in figures:
        if declared != found:
            raise FeedTotalsError(file=file, field=field, expected=show(declared), found=show(found))


def _frame(details: pd.DataFrame, fen: pd.Series, status: pd.Series, header: FeedHeader, *,
           file: str) -> tuple[pd.DataFrame, list[RowProblem]]:
    """The canonical disbursement rows, minus the lines whose card, date or status cannot be accepted."""
    cards, card_codes = card.parse_series(details["card_number"])
    date_values, date_codes = dates.parse_date_series(details["date"])
    date_values = date_values.fillna(pd.Timestamp(header.date))
    status_codes = pd.Series("STATUS-UNKNOWN", index=details.index, dtype="str").mask(status.isin(["S", "F"]))
    line_no = pd.Series(details.index.to_numpy() + 1, index=details.index, dtype="int64")
    problems: list[RowProblem] = []
    bad = pd.Series(False, index=details.index)
    for column, codes in (("card_number", card_codes), ("date", date_codes), ("status", status_codes)):
        failing = codes.notna()
        bad |= failing
        problems.extend(
            problem(str(code), file=file, sheet=None, row=int(row), column=column,
                    value=None if pd.isna(raw) else raw)
            for code, row, raw in zip(codes[failing], line_no[failing], details.loc[failing, column],
                                      strict=True)
        )
    problems.sort(key=lambda p: p.row or 0)
    keep = ~bad
    memo = details["memo"][keep]
    frame = pd.DataFrame({
        "date": date_values[keep], "card_number": cards[keep], "account_name": details["account_name"][keep],
        "amount": fen[keep], "status": status[keep], "reason": details["reason"][keep],
        "payer_account": header.payer_account or None, "month": dates.memo_months(memo, date_values[keep]),
        "memo": memo, "txn_id": details["txn_id"][keep], "batch_id": header.batch_id,
        "bank_code": header.bank_code, "src_file": file, "src_sheet": None, "src_row": line_no[keep],
    })
    return conform("disbursement", frame).reset_index(drop=True), problems
