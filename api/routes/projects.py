"""Projects by sector, township, level and month; one project with its months; one project-month with its
figures and findings; a project's data versions. Each answers within the token's scope, in SQL."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from pydantic_core import to_json
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api.convert import finding
from api.deps import CurrentPrincipal, EngineDep, SessionDep
from api.models import (
    Figures,
    FindingsPublic,
    HistoryPublic,
    Level,
    ProjectDetailPublic,
    ProjectMonthPublic,
    ProjectPublic,
    ProjectsPublic,
    Sector,
    VersionPublic,
)
from api.problems import PROBLEM_RESPONSES, problems
from four_real.access import NotVisible, Principal, check_filters, unmasked_for
from four_real.queries.projects import get_project, list_projects, project_month_detail
from four_real.store.history import version_history

router = APIRouter(tags=["projects"])
SAFE = r"^[^\x00-\x1f\x7f/]+$"
MONTH = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
Code = Annotated[str, Path(min_length=1, max_length=64, pattern=SAFE)]
Month = Annotated[str, Path(pattern=MONTH)]
NOT_FOUND = problems(**{"404": "No such project in this token's scope"})
PROJECT_FIELDS = list(ProjectPublic.model_fields)
FIGURE_FIELDS = list(Figures.model_fields)


def _listing(engine: Engine, principal: Principal, **filters: Any) -> bytes:
    """The listing's JSON, with its own session: the one thread hop of the request."""
    with Session(engine) as session:
        # a read of one statement (page and total together; before it the default month, after it the total
        # of a page past the end) needs no transaction: autocommit spares a BEGIN and a ROLLBACK round trip
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        used, page = list_projects(session, principal, **filters)
    items = []
    for row in page.data:
        item = {k: row[k] for k in PROJECT_FIELDS}
        item["figures"] = None if row["pm_month"] is None else {k: row[f"pm_{k}"] for k in FIGURE_FIELDS}
        items.append(item)
    return to_json({"month": used, "data": items, "count": page.count})


@router.get("/projects", response_model=ProjectsPublic, responses=PROBLEM_RESPONSES)
async def projects(
    engine: EngineDep, principal: CurrentPrincipal,
    sector: Sector | None = None,
    township: Annotated[str | None, Query(min_length=1, max_length=64, pattern=SAFE)] = None,
    level: Level | None = None,
    month: Annotated[str | None, Query(pattern=MONTH, description="Default: the latest scored month")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    """Visible projects with the month's figures, riskiest first (``level`` keeps that month's level only).

    The busiest read of the service (the sector's red projects), so it is lean: the query, the session and
    the serialisation run in one worker-thread call; the rows are cut to exactly the fields of the public
    models and serialised once by pydantic-core, and the response model documents them.
    """
    body = await run_in_threadpool(_listing, engine, principal, sector=sector, township=township, level=level,
                                   month=month, limit=limit, offset=offset)
    return Response(body, media_type="application/json")


@router.get("/projects/{code}", response_model=ProjectDetailPublic, responses={**PROBLEM_RESPONSES, **NOT_FOUND})
def project(session: SessionDep, principal: CurrentPrincipal, code: Code) -> ProjectDetailPublic:
    """A project and its figures for every scored month."""
    check_filters(principal)
    detail = get_project(session, principal, code)
    return ProjectDetailPublic(**{k: detail.project[k] for k in PROJECT_FIELDS},
                               months=[Figures(**m) for m in detail.months])


@router.get("/projects/{code}/months/{month}", response_model=ProjectMonthPublic,
            responses={**PROBLEM_RESPONSES, **NOT_FOUND})
def project_month(
    session: SessionDep, principal: CurrentPrincipal, code: Code, month: Month,
    status: Literal["open", "resolved"] | None = None,
    severity: Literal["critical", "high", "medium", "low"] | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ProjectMonthPublic:
    """One project-month: figures and its findings, most severe first; worker IDs masked unless the reader
    is the project's own labor manager."""
    check_filters(principal)
    proj, figures, page = project_month_detail(session, principal, code, month, status=status, severity=severity,
                                               limit=limit, offset=offset)
    full = unmasked_for(principal, code)
    return ProjectMonthPublic(project=ProjectPublic(**{k: proj[k] for k in PROJECT_FIELDS}),
                              figures=Figures(**figures),
                              findings=FindingsPublic(data=[finding(r, full=full) for r in page.data],
                                                      count=page.count))


@router.get("/projects/{code}/versions", response_model=HistoryPublic, responses={**PROBLEM_RESPONSES, **NOT_FOUND})
def project_versions(session: SessionDep, principal: CurrentPrincipal, code: Code) -> HistoryPublic:
    """Every stored version of the project's data, with what each correction changed."""
    check_filters(principal)
    try:
        get_project(session, principal, code)
    except NotVisible:
        if not unmasked_for(principal, code):  # a labor manager's project may have data before its file
            raise
    versions = version_history(session, project_code=code)
    return HistoryPublic(data=[VersionPublic(**{k: v for k, v in v.as_dict().items()
                                                if k in VersionPublic.model_fields}) for v in versions])
