"""The bank batch feed: structure, control totals, encodings, and the canonical rows it yields."""

from __future__ import annotations

import hashlib
import re

import pandas as pd
import pytest
from stdnum import luhn

from ingest.bank_feed import FeedHeader, FeedResult, is_bank_feed, read_bank_feed
from ingest.canonical import columns
from ingest.errors import EncodingError, FeedFormatError, FeedTotalsError


def card(n: int) -> str:
    body = f"622202{n:012d}"
    return body + luhn.calc_check_digit(body)


HEADER = "H|ICBC|1208|33050161123400000001|B20250410|20250410|{count}|{total}"
TRAILER = "T|{count}|{total}|{ok_count}|{ok_total}"


def d_line(seq: int, amount: str = "5300.00", status: str = "S", *, name: str = "张伟", reason: str = "",
           date: str = "20250410", memo: str = "3月工资", card_number: str | None = None) -> str:
    return "|".join(["D", str(seq), f"T{seq:04d}", card_number or card(seq), name, amount, status, reason,
                     date, memo])


_FIELD = {"card_number": 3, "status": 6, "date": 8}


def feed(details: list[str], *, count: int | None = None, total: str | None = None,
         t_count: int | None = None, t_total: str | None = None, ok_count: int | None = None,
         ok_total: str | None = None, encoding: str = "utf-8", newline: str = "\n") -> bytes:
    """A feed whose control figures are computed from ``details`` unless one is overridden."""
    fen = [round(float(line.split("|")[5]) * 100) for line in details]
    ok = [f for f, line in zip(fen, details, strict=True) if line.split("|")[6] == "S"]

    def yuan(v: int) -> str:
        return f"{v // 100}.{v % 100:02d}"

    lines = [
        HEADER.format(count=len(details) if count is None else count, total=total or yuan(sum(fen))),
        *details,
        TRAILER.format(count=len(details) if t_count is None else t_count,
                       total=t_total or yuan(sum(fen)),
                       ok_count=len(ok) if ok_count is None else ok_count,
                       ok_total=ok_total or yuan(sum(ok))),
    ]
    return (newline.join(lines) + newline).encode(encoding)


BALANCED = [
    d_line(1),
    d_line(2, "4800.50", name="王芳"),
    d_line(3, "2500", "F", name="李强", reason="户名不符"),  # a failed payment, amount as an integer
]


def counts(result: FeedResult) -> tuple[int, int, int, int]:
    s = result.stats
    return s.rows, s.accepted, s.rejected, s.skipped


def test_balanced_feed_is_accepted_with_stats_adding_up() -> None:
    result = read_bank_feed(feed(BALANCED), file="icbc.txt")
    assert result.header == FeedHeader(bank_code="ICBC", branch_code="1208",
                                       payer_account="33050161123400000001", batch_id="B20250410",
                                       date=pd.Timestamp("2025-04-10").date(), record_count=3,
                                       total_fen=1_260_050)
    assert result.problems == []
    assert counts(result) == (5, 3, 0, 2)
    assert result.stats.accepted + result.stats.rejected + result.stats.skipped == result.stats.rows
    assert result.frame["amount"].tolist() == [530_000, 480_050, 250_000]
    assert result.frame["src_row"].tolist() == [2, 3, 4]


def test_feed_frame_has_the_canonical_columns_and_dtypes() -> None:
    frame = read_bank_feed(feed(BALANCED), file="icbc.txt").frame
    assert {c: str(t) for c, t in frame.dtypes.items()} == columns("disbursement")
    row = frame.iloc[0]
    assert (row["payer_account"], row["batch_id"], row["bank_code"], row["txn_id"]) == (
        "33050161123400000001", "B20250410", "ICBC", "T0001")
    assert row["src_file"] == "icbc.txt"
    assert pd.isna(row["src_sheet"]) and pd.isna(row["project_code"])


def test_content_hash_is_the_sha256_of_the_bytes_and_identity_is_bank_and_batch() -> None:
    data = feed(BALANCED)
    result = read_bank_feed(data, file="icbc.txt")
    assert result.content_hash == hashlib.sha256(data).hexdigest()
    assert result.identity == ("ICBC", "B20250410")


