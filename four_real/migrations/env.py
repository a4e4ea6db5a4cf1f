"""Alembic environment for the store.

The URL, first match wins, so programmatic use, the CLI and the application all reach the same database:

1. ``config.attributes["connection"]``: a live connection handed in by `four_real.store.schema` (the
   caller owns the transaction, and on PostgreSQL the advisory lock around it);
2. ``alembic -x url=...`` on the command line;
3. the ``sqlalchemy.url`` option (unset in the shipped `alembic.ini`);
4. `four_real.settings.get_settings().url`: DATABASE_URL, else the SQLite file in the data folder.

SQLite cannot ALTER most things in place, so migrations run in batch mode there (copy-and-move tables).
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import four_real.store.models  # noqa: F401  (registers every table on SQLModel.metadata)
from four_real.settings import get_settings, normalise_url
from four_real.store.db import make_engine

config = context.config
target_metadata = SQLModel.metadata

# Only the command line configures logging; a programmatic caller keeps its own logging setup.
if config.config_file_name is not None and "connection" not in config.attributes:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    return normalise_url(url) if url else get_settings().url


def _configure(dialect: str, **kwargs: object) -> None:
    context.configure(
        target_metadata=target_metadata,
        render_as_batch=dialect == "sqlite",
        compare_type=True,
        **kwargs,  # type: ignore[arg-type]
    )


def run_migrations_offline() -> None:
    """`alembic upgrade head --sql`: write the SQL instead of running it."""
    url = _url()
    _configure(url.split(":")[0].split("+")[0], url=url, literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def _run_on(connection: Connection) -> None:
    _configure(connection.dialect.name, connection=connection)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(connection)
        return
    engine = make_engine(_url())  # the application's engine: SQLite foreign keys and WAL as in production
    try:
        with engine.connect() as connection:
            _run_on(connection)
            connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
