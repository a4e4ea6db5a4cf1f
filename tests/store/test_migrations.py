"""The schema comes from the Alembic migrations, on SQLite and PostgreSQL alike, and equals the models.

If `test_migrated_schema_matches_the_models` fails after a model change, write the migration:
``alembic -x url=sqlite:////tmp/empty.db upgrade head`` then
``alembic -x url=sqlite:////tmp/empty.db revision --autogenerate -m "<intent>"`` and review it by hand.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import BigInteger, DateTime, Engine, inspect, text
from sqlmodel import SQLModel

import four_real.store.models  # noqa: F401  (registers every table)
from four_real.store.db import make_engine, session_scope
from four_real.store.models import Upload
from four_real.store.schema import (
    SchemaError,
    alembic_config,
    current_revision,
    downgrade,
    ensure_schema,
    head_revision,
    upgrade,
)

REPO = Path(__file__).resolve().parents[2]
TABLES = set(SQLModel.metadata.tables)


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="pg", marks=pytest.mark.postgres),
    ]
)
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a database with no tables at all."""
    if request.param == "sqlite":
        url = f"sqlite:///{(tmp_path / 'empty.db').as_posix()}"
    else:
        url = request.getfixturevalue("fresh_pg_url")
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def _differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, SQLModel.metadata))


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_there_is_one_head_and_the_revisions_form_one_line() -> None:
    from alembic.script import ScriptDirectory

    from four_real.store.schema import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    chain = [rev.revision for rev in script.walk_revisions()]  # newest first
    assert len(chain) >= 2
    assert chain == [f"{n:04d}" for n in range(len(chain), 0, -1)]  # one line, numbered in order
    assert [rev.down_revision for rev in script.walk_revisions()] == [*chain[1:], None]
    assert head_revision() == chain[0]


def test_upgrade_head_builds_every_table_on_an_empty_database(empty_engine: Engine) -> None:
    assert current_revision(empty_engine) is None
    upgrade(empty_engine)
    assert current_revision(empty_engine) == head_revision()
    assert _tables(empty_engine) == TABLES


def test_migrated_schema_matches_the_models(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    assert _differences(empty_engine) == []


def test_downgrade_to_base_and_upgrade_again(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    downgrade(empty_engine, "base")
    assert current_revision(empty_engine) is None
    assert _tables(empty_engine) == set()
    upgrade(empty_engine)
    assert _tables(empty_engine) == TABLES
    assert _differences(empty_engine) == []


def test_ensure_schema_is_idempotent_and_keeps_the_data(empty_engine: Engine) -> None:
    assert ensure_schema(empty_engine) == head_revision()
    with session_scope(empty_engine) as session:
        session.add(Upload(sha256="0" * 64, filename="工资表.xlsx"))
    assert ensure_schema(empty_engine) == head_revision()
    assert ensure_schema(empty_engine) == head_revision()
    with empty_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM upload")).scalar() == 1
        assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1


def test_ensure_schema_refuses_a_database_migrated_by_a_newer_version(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    with empty_engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'ffff_from_the_future'"))
    with pytest.raises(SchemaError, match="ffff_from_the_future"):
        ensure_schema(empty_engine)


def test_ensure_schema_from_several_threads_migrates_once(empty_engine: Engine) -> None:
    url = empty_engine.url.render_as_string(hide_password=False)
    results: list[str | None] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def migrate() -> None:
        engine = make_engine(url)  # its own engine, as a second process would have
        try:
            start.wait()
            results.append(ensure_schema(engine))
        except BaseException as exc:
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=migrate) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert results == [head_revision()] * 4
    assert _differences(empty_engine) == []


def test_upgrade_accepts_a_url_and_a_connection(tmp_path: Path) -> None:
    by_url = f"sqlite:///{(tmp_path / 'by-url.db').as_posix()}"
    upgrade(by_url)
    engine = make_engine(f"sqlite:///{(tmp_path / 'by-connection.db').as_posix()}")
    try:
        with engine.begin() as connection:  # the caller's transaction
            upgrade(connection)
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
    engine = make_engine(by_url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_postgresql_types_are_bigint_money_and_timestamptz(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        inspector = inspect(engine)
        for table in SQLModel.metadata.sorted_tables:
            reflected = {column["name"]: column["type"] for column in inspector.get_columns(table.name)}
            for column in table.columns:
                if isinstance(column.type, BigInteger):
                    assert isinstance(reflected[column.name], BigInteger), (table.name, column.name)
                if isinstance(column.type, DateTime):
                    assert getattr(reflected[column.name], "timezone", False), (table.name, column.name)
        evidence = {column["name"]: column["type"] for column in inspector.get_columns("finding")}["evidence"]
        assert evidence.__visit_name__ == "JSON"
    finally:
        engine.dispose()


def test_offline_sql_for_postgresql_creates_every_table() -> None:
    config = alembic_config()
    config.set_main_option("sqlalchemy.url", "postgresql+psycopg://nobody@localhost/none")
    config.output_buffer = io.StringIO()
    command.upgrade(config, "head", sql=True)  # no connection: prints the DDL
    sql = config.output_buffer.getvalue()
    for table in TABLES:
        assert f"CREATE TABLE {table} " in sql
    assert "TIMESTAMP WITH TIME ZONE" in sql
    assert "BIGINT" in sql


def _alembic_cli() -> list[str]:
    script = Path(sys.executable).with_name("alembic")
    return [str(script)] if script.exists() else [sys.executable, "-m", "alembic"]


def _cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "FOUR_REAL_DATA"}}
    return env | extra


def test_the_documented_alembic_command_builds_a_sqlite_database(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    done = subprocess.run(
        [*_alembic_cli(), "-c", str(REPO / "alembic.ini"), "-x", f"url=sqlite:///{db.as_posix()}", "upgrade", "head"],
        cwd=tmp_path, env=_cli_env(), capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    engine = make_engine(f"sqlite:///{db.as_posix()}")
    try:
        assert current_revision(engine) == head_revision()
        assert _differences(engine) == []
    finally:
        engine.dispose()


def test_the_alembic_command_follows_database_url(fresh_pg_url: str) -> None:
    done = subprocess.run(
        [*_alembic_cli(), "upgrade", "head"],
        cwd=REPO, env=_cli_env(DATABASE_URL=fresh_pg_url), capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    engine = make_engine(fresh_pg_url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
