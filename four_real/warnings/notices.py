"""What a warning's notifications and audit events look like, shared by ``sync`` and ``lifecycle``.

A notification names the warning, never a worker: no ID number, card or name leaves the store through a
webhook (PIPL). Its idempotency key is ``warning:<id>:<what>:<n>``: ``n`` is the warning's cycle (times
reopened) for new/reopened/escalated/overdue/resolved and the urge count for urged, so each happens once
per cycle however often a month is reconciled or the overdue check runs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, insert

from four_real.notify.outbox import Notice, enqueue
from four_real.store.models import utcnow
from four_real.store.models.warnings import WageWarningEvent
from four_real.warnings.groups import GROUP_NAMES_ZH
from four_real.warnings.routing import bureaus

EVENTS = WageWarningEvent.__table__  # type: ignore[attr-defined]
SCHEMA = "four-real/warning-event@1"
SYSTEM = "system"


def _fen(amount: Any) -> str:
    fen = int(amount or 0)
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def _day(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, dt.date) else (str(value)[:10] if value else None)


def notice(kind: str, warning: dict[str, Any], *, n: int, at: dt.datetime) -> Notice:
    """The notification ``warning.<kind>`` about ``warning`` (a row of the warning table as a dict)."""
    wid = int(warning["id"])
    key = f"warning:{wid}:{kind}:{n}"
    document = {
        "schema": SCHEMA, "event": f"warning.{kind}", "id": key, "occurred_at": at.isoformat(),
        "warning": {
            "id": wid, "project": warning["project_code"], "month": warning["month"],
            "group": warning["rule_group"], "group_zh": GROUP_NAMES_ZH.get(warning["rule_group"]),
            "severity": warning["severity"], "status": warning["status"], "rules": _rules(warning["rules"]),
            "findings": int(warning["findings"]), "amount": _fen(warning["amount"]),
            "sector": warning["sector"], "township": warning["township"],
            "bureaus": bureaus(warning["sector"]), "opened_on": _day(warning["opened_on"]),
            "deadline": _day(warning["deadline"]), "urge_count": int(warning["urge_count"]),
        },
    }
    return Notice(event_key=key, kind=f"warning.{kind}", sector=warning["sector"], warning_id=wid,
                  payload=document)


def _rules(value: Any) -> list[str]:
    return [r for r in str(value or "").split(",") if r]


def event(warning_id: int, action: str, *, actor: str = SYSTEM, before: str | None = None,
          after: str | None = None, note: str | None = None, run_id: int | None = None,
          details: dict[str, Any] | None = None, at: dt.datetime | None = None) -> dict[str, Any]:
    """One audit row, ready for :func:`record`."""
    return {"warning_id": int(warning_id), "at": at or utcnow(), "actor": actor, "action": action,
            "from_status": before, "to_status": after, "note": note, "run_id": run_id, "details": details or {}}


def record(connection: Connection, events: list[dict[str, Any]], notices: list[Notice],
           *, now: dt.datetime | None = None) -> None:
    """Append the audit rows and queue the notifications, in the caller's transaction."""
    if events:
        connection.execute(insert(EVENTS), events)
    enqueue(connection, notices, now=now)
