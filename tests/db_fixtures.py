"""Databases for store and pipeline tests, on both backends: SQLite (the embedded default) and PostgreSQL.

Fixtures
- ``db_url``: the URL of a migrated, empty database; parametrised ``[sqlite]`` / ``[pg]``.
- ``engine``: an engine on ``db_url`` (so a test taking ``engine`` runs once per backend).
- ``pg_url``: a migrated, empty PostgreSQL database URL, for tests that open their own connections from
  several threads or processes (concurrency). Shares the module's database with ``engine[pg]``.
- ``fresh_pg_url``: a brand-new, never-migrated PostgreSQL database (migration tests), dropped afterwards.
- ``pg_admin_url``: the server of FOUR_REAL_TEST_PG, checked to answer.

Cost, and what a test may rely on
- SQLite: migrated once per session into a template file, copied per test (about a millisecond).
- PostgreSQL: one database per test module (``four_real_t_<random>``, created on the FOUR_REAL_TEST_PG
  server, migrated with `four_real.store.schema.upgrade`, dropped with the module). Between tests every
  table that has rows is truncated (``RESTART IDENTITY``). Tables start empty; ids usually start at 1 but a
  rolled-back insert can advance a sequence, so do not assert on ids.
- Close what you open: the truncation waits at most 10 s for locks, then fails naming the cause.

PostgreSQL tests never skip. When the server does not answer they fail with the URL and how to set
FOUR_REAL_TEST_PG; ``-m "not postgres"`` leaves them out explicitly (a developer choice, never CI's).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.pool import NullPool

from four_real.settings import normalise_url
from four_real.store.db import make_engine
from four_real.store.schema import upgrade

PG_ENV = "FOUR_REAL_TEST_PG"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DB_PREFIX = "four_real_t_"


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _admin_engine(url: str) -> Engine:
    return create_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    """The PostgreSQL server for tests, checked once: unreachable is a failure, never a skip."""
    url = normalise_url(os.environ.get(PG_ENV) or PG_DEFAULT)
    engine = _admin_engine(url)
    problem = None
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # reported below, outside the handler, without the driver's traceback
        problem = f"{type(exc).__name__}: {str(exc).strip()[:300]}"
    finally:
        engine.dispose()
    if problem:
        pytest.fail(
            f"PostgreSQL is not reachable at {_shown(url)}: {problem}\n"
            f"Start the server, or set {PG_ENV} to a server where this user may CREATE DATABASE, e.g. "
            f"{PG_ENV}=postgresql+psycopg://postgres@127.0.0.1:5432/test. Without a server, leave these tests "
            f'out explicitly with -m "not postgres" (CI never does).',
            pytrace=False,
        )
    return url


def _create_database(admin_url: str) -> str:
    name = DB_PREFIX + uuid.uuid4().hex[:12]
    engine = _admin_engine(admin_url)
    try:
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _drop_database(admin_url: str, url: str) -> None:
    """Drop a test database, ending whatever connections a test left behind."""
    name = make_url(url).database
    assert name and name.startswith(DB_PREFIX), name  # never anything but our own databases
    engine = _admin_engine(admin_url)
    try:
        with engine.connect() as connection:
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                {"name": name},
            )
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    finally:
        engine.dispose()


@pytest.fixture
def fresh_pg_url(pg_admin_url: str) -> Iterator[str]:
    """An empty PostgreSQL database that has never been migrated."""
    url = _create_database(pg_admin_url)
    try:
        yield url
    finally:
        _drop_database(pg_admin_url, url)


@pytest.fixture(scope="module")
def _pg_module_url(pg_admin_url: str) -> Iterator[str]:
    url = _create_database(pg_admin_url)
    try:
        upgrade(url)
        yield url
    finally:
        _drop_database(pg_admin_url, url)


def _truncate_pg(url: str) -> None:
    """Empty every table that has rows (the schema and alembic_version stay)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            tables = connection.execute(
                text(
                    "SELECT quote_ident(tablename) FROM pg_tables "
                    "WHERE schemaname = current_schema() AND tablename <> 'alembic_version'"
                )
            ).scalars().all()
            if not tables:
                return
            has_rows = " OR ".join(f"EXISTS (SELECT 1 FROM {t})" for t in tables)
            if not connection.execute(text(f"SELECT {has_rows}")).scalar():
                return
            connection.execute(text("SET LOCAL lock_timeout = '10s'"))
            try:
                connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            except Exception as exc:
                raise RuntimeError(
                    "could not empty the test database between tests: a test left a transaction open "
                    "(close sessions and connections, dispose engines you create)"
                ) from exc
    finally:
        engine.dispose()


@pytest.fixture
def pg_url(_pg_module_url: str) -> Iterator[str]:
    """A migrated, empty PostgreSQL database for tests that open their own connections."""
    yield _pg_module_url
    _truncate_pg(_pg_module_url)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    engine = make_engine(f"sqlite:///{path.as_posix()}")
    try:
        upgrade(engine)
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the main file
    finally:
        engine.dispose()
    return path


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="pg", marks=pytest.mark.postgres),
    ]
)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "store-test.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        return f"sqlite:///{path.as_posix()}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on a migrated, empty database, once per backend (`test_x[sqlite]`, `test_x[pg]`)."""
    engine = make_engine(db_url)
    try:
        yield engine
    finally:
        engine.dispose()
