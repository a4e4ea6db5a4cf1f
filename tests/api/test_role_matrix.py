"""Every role against every endpoint, on SQLite and PostgreSQL: each sees exactly its scope.

Allowed requests answer with exactly the rows in scope; a role that does not read a resource gets 403; a
single project outside the scope is 404, the same as one that does not exist; personal numbers are masked
for everyone but the project's own labor manager.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.api.conftest import (
    CARD,
    GRADED_ON,
    GRADES_AS_OF,
    LABOR_FIRM,
    LEAD_WORKER,
    LEADS,
    LEADS_AS_OF,
    PROJECTS,
    ROLES,
    TOWN_A,
    TOWN_B,
    UNKNOWN_FIRM,
    WORKER_ID,
    World,
)

ALL = set(PROJECTS)
# who -> the projects the listing shows (None: 403)
VISIBLE: dict[str | None, set[str] | None] = {
    "labor_manager": {"P-H1"}, "bank": None, "housing": {"P-H1", "P-H2"}, "housing_town_a": {"P-H1"},
    "hr": ALL, "admin": None,
}
MASKED_ID = WORKER_ID[:6] + "********" + WORKER_ID[-4:]
MASKED_CARD = "**** **** **** " + CARD[-4:]


def test_health_needs_no_token(world: World) -> None:
    r = world.get("/v1/health", None)
    assert r.status_code == 200
    assert r.json()["status"] == "ok"
    assert r.json()["database"] in ("sqlite", "postgresql")
    assert r.headers["x-request-id"]


@pytest.mark.parametrize("path", ["/v1/projects", "/v1/projects/P-H1", "/v1/townships", "/v1/feeds", "/v1/tokens",
                                  "/v1/projects/P-H1/months/2025-03", "/v1/enterprises/grades",
                                  "/v1/enterprises/escalations", "/v1/leads", "/v1/leads/closure", "/v1/leads/1",
                                  "/v1/bulletins/2025-03"])
@pytest.mark.parametrize("token", [None, "expired", "fr_not-a-real-token-at-all", "garbage"])
def test_every_data_endpoint_refuses_a_missing_or_bad_token(world: World, path: str, token: str | None) -> None:
    headers = {} if token is None else {"Authorization": f"Bearer {world.tokens.get(token, token)}"}
    r = world.client.get(path, headers=headers)
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["www-authenticate"] == "Bearer"
    assert r.json()["type"] == "/problems/unauthenticated"
    assert set(r.json()) <= {"type", "title", "status", "detail", "instance", "request_id"}


def test_a_revoked_token_stops_working_at_once(world: World) -> None:
    assert world.get("/v1/projects", "hr").status_code == 200
    tokens = world.get("/v1/tokens", "admin").json()["data"]
    hr_id = next(t["id"] for t in tokens if t["label"] == "人社局")
    assert world.client.delete(f"/v1/tokens/{hr_id}", headers=world.as_("admin")).status_code == 204
    assert world.get("/v1/projects", "hr").status_code == 401


@pytest.mark.parametrize("who", ROLES)
def test_project_listing_shows_exactly_the_scope(world: World, who: str) -> None:
    r = world.get("/v1/projects", who, params={"month": "2025-03"})
    expected = VISIBLE[who]
    if expected is None:
        assert r.status_code == 403
        assert r.json()["type"] == "/problems/forbidden-role" or r.json()["type"] == "/problems/out-of-scope"
        return
    assert r.status_code == 200
    body = r.json()
    assert {p["code"] for p in body["data"]} == expected
    assert body["count"] == len(expected)
    assert body["month"] == "2025-03"


@pytest.mark.parametrize(("who", "params", "status", "codes"), [
    ("hr", {"sector": "housing", "level": "red", "month": "2025-03"}, 200, {"P-H1"}),
    ("hr", {"level": "red", "month": "2025-04"}, 200, {"P-H2"}),
    ("hr", {"township": TOWN_B}, 200, {"P-H2", "P-W1"}),  # the latest month by default
    ("housing", {"level": "red", "month": "2025-03"}, 200, {"P-H1"}),  # P-T1 is red too, but transport
    ("housing", {"sector": "water"}, 403, None),  # another sector: refused, not an empty list
    ("housing_town_a", {"township": TOWN_B}, 403, None),
    ("housing_town_a", {"township": TOWN_A, "sector": "housing"}, 200, {"P-H1"}),
    ("labor_manager", {"sector": "water"}, 200, set()),  # its own projects, none of them water
])
def test_listing_filters_stay_within_scope(world: World, who: str, params: dict[str, str], status: int,
                                           codes: set[str] | None) -> None:
    r = world.get("/v1/projects", who, params=params)
    assert r.status_code == status
    if codes is not None:
        assert {p["code"] for p in r.json()["data"]} == codes
    else:
        assert r.json()["type"] == "/problems/out-of-scope"


def test_listing_pages_and_orders_riskiest_first(world: World) -> None:
    first = world.get("/v1/projects", "hr", params={"month": "2025-03", "limit": 2}).json()
    rest = world.get("/v1/projects", "hr", params={"month": "2025-03", "limit": 2, "offset": 2}).json()
    assert first["count"] == rest["count"] == 4
    risks = [p["figures"]["risk_score"] for p in first["data"] + rest["data"]]
    assert risks == sorted(risks, reverse=True)
    assert len({p["code"] for p in first["data"] + rest["data"]}) == 4


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("code", [*sorted(ALL), "NO-SUCH"])
def test_one_project_is_found_only_within_scope(world: World, who: str, code: str) -> None:
    r = world.get(f"/v1/projects/{code}", who)
    expected = VISIBLE[who]
    if expected is None:
        assert r.status_code == 403
    elif code in expected:
        assert r.status_code == 200
        assert r.json()["code"] == code
        assert [m["month"] for m in r.json()["months"]] == ["2025-04", "2025-03"]
    else:  # outside the scope and missing answer alike
        assert r.status_code == 404
        assert r.json() == {**r.json(), "type": "/problems/not-found", "detail": "未找到 / not found"}
        assert code not in r.text.replace(f"/v1/projects/{code}", "")


@pytest.mark.parametrize("who", ROLES)
def test_project_month_masks_personal_numbers_for_all_but_its_labor_manager(world: World, who: str) -> None:
    r = world.get("/v1/projects/P-H1/months/2025-03", who)
    if VISIBLE[who] is None:
        assert r.status_code == 403
        return
    assert r.status_code == 200
    body = r.json()
    assert body["figures"]["level"] == "red"
    (f,) = body["findings"]["data"]
    if who == "labor_manager":
        assert f["worker_id"] == WORKER_ID
        assert CARD in f["message_zh"] and WORKER_ID in f["message_en"]
    else:
        assert f["worker_id"] == MASKED_ID
        assert MASKED_CARD in f["message_zh"] and MASKED_ID in f["message_en"]
        assert WORKER_ID not in r.text and CARD not in r.text


def test_project_month_of_another_scope_or_month_is_not_found(world: World) -> None:
    assert world.get("/v1/projects/P-W1/months/2025-03", "housing").status_code == 404
    assert world.get("/v1/projects/P-H1/months/2025-09", "housing").status_code == 404
    assert world.get("/v1/projects/P-H1/months/2025-13", "housing").status_code == 422


@pytest.mark.parametrize("who", ROLES)
def test_versions_follow_the_project_scope(world: World, who: str) -> None:
    own = world.get("/v1/projects/P-H1/versions", who)
    other = world.get("/v1/projects/P-W1/versions", who)
    expected = VISIBLE[who]
    if expected is None:
        assert own.status_code == other.status_code == 403
        return
    assert own.status_code == (200 if "P-H1" in expected else 404)
    assert other.status_code == (200 if "P-W1" in expected else 404)


@pytest.mark.parametrize(("who", "expected"), [
    ("labor_manager", {TOWN_A: 1}),
    ("housing", {TOWN_A: 1, TOWN_B: 1}),
    ("housing_town_a", {TOWN_A: 1}),
    ("hr", {TOWN_A: 2, TOWN_B: 2}),
    ("bank", None),
    ("admin", None),
])
def test_township_summaries_count_only_projects_in_scope(world: World, who: str,
                                                         expected: dict[str, int] | None) -> None:
    r = world.get("/v1/townships", who, params={"month": "2025-03"})
    if expected is None:
        assert r.status_code == 403
        return
    assert r.status_code == 200
    rows = {t["township"]: t for t in r.json()["data"]}
    assert {k: v["projects"] for k, v in rows.items()} == expected
    if who == "hr":  # 东阳江镇: P-H1 (payable 10,000 yuan, index 90) and P-T1 (30,000 yuan, index 88)
        assert rows[TOWN_A]["payable"] == 1_000_000 + 3_000_000
        assert rows[TOWN_A]["anxin_index"] == round((90 * 1_000_000 + 88 * 3_000_000) / 4_000_000, 1)
        assert rows[TOWN_A]["red"] == 2


@pytest.mark.parametrize("who", ROLES)
def test_tokens_are_for_the_administrator_only(world: World, who: str) -> None:
    listing = world.get("/v1/tokens", who)
    created = world.client.post("/v1/tokens", headers=world.as_(who),
                                json={"label": "新", "role": "hr_bureau"})
    if who == "admin":
        assert listing.status_code == 200
        assert all("token_hash" not in t and "token" not in t for t in listing.json()["data"])
        assert created.status_code == 201
        secret = created.json()["token"]
        assert world.client.get("/v1/projects", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    else:
        assert listing.status_code == created.status_code == 403


def test_a_token_whose_scope_does_not_fit_its_role_is_refused(world: World) -> None:
    r = world.client.post("/v1/tokens", headers=world.as_("admin"), json={"label": "x", "role": "bank"})
    assert r.status_code == 422
    assert r.json()["type"] == "/problems/invalid-scope"


@pytest.mark.parametrize("who", ROLES)
def test_feed_listing_is_for_banks_and_the_hr_bureau(world: World, who: str) -> None:
    r = world.get("/v1/feeds", who)
    assert r.status_code == (200 if who in ("bank", "hr") else 403)


# ---- oversight: enterprise grades, escalation steps, complaint leads, the bulletin ----

JIA, YI, BING = "甲建设集团有限公司", "乙建筑有限公司", "丙水利工程有限公司"
# who -> the enterprises graded/escalated in scope (None: 403): the contractors of the visible projects and
# the employers named by their leads; a lead linked to no project (无名工程队) is the city's only
ENTERPRISES: dict[str, set[str] | None] = {
    "labor_manager": None, "bank": None,
    "housing": {JIA, YI, LABOR_FIRM}, "housing_town_a": {JIA},
    "hr": {JIA, YI, BING, LABOR_FIRM, UNKNOWN_FIRM}, "admin": {JIA, YI, BING, LABOR_FIRM, UNKNOWN_FIRM},
}
# who -> the leads listed on LEADS_AS_OF, by platform number (L-6 was received after it)
LEADS_SEEN: dict[str, set[str] | None] = {
    "labor_manager": None, "bank": None, "housing": {"L-1", "L-2"}, "housing_town_a": {"L-1"},
    "hr": {"L-1", "L-2", "L-3", "L-4", "L-5"}, "admin": {"L-1", "L-2", "L-3", "L-4", "L-5"},
}
MASKED_LEAD_WORKER = LEAD_WORKER[:6] + "********" + LEAD_WORKER[-4:]


def _platform_no(lead: dict[str, object]) -> str:
    """A listed lead's platform number in LEADS, by what the API shows (it does not show the number)."""
    return next(no for no, (_src, received, _c, code, *_rest) in LEADS.items()
                if str(received) == lead["received_on"] and code == lead["project_code"])


