"""Reading warnings: lists for the API and the CLI, counts for the monthly bulletin, the audit trail.

Everything filters on indexed columns of the warning itself (sector, township, status, month,
project_code), so "warnings of my sector" and "all warnings" (人社) are one indexed query each. Whether a
warning is overdue depends on the date asked about, so it is computed here (``deadline < as_of`` while
open or acknowledged), never stored as a flag that would go stale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy import and_, case, func, literal, select
from sqlmodel import Session

from four_real.store.models.warnings import (
    WageWarning,
    WageWarningEvent,
    WageWarningEventPublic,
    WageWarningPublic,
    WageWarningsPublic,
)
from four_real.warnings.policy import LIVE_STATUSES
from four_real.warnings.routing import bureaus

__all__ = ["count_warnings", "get_warning", "list_warnings", "warning_counts", "warning_events",
           "warnings_page"]

W = WageWarning.__table__  # type: ignore[attr-defined]
E = WageWarningEvent.__table__  # type: ignore[attr-defined]
COUNT_COLUMNS = ["sector", "township", "severity", "status", "overdue", "count"]


def _many(value: str | Sequence[str] | None) -> list[str] | None:
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value)


def _overdue(as_of: dt.date) -> Any:
    return and_(W.c.status.in_(LIVE_STATUSES), W.c.deadline < as_of)


def _filters(*, sector: str | Sequence[str] | None, township: str | Sequence[str] | None,
             status: str | Sequence[str] | None, month: str | Sequence[str] | None,
             project_codes: Sequence[str] | None, overdue: bool | None, as_of: dt.date) -> list[Any]:
    where: list[Any] = []
    for column, value in ((W.c.sector, sector), (W.c.township, township), (W.c.status, status),
                          (W.c.month, month), (W.c.project_code, project_codes)):
        values = _many(value)
        if values is not None:
            where.append(column.in_(values))
    if overdue is True:
        where.append(_overdue(as_of))
    elif overdue is False:
        where.append(~_overdue(as_of))
    return where


def list_warnings(session: Session, *, sector: str | Sequence[str] | None = None,
                  township: str | Sequence[str] | None = None, status: str | Sequence[str] | None = None,
                  month: str | Sequence[str] | None = None, project_codes: Sequence[str] | None = None,
                  limit: int = 50, offset: int = 0, as_of: dt.date | None = None,
                  overdue: bool | None = None) -> list[WageWarningPublic]:
    """Warnings matching every filter given (None: no filter; a list: any of), most severe and oldest
    deadline first; ``overdue`` in each is as of ``as_of`` (default today)."""
    day = as_of or dt.date.today()
    where = _filters(sector=sector, township=township, status=status, month=month, project_codes=project_codes,
                     overdue=overdue, as_of=day)
    severity_order = case((W.c.severity == "critical", 0), else_=1)
    stmt = (select(W, _overdue(day).label("is_overdue")).where(*where)
            .order_by(severity_order, W.c.deadline, W.c.id).limit(limit).offset(offset))
    return [_public(row._mapping) for row in session.connection().execute(stmt)]


def count_warnings(session: Session, *, sector: str | Sequence[str] | None = None,
                   township: str | Sequence[str] | None = None, status: str | Sequence[str] | None = None,
                   month: str | Sequence[str] | None = None, project_codes: Sequence[str] | None = None,
                   as_of: dt.date | None = None, overdue: bool | None = None) -> int:
    """How many warnings :func:`list_warnings` would page through with the same filters."""
    where = _filters(sector=sector, township=township, status=status, month=month, project_codes=project_codes,
                     overdue=overdue, as_of=as_of or dt.date.today())
    return int(session.connection().execute(select(func.count()).select_from(W).where(*where)).scalar_one())


def warnings_page(session: Session, *, limit: int = 50, offset: int = 0, **filters: Any) -> WageWarningsPublic:
    """One page and the total: the ``XsPublic(data, count)`` the API returns."""
    return WageWarningsPublic(data=list_warnings(session, limit=limit, offset=offset, **filters),
                              count=count_warnings(session, **filters))


def get_warning(session: Session, warning_id: int, *, as_of: dt.date | None = None) -> WageWarningPublic | None:
    day = as_of or dt.date.today()
    row = session.connection().execute(
        select(W, _overdue(day).label("is_overdue")).where(W.c.id == warning_id)).first()
    return _public(row._mapping) if row is not None else None


def warning_events(session: Session, warning_id: int) -> list[WageWarningEventPublic]:
    """The audit trail of one warning, in the order it happened."""
    rows = session.connection().execute(select(E).where(E.c.warning_id == warning_id).order_by(E.c.at, E.c.id))
    return [WageWarningEventPublic.model_validate(dict(r._mapping)) for r in rows]


def _public(mapping: Any) -> WageWarningPublic:
    values = dict(mapping)
    values["overdue"] = bool(values.pop("is_overdue"))
    values["bureaus"] = bureaus(values.get("sector"))
    return WageWarningPublic.model_validate(values)


def warning_counts(session: Session, month: str | None = None, as_of: dt.date | None = None) -> pd.DataFrame:
    """Warnings counted by sector, township, severity, status and whether overdue as of ``as_of`` (default
    today), for one wage month or all: columns [sector, township, severity, status, overdue, count]. Sector
    and township are None where the project has none; only combinations that occur appear."""
    day = as_of or dt.date.today()
    overdue = case((_overdue(day), literal(True)), else_=literal(False)).label("overdue")
    keys = [W.c.sector, W.c.township, W.c.severity, W.c.status, overdue]
    stmt = select(*keys, func.count().label("count")).group_by(*keys)
    if month is not None:
        stmt = stmt.where(W.c.month == month)
    rows = session.connection().execute(stmt).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=COUNT_COLUMNS)
    frame = frame.astype({"severity": "str", "status": "str", "overdue": "bool", "count": "int64"})
    return frame.sort_values(["sector", "township", "severity", "status", "overdue"], na_position="last",
                             ignore_index=True)
