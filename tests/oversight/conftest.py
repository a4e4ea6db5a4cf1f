"""Helpers that put exactly the rows a test needs into the store (on both backends, via ``engine``).

Tests reach them through the ``store`` fixture (``store.project(...)``, ``store.uscc(seed)``,
``store.worker_ids(n)``), never by importing this module: every test folder has a ``conftest``, and an
import by that name finds whichever folder was collected first.

Grading, escalation and aggregates read the project, enterprise, project_month, finding, roster and lead
tables; building each case from rows rather than from files keeps the thresholds visible in the test.
"""

from __future__ import annotations

import datetime as dt
import itertools
import zlib
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, insert, select
from sqlmodel import Session

from fixtures.project import make_uscc
from four_real.oversight.leads import import_leads
from four_real.store.db import session_scope
from four_real.store.models import (
    DataVersion,
    Enterprise,
    Finding,
    PayrollLine,
    Project,
    ProjectMonth,
    ReconciliationRun,
    RosterEntry,
    Upload,
)
from ingest.leads import LEAD_COLUMNS, empty_leads

_counter = itertools.count(1)


def uscc(seed: int) -> str:
    """A valid 统一社会信用代码, the same for the same seed."""
    return make_uscc(np.random.default_rng(seed))


class Store:
    """Seeds one test's database; every method is one transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._run: int | None = None

    uscc = staticmethod(lambda seed: uscc(seed))
    worker_ids = staticmethod(lambda n, start=0: worker_ids(n, start))

    def session(self) -> Any:
        return session_scope(self.engine)

    def project(self, code: str, *, township: str = "吴宁街道", sector: str = "housing", name: str | None = None,
                contractor: str = "浙江甲建设集团有限公司", contractor_uscc: str | None = None) -> str:
        """A project and its general contractor; returns the contractor's USCC."""
        code_uscc = contractor_uscc or uscc(zlib.crc32(contractor.encode()))
        with self.session() as s:
            e = Enterprise.__table__  # type: ignore[attr-defined]
            found = s.execute(select(e.c.id).where(e.c.uscc == code_uscc)).scalar()
            if found is None:
                found = s.execute(insert(e).values(uscc=code_uscc, name=contractor).returning(e.c.id)).scalar()
            s.execute(insert(Project.__table__).values(  # type: ignore[attr-defined]
                code=code, name=name or f"{code}工程", township=township, sector=sector, contractor=contractor,
                contractor_uscc=code_uscc, contractor_id=found))
        return code_uscc

    def _run_id(self, s: Session) -> int:
        if self._run is None:
            t = ReconciliationRun.__table__  # type: ignore[attr-defined]
            self._run = s.execute(insert(t).values(as_of=dt.date(2025, 12, 31), months="", projects=0, findings=0,
                                                   opened=0, resolved=0, started_at=dt.datetime.now(dt.UTC))
                                  .returning(t.c.id)).scalar()
        return self._run  # type: ignore[return-value]

    def month(self, code: str, month: str, *, unpaid: int = 0, payable: int = 100_000, anxin: float = 100.0,
              critical: int = 0, high: int = 0, due: dt.date | None = None) -> None:
        """A project-month; due on the 15th of the next month unless given."""
        due = due or (pd.Period(month, freq="M") + 1).to_timestamp().date().replace(day=15)
        with self.session() as s:
            run = self._run_id(s)
            s.execute(insert(ProjectMonth.__table__).values(  # type: ignore[attr-defined]
                project_code=code, month=month, due_date=due, status="due", workers=10, payable=payable,
                paid=payable - unpaid, unpaid=unpaid, unpaid_own=unpaid, underpaid=0, anxin_index=anxin,
                risk_score=0, level="green", critical=critical, high=high, medium=0, low=0,
                holiday_calendar="official", run_id=run, as_of=dt.date(2025, 12, 31)))

    def finding(self, code: str, month: str, rule: str, severity: str, *, worker_id: str | None = None,
                amount: int | None = None, status: str = "open",
                resolved_at: dt.datetime | None = None) -> None:
        with self.session() as s:
            run = self._run_id(s)
            s.execute(insert(Finding.__table__).values(  # type: ignore[attr-defined]
                fingerprint=f"fp{next(_counter):08d}", rule=rule, pillar="real_card", severity=severity,
                project_code=code, month=month, worker_id=worker_id, amount=amount, message_zh="-",
                message_en="-", basis="-", evidence=[], status=status, first_seen_run=run, last_seen_run=run,
                resolved_run=run if status == "resolved" else None, resolved_at=resolved_at,
                first_seen_at=dt.datetime.now(dt.UTC)))

    def roster(self, code: str, rows: Iterable[tuple[str, str | None, bool | None]]) -> None:
        """Current roster rows (id_number, employer, contract_signed) of a project."""
        with self.session() as s:
            version = self._version(s, code, "roster", "roster", None)
            s.execute(insert(RosterEntry.__table__), [  # type: ignore[attr-defined]
                {"version_id": version, "project_code": code, "src_file": "roster.xlsx", "src_sheet": None,
                 "src_row": k + 2, "worker_name": f"工人{k}", "id_number": wid, "employer": employer,
                 "card_number": f"62220200000000{k:05d}", "contract_signed": signed}
                for k, (wid, employer, signed) in enumerate(rows)])

    def payroll(self, code: str, month: str, rows: Iterable[tuple[str, int]]) -> None:
        """Current payroll lines (id_number, net in fen) of a project-month."""
        with self.session() as s:
            version = self._version(s, code, "payroll", f"payroll:{month}", month)
            s.execute(insert(PayrollLine.__table__), [  # type: ignore[attr-defined]
                {"version_id": version, "project_code": code, "src_file": "payroll.xlsx", "src_sheet": None,
                 "src_row": k + 2, "worker_name": f"工人{k}", "id_number": wid, "month": month, "gross": net,
                 "net": net} for k, (wid, net) in enumerate(rows)])

    def _version(self, s: Session, code: str, kind: str, key: str, month: str | None) -> int:
        u = Upload.__table__  # type: ignore[attr-defined]
        upload = s.execute(insert(u).values(sha256="0" * 64, filename=f"{kind}.xlsx", uploader="test",
                                            received_at=dt.datetime.now(dt.UTC), rows=0, accepted=0,
                                            rejected=0, skipped=0).returning(u.c.id)).scalar()
        v = DataVersion.__table__  # type: ignore[attr-defined]
        return s.execute(insert(v).values(project_code=code, kind=kind, slice_key=key, month=month,
                                          content_hash="0" * 64, upload_id=upload,
                                          received_at=dt.datetime.now(dt.UTC), rows=0, rows_added=0,
                                          rows_removed=0, amounts_changed=0).returning(v.c.id)).scalar()

    def leads(self, rows: list[dict[str, Any]]) -> None:
        """Import leads given as partial canonical rows (received_on as a date)."""
        frame = pd.concat([empty_leads(), pd.DataFrame(rows)], ignore_index=True)
        frame["src_file"] = frame["src_file"].fillna("leads.csv")
        frame["src_row"] = range(2, len(frame) + 2)
        frame["status"] = frame["status"].fillna(
            frame["closed_on"].notna().map({True: "closed", False: "open"}).astype("str"))
        frame = frame.astype(LEAD_COLUMNS)
        with self.session() as s:
            import_leads(s, frame)


@pytest.fixture
def store(engine: Engine) -> Store:
    return Store(engine)


def worker_ids(n: int, start: int = 0) -> list[str]:
    """Distinct valid-looking 18-character IDs (check digits are not validated by the store)."""
    return [f"33078319900101{k:04d}" for k in range(start, start + n)]
