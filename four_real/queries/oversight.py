"""Enterprise grades, escalation steps and complaint leads, as each principal may see them.

The oversight core (``four_real.oversight``) answers for the whole city in frames; this module cuts those
frames down to a principal's scope before anything leaves the service:
- the human-resources bureau and the administrator see everything;
- an industry bureau sees the projects of its sector (and townships, when its token names some), so the
  leads linked to those projects and the enterprises answering for them: their general contractors, the
  subcontractors on their rosters and the employers named by their leads. A lead that links to no project
  belongs to no sector and is the city's alone;
- every other role reads none of it (the route refuses it before coming here).
The visible projects come from the same SQL predicate as every project read
(:func:`four_real.access.project_filter`); the cut is one ``isin`` per frame, never a loop over rows.

An enterprise's grade and escalation step are judged on all of its projects (they are a verdict on the
enterprise, not on a project); a bureau that sees the enterprise sees that verdict and its reasons.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from four_real.access.masking import mask_id
from four_real.access.roles import Principal, Role
from four_real.access.scopes import NotVisible, OutOfScope, project_filter
from four_real.queries.pages import Page
from four_real.store.models import Project
from four_real.store.models.oversight import Lead

__all__ = ["OVERSIGHT_ROLES", "check_oversight_filters", "closure", "escalations", "frame_page", "grades", "lead",
           "leads", "visible_enterprises", "visible_projects"]

OVERSIGHT_ROLES = (Role.hr_bureau, Role.admin, Role.industry_bureau)
_p = Project.__table__  # type: ignore[attr-defined]
_lead = Lead.__table__  # type: ignore[attr-defined]


def _all_seeing(principal: Principal) -> bool:
    return principal.role in (Role.hr_bureau, Role.admin)


def check_oversight_filters(principal: Principal, *, township: str | None = None) -> None:
    """Refuse a township filter outside an industry bureau's townships (403, not an empty list)."""
    if principal.role not in OVERSIGHT_ROLES:
        raise OutOfScope(f"role {principal.role.value} does not read oversight data")
    if (principal.role is Role.industry_bureau and township is not None and principal.townships
            and township not in principal.townships):
        raise OutOfScope(f"township {township} is outside this token's scope")


def visible_projects(session: Session, principal: Principal) -> set[str] | None:
    """The codes of the projects the principal sees; None for everything."""
    if _all_seeing(principal):
        return None
    if principal.role is not Role.industry_bureau:
        return set()
    where = project_filter(principal, code=_p.c.code, sector=_p.c.sector, township=_p.c.township)
    return set(session.execute(select(_p.c.code).where(where)).scalars())


def visible_enterprises(session: Session, principal: Principal, projects: set[str] | None = None) -> set[str] | None:
    """The enterprise keys answering for the visible projects (general contractors, subcontractors on their
    rosters, employers named by their leads); None for every enterprise."""
    from four_real.oversight.enterprises import general_contractors, subcontractors

    projects = visible_projects(session, principal) if projects is None else projects
    if projects is None:
        return None
    if not projects:
        return set()
    codes = list(projects)
    keys: set[str] = set()
    gc = general_contractors(session)
    keys |= set(gc.loc[gc["project_code"].isin(codes), "enterprise_key"].dropna())
    subs = subcontractors(session)
    keys |= set(subs.loc[subs["project_code"].isin(codes), "enterprise_key"].dropna())
    named = session.execute(select(_lead.c.enterprise_key).where(_lead.c.project_code.in_(codes),
                                                                 _lead.c.enterprise_key.is_not(None)).distinct())
    keys |= set(named.scalars())
    return keys


def _native(value: Any) -> Any:
    """A frame cell as a plain Python value (NA, NaT and NaN become None)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


def frame_page(frame: pd.DataFrame, *, limit: int, offset: int) -> Page:
    """One page of a frame's rows, as plain dicts, and how many rows it has in all."""
    part = frame.iloc[offset:offset + limit]
    rows = [{k: _native(v) for k, v in r.items()} for r in part.to_dict("records")]
    return Page(rows, len(frame))


def _by_enterprise(session: Session, principal: Principal, frame: pd.DataFrame) -> pd.DataFrame:
    keys = visible_enterprises(session, principal)
    return frame if keys is None else frame[frame["enterprise_key"].isin(list(keys))]


def grades(session: Session, principal: Principal, *, as_of: dt.date, grade: str | None = None) -> pd.DataFrame:
    """The grades in force on ``as_of`` of the enterprises in scope, worst first."""
    from four_real.oversight.grading import current_grades

    frame = _by_enterprise(session, principal, current_grades(session, as_of))
    if grade is not None:
        frame = frame[frame["grade"].eq(grade)]
    return frame.reset_index(drop=True)


