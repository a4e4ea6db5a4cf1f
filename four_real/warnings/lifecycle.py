"""What people do with a warning, and what may follow what.

::

    open ──ack──> acknowledged ──resolve──> resolved
      │  └────────────resolve──────────────────^
      └──close──> closed <──close── acknowledged

- **acknowledge** (签收): the bureau has seen it and is working on it; only from open.
- **resolve** (办结): handled; from open or acknowledged. Reconciliation resolves by itself when the
  findings go away (arrears paid), and reopens when they come back (``sync``).
- **close** (关闭): ended without being resolved (a false alarm, handed to another procedure); from open or
  acknowledged, and a note saying why is required.
- **urge** (催办): pressing whoever must act; on a live (open or acknowledged) warning only. Counts, is
  recorded and is notified each time.

Each call is one audit event naming the actor, the time, the statuses before and after and the note. A
move the table does not allow raises :class:`TransitionError` and changes nothing.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from four_real.store.models import utcnow
from four_real.store.models.warnings import WageWarning
from four_real.warnings.notices import SYSTEM, event, notice, record

__all__ = ["TRANSITIONS", "TransitionError", "WarningError", "WarningNotFound", "acknowledge", "close", "resolve",
           "urge"]

# action → {status before: status after}; "urge" keeps the status.
TRANSITIONS: dict[str, dict[str, str]] = {
    "acknowledged": {"open": "acknowledged"},
    "resolved": {"open": "resolved", "acknowledged": "resolved"},
    "closed": {"open": "closed", "acknowledged": "closed"},
    "urged": {"open": "open", "acknowledged": "acknowledged"},
}
NOTE_MAX = 2000
ACTOR_MAX = 100


class WarningError(Exception):
    """A warning operation that cannot be done; the message is one sentence, Chinese / English."""


class WarningNotFound(WarningError, LookupError):
    pass


class TransitionError(WarningError):
    pass


def _load(session: Session, warning_id: int) -> WageWarning:
    warning = session.get(WageWarning, warning_id, with_for_update=True)
    if warning is None:
        raise WarningNotFound(f"没有编号为 {warning_id} 的预警 / no warning with id {warning_id}")
    return warning


def _actor(actor: str) -> str:
    name = (actor or "").strip()
    if not name:
        raise WarningError("请说明操作人 / who is doing this must be given")
    if name == SYSTEM:
        raise WarningError(f"“{SYSTEM}”保留给系统自动操作 / “{SYSTEM}” is reserved for automatic steps")
    return name[:ACTOR_MAX]


def _move(session: Session, warning_id: int, action: str, *, actor: str, note: str | None,
          at: dt.datetime | None) -> WageWarning:
    who = _actor(actor)
    warning = _load(session, warning_id)
    before = warning.status
    after = TRANSITIONS[action].get(before)
    if after is None:
        allowed = ", ".join(TRANSITIONS[action])
        raise TransitionError(f"预警 {warning_id} 当前状态为 {before}，不能执行该操作（仅限 {allowed}） / "
                              f"warning {warning_id} is {before}; it can be {action} only when {allowed}")
    now = at or utcnow()
    n = None
    if action == "urged":
        warning.urge_count += 1
        warning.last_urged_at = now
        n = warning.urge_count
    warning.status = after
    warning.updated_at = now
    session.add(warning)
    session.flush()
    details = {"urge_count": n} if n is not None else {}
    row = warning.model_dump()
    record(session.connection(), [event(warning.id or warning_id, action, actor=who, before=before, after=after,
                                        note=(note or None) and note[:NOTE_MAX], at=now, details=details)],
           [notice("urged", row, n=n, at=now)] if n is not None else [], now=now)
    return warning


def acknowledge(session: Session, warning_id: int, *, actor: str, note: str | None = None,
                at: dt.datetime | None = None) -> WageWarning:
    return _move(session, warning_id, "acknowledged", actor=actor, note=note, at=at)


def resolve(session: Session, warning_id: int, *, actor: str, note: str | None = None,
            at: dt.datetime | None = None) -> WageWarning:
    return _move(session, warning_id, "resolved", actor=actor, note=note, at=at)


def close(session: Session, warning_id: int, *, actor: str, note: str, at: dt.datetime | None = None
          ) -> WageWarning:
    if not (note or "").strip():
        raise WarningError("关闭预警须说明理由 / closing a warning needs a note saying why")
    return _move(session, warning_id, "closed", actor=actor, note=note, at=at)


def urge(session: Session, warning_id: int, *, actor: str, note: str | None = None,
         at: dt.datetime | None = None) -> WageWarning:
    return _move(session, warning_id, "urged", actor=actor, note=note, at=at)
