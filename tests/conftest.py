"""Repository-wide test configuration: the `postgres` marker.

Tests that need the PostgreSQL server (FOUR_REAL_TEST_PG) are marked `postgres` so a developer without a
server can leave them out explicitly with ``-m "not postgres"``. They are never skipped: CI runs them and a
server that does not answer fails the run. The marker is added here from the fixtures a test uses, so no
test can forget it.
"""

from __future__ import annotations

import pytest

# The database fixtures (both backends) serve every test folder: store, pipeline, warnings, API.
from tests.db_fixtures import (  # noqa: F401  (pytest finds fixtures by name in this module)
    _pg_module_url,
    _sqlite_template,
    db_url,
    engine,
    fresh_pg_url,
    pg_admin_url,
    pg_url,
)

# Fixtures of tests/db_fixtures.py that reach the PostgreSQL server.
PG_FIXTURES = frozenset({"pg_admin_url", "pg_url", "fresh_pg_url"})


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "postgres: needs the PostgreSQL server of FOUR_REAL_TEST_PG; fails (never skips) when it is down",
    )


@pytest.hookimpl(tryfirst=True)  # before `-m` deselection looks at the marks
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        uses_pg = PG_FIXTURES & set(getattr(item, "fixturenames", ())) or params.get("db_url") == "postgresql"
        if uses_pg:
            item.add_marker(pytest.mark.postgres)