def escalations(session: Session, principal: Principal, *, as_of: dt.date, step: str | None = None) -> pd.DataFrame:
    """The enterprises in scope due for an escalation step on ``as_of``, the highest steps first."""
    from four_real.oversight.escalation import escalation_list

    frame = _by_enterprise(session, principal, escalation_list(session, as_of))
    if step is not None:
        frame = frame[frame["step"].eq(step)]
    return frame.reset_index(drop=True)


def _scoped_leads(session: Session, principal: Principal, as_of: dt.date) -> pd.DataFrame:
    """The lead table on ``as_of`` cut to the scope, with the worker's ID number masked and name added
    (read from the lead rows: the core's table carries no worker identity)."""
    from four_real.oversight.leads import lead_table

    frame = lead_table(session, as_of)
    projects = visible_projects(session, principal)
    if projects is not None:
        frame = frame[frame["project_code"].isin(list(projects))]
    ids = [int(i) for i in frame["lead_id"]]
    workers = pd.DataFrame(session.execute(select(_lead.c.id, _lead.c.worker_name, _lead.c.worker_id)
                                           .where(_lead.c.id.in_(ids))).all() if ids else [],
                           columns=["lead_id", "worker_name", "worker_id"])
    workers["worker_id"] = workers["worker_id"].map(lambda v: mask_id(v) if isinstance(v, str) and v else None)
    return frame.merge(workers, on="lead_id", how="left").reset_index(drop=True)


def leads(session: Session, principal: Principal, *, as_of: dt.date, status: str | None = None,
          overdue: bool | None = None, township: str | None = None, source: str | None = None,
          project: str | None = None) -> pd.DataFrame:
    """Leads received on or before ``as_of`` in scope, in the order received, with their state on that day."""
    check_oversight_filters(principal, township=township)
    frame = _scoped_leads(session, principal, as_of)
    if status is not None:
        frame = frame[frame["status"].eq(status)]
    if overdue is not None:
        frame = frame[frame["overdue"].eq(overdue)]
    if township is not None:
        frame = frame[frame["township"].eq(township)]
    if source is not None:
        frame = frame[frame["source"].eq(source)]
    if project is not None:
        frame = frame[frame["project_code"].eq(project)]
    return frame.reset_index(drop=True)


def lead(session: Session, principal: Principal, lead_id: int, *, as_of: dt.date) -> dict[str, Any]:
    """One lead in scope as it stood on ``as_of``; :class:`NotVisible` for one outside the scope, received
    after ``as_of`` or missing (the three look alike)."""
    frame = _scoped_leads(session, principal, as_of)
    hit = frame[frame["lead_id"].eq(lead_id)]
    if hit.empty:
        raise NotVisible(str(lead_id))
    return frame_page(hit, limit=1, offset=0).data[0]


def closure(session: Session, principal: Principal, *, as_of: dt.date, since: dt.date | None = None) -> pd.DataFrame:
    """Per township, the leads in scope received since ``since`` (all when None): how many, closed, closed
    in time, overdue, and the closure rate (closed ÷ leads, 0–1). For the whole city this is
    ``four_real.oversight.leads.closure_by_township``; for a bureau the same sums over its own leads."""
    from four_real.oversight.leads import CLOSURE_COLUMNS, UNKNOWN, closure_by_township

    if visible_projects(session, principal) is None:
        return closure_by_township(session, as_of, since=since)
    frame = _scoped_leads(session, principal, as_of)
    if since is not None:
        frame = frame[pd.to_datetime(frame["received_on"]) >= pd.Timestamp(since)]
    work = frame.assign(township=frame["township"].fillna(UNKNOWN).astype("str"),
                        closed=frame["status"].eq("closed"),
                        closed_in_time=frame["status"].eq("closed") & ~frame["overdue"].astype(bool))
    out = (work.groupby("township", sort=True)
           .agg(leads=("lead_id", "size"), closed=("closed", "sum"), closed_in_time=("closed_in_time", "sum"),
                overdue=("overdue", "sum"))
           .reset_index())
    for col in ("leads", "closed", "closed_in_time", "overdue"):
        out[col] = out[col].astype("int64")
    out["closure_rate"] = (out["closed"] / out["leads"]).astype("float64") if len(out) else pd.Series(
        dtype="float64")
    return out[CLOSURE_COLUMNS]
