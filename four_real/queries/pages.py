"""One page of a listing and the total it was cut from (``XsPublic(data, count)`` of the API)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlmodel import Session

__all__ = ["Page", "fetch_page"]


@dataclass(frozen=True, slots=True)
class Page:
    data: list[dict[str, Any]]
    count: int


def fetch_page(session: Session, query: Select[Any], *, limit: int, offset: int) -> Page:
    """The rows of ``query`` from ``offset`` (at most ``limit``), and how many it has in all.

    The total rides on the page's rows as a window count, so a page costs one query; only a page past the
    end (no row to carry the total) costs a second one.
    """
    counted = query.add_columns(func.count().over().label("_total"))
    result = session.execute(counted.limit(limit).offset(offset))
    keys = list(result.keys())[:-1]
    rows = result.all()  # plain tuples: a mapping per row costs more than the query on a busy listing
    if rows:
        count = int(rows[0][-1])
    else:
        count = int(session.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one())
    return Page([dict(zip(keys, row, strict=False)) for row in rows], count)
