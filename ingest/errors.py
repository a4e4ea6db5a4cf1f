"""Why a file could not be read at all.

Problems with single rows are values (:class:`ingest.problems.RowProblem`); these exceptions are for the
cases where nothing of a file (or a sheet) can be checked. Errors from pandas, calamine and codecs are
translated into this tree at the boundary so callers never see a library's traceback::

    IngestError
    ├── UnreadableFileError   the container cannot be opened (corrupt, wrong format, encrypted)
    ├── EncodingError         text in no encoding we accept without guessing
    ├── UnknownKindError      a sheet whose header matches no kind (names file, sheet and headers seen)
    ├── FeedFormatError       a bank feed line that is not H/D/T or has the wrong field count
    └── FeedTotalsError       a bank feed whose control totals disagree with its detail lines
"""

from __future__ import annotations


class IngestError(Exception):
    """A file or sheet that cannot be checked. ``message_zh`` and ``message_en`` are for users."""

    def __init__(self, message_zh: str, message_en: str, *, file: str | None = None,
                 sheet: str | None = None) -> None:
        self.message_zh = message_zh
        self.message_en = message_en
        self.file = file
        self.sheet = sheet
        super().__init__(f"{message_zh} / {message_en}")


class UnreadableFileError(IngestError):
    pass


class EncodingError(IngestError):
    pass


class UnknownKindError(IngestError):
    def __init__(self, *, file: str, sheet: str | None, headers: list[str]) -> None:
        where = f"{file}" + (f" [{sheet}]" if sheet else "")
        seen = ", ".join(h for h in headers if h) or "(none)"
        super().__init__(
            f"无法识别 {where} 的表格类型，看到的表头：{seen}",
            f"cannot recognise the kind of {where}; headers seen: {seen}",
            file=file, sheet=sheet,
        )
        self.headers = headers


class FeedFormatError(IngestError):
    pass


class FeedTotalsError(IngestError):
    def __init__(self, *, file: str, field: str, expected: str, found: str) -> None:
        super().__init__(
            f"{file} 银行代发文件的控制合计不符（{field}：文件声明 {expected}，明细合计 {found}），整批拒收",
            f"{file}: bank feed control totals do not match ({field}: declared {expected}, "
            f"details add up to {found}); the whole feed is rejected",
            file=file,
        )
        self.field = field
        self.expected = expected
        self.found = found
