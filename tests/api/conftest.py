"""A small world for API tests, on each backend: four projects in three sectors and two townships, figures
for two months, findings that name workers by ID number and card, and one token per role and scope; for the
oversight endpoints, the projects' general contractors, complaint leads imported and enterprises graded
through the oversight core (``import_leads``, ``grade_enterprises`` + ``store_grades``).

Projects and figures are inserted directly (the API reads them; ingest and reconcile have their own tests);
uploads and feeds in the tests go through HTTP and the real ingest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, insert, select
from sqlmodel import SQLModel

from api.main import create_app
from fixtures.data import ProjectData
from fixtures.project import make_project, make_uscc
from fixtures.sheets import project_sheet, roster_sheet
from fixtures.write_text import write_csv, write_feed
from four_real.access import create_token
from four_real.oversight.grading import grade_enterprises, store_grades
from four_real.oversight.leads import import_leads
from four_real.store.db import make_engine, session_scope
from four_real.store.models import Enterprise, Finding, Project, ProjectMonth, ReconciliationRun
from ingest.leads import LEAD_COLUMNS, empty_leads

MONTHS = ("2025-03", "2025-04")
TOWN_A, TOWN_B = "东阳江镇", "巍山镇"
# code: (sector, township, level in March, level in April)
PROJECTS = {
    "P-H1": ("housing", TOWN_A, "red", "yellow"),
    "P-H2": ("housing", TOWN_B, "green", "red"),
    "P-T1": ("transport", TOWN_A, "red", "green"),
    "P-W1": ("water", TOWN_B, "yellow", "green"),
}
WORKER_ID = "330724199003151234"
CARD = "6222021234567890123"
BANK = "102338000015"
OTHER_BANK = "103338000099"

ROLES = ("labor_manager", "bank", "housing", "housing_town_a", "hr", "admin")

# general contractors: 甲 builds P-H1 (housing, town A) and P-T1 (transport), 乙 P-H2, 丙 P-W1
CONTRACTORS = {name: make_uscc(np.random.default_rng(k)) for k, name in
               enumerate(("甲建设集团有限公司", "乙建筑有限公司", "丙水利工程有限公司"), start=1)}
BUILT_BY = {"P-H1": "甲建设集团有限公司", "P-T1": "甲建设集团有限公司", "P-H2": "乙建筑有限公司",
            "P-W1": "丙水利工程有限公司"}
LEADS_AS_OF = dt.date(2025, 5, 20)
GRADED_ON, GRADES_AS_OF = dt.date(2025, 7, 1), dt.date(2025, 8, 1)
LABOR_FIRM, UNKNOWN_FIRM = "某劳务有限公司", "无名工程队"
# platform no -> (source, received, closed, project code, employer, uscc, township); on LEADS_AS_OF:
LEADS = {
    "L-1": ("local", dt.date(2025, 4, 1), None, "P-H1", None, CONTRACTORS["甲建设集团有限公司"], None),  # overdue
    "L-2": ("national", dt.date(2025, 4, 10), dt.date(2025, 4, 20), "P-H2", LABOR_FIRM, None, None),  # in time
    "L-3": ("local", dt.date(2025, 5, 18), None, "P-T1", None, None, None),  # open, not yet due
    "L-4": ("local", dt.date(2025, 3, 5), dt.date(2025, 3, 20), "P-W1", None, None, None),  # closed late
    "L-5": ("local", dt.date(2025, 5, 2), None, None, UNKNOWN_FIRM, None, "吴宁街道"),  # links to no project
    "L-6": ("local", dt.date(2025, 6, 2), None, "P-H1", None, None, None),  # received after LEADS_AS_OF
}
LEAD_WORKER = "330724198807071234"


@dataclass
class World:
    engine: Engine
    client: TestClient
    tokens: dict[str, str]
    project: ProjectData  # the project P-H1's generated data (roster, feed)
    files: Path

    def as_(self, who: str | None) -> dict[str, str]:
        return {} if who is None else {"Authorization": f"Bearer {self.tokens[who]}"}

    def get(self, path: str, who: str | None, **kw: object):  # type: ignore[no-untyped-def]
        return self.client.get(path, headers=self.as_(who), **kw)  # type: ignore[arg-type]

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as c:
            return {name: c.execute(select(func.count()).select_from(t)).scalar_one()
                    for name, t in SQLModel.metadata.tables.items() if name != "api_token"}


def seed(engine: Engine, data: ProjectData) -> None:
    with session_scope(engine) as s:
        run = s.execute(insert(ReconciliationRun.__table__).values(  # type: ignore[attr-defined]
            as_of=dt.date(2025, 5, 20), months=",".join(MONTHS)).returning(ReconciliationRun.id)).scalar_one()
        for i, (code, (sector, town, *levels)) in enumerate(PROJECTS.items()):
            contractor = BUILT_BY[code]
            e = Enterprise.__table__  # type: ignore[attr-defined]
            firm = s.execute(select(e.c.id).where(e.c.uscc == CONTRACTORS[contractor])).scalar()
            if firm is None:
                firm = s.execute(insert(e).values(uscc=CONTRACTORS[contractor], name=contractor)
                                 .returning(e.c.id)).scalar_one()
            s.execute(insert(Project.__table__).values(  # type: ignore[attr-defined]
                code=code, name=f"{code} 工程", sector=sector, township=town, contractor=contractor,
                contractor_uscc=CONTRACTORS[contractor], contractor_id=firm,
                wage_account=data.wage_account if code == "P-H1" else f"62220000000000{i}"))
            for m, (month, level) in enumerate(zip(MONTHS, levels, strict=True)):
                s.execute(insert(ProjectMonth.__table__).values(  # type: ignore[attr-defined]
                    project_code=code, month=month, due_date=dt.date(2025, 4 + m, 15), status="due", workers=10 + i,
                    payable=1_000_000 * (i + 1), paid=900_000 * (i + 1), unpaid=100_000 * (i + 1), unpaid_own=0,
                    underpaid=0, anxin_index=90.0 - i, risk_score=10 * i + m, level=level, critical=1, high=0,
                    medium=0, low=0, run_id=run, as_of=dt.date(2025, 5, 20)))
                s.execute(insert(Finding.__table__).values(  # type: ignore[attr-defined]
                    fingerprint=f"{code}-{month}", rule="CARD-SHARED", pillar="real_card", severity="critical",
                    project_code=code, month=month, worker_id=WORKER_ID, worker_name="张三", amount=320000,
                    message_zh=f"卡号 {CARD} 为多名工人共用（{WORKER_ID}）",
                    message_en=f"card {CARD} is shared by several workers ({WORKER_ID})", basis="条例 第三十一条",
                    evidence=[{"file": "工资表.xlsx", "sheet": "3月", "row": 5}], status="open",
                    first_seen_run=run, last_seen_run=run))


def seed_oversight(engine: Engine) -> None:
    """Import LEADS through the oversight core and store the half-year grades of GRADED_ON."""
    rows = [{"source": src, "platform_no": no, "received_on": pd.Timestamp(received),
             "closed_on": pd.Timestamp(closed) if closed else pd.NaT, "status": "closed" if closed else "open",
             "worker_name": "李四", "worker_id": LEAD_WORKER, "employer_name": employer, "employer_uscc": uscc,
             "project_code": code, "township": town, "amount_claimed": 1_250_000, "src_file": "线索.xlsx",
             "src_row": k + 2}
            for k, (no, (src, received, closed, code, employer, uscc, town)) in enumerate(LEADS.items())]
    frame = pd.concat([empty_leads(), pd.DataFrame(rows)], ignore_index=True).astype(LEAD_COLUMNS)
    with session_scope(engine) as s:
        import_leads(s, frame)
    with session_scope(engine) as s:
        store_grades(s, grade_enterprises(s, GRADED_ON))


def issue_tokens(engine: Engine, data: ProjectData) -> dict[str, str]:
    with session_scope(engine) as s:
        issued = {
            "labor_manager": create_token(s, role="labor_manager", label="劳资专管员", projects=["P-H1"]),
            "bank": create_token(s, role="bank", label="银行", bank_code=BANK,
                                 wage_accounts=[str(data.wage_account)]),
            "other_bank": create_token(s, role="bank", label="他行", bank_code=OTHER_BANK),
            "housing": create_token(s, role="industry_bureau", label="住建局", sector="housing"),
            "housing_town_a": create_token(s, role="industry_bureau", label="住建局东阳江", sector="housing",
                                           townships=[TOWN_A]),
            "hr": create_token(s, role="hr_bureau", label="人社局"),
            "admin": create_token(s, role="admin", label="管理员"),
            "expired": create_token(s, role="hr_bureau", label="过期", expires_at=dt.datetime(2020, 1, 1,
                                                                                              tzinfo=dt.UTC)),
        }
    return {k: v.secret for k, v in issued.items()}


@pytest.fixture(scope="session")
def h1_data() -> ProjectData:
    from dataclasses import replace

    data = make_project(seed=11, code="P-H1", months=["2025-03"], workers=5)
    banking = replace(data.banking, bank_code=BANK)
    batch = data.disbursement.copy()
    batch["bank_code"] = BANK
    return replace(data, banking=banking, disbursement=batch)


@pytest.fixture
def world(db_url: str, h1_data: ProjectData, tmp_path: Path) -> Iterator[World]:
    engine = make_engine(db_url)
    try:
        seed(engine, h1_data)
        seed_oversight(engine)
        tokens = issue_tokens(engine, h1_data)
        with TestClient(create_app(engine=engine), raise_server_exceptions=False) as client:
            yield World(engine, client, tokens, h1_data, tmp_path)
    finally:
        engine.dispose()


def roster_csv(data: ProjectData, path: Path) -> Path:
    write_csv(path, roster_sheet(data), encoding="utf-8")
    return path


def project_csv(data: ProjectData, path: Path) -> Path:
    write_csv(path, project_sheet(data), encoding="utf-8")
    return path


def feed_file(data: ProjectData, path: Path, *, raise_first_by: int = 0) -> Path:
    batch = data.disbursement.sort_values("txn_id").reset_index(drop=True)
    batch.loc[0, "amount"] += raise_first_by
    path.parent.mkdir(parents=True, exist_ok=True)
    write_feed(path, data, batch, encoding="utf-8")
    return path
