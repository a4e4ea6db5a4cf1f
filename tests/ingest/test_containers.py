"""Opening files into raw sheets: workbook formats, text encodings and separators, unreadable files."""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.containers import cell_text, decode_text, open_sheets
from ingest.errors import EncodingError, UnreadableFileError

ROWS = [["标题：2025年3月"], ["姓名", "身份证号", "金额"], ["张伟", "330724199003151236", "5,300.00"]]


def test_xlsx_cells_keep_their_types_and_row_one_is_spreadsheet_row_one(files):
    rows = [[], ["姓名", "日期", "金额"], ["张伟", dt.date(2025, 3, 1), 5300]]
    path = files.xlsx("a.xlsx", {"工资表": rows})
    [sheet] = open_sheets(path.read_bytes(), file="a.xlsx")
    assert sheet.name == "工资表"
    assert sheet.cells.iloc[0].isna().all()  # the blank first row is kept, so positions are row numbers
    assert sheet.cells.iloc[2].tolist() == ["张伟", dt.date(2025, 3, 1), 5300.0]


def test_workbook_sheets_come_in_order_and_empty_sheets_are_skipped(files):
    path = files.xlsx("b.xlsx", {"工资表": [["a"]], "空白": [], "考勤表": [["b"]]})
    assert [s.name for s in open_sheets(path.read_bytes(), file="b.xlsx")] == ["工资表", "考勤表"]


def test_blank_cells_become_none_and_trailing_blank_rows_are_dropped(files):
    path = files.text("c.csv", [["a", "  ", "b"], ["", "", ""], ["c", "", ""], ["", "", ""], ["", "", ""]])
    [sheet] = open_sheets(path.read_bytes(), file="c.csv")
    assert sheet.cells.shape == (3, 3)
    assert sheet.cells.iloc[0].tolist() == ["a", None, "b"]


@pytest.mark.parametrize("maker", ["xls", "ods"])
def test_old_excel_and_libreoffice_workbooks_open(files, maker):
    path = getattr(files, maker)(f"d.{maker}", {"花名册": [["姓名", "工号"], ["张伟", 7]]})
    [sheet] = open_sheets(path.read_bytes(), file=path.name)
    assert sheet.name == "花名册"
    assert sheet.cells.iloc[1].tolist() == ["张伟", 7.0]


@pytest.mark.parametrize("encoding", [
    "utf-8",  # what most programs write
    "utf-8-sig",  # Excel's "CSV UTF-8": a BOM in front
    "gbk",  # Chinese Excel's plain "CSV"
    "gb18030",  # the superset, with characters GBK lacks
])
def test_text_in_every_accepted_encoding_decodes_the_same(files, encoding):
    rows = [*ROWS, ["𠀀明", "1", "2"]] if encoding == "gb18030" else ROWS
    path = files.text("e.csv", rows, encoding=encoding)
    [sheet] = open_sheets(path.read_bytes(), file="e.csv")
    assert sheet.name is None
    assert sheet.cells.iloc[2, 0] == "张伟"
    assert sheet.cells.iloc[0, 0] == "标题：2025年3月"


@pytest.mark.parametrize(("sep", "suffix"), [
    (",", "csv"),
    ("\t", "tsv"),
    ("\t", "txt"),  # a tab-separated export saved as .txt
    ("|", "txt"),  # bank systems' pipe-separated text
])
def test_separator_is_sniffed_from_content(files, sep, suffix):
    path = files.text(f"f.{suffix}", ROWS, sep=sep)
    [sheet] = open_sheets(path.read_bytes(), file=path.name)
    assert sheet.cells.iloc[2].tolist() == ["张伟", "330724199003151236", "5,300.00"]


def test_comma_inside_quoted_amount_does_not_split_the_cell(files):
    path = files.text("g.csv", [["姓名", "金额"], ["张伟", "1,234.50"], ["李四", "2,000.00"]])
    [sheet] = open_sheets(path.read_bytes(), file="g.csv")
    assert sheet.cells.iloc[1].tolist() == ["张伟", "1,234.50"]


def test_text_in_no_accepted_encoding_is_an_encoding_error():
    latin1_and_broken = "Müller,5".encode("latin-1") + b"\xff\xfe\x80"
    with pytest.raises(EncodingError, match="UTF-8"):
        open_sheets(latin1_and_broken, file="h.csv")


def test_excel_unicode_text_is_refused_with_how_to_save_it(files):
    path = files.text("u.txt", ROWS, sep="\t", encoding="utf-16")
    with pytest.raises(EncodingError, match="UTF-16"):
        open_sheets(path.read_bytes(), file="u.txt")


def test_decoding_never_guesses_past_a_bom():
    with pytest.raises(EncodingError, match=r"i\.csv"):
        decode_text(b"\xef\xbb\xbf" + "张伟".encode("gbk"), "i.csv")


@pytest.mark.parametrize(("name", "data", "match"), [
    # a zip that is not a workbook (a renamed .docx or a broken download)
    ("j.xlsx", b"PK\x03\x04" + b"\x00" * 64, "not a readable spreadsheet"),
    # an OLE container that is not a workbook
    ("k.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "not a readable spreadsheet"),
    # a workbook extension on something that is not a workbook at all
    ("l.xlsx", b"just text, not a spreadsheet", "content is not a spreadsheet"),
    # a PDF someone dropped in the folder
    ("m.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", r"\.pdf files are not supported"),
    # a binary file with a text extension
    ("n.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "neither a text file nor a spreadsheet"),
])
def test_anything_but_a_spreadsheet_or_text_table_is_unreadable(name, data, match):
    with pytest.raises(UnreadableFileError, match=match) as caught:
        open_sheets(data, file=name)
    assert caught.value.file == name
    assert "无法读取" in caught.value.message_zh


@pytest.mark.parametrize(("value", "text"), [
    (None, ""),
    (8.0, "8"),  # a whole number cell shows without its .0
    (10.5, "10.5"),
    (3.30724199003151e17, "3.30724199003151E+17"),  # what the spreadsheet shows for an ID gone numeric
    (dt.datetime(2025, 3, 1), "2025-03-01"),  # a date cell
    (dt.datetime(2025, 3, 1, 8, 5), "2025-03-01 08:05:00"),  # a gate clock event
    (dt.date(2025, 3, 1), "2025-03-01"),
    (True, "TRUE"),
    ("  张伟 ", "  张伟 "),  # text is shown as typed
])
def test_cell_text_is_what_the_user_sees_in_the_cell(value, text):
    assert cell_text(value) == text
