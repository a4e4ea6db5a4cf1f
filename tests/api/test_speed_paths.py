"""The shortcuts the busiest paths take stay as strict as the slow way: the project listing serialises rows
itself (exactly the public fields, nothing of the store's other columns), and verified tokens are cached
for a few seconds (a revocation through the API is at once, any other within the cache's seconds).
"""

from __future__ import annotations

import datetime as dt
import time

from fastapi.testclient import TestClient
from sqlalchemy import update

from api.main import create_app
from api.models import Figures, ProjectListItem, ProjectsPublic
from four_real.access import revoke_token
from four_real.store.db import session_scope
from four_real.store.models.access import ApiToken
from tests.api.conftest import PROJECTS, World


def test_the_listing_carries_exactly_the_public_fields(world: World) -> None:
    r = world.get("/v1/projects", "hr", params={"month": "2025-03"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    body = r.json()
    ProjectsPublic.model_validate(body)  # as documented
    assert len(body["data"]) == len(PROJECTS)
    for item in body["data"]:
        assert set(item) == set(ProjectListItem.model_fields)
        assert set(item["figures"]) == set(Figures.model_fields)
    assert "wage_account" not in r.text and "run_id" not in r.text


def test_a_month_without_figures_lists_projects_without_them(world: World) -> None:
    body = world.get("/v1/projects", "hr", params={"month": "2024-01"}).json()
    assert body["count"] == len(PROJECTS) and all(p["figures"] is None for p in body["data"])


def test_a_token_revoked_outside_the_process_stops_within_the_cache_seconds(world: World) -> None:
    with TestClient(create_app(engine=world.engine, token_cache_seconds=0.5)) as client:
        headers = world.as_("housing")
        assert client.get("/v1/projects", headers=headers).status_code == 200
        with session_scope(world.engine) as s:  # as `four-real token revoke` does, unseen by the app
            assert revoke_token(s, prefix=world.tokens["housing"][:12]) == 1
        time.sleep(0.6)
        assert client.get("/v1/projects", headers=headers).status_code == 401


def test_without_the_cache_a_revocation_anywhere_is_at_once(world: World) -> None:
    with TestClient(create_app(engine=world.engine, token_cache_seconds=0)) as client:
        headers = world.as_("housing")
        assert client.get("/v1/projects", headers=headers).status_code == 200
        with session_scope(world.engine) as s:
            revoke_token(s, prefix=world.tokens["housing"][:12])
        assert client.get("/v1/projects", headers=headers).status_code == 401


def test_refusals_are_never_cached(world: World) -> None:
    with TestClient(create_app(engine=world.engine, token_cache_seconds=60)) as client:
        headers = world.as_("expired")
        assert client.get("/v1/projects", headers=headers).status_code == 401
        t = ApiToken.__table__  # type: ignore[attr-defined]
        with session_scope(world.engine) as s:  # extended: the store decides again at the next request
            s.execute(update(t).where(t.c.prefix == world.tokens["expired"][:12])
                      .values(expires_at=dt.datetime(2100, 1, 1, tzinfo=dt.UTC)))
        assert client.get("/v1/projects", headers=headers).status_code == 200
