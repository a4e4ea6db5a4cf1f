"""Bring a database to the schema this code expects, through Alembic only (never ``create_all``).

The migrations ship inside the package, so this works from an installed wheel without `alembic.ini`.
`ensure_schema` is what every command calls before touching the store; it is safe to call from several
processes at once: the first migrates, the others wait and then find the database at head.

- PostgreSQL: the migration runs in one transaction holding ``pg_advisory_xact_lock`` (PostgreSQL DDL is
  transactional, so a failed migration leaves nothing behind and the lock goes with the transaction).
- SQLite: ``BEGIN IMMEDIATE`` takes the write lock first (others wait on the busy timeout). Foreign keys are
  switched off for the migration and checked before commit, as SQLite prescribes for table rebuilds
  (Alembic's batch mode copies and renames tables, which would otherwise cascade or fail).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from four_real.store.db import make_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

# One fixed key for "the four-real schema", so unrelated advisory locks on a shared server never collide.
LOCK_KEY = int.from_bytes(hashlib.sha256(b"four-real:schema").digest()[:8], "big", signed=True)


class SchemaError(RuntimeError):
    """The database cannot be brought to this code's schema (e.g. it was migrated by a newer version)."""


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config for the packaged migrations; with a connection, `env.py` migrates on that one."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    """The revision this code expects."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine | Connection) -> str | None:
    """The database's revision, None for an empty (never migrated) database."""
    if isinstance(engine, Connection):
        return MigrationContext.configure(engine).get_current_revision()
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine_or_url: Engine | Connection | str, revision: str = "head") -> None:
    """Run the migrations up to `revision`. A Connection is used as given (the caller owns its transaction);
    an engine or URL gets one locked transaction, as in `ensure_schema`."""
    _run(engine_or_url, lambda config: command.upgrade(config, revision))


def downgrade(engine_or_url: Engine | Connection | str, revision: str = "base") -> None:
    """Undo migrations down to `revision` (``base``: no tables left). For tests and operators, not commands."""
    _run(engine_or_url, lambda config: command.downgrade(config, revision))


def ensure_schema(engine: Engine) -> str | None:
    """Upgrade to head unless already there; returns the revision. Concurrent callers migrate once."""
    head = head_revision()
    if current_revision(engine) == head:  # the common case, without taking the write lock
        return head
    with _locked(engine) as connection:
        current = current_revision(connection)  # again: another process may have migrated meanwhile
        if current == head:
            return head
        if current is not None and _unknown(current):
            raise SchemaError(
                f"the database is at revision {current}, which this version of four-real does not know "
                f"(expected {head}); it was probably migrated by a newer version"
            )
        command.upgrade(alembic_config(connection), "head")
    return head


def _unknown(revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is None
    except Exception:  # alembic raises its own errors for an unknown id
        return True


def _run(engine_or_url: Engine | Connection | str, action: Callable[[Config], object]) -> None:
    if isinstance(engine_or_url, Connection):
        action(alembic_config(engine_or_url))
        return
    engine = make_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
    try:
        with _locked(engine) as connection:
            action(alembic_config(connection))
    finally:
        if isinstance(engine_or_url, str):
            engine.dispose()


@contextmanager
def _locked(engine: Engine) -> Iterator[Connection]:
    """One transaction holding the backend's schema lock; committed when the block ends."""
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            with connection.begin():
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
                yield connection
            return
        if connection.dialect.name != "sqlite":
            with connection.begin():
                yield connection
            return
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")  # a no-op inside a transaction, so first
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                yield connection
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise SchemaError(f"the migration left {len(broken)} rows with dangling foreign keys")
            except BaseException:
                connection.rollback()
                raise
            connection.commit()
        finally:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
