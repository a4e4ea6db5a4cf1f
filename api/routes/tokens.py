"""Tokens, for the administrator: issue (the secret is shown once), list, revoke."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from api.deps import SessionDep, roles
from api.models import TokenCreate, TokenIssued, TokenPublic, TokensPublic
from api.problems import PROBLEM_RESPONSES, ApiProblem, problems
from four_real.access import Principal, Role, ScopeError, create_token, list_tokens, revoke_token
from four_real.store.models.access import ApiToken

router = APIRouter(tags=["tokens"])
Admin = Annotated[Principal, Depends(roles(Role.admin))]


def _public(t: ApiToken) -> TokenPublic:
    return TokenPublic.model_validate(t, from_attributes=True)


@router.get("/tokens", response_model=TokensPublic, responses=PROBLEM_RESPONSES)
def tokens(session: SessionDep, _admin: Admin, limit: Annotated[int, Query(ge=1, le=500)] = 50,
           offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> TokensPublic:
    everything = list_tokens(session)
    return TokensPublic(data=[_public(t) for t in everything[offset:offset + limit]], count=len(everything))


@router.post("/tokens", response_model=TokenIssued, status_code=201, responses=PROBLEM_RESPONSES)
def issue(session: SessionDep, _admin: Admin, body: TokenCreate) -> TokenIssued:
    """Issue a token; its secret is in this response only."""
    try:
        issued = create_token(session, **body.model_dump())
    except ScopeError as exc:
        raise ApiProblem(422, "invalid-scope", "令牌的角色与权限范围不符", str(exc)) from None
    session.commit()
    row = session.get(ApiToken, issued.id)
    assert row is not None
    return TokenIssued(**_public(row).model_dump(), token=issued.secret)


@router.delete("/tokens/{token_id}", status_code=204,
               responses={**PROBLEM_RESPONSES, **problems(**{"404": "No active token with this id"})})
def revoke(request: Request, session: SessionDep, _admin: Admin,
           token_id: Annotated[int, Path(ge=1, le=2_147_483_647)]) -> None:
    if not revoke_token(session, token_id=token_id):
        raise ApiProblem(404, "not-found", "没有该有效令牌", "no active token with this id")
    session.commit()
    request.app.state.token_cache.forget(token_id)  # at once here; other workers within the cache's seconds
