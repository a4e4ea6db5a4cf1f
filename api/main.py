"""The app factory: ``create_app()`` serves the store of DATABASE_URL (or the embedded SQLite file);
tests and the benchmark pass their own URL or engine.

Routes live under ``/v1`` (one module per resource in :mod:`api.routes`); the OpenAPI document is at
``/v1/openapi.json`` and the interactive docs at ``/v1/docs``.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from sqlalchemy import Engine

from api.deps import TOKEN_CACHE_SECONDS, TokenCache
from api.middleware import BodySizeLimit, RequestContext
from api.problems import add_problem_schema, install_handlers
from api.routes import feeds, health, projects, tokens, townships, uploads
from api.routes.limits import MULTIPART_OVERHEAD
from four_real.settings import get_settings
from four_real.store.db import make_engine

__all__ = ["PREFIX", "create_app"]

log = logging.getLogger("four_real.api")
PREFIX = "/v1"
# Connections per worker: one per request in flight (FastAPI's thread pool runs up to 40); a connection
# beyond the pool is opened and closed per request, which costs PostgreSQL a process fork each time.
POOL_SIZE = 20
# Resources whose core modules are built by others; each router is added once its module exists.
OPTIONAL_ROUTERS = ("api.routes.warnings", "api.routes.oversight", "api.routes.bulletin")

DESCRIPTION = """Payroll compliance (四实) for the four user groups: labor managers upload their projects' monthly
files, banks push batch feeds, industry bureaus read their sector, the human-resources bureau reads everything.
Every request carries a bearer token; every answer stays within the token's scope. Errors are RFC 9457
problem details. Money is integer fen."""


def create_app(*, url: str | None = None, engine: Engine | None = None,
               token_cache_seconds: float = TOKEN_CACHE_SECONDS) -> FastAPI:
    """An app on ``engine`` (or a new engine on ``url``, else the configured store). The schema is not
    migrated here: ``four-real serve`` does that once before starting workers.

    The app's own engine does not ping a connection before each use (a round trip per request): a
    connection the server dropped fails one request, and the pool then replaces all of its connections."""
    own_engine = engine is None
    engine = engine if engine is not None else make_engine(url, pre_ping=False, pool_size=POOL_SIZE)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if own_engine:
            engine.dispose()

    app = FastAPI(title="four-real 四实", version="1", description=DESCRIPTION, lifespan=lifespan,
                  openapi_url=f"{PREFIX}/openapi.json", docs_url=f"{PREFIX}/docs", redoc_url=None)
    app.state.engine = engine
    app.state.token_cache = TokenCache(token_cache_seconds)
    install_handlers(app)
    add_problem_schema(app)
    router = APIRouter(prefix=PREFIX)
    for module in (health, uploads, feeds, projects, townships, tokens):
        router.include_router(module.router)
    for name in OPTIONAL_ROUTERS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # its core module is not in the tree yet
            if exc.name and (exc.name == name or not exc.name.startswith("api.")):
                log.info("router %s not available: %s", name, exc.name)
                continue
            raise
        router.include_router(module.router)
    app.include_router(router)
    app.add_middleware(BodySizeLimit, max_bytes=get_settings().upload_max_bytes + MULTIPART_OVERHEAD)
    app.add_middleware(RequestContext)
    return app