def _refused(r, who: str) -> bool:  # type: ignore[no-untyped-def]
    if ENTERPRISES[who] is not None:
        return False
    assert r.status_code == 403, r.text
    assert r.json()["type"] == "/problems/forbidden-role"
    assert "data" not in r.json()
    return True


@pytest.mark.parametrize("who", ROLES)
def test_enterprise_grades_show_exactly_the_enterprises_in_scope(world: World, who: str) -> None:
    r = world.get("/v1/enterprises/grades", who, params={"as_of": str(GRADES_AS_OF)})
    if _refused(r, who):
        return
    assert r.status_code == 200
    body = r.json()
    assert {g["enterprise_name"] for g in body["data"]} == ENTERPRISES[who]
    assert body["count"] == len(ENTERPRISES[who])  # type: ignore[arg-type]
    assert body["as_of"] == str(GRADES_AS_OF)
    grades = {g["enterprise_name"]: g for g in body["data"]}
    if JIA in grades:  # critical findings on its projects: red, inspected monthly, the reason says why
        jia = grades[JIA]
        assert jia["grade"] == "red" and jia["graded_on"] == str(GRADED_ON) and jia["occasion"] == "half_year"
        assert jia["next_inspection"] == "2025-08-01"
        critical = next(x for x in jia["reasons"] if x["input"] == "critical")
        assert critical["verdict"] == "red" and critical["value"] >= 1
    if LABOR_FIRM in grades:  # named by one lead only: yellow on complaints, nothing else judged
        firm = grades[LABOR_FIRM]
        assert firm["grade"] == "yellow" and firm["role"] == "other" and firm["enterprise_uscc"] is None
        assert {x["input"]: x["verdict"] for x in firm["reasons"]}["leads"] == "yellow"
    ranks = [{"red": 0, "yellow": 1, "green": 2}[g["grade"]] for g in body["data"]]
    assert ranks == sorted(ranks)  # worst first


