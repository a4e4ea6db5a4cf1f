"""Bank feeds through HTTP: the same feed twice is one record, a conflicting resend is 409, a correction
supersedes and keeps the history; a bank pushes only its own feeds and reads only its own."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from four_real.store.models import BankFeed
from tests.api.conftest import ROLES, World, feed_file


def push(world: World, who: str, data: bytes, *, correction: bool = False):  # type: ignore[no-untyped-def]
    return world.client.post("/v1/feeds", headers=world.as_(who), files={"file": ("回单.txt", data, "text/plain")},
                             data={"correction": "true"} if correction else {})


def versions(world: World) -> list[tuple[int, bool, bool]]:
    with world.engine.connect() as c:
        rows = c.execute(select(BankFeed.version, BankFeed.is_correction, BankFeed.superseded_at)
                         .order_by(BankFeed.version)).all()
    return [(v, bool(k), s is None) for v, k, s in rows]


def test_the_same_feed_twice_creates_one_record(world: World) -> None:
    data = feed_file(world.project, world.files / "f.txt").read_bytes()
    first = push(world, "bank", data)
    assert first.status_code == 201, first.text
    assert first.json()["feed"]["version"] == 1 and first.json()["feed"]["current"]
    before = world.counts()
    again = push(world, "bank", data)
    assert again.status_code == 200
    assert again.json()["status"] == "unchanged"
    assert again.json()["feed"]["version"] == 1
    assert world.counts() == before
    assert versions(world) == [(1, False, True)]


def test_a_conflicting_resend_is_409_and_a_correction_supersedes_with_history(world: World) -> None:
    original = feed_file(world.project, world.files / "f.txt").read_bytes()
    changed = feed_file(world.project, world.files / "g.txt", raise_first_by=10_000).read_bytes()
    assert push(world, "bank", original).status_code == 201
    before = world.counts()

    conflict = push(world, "bank", changed)
    assert conflict.status_code == 409
    assert conflict.headers["content-type"] == "application/problem+json"
    assert conflict.json()["type"] == "/problems/feed-conflict"
    assert world.counts() == before

    corrected = push(world, "bank", changed, correction=True)
    assert corrected.status_code == 201
    assert corrected.json()["feed"]["version"] == 2 and corrected.json()["feed"]["is_correction"]
    assert versions(world) == [(1, False, False), (2, True, True)]

    feed = corrected.json()["feed"]
    history = world.get(f"/v1/feeds/{feed['bank_code']}/{feed['batch_id']}", "bank")
    assert history.status_code == 200
    assert [(v["version"], v["current"]) for v in history.json()["data"]] == [(1, False), (2, True)]
    assert push(world, "bank", changed, correction=True).status_code == 200  # the correction resent: unchanged


@pytest.mark.parametrize("who", [*ROLES, "other_bank"])
def test_only_the_bank_named_in_the_header_pushes_its_feed(world: World, who: str) -> None:
    data = feed_file(world.project, world.files / "f.txt").read_bytes()
    before = world.counts()
    r = push(world, who, data)
    if who == "bank":
        assert r.status_code == 201
        return
    assert r.status_code == 403
    assert world.counts() == before


def test_a_bank_reads_only_its_own_feeds(world: World) -> None:
    data = feed_file(world.project, world.files / "f.txt").read_bytes()
    feed = push(world, "bank", data).json()["feed"]
    path = f"/v1/feeds/{feed['bank_code']}/{feed['batch_id']}"
    assert world.get(path, "bank").status_code == 200
    assert world.get(path, "other_bank").status_code == 404
    assert world.get(path, "hr").status_code == 200
    assert world.get(path, "housing").status_code == 403
    assert world.get("/v1/feeds", "bank").json()["count"] == 1
    assert world.get("/v1/feeds", "other_bank").json()["count"] == 0
    payer = world.project.wage_account
    assert payer and payer not in world.get("/v1/feeds", "bank").text  # the account is masked


def test_a_spreadsheet_is_not_a_feed(world: World) -> None:
    r = push(world, "bank", "姓名,金额\n张三,100\n".encode())
    assert r.status_code == 415
    assert r.json()["type"] == "/problems/not-a-feed"


def test_a_feed_whose_totals_disagree_is_refused_whole(world: World) -> None:
    data = feed_file(world.project, world.files / "f.txt").read_text().splitlines()
    data[-1] = data[-1].rsplit("|", 1)[0] + "|1.00"
    before = world.counts()
    r = push(world, "bank", ("\n".join(data) + "\n").encode())
    assert r.status_code == 422
    assert r.json()["type"] == "/problems/invalid-feed"
    assert world.counts() == before
