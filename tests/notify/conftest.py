"""A real HTTP receiver on 127.0.0.1 (port 0) that fails its first N requests and then accepts, checking
every signature with ``four_real.notify.verify`` as a subscriber would; a clock tests move by hand."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, select

from four_real.notify import InvalidSignature, verify
from four_real.notify.outbox import Notice, add_webhook, enqueue
from four_real.store.db import session_scope
from four_real.store.models.warnings import OutboxMessage

SECRET = "whsec-test-1"


class Clock:
    """``now()`` for the code under test; ``advance`` moves it (no sleeping in tests)."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)

    def to(self, moment: dt.datetime) -> None:
        self.now = moment


@dataclass
class Receiver:
    url: str
    fail_first: int = 0
    secret: str = SECRET
    clock: Callable[[], float] | None = None  # what the receiver believes "now" is (default: real time)
    requests: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def accepted(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["status"] == 200]


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with receiver.lock:
                n = len(receiver.requests) + 1
                if n <= receiver.fail_first:
                    status, why = 500, "failing on purpose"
                else:
                    try:
                        verify(receiver.secret, body, self.headers.get("X-FourReal-Signature"),
                               now=receiver.clock() if receiver.clock else None)
                        status, why = 200, "ok"
                    except InvalidSignature as exc:
                        status, why = 400, str(exc)
                receiver.requests.append({"status": status, "why": why, "body": body,
                                          "headers": dict(self.headers.items()), "json": json.loads(body)})
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

    return Handler


@pytest.fixture
def receiver_factory(clock: Clock) -> Iterator[Callable[..., Receiver]]:
    """Start receivers; each believes the test's clock unless given ``clock=None`` (real time)."""
    servers: list[ThreadingHTTPServer] = []

    def start(**kw: Any) -> Receiver:
        kw.setdefault("clock", lambda: clock().timestamp())
        receiver = Receiver(url="", **kw)
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
        receiver.url = f"http://127.0.0.1:{server.server_address[1]}/four-real"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return receiver

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2025, 4, 21, 8, 0, tzinfo=dt.UTC))


def subscribe(engine: Engine, url: str, *, sector: str | None = None, secret: str = SECRET) -> int:
    with session_scope(engine) as session:
        return int(add_webhook(session, name="test", url=url, sector=sector, secret=secret).id)


def queue(engine: Engine, n: int = 1, *, at: dt.datetime, sector: str | None = "housing") -> list[str]:
    """``n`` notifications (no warning behind them: delivery does not care); returns their keys."""
    notices = [Notice(event_key=f"test:{i}", kind="warning.new", sector=sector,
                      payload={"schema": "four-real/warning-event@1", "id": f"test:{i}", "n": i, "项目": "东阳"})
               for i in range(n)]
    with session_scope(engine) as session:
        enqueue(session.connection(), notices, now=at)
    return [x.event_key for x in notices]


def messages(engine: Engine) -> pd.DataFrame:
    with session_scope(engine) as session:
        rows = [m.model_dump() for m in session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).scalars()]
    return pd.DataFrame(rows, columns=list(OutboxMessage.model_fields))


def utc(value: Any) -> dt.datetime:
    """A stored timestamp as aware UTC (SQLite hands back naive UTC)."""
    ts = pd.Timestamp(value)
    return (ts.tz_convert("UTC") if ts.tzinfo else ts.tz_localize("UTC")).to_pydatetime()

