"""Bearer tokens: opaque, shown once, stored only as a SHA-256 hash with a short non-secret prefix.

A token is ``fr_`` followed by ``secrets.token_urlsafe(32)`` (256 bits). The prefix (the first
:data:`PREFIX_LENGTH` characters) is stored in clear so a request finds its row by index; the hash is
compared in constant time. A hash of a 256-bit random secret needs no salt or slow KDF: there is nothing to
guess. Expiry and revocation are checked on every lookup, so a revoked token stops working at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlmodel import Session

from four_real.access.roles import SECTORS, Principal, Role
from four_real.store.models.access import ApiToken
from four_real.store.models.uploads import utcnow

__all__ = ["PREFIX_LENGTH", "IssuedToken", "ScopeError", "authenticate", "create_token", "hash_token",
           "list_tokens", "revoke_token"]

TOKEN_PREFIX = "fr_"
PREFIX_LENGTH = 12  # "fr_" and nine random characters: enough to find the row, useless to an attacker


class ScopeError(ValueError):
    """A token's role and scope do not fit together (e.g. a bank without a bank code)."""


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A new token: ``secret`` is shown to its holder once and never stored."""

    id: int
    secret: str
    prefix: str


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _check_scope(role: Role, *, projects: Sequence[str], bank_code: str | None, sector: str | None,
                 townships: Sequence[str]) -> None:
    if role is Role.labor_manager and not projects:
        raise ScopeError("a labor manager's token names at least one project")
    if role is Role.bank and not bank_code:
        raise ScopeError("a bank's token names its bank code")
    if role is Role.industry_bureau and sector not in SECTORS:
        raise ScopeError(f"an industry bureau's token names one sector of {', '.join(SECTORS)}")
    if role is not Role.labor_manager and projects:
        raise ScopeError("only a labor manager's token names projects")
    if role is not Role.bank and bank_code:
        raise ScopeError("only a bank's token names a bank code")
    if role is not Role.industry_bureau and (sector or townships):
        raise ScopeError("only an industry bureau's token names a sector and townships")


def create_token(session: Session, *, role: Role | str, label: str, projects: Sequence[str] = (),
                 bank_code: str | None = None, wage_accounts: Sequence[str] = (), sector: str | None = None,
                 townships: Sequence[str] = (), expires_at: dt.datetime | None = None) -> IssuedToken:
    """Issue a token; raises :class:`ScopeError` when the scope does not fit the role."""
    role = Role(role)
    _check_scope(role, projects=projects, bank_code=bank_code, sector=sector, townships=townships)
    if expires_at is not None and expires_at.tzinfo is None:
        raise ScopeError("the expiry must carry a time zone")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(label=label, role=role.value, projects=sorted(set(projects)), bank_code=bank_code,
                   wage_accounts=sorted(set(wage_accounts)), sector=sector, townships=sorted(set(townships)),
                   expires_at=expires_at, prefix=secret[:PREFIX_LENGTH], token_hash=hash_token(secret))
    session.add(row)
    session.flush()
    assert row.id is not None
    return IssuedToken(id=row.id, secret=secret, prefix=row.prefix)


def revoke_token(session: Session, *, token_id: int | None = None, prefix: str | None = None) -> int:
    """Revoke by id or by prefix; returns how many tokens were revoked (0 when none was active)."""
    if (token_id is None) == (prefix is None):
        raise ValueError("revoke by id or by prefix, not both")
    t = ApiToken.__table__  # type: ignore[attr-defined]
    where = (t.c.id == token_id) if token_id is not None else (t.c.prefix == prefix)
    result = session.execute(update(t).where(where & t.c.revoked_at.is_(None)).values(revoked_at=utcnow()))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def list_tokens(session: Session) -> list[ApiToken]:
    """Every token, newest first (hashes included: they are not secrets, but the API never shows them)."""
    return list(session.scalars(select(ApiToken).order_by(ApiToken.id.desc())))  # type: ignore[union-attr]


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)  # SQLite drops the zone


def authenticate(session: Session, secret: str, *, now: dt.datetime | None = None) -> Principal | None:
    """The principal of a valid, unexpired, unrevoked token; None for anything else (the caller says 401)."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) < PREFIX_LENGTH + 8 or len(secret) > 200:
        return None
    now = now or utcnow()
    t = ApiToken.__table__  # type: ignore[attr-defined]
    digest = hash_token(secret)
    rows = session.execute(select(t).where(t.c.prefix == secret[:PREFIX_LENGTH])).all()
    for row in rows:
        if not hmac.compare_digest(row.token_hash, digest):
            continue
        if row.revoked_at is not None or (row.expires_at is not None and _aware(row.expires_at) <= now):
            return None
        return Principal(token_id=row.id, label=row.label, role=Role(row.role), projects=tuple(row.projects or ()),
                         bank_code=row.bank_code, wage_accounts=tuple(row.wage_accounts or ()),
                         sector=row.sector, townships=tuple(row.townships or ()))
    return None
