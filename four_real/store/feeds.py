"""Bank feeds in the store: identity (bank_code, batch_id), resends, conflicts and corrections.

files.md: "sending the same feed again changes nothing and says so; a feed with the same identity and
different content is refused unless explicitly sent as a correction". A feed's content is its bytes (the
sha256 of the file): a bank's retry resends the same file, and any other difference under the same batch
is something a person must confirm by sending it as a correction. Every version is kept in ``bank_feed``;
the current one has ``superseded_at`` NULL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, insert, select, update
from sqlmodel import Session

from four_real.store.models import BankFeed
from ingest.bank_feed import FeedHeader

__all__ = ["FeedConflictError", "FeedDecision", "decide_feed", "feed_key", "record_feed"]


class FeedConflictError(Exception):
    """A feed whose identity is already stored with other content, not sent as a correction."""

    def __init__(self, *, bank_code: str, batch_id: str) -> None:
        self.bank_code = bank_code
        self.batch_id = batch_id
        self.message_zh = f"批次 {batch_id}（银行 {bank_code}）已存在且内容不同；如需更正请以更正方式重新发送"
        self.message_en = (f"batch {batch_id} (bank {bank_code}) already received with different content; "
                           "send it as a correction")
        super().__init__(f"{self.message_zh} / {self.message_en}")


@dataclass(frozen=True, slots=True)
class FeedDecision:
    """What to do with a feed: ``new`` (version 1), ``unchanged``, or ``correction`` of ``previous``."""

    action: Literal["new", "unchanged", "correction"]
    version: int
    previous: int | None = None  # bank_feed.id of the version a correction supersedes


def feed_key(header: FeedHeader) -> str:
    """The slice key of a feed's disbursement rows."""
    return f"feed:{header.bank_code}:{header.batch_id}"


def decide_feed(session: Session, header: FeedHeader, *, content_hash: str, correction: bool) -> FeedDecision:
    """Compare with the current version of the same identity; raise :class:`FeedConflictError` when the
    content differs and the feed was not sent as a correction."""
    t = BankFeed.__table__  # type: ignore[attr-defined]
    same = (t.c.bank_code == header.bank_code) & (t.c.batch_id == header.batch_id)
    current = session.execute(
        select(t.c.id, t.c.content_hash).where(same & t.c.superseded_at.is_(None))
    ).first()
    latest = session.execute(select(func.max(t.c.version)).where(same)).scalar()
    version = int(latest or 0) + 1
    if current is None:
        return FeedDecision("new", version)
    if current.content_hash == content_hash:
        return FeedDecision("unchanged", version - 1, current.id)
    if not correction:
        raise FeedConflictError(bank_code=header.bank_code, batch_id=header.batch_id)
    return FeedDecision("correction", version, current.id)


def record_feed(session: Session, header: FeedHeader, decision: FeedDecision, *, content_hash: str,
                upload_id: int, now: dt.datetime) -> int:
    """Store the feed's new version (superseding the previous one for a correction); returns its id."""
    t = BankFeed.__table__  # type: ignore[attr-defined]
    if decision.action == "unchanged":
        raise ValueError("an unchanged feed is not recorded again")
    if decision.previous is not None:
        session.execute(update(t).where(t.c.id == decision.previous).values(superseded_at=now))
    result = session.execute(insert(t).values(
        bank_code=header.bank_code, batch_id=header.batch_id, version=decision.version,
        branch_code=header.branch_code or None, payer_account=header.payer_account or None,
        feed_date=header.date, record_count=header.record_count, total_fen=header.total_fen,
        content_hash=content_hash, upload_id=upload_id, is_correction=decision.action == "correction",
    ).returning(t.c.id))
    return int(result.scalar_one())