@pytest.mark.parametrize(("override", "field", "expected", "found"), [
    # the header's total disagrees with the detail lines
    ({"total": "12700.50"}, "header.total_amount", "12700.50", "12600.50"),
    # the header announces a line the feed does not have
    ({"count": 4}, "header.record_count", "4", "3"),
    # the trailer's count is wrong
    ({"t_count": 2}, "trailer.record_count", "2", "3"),
    # the trailer's total is wrong
    ({"t_total": "10100.50"}, "trailer.total_amount", "10100.50", "12600.50"),
    # the trailer counts the failed line as a success
    ({"ok_count": 3}, "trailer.success_count", "3", "2"),
    # the trailer's success amount includes the failed payment
    ({"ok_total": "12600.50"}, "trailer.success_amount", "12600.50", "10100.50"),
])
def test_feed_whose_control_totals_do_not_add_up_is_rejected_whole(
        override: dict[str, object], field: str, expected: str, found: str) -> None:
    pattern = ".*".join(re.escape(part) for part in (field, expected, found))
    with pytest.raises(FeedTotalsError, match=pattern) as info:
        read_bank_feed(feed(BALANCED, **override), file="icbc.txt")  # type: ignore[arg-type]
    assert (info.value.field, info.value.expected, info.value.found) == (field, expected, found)
    assert info.value.file == "icbc.txt"


