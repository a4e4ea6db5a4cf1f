"""Repository-wide test configuration: the `postgres` marker.

Tests that need the PostgreSQL server (FOUR_REAL_TEST_PG) are marked `postgres` so a developer without a
server can leave them out explicitly with ``-m "not postgres"``. They are never skipped: CI runs them and a
server that does not answer fails the run. The marker is added here from the fixtures a test uses, so no
test can forget it.
"""

from __future__ import annotations

import pytest

# Fixtures of tests/store/conftest.py that reach the PostgreSQL server.
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
