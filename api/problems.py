"""Errors as RFC 9457 problem details (``application/problem+json``), the only error shape the API speaks.

Every problem has a stable ``type`` URI (``/problems/<code>``; the codes are listed in docs/api.md), a
``title``, the HTTP ``status``, a bilingual ``detail`` for people (Chinese / English), the ``instance``
(the request path) and the ``request_id`` the logs carry. Nothing else of the request is echoed: a problem
never repeats a submitted value, so it cannot carry another scope's data or a personal number back.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from four_real.access.scopes import NotVisible, OutOfScope
from four_real.intake.guard import Refused

__all__ = ["PROBLEM_RESPONSES", "ApiProblem", "Problem", "add_problem_schema", "install_handlers", "problem_response",
           "problems"]

log = logging.getLogger("four_real.api")
MEDIA_TYPE = "application/problem+json"
TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
          409: "Conflict", 413: "Content Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Content",
          500: "Internal Server Error"}


class Problem(BaseModel):
    """RFC 9457 problem details, with the request id and, for invalid requests, where the input was wrong."""

    type: str = Field(description="A URI naming the kind of problem, e.g. /problems/out-of-scope")
    title: str
    status: int
    detail: str = Field(description="What went wrong, in Chinese and English")
    instance: str | None = None
    request_id: str | None = None
    errors: list[dict[str, Any]] | None = Field(
        default=None, description="For invalid-request: the location and message of each invalid input")


class ApiProblem(Exception):
    """Raised by dependencies and routes to answer with a problem."""

    def __init__(self, status: int, code: str, zh: str, en: str, *, headers: dict[str, str] | None = None) -> None:
        self.status, self.code, self.detail, self.headers = status, code, f"{zh} / {en}", headers
        super().__init__(self.detail)


def problems(**described: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI responses of problem+json only, e.g. ``problems(**{"404": "No such project"})``."""
    content = {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    return {int(status): {"description": text, "content": content} for status, text in described.items()}


PROBLEM_RESPONSES = problems(**{"400": "Malformed body", "401": "No valid token", "403": "Outside the token's scope",
                                "422": "Invalid request"})


def add_problem_schema(app: FastAPI) -> None:
    """Put the Problem schema in the OpenAPI components (responses refer to it by ``$ref`` only, so that
    FastAPI does not also document them as ``application/json``)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = build()
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            schemas["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def problem_response(request: Request, status: int, code: str, detail: str, *,
                     headers: dict[str, str] | None = None, errors: list[dict[str, Any]] | None = None) -> JSONResponse:
    body = Problem(type=f"/problems/{code}", title=TITLES.get(status, "Error"), status=status, detail=detail,
                   instance=request.url.path, request_id=getattr(request.state, "request_id", None), errors=errors)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, headers=headers,
                        media_type=MEDIA_TYPE)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    """Where and why, without the submitted values (they may be personal numbers)."""
    return [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))} for e in exc.errors()]


def install_handlers(app: FastAPI) -> None:
    """Map every exception the API can meet to a problem."""

    @app.exception_handler(ApiProblem)
    async def _api_problem(request: Request, exc: ApiProblem) -> JSONResponse:
        return problem_response(request, exc.status, exc.code, exc.detail, headers=exc.headers)

    @app.exception_handler(Refused)
    async def _refused(request: Request, exc: Refused) -> JSONResponse:
        return problem_response(request, exc.status, exc.code, str(exc))

    @app.exception_handler(OutOfScope)
    async def _out_of_scope(request: Request, exc: OutOfScope) -> JSONResponse:
        return problem_response(request, 403, "out-of-scope",
                                f"超出本账号的权限范围 / outside this token's scope: {exc}")

    @app.exception_handler(NotVisible)
    async def _not_visible(request: Request, _exc: NotVisible) -> JSONResponse:
        return problem_response(request, 404, "not-found", "未找到 / not found")

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return problem_response(request, 422, "invalid-request", "请求参数有误 / the request is invalid",
                                errors=_validation_errors(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
        detail = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, "error")
        return problem_response(request, exc.status_code, code, detail, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # The type only: an exception's message can quote data (a SQL parameter, a cell value).
        log.error("unhandled %s", type(exc).__name__,
                  extra={"request_id": getattr(request.state, "request_id", None)})
        return problem_response(request, 500, "internal-error",
                                "服务器内部错误，已记录 / internal error; it was logged")
