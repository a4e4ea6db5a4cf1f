"""Health: the service answers and its store is reachable at the expected schema (no token needed)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import EngineDep
from api.models import Health
from four_real.store.schema import current_revision

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
def health(engine: EngineDep) -> Health:
    return Health(status="ok", database=engine.dialect.name, revision=current_revision(engine))