@pytest.mark.parametrize(("grade", "names"), [("red", {JIA, YI, BING}), ("yellow", {LABOR_FIRM, UNKNOWN_FIRM}),
                                              ("green", set())])
def test_enterprise_grades_filter_by_grade_and_page(world: World, grade: str, names: set[str]) -> None:
    r = world.get("/v1/enterprises/grades", "hr", params={"as_of": str(GRADES_AS_OF), "grade": grade})
    assert {g["enterprise_name"] for g in r.json()["data"]} == names
    first = world.get("/v1/enterprises/grades", "hr", params={"as_of": str(GRADES_AS_OF), "limit": 2}).json()
    rest = world.get("/v1/enterprises/grades", "hr",
                     params={"as_of": str(GRADES_AS_OF), "limit": 2, "offset": 2}).json()
    assert first["count"] == rest["count"] == 5
    assert len(first["data"]) == 2 and len(rest["data"]) == 2
    assert not {g["enterprise_key"] for g in first["data"]} & {g["enterprise_key"] for g in rest["data"]}


@pytest.mark.parametrize("who", ROLES)
def test_escalation_steps_show_exactly_the_enterprises_in_scope(world: World, who: str) -> None:
    r = world.get("/v1/enterprises/escalations", who, params={"as_of": str(LEADS_AS_OF)})
    if _refused(r, who):
        return
    assert r.status_code == 200
    steps = {e["enterprise_name"]: (e["months"], e["step"]) for e in r.json()["data"]}
    # 甲: arrears in March and April (due by 15 May) and a lead in May; 乙, 丙: arrears in March and April;
    # the labour firm and the unknown team: one lead each
    expected = {JIA: (3, "full_check"), YI: (2, "interview"), BING: (2, "interview"), LABOR_FIRM: (1, "reminder"),
                UNKNOWN_FIRM: (1, "reminder")}
    assert steps == {k: v for k, v in expected.items() if k in ENTERPRISES[who]}  # type: ignore[operator]
    only = world.get("/v1/enterprises/escalations", who, params={"as_of": str(LEADS_AS_OF), "step": "interview"})
    assert {e["enterprise_name"] for e in only.json()["data"]} == {k for k, (_, step) in steps.items()
                                                                  if step == "interview"}


