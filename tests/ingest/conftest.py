"""Writers of real spreadsheet and text files, shaped the way labor managers' files are.

Readers are tested against files written by the same libraries people's tools use (xlsxwriter for Excel,
xlwt for old .xls, odfpy for LibreOffice, Python's codecs for GBK CSV), never against frames built by hand,
so a container or encoding quirk shows up here first.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import pandas as pd
import pytest
import xlsxwriter
import xlwt
from stdnum import luhn

Cell = object
Rows = Sequence[Sequence[Cell]]
Merge = tuple[int, int, int, int, str]  # first row, first col, last row, last col (0-based), value

_GB_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]


def make_id(birth: str = "19900315", region: str = "330724", seq: str = "123") -> str:
    """A valid 18-character ID number (GB 11643 check digit) for a birth date ``YYYYMMDD``."""
    body = region + birth + seq
    check = (12 - sum(int(c) * w for c, w in zip(body, _GB_WEIGHTS, strict=True)) % 11) % 11
    return body + ("X" if check == 10 else str(check))


def make_card(n: int) -> str:
    """A valid 19-digit bank card number (Luhn)."""
    body = f"622202{n:012d}"
    return body + luhn.calc_check_digit(body)


class Files:
    """Writes test files under ``tmp_path`` and returns their paths."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def xlsx(self, name: str, sheets: dict[str, Rows], *,
             merges: dict[str, list[Merge]] | None = None) -> Path:
        """Strings as text cells, numbers as number cells, dates as date cells; None leaves a cell empty."""
        path = self.root / name
        book = xlsxwriter.Workbook(str(path))
        date_format = book.add_format({"num_format": "yyyy-mm-dd"})
        time_format = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        for sheet_name, rows in sheets.items():
            ws = book.add_worksheet(sheet_name)
            for r, row in enumerate(rows):
                for c, v in enumerate(row):
                    if v is None:
                        continue
                    if isinstance(v, dt.datetime):
                        ws.write_datetime(r, c, v, time_format)
                    elif isinstance(v, dt.date):
                        ws.write_datetime(r, c, dt.datetime(v.year, v.month, v.day), date_format)
                    elif isinstance(v, bool):
                        ws.write_boolean(r, c, v)
                    elif isinstance(v, int | float):
                        ws.write_number(r, c, v)
                    else:
                        ws.write_string(r, c, str(v))
            for r1, c1, r2, c2, value in (merges or {}).get(sheet_name, []):
                ws.merge_range(r1, c1, r2, c2, value)
        book.close()
        return path

    def xls(self, name: str, sheets: dict[str, Rows]) -> Path:
        path = self.root / name
        book = xlwt.Workbook(encoding="utf-8")
        date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
        for sheet_name, rows in sheets.items():
            ws = book.add_sheet(sheet_name)
            for r, row in enumerate(rows):
                for c, v in enumerate(row):
                    if isinstance(v, dt.date):
                        ws.write(r, c, v, date_style)
                    elif v is not None:
                        ws.write(r, c, v)
        book.save(str(path))
        return path

    def ods(self, name: str, sheets: dict[str, Rows]) -> Path:
        path = self.root / name
        with pd.ExcelWriter(path, engine="odf") as writer:
            for sheet_name, rows in sheets.items():
                width = max(len(r) for r in rows)
                frame = pd.DataFrame([[*r, *[None] * (width - len(r))] for r in rows])
                frame.to_excel(writer, sheet_name=sheet_name, header=False, index=False)
        return path

    def text(self, name: str, rows: Rows, *, sep: str = ",", encoding: str = "utf-8") -> Path:
        """A CSV-like file; ``encoding="utf-8-sig"`` writes the BOM Excel puts in front of UTF-8 CSV."""
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter=sep, lineterminator="\r\n")
        writer.writerows([["" if v is None else v for v in row] for row in rows])
        path = self.root / name
        path.write_bytes(buf.getvalue().encode(encoding))
        return path

    def raw(self, name: str, data: bytes) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path


@pytest.fixture
def files(tmp_path: Path) -> Files:
    return Files(tmp_path)


class Sample:
    """Valid IDs and cards, and a payroll sheet as a subcontractor sends it."""

    id_a = make_id("19900315", seq="123")
    id_b = make_id("19851102", region="110105", seq="456")
    id_c = make_id("19780720", region="440305", seq="789")
    card_a, card_b, card_c = make_card(1), make_card(2), make_card(3)
    make_id = staticmethod(make_id)
    make_card = staticmethod(make_card)

    payroll_merges: ClassVar[list[Merge]] = [(3, 3, 3, 5, "应发工资（元）"), (3, 6, 3, 8, "扣款")]

    def payroll_rows(self) -> list[list[Cell]]:
        """Title rows, a merged two-row header, three workers, totals and signatures.

        Rows as Excel shows them: 1 title, 2 unit, 3 blank, 4-5 header, 6-8 workers, 9 totals, 10 blank,
        11 signatures: 11 rows, 3 of them data, 8 skipped.
        """
        return [
            ["XX项目2025年3月工资表"],
            ["单位：元"],
            [],
            ["序号", "姓 名", "身份证号", "应发工资（元）", None, None, "扣款", None, None, "实发工资（元）",
             "本人签字", "备注"],
            [None, None, None, "基本工资", "加班费", "应发合计", "社保", "借支", "扣款合计"],
            [1, "张 伟", self.id_a, 5000, 300, 5300, 200, 100, 300, 5000, "张伟", None],
            [2, "李四", self.id_b, 4000, 0, 4000, 0, 0, 0, 4000, None, "请假两天"],
            [3, "王五", self.id_c, 4500, 0, 4500, 0, 500, 500, 4000, "王五", None],
            ["合计", None, None, 13500, 300, 13800, 200, 600, 800, 13000],
            [],
            ["制表人：赵六", None, None, "审核：钱七"],
        ]


@pytest.fixture
def sample() -> Sample:
    return Sample()
