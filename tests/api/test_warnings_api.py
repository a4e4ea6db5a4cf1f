"""Warnings through HTTP: each role lists exactly its scope's warnings; bureaus work them within scope;
a move the lifecycle does not allow is 409 and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert, select

from four_real.store.db import session_scope
from four_real.store.models import ReconciliationRun
from four_real.store.models.warnings import WageWarning
from tests.api.conftest import PROJECTS, ROLES, World

VISIBLE = {"labor_manager": {"P-H1"}, "housing": {"P-H1", "P-H2"}, "housing_town_a": {"P-H1"}, "hr": set(PROJECTS),
           "bank": None, "admin": None}


@pytest.fixture
def warned(world: World) -> dict[str, int]:
    """One open warning per project (March), routed to the project's sector and township."""
    ids = {}
    with session_scope(world.engine) as s:
        run = s.execute(select(ReconciliationRun.id)).scalar_one()
        for code, (sector, town, *_levels) in PROJECTS.items():
            ids[code] = s.execute(insert(WageWarning.__table__).values(  # type: ignore[attr-defined]
                project_code=code, month="2025-03", rule_group="real_card", sector=sector, township=town,
                severity="critical", status="open", rules="CARD-SHARED", findings=1, amount=320000,
                opened_on=dt.date(2025, 4, 20), deadline=dt.date(2025, 5, 20), first_run_id=run, last_run_id=run,
            ).returning(WageWarning.__table__.c.id)).scalar_one()  # type: ignore[attr-defined]
    return ids


@pytest.mark.parametrize("who", ROLES)
def test_each_role_lists_exactly_its_scopes_warnings(world: World, warned: dict[str, int], who: str) -> None:
    r = world.get("/v1/warnings", who)
    if VISIBLE[who] is None:
        assert r.status_code == 403
        return
    assert r.status_code == 200
    assert {w["project_code"] for w in r.json()["data"]} == VISIBLE[who]
    assert r.json()["count"] == len(VISIBLE[who])
    for code, wid in warned.items():
        one = world.get(f"/v1/warnings/{wid}", who)
        assert one.status_code == (200 if code in VISIBLE[who] else 404)


@pytest.mark.parametrize("who", ROLES)
def test_only_bureaus_act_and_only_within_scope(world: World, warned: dict[str, int], who: str) -> None:
    own = world.client.post(f"/v1/warnings/{warned['P-H1']}/acknowledge", headers=world.as_(who),
                            json={"note": "已签收"})
    other = world.client.post(f"/v1/warnings/{warned['P-W1']}/urge", headers=world.as_(who))
    if who in ("housing", "housing_town_a", "hr"):
        assert own.status_code == 200
        assert own.json()["status"] == "acknowledged"
        assert other.status_code == (200 if who == "hr" else 404)
    else:
        assert own.status_code == other.status_code == 403


def test_lifecycle_through_http_with_audit_trail(world: World, warned: dict[str, int]) -> None:
    wid = warned["P-H1"]
    post = lambda action, **body: world.client.post(  # noqa: E731
        f"/v1/warnings/{wid}/{action}", headers=world.as_("housing"), json=body or None)
    assert post("acknowledge").status_code == 200
    again = post("acknowledge")
    assert again.status_code == 409
    assert again.json()["type"] == "/problems/transition-not-allowed"
    assert post("urge", note="请尽快").json()["urge_count"] == 1
    assert post("close").status_code == 422  # closing needs a note
    assert post("resolve", note="已补发").json()["status"] == "resolved"
    trail = world.get(f"/v1/warnings/{wid}/events", "housing").json()["data"]
    assert [e["action"] for e in trail][-3:] == ["acknowledged", "urged", "resolved"]
    assert all(e["actor"] == "住建局" for e in trail[-3:])
