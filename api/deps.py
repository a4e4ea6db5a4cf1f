"""Dependencies every route declares: the session, the current principal, and the role checks.

Routes read like declarations (full-stack-fastapi-template): ``session: SessionDep``,
``principal: CurrentPrincipal``, or ``principal: Annotated[Principal, Depends(roles(Role.bank))]``.

The dependencies themselves are ``async``: FastAPI runs a plain ``def`` dependency in a worker thread, and
each such hop costs more than the work of opening a session or checking a role. Only the token lookup
touches the database, and it runs in a thread (and only when the token is not in the short cache below).

**Token cache.** A verified token's principal is kept for :data:`TOKEN_CACHE_SECONDS` (keyed by the
token's SHA-256, never the secret), so a listing costs one query instead of two. Revoking a token through
``DELETE /v1/tokens/{id}`` drops it from the serving process's cache at once; a revocation or expiry the
process does not see (the CLI, another worker) takes effect within those seconds. Unknown, expired and
revoked tokens are never cached: a refusal is always decided by the store.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api.problems import ApiProblem
from four_real.access import Principal, Role, authenticate

__all__ = ["TOKEN_CACHE_SECONDS", "CurrentPrincipal", "EngineDep", "SessionDep", "TokenCache", "roles"]

_bearer = HTTPBearer(auto_error=False, description="An opaque token issued with `four-real token create`")
TOKEN_CACHE_SECONDS = 5.0
TOKEN_CACHE_SIZE = 10_000


class TokenCache:
    """Principals of recently verified tokens, for ``ttl`` seconds (0 turns the cache off)."""

    def __init__(self, ttl: float = TOKEN_CACHE_SECONDS, size: int = TOKEN_CACHE_SIZE) -> None:
        self.ttl, self.size = ttl, size
        self._entries: dict[str, tuple[Principal, float]] = {}

    @staticmethod
    def _key(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    def get(self, secret: str) -> Principal | None:
        if self.ttl <= 0:
            return None
        hit = self._entries.get(self._key(secret))
        if hit is None or hit[1] < time.monotonic():
            return None
        return hit[0]

    def put(self, secret: str, principal: Principal) -> None:
        if self.ttl <= 0:
            return
        if len(self._entries) >= self.size:  # bounded: a flood of distinct valid tokens just empties it
            self._entries.clear()
        self._entries[self._key(secret)] = (principal, time.monotonic() + self.ttl)

    def forget(self, token_id: int) -> None:
        """Drop a revoked token at once (in this process)."""
        for key, (principal, _) in list(self._entries.items()):
            if principal.token_id == token_id:
                self._entries.pop(key, None)


def get_engine(request: Request) -> Engine:
    return request.app.state.engine  # type: ignore[no-any-return]


EngineDep = Annotated[Engine, Depends(get_engine)]


async def get_session(engine: EngineDep) -> AsyncIterator[Session]:
    """One session per request; writes commit inside the core functions' own transactions. Opening a
    session does no I/O; closing it returns its connection (a rollback), so that runs in a thread."""
    session = Session(engine)
    try:
        yield session
    finally:
        await run_in_threadpool(session.close)


SessionDep = Annotated[Session, Depends(get_session)]


def _authenticate(engine: Engine, secret: str) -> Principal | None:
    with Session(engine) as session:
        return authenticate(session, secret)


async def get_principal(request: Request, engine: EngineDep,
                        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Principal:
    """The token's principal; 401 for a missing, unknown, expired or revoked token (indistinguishable)."""
    principal = None
    if credentials is not None:
        cache: TokenCache = request.app.state.token_cache
        secret = credentials.credentials
        principal = cache.get(secret)
        if principal is None:
            principal = await run_in_threadpool(_authenticate, engine, secret)
            if principal is not None:
                cache.put(secret, principal)
    if principal is None:
        raise ApiProblem(401, "unauthenticated", "缺少有效的访问令牌", "a valid bearer token is required",
                         headers={"WWW-Authenticate": "Bearer"})
    request.scope.setdefault("state", {})["principal"] = principal  # for the access log (id and role only)
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def roles(*allowed: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency admitting only the given roles (403 for the others)."""

    async def check(principal: CurrentPrincipal) -> Principal:
        if principal.role not in allowed:
            raise ApiProblem(403, "forbidden-role", "本账号的角色无权访问此接口",
                             f"the role {principal.role.value} may not use this endpoint")
        return principal

    return check
