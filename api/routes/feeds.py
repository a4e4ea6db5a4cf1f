"""Bank batch feeds: pushed by the bank that paid them, idempotent by (bank code, batch).

The same bytes again answer 200 with the stored version and change nothing; other content under the same
identity is 409 unless sent with ``correction=true``, which stores a new version superseding the old one
(every version stays readable under ``/feeds/{bank_code}/{batch_id}``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Path, Query, Response, UploadFile
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api.convert import feed_version, receipt_fields
from api.deps import EngineDep, SessionDep, roles
from api.models import FeedHistory, FeedReceipt, FeedsPublic
from api.problems import PROBLEM_RESPONSES, ApiProblem, problems
from api.routes.limits import UPLOAD_RESPONSES, read_capped
from four_real.access import Principal, Role
from four_real.intake import receive_feed
from four_real.queries.feeds import feed_versions, list_feeds

router = APIRouter(tags=["feeds"])
SAFE = r"^[^\x00-\x1f\x7f/]+$"
_conflict = problems(**{"409": "Same batch, other content, not sent as a correction"})


@router.post("/feeds", response_model=FeedReceipt, status_code=201,
             responses={**PROBLEM_RESPONSES, **UPLOAD_RESPONSES, **_conflict,
                        200: {"model": FeedReceipt, "description": "The same feed again: nothing changed"}})
async def push_feed(
    response: Response, engine: EngineDep, principal: Annotated[Principal, Depends(roles(Role.bank))],
    file: Annotated[UploadFile, File(description="The batch feed: H|…, D|…, T|… lines")],
    correction: Annotated[bool, Form(description="Replace a batch already received with this content")] = False,
) -> FeedReceipt:
    """Store a batch feed: 201 for a new batch or a correction, 200 for a resend of the same feed."""
    data = await read_capped(file)
    outcome = await run_in_threadpool(receive_feed, engine, principal, data=data,
                                      filename=file.filename or "feed.txt", correction=correction)
    receipt = outcome.receipt
    if receipt.status == "refused":
        raise ApiProblem(409, "feed-conflict", receipt.message_zh, receipt.message_en)
    if receipt.status not in ("stored", "unchanged"):
        raise ApiProblem(422, "not-stored", receipt.message_zh, receipt.message_en)
    with Session(engine) as session:
        versions = feed_versions(session, principal, bank_code=outcome.bank_code, batch_id=outcome.batch_id)
    response.status_code = 201 if receipt.status == "stored" else 200
    return FeedReceipt(**receipt_fields(receipt, full=False), feed=feed_version(versions[-1]))


@router.get("/feeds", response_model=FeedsPublic, responses=PROBLEM_RESPONSES)
def feeds(session: SessionDep, principal: Annotated[Principal, Depends(roles(Role.bank, Role.hr_bureau))],
          limit: Annotated[int, Query(ge=1, le=500)] = 50,
          offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> FeedsPublic:
    """The current version of each batch the bank sent (every bank's, for the human-resources bureau)."""
    page = list_feeds(session, principal, limit=limit, offset=offset)
    return FeedsPublic(data=[feed_version(r) for r in page.data], count=page.count)


@router.get("/feeds/{bank_code}/{batch_id}", response_model=FeedHistory,
            responses={**PROBLEM_RESPONSES, **problems(**{"404": "No such batch in scope"})})
def feed_history(session: SessionDep,
                 principal: Annotated[Principal, Depends(roles(Role.bank, Role.hr_bureau))],
                 bank_code: Annotated[str, Path(max_length=32, pattern=SAFE)],
                 batch_id: Annotated[str, Path(max_length=64, pattern=SAFE)]) -> FeedHistory:
    """Every version of one batch, oldest first: corrections keep the history."""
    return FeedHistory(data=[feed_version(r) for r in feed_versions(session, principal, bank_code=bank_code,
                                                                     batch_id=batch_id)])