def test_gb18030_feed_with_chinese_names_is_decoded() -> None:
    names = ["张伟", "买买提·艾力", "䶮"]  # the last is outside GBK, only GB18030 encodes it
    lines = [d_line(i + 1, name=n) for i, n in enumerate(names)]
    data = feed(lines, encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    result = read_bank_feed(data, file="boc.txt")
    assert result.frame["account_name"].tolist() == names


@pytest.mark.parametrize("data", [
    # UTF-8 with a byte-order mark, as Windows tools write it
    b"\xef\xbb\xbf" + feed([d_line(1)]),
    # Windows line endings
    feed([d_line(1)], newline="\r\n"),
])
def test_feed_variants_read_like_the_plain_feed(data: bytes) -> None:
    result = read_bank_feed(data, file="f.txt")
    assert result.frame["account_name"].tolist() == ["张伟"]
    assert result.header.bank_code == "ICBC"


def test_feed_in_neither_utf8_nor_gb18030_is_an_encoding_error() -> None:
    data = feed([d_line(1)]).replace("张伟".encode(), b"\xff\xfe")
    with pytest.raises(EncodingError, match="GB18030"):
        read_bank_feed(data, file="bad.txt")


def _drop_last_line(data: bytes) -> bytes:
    return b"\n".join(data.split(b"\n")[:-2]) + b"\n"


@pytest.mark.parametrize(("data", "match"), [
    # the trailer is missing: the feed may have been cut off
    (_drop_last_line(feed([d_line(1), d_line(2)])), r"line 3: .*trailer"),
    # the header is missing
    (b"\n".join(feed([d_line(1)]).split(b"\n")[1:]), r"line 1: .*header"),
    # a D line with a field too few (the memo column left out)
    (feed([d_line(1), "D|2|T0002|" + card(2) + "|王芳|100.00|S||20250410"]), r"line 3: has 9 fields"),
    # an unknown record type in the middle
    (feed([d_line(1)]).replace(b"\nT|", b"\nX|foo\nT|"), r"line 3: unknown record type 'X'"),
    # two feeds pasted together: the first trailer is not the last line
    (feed([d_line(1)]) + feed([d_line(2)]), r"line 3: a trailer \(T record\) before the end"),
    # a second header among the details
    (feed([d_line(1)]).replace(b"\nT|", b"\nH|ICBC|1208|1|B2|20250410|0|0.00\nT|"),
     r"line 3: another header"),
    # a D line whose amount cannot be read makes the totals uncheckable
    (feed([d_line(1), d_line(2)]).replace(b"|5300.00|S||20250410|3", b"|53OO.00|S||20250410|3", 1),
     r"line 2: the amount cannot be read"),
    # a header date that does not exist
    (feed([d_line(1)]).replace(b"|20250410|1|", b"|20250230|1|"), r"line 1: the date '20250230'"),
    # nothing but blank lines
    (b"\n\n", r"empty"),
])
def test_malformed_feed_is_a_format_error_naming_the_line(data: bytes, match: str) -> None:
    with pytest.raises(FeedFormatError, match=match):
        read_bank_feed(data, file="f.txt")


def test_failed_lines_are_kept_with_status_f_and_reason() -> None:
    frame = read_bank_feed(feed(BALANCED), file="icbc.txt").frame
    assert frame["status"].tolist() == ["S", "S", "F"]
    assert frame["reason"].isna().tolist() == [True, True, False]
    assert frame["reason"].iloc[2] == "户名不符"


@pytest.mark.parametrize(("memo", "date", "month"), [
    # a month without a year takes the payment date's year
    ("3月工资", "20250410", "2025-03"),
    # a memo with a year
    ("2025年2月补发", "20250410", "2025-02"),
    # December paid in January belongs to last year
    ("12月工资", "20250110", "2024-12"),
    # a memo naming no month leaves the month open (the rules fall back to the month before the date)
    ("工资", "20250410", None),
    # no memo at all
    ("", "20250410", None),
])
def test_memo_month_becomes_the_rows_month(memo: str, date: str, month: str | None) -> None:
    frame = read_bank_feed(feed([d_line(1, memo=memo, date=date)]), file="f.txt").frame
    assert (None if pd.isna(frame["month"].iloc[0]) else frame["month"].iloc[0]) == month
    assert (None if pd.isna(frame["memo"].iloc[0]) else frame["memo"].iloc[0]) == (memo or None)


def test_detail_line_without_a_date_takes_the_header_date() -> None:
    frame = read_bank_feed(feed([d_line(1, date="")]), file="f.txt").frame
    assert frame["date"].iloc[0] == pd.Timestamp("2025-04-10")


@pytest.mark.parametrize(("line", "column", "code"), [
    # a card number too short to be a card
    (d_line(2, card_number="62220212"), "card_number", "CARD-FORMAT"),
    # a date that does not exist
    (d_line(2, date="20250431"), "date", "DATE-FORMAT"),
    # a status other than S or F
    (d_line(2, status="X"), "status", "STATUS-UNKNOWN"),
    # no status at all: the bank did not say whether it paid
    (d_line(2, status=""), "status", "STATUS-UNKNOWN"),
])
def test_detail_line_with_a_bad_value_is_rejected_and_the_rest_kept(line: str, column: str,
                                                                   code: str) -> None:
    result = read_bank_feed(feed([d_line(1), line, d_line(3)]), file="f.txt")
    assert [(p.row, p.column, p.code, p.sheet) for p in result.problems] == [(3, column, code, None)]
    assert result.problems[0].value == (line.split("|")[_FIELD[column]] or None)
    assert result.frame["src_row"].tolist() == [2, 4]
    assert counts(result) == (5, 2, 1, 2)


def test_rejected_line_still_counts_in_the_control_totals() -> None:
    # the bank paid the line; the totals include it, so leaving it out of them would reject a good feed
    bad = d_line(2, card_number="62220212")
    lines = [d_line(1), bad]
    data = feed(lines, count=1, total="5300.00", t_count=1, t_total="5300.00", ok_count=1,
                ok_total="5300.00")
    with pytest.raises(FeedTotalsError, match=r"header\.record_count"):
        read_bank_feed(data, file="f.txt")
    assert read_bank_feed(feed(lines), file="f.txt").stats.rejected == 1


def test_blank_lines_are_skipped_and_counted() -> None:
    data = feed([d_line(1), d_line(2)]).replace(b"\nD|2", b"\n\n   \nD|2")
    result = read_bank_feed(data, file="f.txt")
    assert (result.stats.rows, result.stats.accepted, result.stats.skipped) == (6, 2, 4)
    assert result.frame["src_row"].tolist() == [2, 5]


def test_feed_without_detail_lines_is_an_empty_batch() -> None:
    result = read_bank_feed(feed([], total="0.00", t_total="0.00", ok_total="0.00"), file="f.txt")
    assert result.frame.empty
    assert list(result.frame.columns) == list(columns("disbursement"))
    assert (result.stats.rows, result.stats.skipped) == (2, 2)


@pytest.mark.parametrize(("data", "expected"), [
    (b"H|ICBC|1|2|3|20250410|0|0.00\n", True),
    # blank lines and a BOM before the header
    (b"\xef\xbb\xbf\r\n  \nH|ICBC|", True),
    # a CSV payroll sheet
    ("姓名,身份证号\n".encode(), False),
    # a detail line first: not recognised as a feed (and so reported by the generic reader)
    (b"D|1|T1|622202|x|1.00|S||20250410|\n", False),
    # nothing
    (b"", False),
])
def test_feed_is_recognised_by_its_first_line(data: bytes, expected: bool) -> None:
    assert is_bank_feed(data) is expected
