"""Opening the store for a CLI command: the engine at DATABASE_URL (or the embedded SQLite file),
migrated to this code's schema, with the two failures a user can act on turned into one sentence."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI imports this at start-up; sqlalchemy only when a store command runs
    from sqlalchemy import Engine
    from sqlmodel import Session


def open_store() -> Engine:
    from sqlalchemy.exc import OperationalError

    from four_real.cli.app import UsageProblem
    from four_real.store.db import make_engine
    from four_real.store.schema import SchemaError, ensure_schema

    engine = make_engine()
    try:
        ensure_schema(engine)
    except OperationalError:
        engine.dispose()
        raise UsageProblem("无法打开数据库，请检查 DATABASE_URL / cannot open the database; check DATABASE_URL"
                           ) from None
    except SchemaError as exc:
        engine.dispose()
        raise UsageProblem(f"数据库版本与本程序不符 / {exc}") from None
    return engine


@contextmanager
def store_session() -> Iterator[Session]:
    """The store opened for one transaction (committed when the block ends, rolled back if it raises),
    the engine disposed afterwards: what most commands need."""
    from four_real.store.db import session_scope

    engine = open_store()
    try:
        with session_scope(engine) as session:
            yield session
    finally:
        engine.dispose()
