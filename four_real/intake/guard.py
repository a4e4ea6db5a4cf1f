"""Refuse what must not be parsed, before parsing it: oversized uploads, zip bombs, non-spreadsheets.

An xlsx or ods workbook is a zip archive; its central directory declares every member's packed and unpacked
size. Reading that directory costs a few kilobytes of the file and no decompression, so a workbook that
would unpack to gigabytes (a zip bomb) is refused before any reader touches it: by the total declared size,
and by the ratio of any large member (XML compresses well, about 5 to 50 times; a bomb thousands of times).
A member whose directory entry lies about its size is not caught here (that needs decompressing); the
upload cap bounds how much such a file can hold, not how much it unpacks to.

What remains is recognised by its first bytes: a zip or OLE workbook, a bank batch feed (``H|``), or text
(no NUL byte in the first 4 KiB). Anything else is not a spreadsheet.
"""

from __future__ import annotations

import io
import zipfile
from typing import Literal

from ingest.bank_feed import is_bank_feed

__all__ = ["Content", "Refused", "inspect_content"]

Content = Literal["workbook", "text", "feed"]
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAX_MEMBERS = 10_000


class Refused(Exception):
    """An upload refused before (or instead of) storing it; ``status`` is the HTTP status it maps to."""

    def __init__(self, status: int, code: str, message_zh: str, message_en: str) -> None:
        self.status = status
        self.code = code  # stable, the problem type's last path segment
        self.message_zh = message_zh
        self.message_en = message_en
        super().__init__(f"{message_zh} / {message_en}")


def too_large(limit: int) -> Refused:
    mb = limit / (1024 * 1024)
    return Refused(413, "upload-too-large", f"文件超过上传上限 {mb:g} MB，未入库",
                   f"the file exceeds the upload limit of {mb:g} MB; nothing was stored")


def inspect_content(data: bytes, *, max_bytes: int, max_uncompressed: int, max_ratio: int) -> Content:
    """What the bytes are, or :class:`Refused` (413 too large or a zip bomb, 415 not a spreadsheet)."""
    if len(data) > max_bytes:
        raise too_large(max_bytes)
    if not data.strip():
        raise Refused(422, "empty-file", "文件为空，未入库", "the file is empty; nothing was stored")
    if data.startswith(_ZIP):
        _check_zip(data, max_uncompressed=max_uncompressed, max_ratio=max_ratio)
        return "workbook"
    if data.startswith(_OLE):
        return "workbook"
    if is_bank_feed(data):
        return "feed"
    if b"\x00" in data[:4096]:
        raise not_a_spreadsheet()
    return "text"


def not_a_spreadsheet() -> Refused:
    return Refused(415, "not-a-spreadsheet", "文件不是电子表格、CSV 文本或银行代发文件，未入库",
                   "the file is not a spreadsheet, a CSV text or a bank batch feed; nothing was stored")


def _check_zip(data: bytes, *, max_uncompressed: int, max_ratio: int) -> None:
    """Refuse by the central directory alone: no member is decompressed here."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise not_a_spreadsheet() from None
    if len(members) > _MAX_MEMBERS:
        raise _bomb("too many parts")
    total = sum(m.file_size for m in members)
    if total > max_uncompressed:
        mb = max_uncompressed / (1024 * 1024)
        raise _bomb(f"unpacks to {total} bytes, over the limit of {mb:g} MB")
    for m in members:
        packed = max(m.compress_size, 1)
        if m.file_size > 1024 * 1024 and m.file_size / packed > max_ratio:
            raise _bomb(f"a part is compressed {m.file_size // packed} times, over the limit of {max_ratio}")


def _bomb(why: str) -> Refused:
    return Refused(413, "zip-bomb", "工作簿解压后过大或压缩比异常（疑似压缩炸弹），未入库",
                   f"the workbook would unpack to too much data ({why}); refused as a possible zip bomb, "
                   "nothing was stored")
