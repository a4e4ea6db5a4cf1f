"""Projects, their monthly figures and findings, as each principal may see them.

Listing joins the project register to the figures of one month (the latest scored month when none is
asked for), so "the housing sector's red projects in March" is one indexed query: ``project_month
(month, level)`` narrows to the month's red rows, the join keeps the sector's. A project outside the scope
is :class:`NotVisible`, the same answer as a project that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlmodel import Session

from four_real.access.roles import Principal
from four_real.access.scopes import NotVisible, check_filters, project_filter
from four_real.queries.pages import Page, fetch_page
from four_real.store.models import Finding, Project, ProjectMonth

__all__ = ["FIGURES", "ProjectDetail", "get_project", "latest_month", "list_projects", "project_month_detail"]

_p = Project.__table__  # type: ignore[attr-defined]
_pm = ProjectMonth.__table__  # type: ignore[attr-defined]
_f = Finding.__table__  # type: ignore[attr-defined]
PROJECT = ["code", "name", "sector", "township", "contractor", "contractor_uscc"]
FIGURES = ["month", "due_date", "status", "workers", "payable", "paid", "unpaid", "unpaid_own", "underpaid",
           "anxin_index", "risk_score", "level", "critical", "high", "medium", "low", "as_of"]
_PROJECT_COLUMNS = [_p.c[name] for name in PROJECT]
_FIGURE_COLUMNS = [_pm.c[name].label(f"pm_{name}") for name in FIGURES]  # built once: listing is the busiest read
FINDING = ["id", "rule", "pillar", "severity", "month", "worker_id", "worker_name", "amount", "message_zh",
           "message_en", "basis", "evidence", "status", "first_seen_at", "resolved_at"]


def _scope(principal: Principal) -> Any:
    return project_filter(principal, code=_p.c.code, sector=_p.c.sector, township=_p.c.township)


def latest_month(session: Session) -> str | None:
    """The latest month with figures (the default month of listings)."""
    return session.execute(select(func.max(_pm.c.month))).scalar()


def list_projects(session: Session, principal: Principal, *, sector: str | None = None,
                  township: str | None = None, level: str | None = None, month: str | None = None,
                  limit: int = 50, offset: int = 0) -> tuple[str | None, Page]:
    """Visible projects with their figures for ``month``, riskiest first; with ``level``, only the projects
    of that level in that month. Returns the month used and the page."""
    check_filters(principal, sector=sector, township=township)
    month = month or latest_month(session)
    query = (select(*_PROJECT_COLUMNS, *_FIGURE_COLUMNS)
             .select_from(_p.outerjoin(_pm, and_(_pm.c.project_code == _p.c.code, _pm.c.month == month)))
             .where(_scope(principal))
             .order_by(_pm.c.risk_score.desc().nulls_last(), _p.c.code))
    if sector is not None:
        query = query.where(_p.c.sector == sector)
    if township is not None:
        query = query.where(_p.c.township == township)
    if level is not None:
        query = query.where(_pm.c.level == level)
    return month, fetch_page(session, query, limit=limit, offset=offset)


@dataclass(frozen=True, slots=True)
class ProjectDetail:
    project: dict[str, Any]
    months: list[dict[str, Any]]


def get_project(session: Session, principal: Principal, code: str) -> ProjectDetail:
    """A visible project with its figures for every scored month, newest first."""
    if not principal.reads_projects:
        raise NotVisible(code)
    row = session.execute(select(_p).where((_p.c.code == code) & _scope(principal))).mappings().first()
    if row is None:
        raise NotVisible(code)
    months = session.execute(select(*[_pm.c[name] for name in FIGURES]).where(_pm.c.project_code == code)
                             .order_by(_pm.c.month.desc())).mappings().all()
    return ProjectDetail(dict(row), [dict(m) for m in months])


def project_month_detail(session: Session, principal: Principal, code: str, month: str, *,
                         status: str | None = None, severity: str | None = None, limit: int = 100,
                         offset: int = 0) -> tuple[dict[str, Any], dict[str, Any], Page]:
    """One visible project-month: the project, its figures and a page of its findings (most severe first)."""
    detail = get_project(session, principal, code)
    figures = next((m for m in detail.months if m["month"] == month), None)
    if figures is None:
        raise NotVisible(f"{code} {month}")
    severity_rank = case({"critical": 0, "high": 1, "medium": 2, "low": 3}, value=_f.c.severity, else_=4)
    query = (select(*[_f.c[name] for name in FINDING]).where((_f.c.project_code == code) & (_f.c.month == month))
             .order_by(severity_rank, _f.c.rule, _f.c.id))
    if status is not None:
        query = query.where(_f.c.status == status)
    if severity is not None:
        query = query.where(_f.c.severity == severity)
    return detail.project, figures, fetch_page(session, query, limit=limit, offset=offset)

