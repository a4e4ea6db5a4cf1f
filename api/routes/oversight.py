"""Enterprise grades, escalation steps and complaint leads (线索), for the human-resources bureau, the
administrator and the industry bureaus (within their sector); labor managers and banks get 403.

Every answer is "as of" a day (default today): the grade in force then, the steps due then, the leads
received by then in the state they were in. Worker ID numbers in leads are masked for every reader.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query

from api.deps import SessionDep, roles
from api.models import (
    EnterpriseGradePublic,
    EnterpriseGradesPublic,
    EscalationPublic,
    EscalationsPublic,
    Grade,
    LeadClosure,
    LeadClosurePublic,
    LeadPublic,
    LeadsPublic,
    Step,
)
from api.problems import PROBLEM_RESPONSES, ApiProblem, problems
from four_real.access import Principal
from four_real.queries import oversight as q
from four_real.queries.oversight import OVERSIGHT_ROLES

router = APIRouter(tags=["oversight"])
Reader = Annotated[Principal, Depends(roles(*OVERSIGHT_ROLES))]
SAFE = r"^[^\x00-\x1f\x7f/]+$"
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
AsOf = Annotated[dt.date | None, Query(description=f"The day asked about (default today; {EARLIEST} to {LATEST})")]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
NOT_FOUND = problems(**{"404": "No such lead in this token's scope"})


def day_of(value: dt.date | None, name: str = "as_of") -> dt.date:
    """The day asked about, within the years the store can hold (a date in year 1 is a client's mistake)."""
    day = value or dt.date.today()
    if not EARLIEST <= day <= LATEST:
        raise ApiProblem(422, "invalid-request", f"{name} 超出可查询的日期范围",
                         f"{name} must lie between {EARLIEST} and {LATEST}")
    return day


@router.get("/enterprises/grades", response_model=EnterpriseGradesPublic, responses=PROBLEM_RESPONSES)
def enterprise_grades(session: SessionDep, principal: Reader, as_of: AsOf = None, grade: Grade | None = None,
                      limit: Limit = 50, offset: Offset = 0) -> EnterpriseGradesPublic:
    """The red/yellow/green grade in force on ``as_of`` of each enterprise in scope (the last half-year
    grade, or an on-demand regrade since), worst first, with the reasons that decided it."""
    day = day_of(as_of)
    page = q.frame_page(q.grades(session, principal, as_of=day, grade=grade), limit=limit, offset=offset)
    fields = EnterpriseGradePublic.model_fields
    return EnterpriseGradesPublic(as_of=day, count=page.count,
                                  data=[EnterpriseGradePublic(**{k: r[k] for k in fields}) for r in page.data])


@router.get("/enterprises/escalations", response_model=EscalationsPublic, responses=PROBLEM_RESPONSES)
def enterprise_escalations(session: SessionDep, principal: Reader, as_of: AsOf = None, step: Step | None = None,
                           limit: Limit = 50, offset: Offset = 0) -> EscalationsPublic:
    """Enterprises in scope due for a step of the three-stage escalation on ``as_of`` (reminder, on-site
    interview, full employment check), the most months first."""
    day = day_of(as_of)
    page = q.frame_page(q.escalations(session, principal, as_of=day, step=step), limit=limit, offset=offset)
    fields = EscalationPublic.model_fields
    return EscalationsPublic(as_of=day, count=page.count, data=[
        EscalationPublic(**{k: r[k] for k in fields if k != "month_list"}, month_list=list(r["month_list"] or []))
        for r in page.data])


@router.get("/leads", response_model=LeadsPublic, responses=PROBLEM_RESPONSES)
def leads(
    session: SessionDep, principal: Reader, as_of: AsOf = None,
    status: Literal["open", "closed"] | None = None,
    overdue: bool | None = None,
    township: Annotated[str | None, Query(min_length=1, max_length=64, pattern=SAFE)] = None,
    source: Literal["local", "national"] | None = None,
    project: Annotated[str | None, Query(min_length=1, max_length=64, pattern=SAFE)] = None,
    limit: Limit = 50, offset: Offset = 0,
) -> LeadsPublic:
    """Complaint leads in scope received on or before ``as_of``, in the order received, with their state on
    that day (a township outside a bureau's scope is 403)."""
    day = day_of(as_of)
    frame = q.leads(session, principal, as_of=day, status=status, overdue=overdue, township=township,
                    source=source, project=project)
    page = q.frame_page(frame, limit=limit, offset=offset)
    return LeadsPublic(as_of=day, count=page.count, data=[LeadPublic(**r) for r in page.data])


@router.get("/leads/closure", response_model=LeadClosurePublic, responses=PROBLEM_RESPONSES)
def lead_closure(session: SessionDep, principal: Reader, as_of: AsOf = None,
                 since: Annotated[dt.date | None, Query(description="Only leads received on or after it")] = None,
                 ) -> LeadClosurePublic:
    """Per township: leads, closed, closed in time, overdue and the closure rate (办结率), over the leads in
    scope received by ``as_of`` (and since ``since``)."""
    day = day_of(as_of)
    start = day_of(since, "since") if since is not None else None
    frame = q.closure(session, principal, as_of=day, since=start)
    rows = q.frame_page(frame, limit=len(frame) or 1, offset=0).data
    return LeadClosurePublic(as_of=day, since=start, data=[LeadClosure(**r) for r in rows])


@router.get("/leads/{lead_id}", response_model=LeadPublic, responses={**PROBLEM_RESPONSES, **NOT_FOUND})
def lead(session: SessionDep, principal: Reader, lead_id: Annotated[int, Path(ge=1, le=2**62)],
         as_of: AsOf = None) -> LeadPublic:
    """One lead as it stood on ``as_of``; outside the scope, not yet received or missing alike: 404."""
    return LeadPublic(**q.lead(session, principal, lead_id, as_of=day_of(as_of)))
