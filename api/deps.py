"""Dependencies every route declares: the session, the current principal, and the role checks.

Routes read like declarations (full-stack-fastapi-template): ``session: SessionDep``,
``principal: CurrentPrincipal``, or ``principal: Annotated[Principal, Depends(roles(Role.bank))]``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlmodel import Session

from api.problems import ApiProblem
from four_real.access import Principal, Role, authenticate

__all__ = ["CurrentPrincipal", "EngineDep", "SessionDep", "roles"]

_bearer = HTTPBearer(auto_error=False, description="An opaque token issued with `four-real token create`")


def get_engine(request: Request) -> Engine:
    return request.app.state.engine  # type: ignore[no-any-return]


def get_session(engine: Annotated[Engine, Depends(get_engine)]) -> Iterator[Session]:
    """One session per request; writes commit inside the core functions' own transactions."""
    with Session(engine) as session:
        yield session


EngineDep = Annotated[Engine, Depends(get_engine)]
SessionDep = Annotated[Session, Depends(get_session)]


def get_principal(request: Request, session: SessionDep,
                  credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Principal:
    """The token's principal; 401 for a missing, unknown, expired or revoked token (indistinguishable)."""
    principal = authenticate(session, credentials.credentials) if credentials else None
    session.rollback()  # end the read transaction: a route's own queries start a fresh one
    if principal is None:
        raise ApiProblem(401, "unauthenticated", "缺少有效的访问令牌", "a valid bearer token is required",
                         headers={"WWW-Authenticate": "Bearer"})
    request.scope.setdefault("state", {})["principal"] = principal  # for the access log (id and role only)
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def roles(*allowed: Role) -> Callable[[Principal], Principal]:
    """A dependency admitting only the given roles (403 for the others)."""

    def check(principal: CurrentPrincipal) -> Principal:
        if principal.role not in allowed:
            raise ApiProblem(403, "forbidden-role", "本账号的角色无权访问此接口",
                             f"the role {principal.role.value} may not use this endpoint")
        return principal

    return check
