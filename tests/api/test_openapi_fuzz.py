"""Property-based testing of the OpenAPI document (schemathesis) against the app in-process: no generated
request, valid or not, may cause a server error or a response that breaks the documented schema.

The app runs on a seeded store, once on SQLite and once on PostgreSQL, with the human-resources bureau's
token (it reads everything), so the read endpoints answer with data (projects, findings, leads, grades, the
bulletin), and the endpoints of other roles answer their documented 403.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from api.main import create_app
from fixtures.data import ProjectData
from four_real.store.db import make_engine
from tests.api.conftest import issue_tokens, seed, seed_oversight

# What the acceptance asks: no server error, and every response as documented (status, media type, headers,
# body). Left out: schemathesis' opinions on requests (unknown query parameters are ignored, as HTTP allows;
# an empty file is refused although the schema cannot say "non-empty"), and 405's Allow header, which
# Starlette computes per route.
CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_headers_conformance, checks.response_schema_conformance]

# Loaded at import from an app whose engine is swapped for the seeded store before any test runs
# (schemathesis' ``from_fixture`` loader does not work with this pytest; the document needs no database).
APP = create_app(url="sqlite://")
schema = schemathesis.openapi.from_asgi("/v1/openapi.json", APP)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("pg", marks=pytest.mark.postgres)])
def hr_token(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
             h1_data: ProjectData) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("fuzz") / "store.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        url = f"sqlite:///{path.as_posix()}"
    else:  # the module's own migrated PostgreSQL database (nothing else in this module uses it)
        url = request.getfixturevalue("_pg_module_url")
    engine = make_engine(url)
    placeholder = APP.state.engine
    try:
        seed(engine, h1_data)
        seed_oversight(engine)
        tokens = issue_tokens(engine, h1_data)
        APP.state.engine = engine
        yield tokens["hr"]
    finally:
        APP.state.engine = placeholder
        engine.dispose()


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_responses_match_the_schema(case, hr_token: str) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate(headers={"Authorization": f"Bearer {hr_token}"}, checks=CHECKS)
