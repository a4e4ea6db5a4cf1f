"""A bank's own feeds: the current version of each batch, and every version of one batch (corrections keep
their history). A bank sees only feeds under its bank code; another bank's batch is not found."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from four_real.access.roles import Principal, Role
from four_real.access.scopes import NotVisible, OutOfScope
from four_real.queries.pages import Page, fetch_page
from four_real.store.models import BankFeed, Upload

__all__ = ["feed_versions", "list_feeds"]

_b = BankFeed.__table__  # type: ignore[attr-defined]
_u = Upload.__table__  # type: ignore[attr-defined]
COLUMNS = ["id", "bank_code", "batch_id", "version", "branch_code", "payer_account", "feed_date", "record_count",
           "total_fen", "is_correction", "superseded_at", "upload_id"]


def _bank_code(principal: Principal) -> str | None:
    """The bank code a principal's feed queries are limited to; None for the human-resources bureau (all)."""
    if principal.role is Role.bank:
        return principal.bank_code
    if principal.role is Role.hr_bureau:
        return None
    raise OutOfScope(f"role {principal.role.value} does not read bank feeds")


def _select() -> Any:
    return (select(*[_b.c[c] for c in COLUMNS], _u.c.received_at, _u.c.rows, _u.c.accepted, _u.c.rejected)
            .join(_u, _u.c.id == _b.c.upload_id))


def list_feeds(session: Session, principal: Principal, *, limit: int = 50, offset: int = 0) -> Page:
    """Current versions of the feeds the principal sees, newest first."""
    bank = _bank_code(principal)
    query = _select().where(_b.c.superseded_at.is_(None)).order_by(_b.c.id.desc())
    if bank is not None:
        query = query.where(_b.c.bank_code == bank)
    return fetch_page(session, query, limit=limit, offset=offset)


def feed_versions(session: Session, principal: Principal, *, bank_code: str, batch_id: str) -> list[dict[str, Any]]:
    """Every version of one batch, oldest first; :class:`NotVisible` for another bank's or a missing batch."""
    bank = _bank_code(principal)
    if bank is not None and bank != bank_code:
        raise NotVisible(batch_id)
    rows = session.execute(_select().where((_b.c.bank_code == bank_code) & (_b.c.batch_id == batch_id))
                           .order_by(_b.c.version)).mappings().all()
    if not rows:
        raise NotVisible(batch_id)
    return [dict(r) for r in rows]