@pytest.mark.parametrize("who", ROLES)
def test_lead_listing_shows_exactly_the_scope_with_worker_ids_masked(world: World, who: str) -> None:
    r = world.get("/v1/leads", who, params={"as_of": str(LEADS_AS_OF)})
    if _refused(r, who):
        return
    assert r.status_code == 200
    body = r.json()
    assert {_platform_no(x) for x in body["data"]} == LEADS_SEEN[who]
    assert body["count"] == len(LEADS_SEEN[who])  # type: ignore[arg-type]
    assert all(x["worker_id"] == MASKED_LEAD_WORKER for x in body["data"])
    assert LEAD_WORKER not in r.text
    state = {_platform_no(x): (x["status"], x["overdue"]) for x in body["data"]}
    expected = {"L-1": ("open", True), "L-2": ("closed", False), "L-3": ("open", False), "L-4": ("closed", True),
                "L-5": ("open", True)}
    assert state == {k: v for k, v in expected.items() if k in state}


@pytest.mark.parametrize(("who", "params", "status", "seen"), [
    ("hr", {"status": "open"}, 200, {"L-1", "L-3", "L-5"}),
    ("hr", {"overdue": "true"}, 200, {"L-1", "L-4", "L-5"}),
    ("hr", {"township": TOWN_B}, 200, {"L-2", "L-4"}),
    ("hr", {"source": "national"}, 200, {"L-2"}),
    ("hr", {"project": "P-T1"}, 200, {"L-3"}),
    ("housing", {"project": "P-T1"}, 200, set()),  # another sector's project: nothing of it
    ("housing", {"overdue": "false"}, 200, {"L-2"}),
    ("housing_town_a", {"township": TOWN_B}, 403, None),  # a township outside the token: refused
    ("housing_town_a", {"township": TOWN_A}, 200, {"L-1"}),
])
def test_lead_filters_stay_within_scope(world: World, who: str, params: dict[str, str], status: int,
                                        seen: set[str] | None) -> None:
    r = world.get("/v1/leads", who, params={"as_of": str(LEADS_AS_OF), **params})
    assert r.status_code == status
    if seen is None:
        assert r.json()["type"] == "/problems/out-of-scope"
    else:
        assert {_platform_no(x) for x in r.json()["data"]} == seen


