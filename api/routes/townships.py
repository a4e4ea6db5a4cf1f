"""Township summaries of a month over the projects in the token's scope."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CurrentPrincipal, SessionDep
from api.models import Sector, TownshipsPublic, TownshipSummary
from api.problems import PROBLEM_RESPONSES
from four_real.queries.townships import township_summaries

router = APIRouter(tags=["townships"])


@router.get("/townships", response_model=TownshipsPublic, responses=PROBLEM_RESPONSES)
def townships(
    session: SessionDep, principal: CurrentPrincipal,
    month: Annotated[str | None, Query(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")] = None,
    sector: Sector | None = None,
) -> TownshipsPublic:
    """Per township: projects, workers, money (fen), the owed-weighted 安薪指数 and projects per level."""
    used, rows = township_summaries(session, principal, month=month, sector=sector)
    return TownshipsPublic(month=used, data=[TownshipSummary(**r) for r in rows])
