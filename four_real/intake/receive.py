"""The API's two ways in: a labor manager's monthly file for a project, and a bank's batch feed.

Each is one function the route calls. They refuse cheaply first (:mod:`four_real.intake.guard`), read the
file once (a file that cannot be read is refused with the reader's bilingual message and nothing stored),
then hand it to :func:`four_real.store.ingest.ingest_bytes` with an ``authorise`` callback, so the scope is
checked inside the transaction against the projects the file would actually write (rows naming another
project, or disbursements routed to another project by its wage account, refuse the whole file).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from four_real.access.roles import Principal, Role
from four_real.intake.guard import Refused, inspect_content, not_a_spreadsheet
from four_real.settings import get_settings
from four_real.store.ingest import IngestReceipt, OutOfScopeError, ingest_bytes
from ingest.errors import EncodingError, IngestError, UnknownKindError, UnreadableFileError
from ingest.reader import ReadResult, read_bytes

__all__ = ["FeedOutcome", "receive_feed", "receive_upload"]


def _limits() -> dict[str, int]:
    s = get_settings()
    return {"max_bytes": s.upload_max_bytes, "max_uncompressed": s.upload_max_uncompressed_bytes,
            "max_ratio": s.upload_max_compression_ratio}


def _read(data: bytes, *, filename: str, month: str | None) -> ReadResult:
    """Read once; a file that cannot be read at all becomes :class:`Refused` with the reader's message."""
    try:
        return read_bytes(data, filename=filename, month=month)
    except (UnreadableFileError, EncodingError) as exc:
        raise Refused(415, "unreadable-file", f"{exc.message_zh}，未入库",
                      f"{exc.message_en}; nothing was stored") from None
    except UnknownKindError as exc:
        raise Refused(422, "unknown-kind", f"{exc.message_zh}，未入库",
                      f"{exc.message_en}; nothing was stored") from None
    except IngestError as exc:  # a bank feed with bad structure or totals
        raise Refused(422, "invalid-feed", f"{exc.message_zh}，未入库",
                      f"{exc.message_en}; nothing was stored") from None


def _only(allowed: set[str]) -> Callable[[set[str]], None]:
    def authorise(projects: set[str]) -> None:
        if projects - allowed:
            raise OutOfScopeError("文件含有不属于本账号项目的数据，整份文件未入库",
                                  "the file holds data for projects outside this token's scope; nothing was stored")
    return authorise


def receive_upload(engine: Engine, principal: Principal, *, project_code: str, data: bytes, filename: str,
                   month: str | None = None) -> IngestReceipt:
    """Store a project's monthly file (roster, attendance, payroll, bank results, account statement, project
    file). The caller has checked that the principal may upload for ``project_code``; a labor manager's file
    may write only its own projects, an administrator's (registering projects) any."""
    content = inspect_content(data, **_limits())
    if content == "feed":
        raise Refused(422, "feed-not-here", "银行代发批次文件请由银行通过 /v1/feeds 推送，未入库",
                      "bank batch feeds are pushed by the bank to /v1/feeds; nothing was stored")
    result = _read(data, filename=filename, month=month)
    authorise = None if principal.role is Role.admin else _only(set(principal.projects))
    return ingest_bytes(engine, data, filename=filename, uploader=_uploader(principal), project=project_code,
                        month=month, strict=True, result=result, authorise=authorise)


@dataclass(frozen=True, slots=True)
class FeedOutcome:
    """A feed's receipt and its identity (bank code, batch), read from its header line."""

    receipt: IngestReceipt
    bank_code: str
    batch_id: str


def receive_feed(engine: Engine, principal: Principal, *, data: bytes, filename: str,
                 correction: bool = False) -> FeedOutcome:
    """Store a bank's batch feed; identified by (bank code, batch), a resend of the same bytes changes nothing,
    other content under the same identity is refused unless sent as a correction. The header must carry the
    token's bank code, and its payer account must be one the bank holds (when the token lists accounts)."""
    content = inspect_content(data, **_limits())
    if content != "feed":
        raise not_a_feed() if content == "text" else not_a_spreadsheet()
    result = _read(data, filename=filename, month=None)
    header = result.feeds[0]
    if header.bank_code != principal.bank_code:
        raise Refused(403, "other-bank", "批次文件头的银行代码不是本账号的银行，未入库",
                      "the feed's header names another bank than this token's; nothing was stored")
    payer = "".join(ch for ch in header.payer_account if ch.isdigit())
    if principal.wage_accounts and payer not in principal.wage_accounts:
        raise Refused(403, "other-account", "付款账号不是本行托管的工资专户，未入库",
                      "the payer account is not a wage account this bank holds; nothing was stored")
    receipt = ingest_bytes(engine, data, filename=filename, uploader=_uploader(principal), correction=correction,
                           strict=True, result=result)
    return FeedOutcome(receipt, header.bank_code, header.batch_id)


def not_a_feed() -> Refused:
    return Refused(415, "not-a-feed", "文件不是银行代发批次文件（应以 H| 行开头），未入库",
                   "the file is not a bank batch feed (it must start with an H| line); nothing was stored")


def _uploader(principal: Principal) -> str:
    return f"{principal.role.value}:{principal.token_id}"