def test_a_lead_is_listed_only_once_received(world: World) -> None:
    before = world.get("/v1/leads", "hr", params={"as_of": "2025-04-09"}).json()
    assert {_platform_no(x) for x in before["data"]} == {"L-1", "L-4"}
    later = world.get("/v1/leads", "hr", params={"as_of": "2025-06-30"}).json()
    assert "L-6" in {_platform_no(x) for x in later["data"]}


@pytest.mark.parametrize("who", ROLES)
def test_one_lead_is_found_only_within_scope(world: World, who: str) -> None:
    listed = world.get("/v1/leads", "hr", params={"as_of": str(LEADS_AS_OF)}).json()["data"]
    for item in listed:
        r = world.get(f"/v1/leads/{item['lead_id']}", who, params={"as_of": str(LEADS_AS_OF)})
        if _refused(r, who):
            continue
        if _platform_no(item) in LEADS_SEEN[who]:  # type: ignore[operator]
            assert r.status_code == 200
            assert r.json() == item
        else:  # outside the scope and missing answer alike
            assert r.status_code == 404
            assert r.json()["type"] == "/problems/not-found"
    missing = world.get("/v1/leads/999999", who, params={"as_of": str(LEADS_AS_OF)})
    assert missing.status_code == (403 if ENTERPRISES[who] is None else 404)


@pytest.mark.parametrize(("who", "expected"), [
    # township: (leads, closed, closed in time, overdue); L-4 closed late, L-2 in time, L-1 and L-5 overdue
    ("hr", {TOWN_A: (2, 0, 0, 1), TOWN_B: (2, 2, 1, 1), "吴宁街道": (1, 0, 0, 1)}),
    ("admin", {TOWN_A: (2, 0, 0, 1), TOWN_B: (2, 2, 1, 1), "吴宁街道": (1, 0, 0, 1)}),
    ("housing", {TOWN_A: (1, 0, 0, 1), TOWN_B: (1, 1, 1, 0)}),
    ("housing_town_a", {TOWN_A: (1, 0, 0, 1)}),
    ("labor_manager", None),
    ("bank", None),
])
def test_lead_closure_counts_only_leads_in_scope(world: World, who: str,
                                                 expected: dict[str, tuple[int, int, int, int]] | None) -> None:
    r = world.get("/v1/leads/closure", who, params={"as_of": str(LEADS_AS_OF)})
    if expected is None:
        assert r.status_code == 403
        return
    assert r.status_code == 200
    rows = {t["township"]: t for t in r.json()["data"]}
    assert {k: (v["leads"], v["closed"], v["closed_in_time"], v["overdue"]) for k, v in rows.items()} == expected
    assert all(v["closure_rate"] == v["closed"] / v["leads"] for v in rows.values())
    since = world.get("/v1/leads/closure", who, params={"as_of": str(LEADS_AS_OF), "since": "2025-04-02"}).json()
    assert sum(t["leads"] for t in since["data"]) == sum(
        1 for no in LEADS_SEEN[who] or () if dt.date(2025, 4, 2) <= LEADS[no][1] <= LEADS_AS_OF)


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("fmt", ["html", "xlsx"])
def test_the_bulletin_is_for_the_hr_bureau_and_the_administrator(world: World, who: str, fmt: str) -> None:
    r = world.get("/v1/bulletins/2025-04", who, params={"format": fmt, "as_of": str(LEADS_AS_OF)})
    if who not in ("hr", "admin"):
        assert r.status_code == 403
        assert r.json()["type"] == "/problems/forbidden-role"
        return
    assert r.status_code == 200
    if fmt == "html":
        assert r.headers["content-type"].startswith("text/html")
        assert "2025" in r.text and "P-H2" in r.text  # April's red project is among the riskiest
        assert LEAD_WORKER not in r.text and WORKER_ID not in r.text and CARD not in r.text
    else:
        import io

        from openpyxl import load_workbook

        assert r.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
        assert 'filename="bulletin-2025-04.xlsx"' in r.headers["content-disposition"]
        book = load_workbook(io.BytesIO(r.content), read_only=True)
        cells = " ".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row
                         if c is not None)
        assert "P-H2" in cells
        assert LEAD_WORKER not in cells and WORKER_ID not in cells


def test_the_bulletin_of_a_month_never_judged_is_not_found(world: World) -> None:
    r = world.get("/v1/bulletins/2024-01", "hr")
    assert r.status_code == 404
    assert r.json()["type"] == "/problems/not-found"
    assert world.get("/v1/bulletins/2024-13", "hr").status_code == 422
    assert world.get("/v1/leads", "hr", params={"as_of": "0001-01-01"}).status_code == 422
