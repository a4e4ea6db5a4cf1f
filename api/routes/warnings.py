"""Warnings of the token's scope and their lifecycle (acknowledge, resolve, close, urge), on
:mod:`four_real.warnings`. A bureau works the warnings of its sector (and townships); the human-resources
bureau all of them; a labor manager reads its projects' warnings; a warning outside the scope is 404."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from api.deps import CurrentPrincipal, SessionDep, roles
from api.problems import PROBLEM_RESPONSES, ApiProblem, problems
from four_real.access import NotVisible, Principal, Role, check_filters
from four_real.store.models.warnings import WageWarningEventPublic, WageWarningPublic, WageWarningsPublic
from four_real.warnings import lifecycle
from four_real.warnings.queries import get_warning, warning_events, warnings_page

router = APIRouter(tags=["warnings"])
WarningId = Annotated[int, Path(ge=1, le=2_147_483_647)]
NOT_FOUND = problems(**{"404": "No such warning in this token's scope"})
Worker = Annotated[Principal, Depends(roles(Role.industry_bureau, Role.hr_bureau))]


class WarningEvents(BaseModel):
    data: list[WageWarningEventPublic]


class WarningAction(BaseModel):
    note: str | None = Field(default=None, max_length=2000, description="Required to close")


def _scope(principal: Principal) -> dict[str, object]:
    if principal.role is Role.industry_bureau:
        return {"sector": principal.sector, **({"township": list(principal.townships)} if principal.townships else {})}
    if principal.role is Role.labor_manager:
        return {"project_codes": list(principal.projects)}
    return {}


def _visible(principal: Principal, w: WageWarningPublic | None) -> WageWarningPublic:
    if w is None:
        raise NotVisible("warning")
    if principal.role is Role.industry_bureau and (
            w.sector != principal.sector or (principal.townships and w.township not in principal.townships)):
        raise NotVisible("warning")
    if principal.role is Role.labor_manager and w.project_code not in principal.projects:
        raise NotVisible("warning")
    return w


@router.get("/warnings", response_model=WageWarningsPublic, responses=PROBLEM_RESPONSES)
def warnings(
    session: SessionDep, principal: CurrentPrincipal,
    status: Literal["open", "acknowledged", "resolved", "closed"] | None = None,
    month: Annotated[str | None, Query(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")] = None,
    township: Annotated[str | None, Query(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f]+$")] = None,
    overdue: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> WageWarningsPublic:
    """Warnings in scope, most severe and nearest deadline first."""
    check_filters(principal, township=township)
    filters = _scope(principal)
    if township is not None:
        if principal.role is Role.labor_manager:
            raise ApiProblem(422, "invalid-request", "劳资专管员按项目查看预警", "labor managers list by project")
        filters["township"] = township
    return warnings_page(session, limit=limit, offset=offset, status=status, month=month, overdue=overdue,
                         **filters)


@router.get("/warnings/{warning_id}", response_model=WageWarningPublic, responses={**PROBLEM_RESPONSES, **NOT_FOUND})
def warning(session: SessionDep, principal: CurrentPrincipal, warning_id: WarningId) -> WageWarningPublic:
    check_filters(principal)
    return _visible(principal, get_warning(session, warning_id))


@router.get("/warnings/{warning_id}/events", response_model=WarningEvents,
            responses={**PROBLEM_RESPONSES, **NOT_FOUND})
def events(session: SessionDep, principal: CurrentPrincipal, warning_id: WarningId) -> WarningEvents:
    """The audit trail: who did what, when, from which status to which."""
    check_filters(principal)
    _visible(principal, get_warning(session, warning_id))
    return WarningEvents(data=warning_events(session, warning_id))


@router.post("/warnings/{warning_id}/{action}", response_model=WageWarningPublic,
             responses={**PROBLEM_RESPONSES, **NOT_FOUND, **problems(**{"409": "Not allowed from its status"})})
def act(session: SessionDep, principal: Worker, warning_id: WarningId,
        action: Literal["acknowledge", "resolve", "close", "urge"],
        body: WarningAction | None = None) -> WageWarningPublic:
    """Acknowledge (签收), resolve (办结), close (关闭, with a note) or urge (催办) a warning in scope."""
    _visible(principal, get_warning(session, warning_id))
    note = body.note if body else None
    try:
        if action == "close":
            lifecycle.close(session, warning_id, actor=principal.label, note=note or "")
        else:
            getattr(lifecycle, action)(session, warning_id, actor=principal.label, note=note)
    except lifecycle.TransitionError as exc:
        zh, _, en = str(exc).partition(" / ")
        raise ApiProblem(409, "transition-not-allowed", zh, en or zh) from None
    except lifecycle.WarningError as exc:
        zh, _, en = str(exc).partition(" / ")
        raise ApiProblem(422, "invalid-action", zh, en or zh) from None
    session.commit()
    return _visible(principal, get_warning(session, warning_id))
