"""Scope predicates: what a principal may see, as SQL filters, and the checks a request's own filters pass.

Every read of project data goes through :func:`project_filter`, so "a bureau sees its sector" is one
WHERE clause in the database, not a loop over rows in Python, and a query can never forget it. A filter
that a request asks for explicitly and that lies outside the scope (a housing bureau asking for water) is
refused with :class:`OutOfScope` rather than answered with an empty list, so a client learns of its mistake;
a single project outside the scope is reported as not found (:class:`NotVisible`), exactly like a project
that does not exist, so nobody learns what exists beyond their scope.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false, true

from four_real.access.roles import Principal, Role

__all__ = ["NotVisible", "OutOfScope", "check_filters", "may_upload", "project_filter", "unmasked_for"]


class OutOfScope(Exception):
    """A request outside the principal's scope (403): says what was refused, never what exists."""


class NotVisible(Exception):
    """A single resource outside the scope, or missing: the two are indistinguishable (404)."""


def project_filter(principal: Principal, *, code: ColumnElement[Any], sector: ColumnElement[Any],
                   township: ColumnElement[Any]) -> ColumnElement[bool]:
    """The WHERE clause selecting the projects the principal sees, over the given columns.

    ``code`` may be the project-month's own project code, so a labor manager sees the figures of its
    projects even before their project file arrived; a bureau's scope needs the project's sector.
    """
    if principal.role is Role.hr_bureau:
        return true()
    if principal.role is Role.labor_manager:
        return code.in_(list(principal.projects))
    if principal.role is Role.industry_bureau:
        clause = sector == principal.sector
        if principal.townships:
            clause = clause & township.in_(list(principal.townships))
        return clause
    return false()


def check_filters(principal: Principal, *, sector: str | None = None, township: str | None = None,
                  project: str | None = None) -> None:
    """Refuse filters outside the scope; raises :class:`OutOfScope`."""
    if not principal.reads_projects:
        raise OutOfScope(f"role {principal.role.value} does not read project data")
    if principal.role is Role.industry_bureau:
        if sector is not None and sector != principal.sector:
            raise OutOfScope(f"sector {sector} is outside this token's scope")
        if township is not None and principal.townships and township not in principal.townships:
            raise OutOfScope(f"township {township} is outside this token's scope")
    if principal.role is Role.labor_manager and project is not None and project not in principal.projects:
        raise OutOfScope(f"project {project} is outside this token's scope")


def may_upload(principal: Principal, project_code: str) -> bool:
    """A labor manager uploads for its own projects; an administrator registers any project."""
    if principal.role is Role.admin:
        return True
    return principal.role is Role.labor_manager and project_code in principal.projects


def unmasked_for(principal: Principal, project_code: str | None) -> bool:
    """Only the project's own labor manager reads its workers' ID numbers, cards and phones in full."""
    return principal.role is Role.labor_manager and project_code is not None and project_code in principal.projects
