"""A labor manager's monthly files for a project (multipart): roster, attendance, payroll, bank results,
account statement, project file; the kind is recognised from the content."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from api.convert import upload_receipt
from api.deps import CurrentPrincipal, EngineDep
from api.models import UploadReceipt
from api.problems import PROBLEM_RESPONSES, ApiProblem
from api.routes.limits import UPLOAD_RESPONSES, read_capped
from four_real.access import may_upload, unmasked_for
from four_real.intake import receive_upload

router = APIRouter(tags=["uploads"])
CODE = Path(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f/]+$")
MONTH = r"^[0-9]{4}-(0[1-9]|1[0-2])$"


@router.post("/projects/{code}/uploads", response_model=UploadReceipt, status_code=201,
             responses={**PROBLEM_RESPONSES, **UPLOAD_RESPONSES,
                        200: {"model": UploadReceipt, "description": "Identical content already stored"}})
async def upload_file(
    response: Response, engine: EngineDep, principal: CurrentPrincipal,
    code: Annotated[str, CODE],
    file: Annotated[UploadFile, File(description="xlsx, xls, ods or csv/txt")],
    month: Annotated[str | None, Form(pattern=MONTH, description="Wage month for sheets that name none")] = None,
) -> UploadReceipt:
    """Store one file for a project: 201 when stored, 200 when identical content was already there."""
    if not may_upload(principal, code):
        raise ApiProblem(403, "out-of-scope", "无权为该项目上传文件", "this token may not upload for this project")
    data = await read_capped(file)
    receipt = await run_in_threadpool(receive_upload, engine, principal, project_code=code, data=data,
                                      filename=file.filename or "upload", month=month)
    if receipt.status == "forbidden":
        raise ApiProblem(403, "out-of-scope", receipt.message_zh, receipt.message_en)
    if receipt.status != "stored" and receipt.status != "unchanged":
        raise ApiProblem(422, "not-stored", receipt.message_zh, receipt.message_en)
    response.status_code = 201 if receipt.status == "stored" else 200
    return upload_receipt(receipt, full=unmasked_for(principal, code))
