"""The monthly bulletin (每月通报) of a month: the printable web page, or the Excel workbook.

The bulletin covers the whole city (every sector and township, red enterprises, overdue leads), so only
the human-resources bureau, which issues it, and the administrator read it; an industry bureau reads its
own sector through the listings instead (403 here, as for labor managers and banks). The page and the
workbook are built from one gathered :class:`four_real.bulletin.data.Bulletin`, so they cannot disagree.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import HTMLResponse, Response

from api.deps import EngineDep, roles
from api.problems import PROBLEM_RESPONSES, ApiProblem, problems
from api.routes.oversight import AsOf, day_of
from four_real.access import Principal, Role

router = APIRouter(tags=["bulletin"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONTH = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
Issuer = Annotated[Principal, Depends(roles(Role.hr_bureau, Role.admin))]
FILES: dict[int | str, dict[str, Any]] = {200: {"description": "The bulletin", "content": {
    "text/html": {"schema": {"type": "string"}},
    XLSX: {"schema": {"type": "string", "format": "binary"}},
}}}


@router.get("/bulletins/{month}", response_class=HTMLResponse,
            responses={**FILES, **PROBLEM_RESPONSES, **problems(**{"404": "The month has no reconciled figures"})})
def bulletin(engine: EngineDep, _principal: Issuer, month: Annotated[str, Path(pattern=MONTH)],
             format: Annotated[Literal["html", "xlsx"], Query(description="html (default) or xlsx")] = "html",
             as_of: AsOf = None) -> Response:
    """The bulletin of ``month`` as a self-contained web page (``text/html``) or, with ``format=xlsx``, as
    the workbook; ``as_of`` (default: the day the month was judged) dates its leads and grades."""
    from four_real.bulletin.data import NoFigures, gather

    day = day_of(as_of) if as_of is not None else None
    if not "2000-01" <= month <= "2100-12":
        raise ApiProblem(422, "invalid-request", "月份超出可查询的范围", "month must lie between 2000-01 and 2100-12")
    try:
        gathered = gather(engine, month=month, as_of=day)
    except NoFigures as exc:
        # the detail names no month: a problem never repeats what the request sent
        raise ApiProblem(404, "not-found", "该月没有核查结果", "the month has no reconciled figures") from exc
    if format == "xlsx":
        from four_real.bulletin.xlsx import workbook_bytes

        return Response(workbook_bytes(gathered), media_type=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="bulletin-{month}.xlsx"'})
    from four_real.bulletin.html import render_html

    return HTMLResponse(render_html(gathered))

