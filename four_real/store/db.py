"""Engines and sessions. The schema comes from Alembic migrations only: production code never calls
``create_all``, so a database is always at a known revision."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, event
from sqlmodel import Session, create_engine

from four_real.settings import get_settings, normalise_url


def make_engine(url: str | None = None, *, pre_ping: bool = True, pool_size: int | None = None) -> Engine:
    """``pre_ping`` and ``pool_size`` apply to a server database: the API turns the ping off (one round trip
    per checkout) and holds a connection per concurrent request (connections beyond the pool are closed)."""
    url = normalise_url(url) if url else get_settings().url
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_connection.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    server = not url.startswith("sqlite")  # an in-memory SQLite database has a pool of one
    sizing = {"pool_size": pool_size, "max_overflow": pool_size} if pool_size is not None and server else {}
    return create_engine(url, pool_pre_ping=pre_ping, **sizing)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back (leaving no trace) when it raises."""
    with Session(engine) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
