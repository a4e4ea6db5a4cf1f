"""Helpers of the warning tests: findings planted straight into the store through the store's own
``persist`` (so findings keep their real lifecycle), a "run" that persists them and syncs warnings in one
transaction as ``reconcile_store`` does, and readers of warnings, events and the outbox."""

from __future__ import annotations

import datetime as dt
from types import ModuleType
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, insert, select

from four_real.store.db import session_scope
from four_real.store.models import Project, ReconciliationRun
from four_real.store.models.warnings import OutboxMessage, WageWarning, WageWarningEvent, Webhook
from four_real.store.persist import persist
from four_real.warnings.policy import WarningPolicy
from four_real.warnings.sync import SyncSummary, sync_warnings
from validators.catalogue import RULES


def builders() -> ModuleType:
    """tests/validators/conftest.py: clean_month and friends."""
    import tests.validators.conftest as module

    return module


def store_frames() -> Any:
    """tests/store/test_load.py's ``store_frames``: canonical frames into the store as one upload."""
    from tests.store.test_load import store_frames as frames

    return frames


def finding(rule: str, *, project: str = "P1", month: str = "2025-03", worker: str | None = "W1",
            amount: int | None = 100_00, n: int = 0) -> dict[str, Any]:
    """One finding as the rules produce it (catalogue pillar and severity)."""
    r = RULES[rule]
    return {"rule": rule, "pillar": r.pillar, "severity": r.severity, "project": project, "month": month,
            "worker_id": worker, "worker_name": None, "amount": amount, "message_zh": f"{rule} {n}",
            "message_en": f"{rule} {n}", "basis": r.basis, "evidence": []}


def add_projects(engine: Engine, *projects: tuple[str, str | None, str | None]) -> None:
    """(code, sector, township) rows of the project table."""
    with session_scope(engine) as session:
        session.connection().execute(insert(Project.__table__), [  # type: ignore[attr-defined]
            {"code": c, "sector": s, "township": t} for c, s, t in projects])


def add_webhook(engine: Engine, *, sector: str | None = None, url: str = "http://127.0.0.1:9/hook",
                secret: str = "s3cret") -> int:
    from four_real.notify.outbox import add_webhook as add

    with session_scope(engine) as session:
        return int(add(session, name=f"hook-{sector or 'all'}", url=url, sector=sector, secret=secret).id)


def run(engine: Engine, findings: list[dict[str, Any]], *, as_of: dt.date,
        judged: list[tuple[str, str]] | None = None, policy: WarningPolicy | None = None) -> SyncSummary:
    """One reconciliation's write step: persist these findings (the run judged ``judged``, default every
    project-month among them plus P1/2025-03) and sync the warnings, in one transaction."""
    frame = pd.DataFrame(findings, columns=list(finding("CARD-UNPAID")))
    frame["amount"] = frame["amount"].astype("Int64")
    pairs = judged if judged is not None else sorted({("P1", "2025-03")} | {(f["project"], f["month"])
                                                                           for f in findings})
    judged_frame = pd.DataFrame(pairs, columns=["project_code", "month"])
    with session_scope(engine) as session:
        r = ReconciliationRun(as_of=as_of, months=",".join(sorted({m for _, m in pairs})))
        session.add(r)
        session.flush()
        persist(session, run=r, findings=frame, project_months=pd.DataFrame(), judged=judged_frame)
        return sync_warnings(session, run=r, judged=judged_frame, as_of=as_of, policy=policy or WarningPolicy())


def warnings(engine: Engine) -> pd.DataFrame:
    with session_scope(engine) as session:
        rows = [w.model_dump() for w in session.exec(select(WageWarning).order_by(WageWarning.id)).scalars()]
    return pd.DataFrame(rows, columns=list(WageWarning.model_fields))


def events(engine: Engine, warning_id: int | None = None) -> pd.DataFrame:
    with session_scope(engine) as session:
        stmt = select(WageWarningEvent).order_by(WageWarningEvent.id)
        if warning_id is not None:
            stmt = stmt.where(WageWarningEvent.warning_id == warning_id)
        rows = [e.model_dump() for e in session.exec(stmt).scalars()]
    return pd.DataFrame(rows, columns=list(WageWarningEvent.model_fields))


def outbox(engine: Engine) -> pd.DataFrame:
    with session_scope(engine) as session:
        rows = [m.model_dump() for m in session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).scalars()]
    return pd.DataFrame(rows, columns=list(OutboxMessage.model_fields))


@pytest.fixture
def city(engine: Engine) -> Engine:
    """Projects P1 (housing, 吴宁街道), P2 (water, 南马镇), P3 (no sector), and an all-sector webhook."""
    add_projects(engine, ("P1", "housing", "吴宁街道"), ("P2", "water", "南马镇"), ("P3", None, None))
    add_webhook(engine)
    return engine


__all__ = ["Webhook", "add_projects", "add_webhook", "builders", "events", "finding", "outbox", "run",
           "store_frames", "warnings"]

