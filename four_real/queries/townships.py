"""Township summaries of one month, over the projects the principal sees, aggregated in the database.

The 安薪指数 of a township is the owed-weighted mean of its project-months (rules.md "Indices"), 100 when
nothing is owed; projects are counted per level. A township the principal sees no project of is absent.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select
from sqlmodel import Session

from four_real.access.roles import Principal
from four_real.access.scopes import check_filters, project_filter
from four_real.queries.projects import latest_month
from four_real.store.models import Project, ProjectMonth

__all__ = ["township_summaries"]

_p = Project.__table__  # type: ignore[attr-defined]
_pm = ProjectMonth.__table__  # type: ignore[attr-defined]


def township_summaries(session: Session, principal: Principal, *, month: str | None = None,
                       sector: str | None = None) -> tuple[str | None, list[dict[str, Any]]]:
    """One row per township (alphabetical) for ``month`` (default: the latest scored month)."""
    check_filters(principal, sector=sector)
    month = month or latest_month(session)
    township = func.coalesce(_p.c.township, "unknown")
    query = (select(township.label("township"), func.count().label("projects"),
                    func.coalesce(func.sum(_pm.c.workers), 0).label("workers"),
                    func.coalesce(func.sum(_pm.c.payable), 0).label("payable"),
                    func.coalesce(func.sum(_pm.c.paid), 0).label("paid"),
                    func.coalesce(func.sum(_pm.c.unpaid), 0).label("unpaid"),
                    func.coalesce(func.sum(_pm.c.underpaid), 0).label("underpaid"),
                    func.sum(_pm.c.anxin_index * _pm.c.payable).label("weighted"),
                    *[func.sum(case((_pm.c.level == lv, 1), else_=0)).label(lv) for lv in ("red", "yellow", "green")])
             .select_from(_pm.join(_p, _p.c.code == _pm.c.project_code))
             .where((_pm.c.month == month)
                    & project_filter(principal, code=_p.c.code, sector=_p.c.sector, township=_p.c.township))
             .group_by(township).order_by(township))
    if sector is not None:
        query = query.where(_p.c.sector == sector)
    out = []
    for row in session.execute(query).mappings():
        item = {k: row[k] for k in ("township", "projects", "red", "yellow", "green")}
        item |= {k: int(row[k]) for k in ("workers", "payable", "paid", "unpaid", "underpaid")}
        payable = item["payable"]
        item["anxin_index"] = round(float(row["weighted"] or 0) / payable, 1) if payable > 0 else 100.0
        out.append(item)
    return month, out
