"""Request ids and structured logs, as one pure ASGI middleware (no per-request task or body copying).

Each request gets an id: the caller's ``X-Request-ID`` when it is a short token of safe characters, else
a new one; it is returned in the response's ``X-Request-ID`` and put in every problem body. Each request
is logged once, as one JSON object: id, method, the route's *template* (``/v1/projects/{code}``, never the
filled path or the query string, which may carry names or numbers), status, duration and the token's id
and role. Bodies, headers and query values are never logged, so no personal data can reach a log.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["BodySizeLimit", "JsonFormatter", "RequestContext", "configure_logging"]

log = logging.getLogger("four_real.api.access")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the record's extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"), "level": record.levelname,
                               "logger": record.name, "message": record.getMessage()}
        out.update({k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")})
        return json.dumps(out, ensure_ascii=False, default=str)


def configure_logging(level: int = logging.INFO) -> None:
    """JSON lines on stderr for the service's loggers (uvicorn's own access log is switched off by serve)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    for name in ("four_real", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False


class RequestContext:
    """Sets ``request.state.request_id``, echoes it as ``X-Request-ID`` and logs one line per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v.decode("latin-1") for k, v in scope.get("headers", ()) if k == b"x-request-id"), "")
        request_id = given if _SAFE_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route = scope.get("route")
            principal = scope["state"].get("principal")
            log.info("request", extra={
                "request_id": request_id, "method": scope.get("method"),
                "route": getattr(route, "path", None) or "(unmatched)", "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "token_id": getattr(principal, "token_id", None),
                "role": getattr(getattr(principal, "role", None), "value", None)})


class BodySizeLimit:
    """Refuse a request whose declared ``Content-Length`` exceeds the limit with 413, before reading its body.

    (A chunked body has no declared length; the upload routes cap what they read from it.)
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            declared = next((v for k, v in scope.get("headers", ()) if k == b"content-length"), b"")
            if declared.isdigit() and int(declared) > self.max_bytes:
                await self._refuse(scope, send)
                return
        await self.app(scope, receive, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        mb = self.max_bytes / (1024 * 1024)
        body = json.dumps({
            "type": "/problems/upload-too-large", "title": "Content Too Large", "status": 413,
            "detail": f"请求超过上传上限 {mb:.0f} MB，未入库 / the request exceeds the upload limit of {mb:.0f} MB; "
                      "nothing was stored",
            "instance": scope.get("path"), "request_id": scope.get("state", {}).get("request_id")},
            ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": 413, "headers": [
            (b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode()),
            (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
