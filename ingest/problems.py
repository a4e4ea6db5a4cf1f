"""Row problems are values, not exceptions: each has a stable code, a position and a bilingual reason.

The codes are a contract (they appear in ``rejected_rows[].code`` of ``four-real check``), so they are
listed here once; readers and validators refer to them by code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["error", "warning"]

# code -> (Chinese, English). Reasons are written for a labor manager, not a programmer.
PROBLEMS: dict[str, tuple[str, str]] = {
    "ID-SCIENTIFIC": (
        "身份证号被表格软件转成了数字，请将该列设为文本后重新导出",
        "ID number was turned into a number by the spreadsheet; format the column as text and export again",
    ),
    "ID-FLOAT-TAIL": (
        "身份证号末位被表格软件改动（校验位不符，疑似转成数字后丢失了尾数），请将该列设为文本后重新导出",
        "ID number lost its last digits to the spreadsheet (check digit wrong); format the column as text "
        "and export again",
    ),
    "ID-LENGTH": ("身份证号应为18位（或旧版15位）", "ID number must have 18 (or old-style 15) characters"),
    "ID-FORMAT": ("身份证号含有非法字符", "ID number contains characters that are not allowed"),
    "ID-CHECKSUM": ("身份证号校验位不符，请核对", "ID number check digit does not match; please verify it"),
    "ID-BIRTHDATE": ("身份证号中的出生日期不存在", "ID number contains a birth date that does not exist"),
    "ID-REGION": ("身份证号的省份代码不存在", "ID number starts with a province code that does not exist"),
    "CARD-SCIENTIFIC": (
        "银行卡号被表格软件转成了数字，请将该列设为文本后重新导出",
        "bank card number was turned into a number by the spreadsheet; format the column as text and "
        "export again",
    ),
    "CARD-FORMAT": ("银行卡号应为12到19位数字", "bank card number must be 12 to 19 digits"),
    "AMOUNT-FORMAT": ("金额无法识别", "amount is not a number"),
    "AMOUNT-NEGATIVE": ("工资金额不能为负数", "a wage amount cannot be negative"),
    "AMOUNT-PRECISION": ("金额精度超过分", "amount has more decimals than fen"),
    "DATE-FORMAT": ("日期无法识别", "date is not recognised"),
    "MONTH-FORMAT": ("月份无法识别，应为 2025-03 或 2025年3月", "month is not recognised; use 2025-03 or 2025年3月"),
    "MONTH-UNKNOWN": (
        "无法确定工资月份：表中无月份列，标题中也没有月份，请在命令行用 --month 指定",
        "wage month unknown: no month column or title; give it with --month",
    ),
    "NUMBER-FORMAT": ("数字无法识别", "number is not recognised"),
    "REQUIRED-MISSING": ("必填项为空", "required value is empty"),
    "VALUE-UNKNOWN": ("取值无法识别", "value is not one of the accepted values"),
    "STATUS-UNKNOWN": ("交易状态无法识别，应为 成功/失败", "transaction status not recognised; use 成功/失败 (S/F)"),
    "DIRECTION-UNKNOWN": ("收支方向无法识别", "direction (in/out) not recognised"),
    "WORKER-UNMATCHED": (
        "该行没有身份证号，且姓名在花名册中找不到",
        "row has no ID number and the name is not on the roster",
    ),
    "WORKER-AMBIGUOUS": (
        "该行没有身份证号，且花名册中有多名同名人员，无法确定是谁",
        "row has no ID number and several roster workers have this name",
    ),
    "PROJECT-UNKNOWN": (
        "无法确定项目编号，请在表中加入项目编号列或用 --project 指定",
        "project code unknown; add a project code column or give --project",
    ),
    "GRID-TOTAL-MISMATCH": (
        "考勤表合计天数与逐日记录不符（以逐日记录为准）",
        "the grid's total days differ from the daily marks (the daily marks are used)",
    ),
    "GRID-MARK-UNKNOWN": ("考勤标记无法识别", "attendance mark is not recognised"),
    "PARTS-TOTAL-MISMATCH": (
        "合计与各分项之和不符（以合计为准）",
        "the total differs from the sum of its parts (the total is used)",
    ),
    "DUPLICATE-ROW": ("重复的记录", "duplicate row"),
    "RANGE": ("数值超出合理范围", "value is outside the plausible range"),
    "SCHEMA": ("数据不符合格式要求", "value does not meet the table's rules"),
    "CARD-LUHN": (
        "银行卡号校验位不符，请核对（部分存折或账户不使用此校验，核对无误可忽略）",
        "bank card number fails the Luhn check; please verify it (some accounts are not Luhn-checked)",
    ),
}


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One problem with one cell (or row), positioned as the user sees the spreadsheet."""

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    code: str
    reason_zh: str
    reason_en: str
    level: Level = "error"

    @property
    def reason(self) -> str:
        return f"{self.reason_zh} / {self.reason_en}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file, "sheet": self.sheet, "row": self.row, "column": self.column,
            "value": self.value, "code": self.code, "reason": self.reason,
        }


def problem(code: str, *, file: str, sheet: str | None, row: int | None, column: str | None,
            value: object, level: Level = "error", detail_zh: str = "", detail_en: str = "") -> RowProblem:
    """Build a problem from the catalogue; ``detail_*`` is appended for specifics (expected values...)."""
    zh, en = PROBLEMS[code]
    text = None if value is None else str(value)
    return RowProblem(
        file=file, sheet=sheet, row=row, column=column, value=text, code=code,
        reason_zh=zh + (f"（{detail_zh}）" if detail_zh else ""),
        reason_en=en + (f" ({detail_en})" if detail_en else ""),
        level=level,
    )
