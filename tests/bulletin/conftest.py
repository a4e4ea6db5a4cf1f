"""Helpers of the bulletin tests: a small demo-like city in the store, hand-planted project-months for exact
edge cases, and a headless Chromium that opens a page and reports what went wrong in it.

The browser is Debian's ``chromium`` (``FOUR_REAL_CHROMIUM`` names another binary) driven by playwright;
neither is optional: a missing browser fails the tests that need it, it never skips them.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, insert, select
from sqlmodel import Session

from fixtures.city import CityKey, make_city
from four_real.demo import replay_arrivals
from four_real.store.ingest import ingest_paths
from four_real.store.models import Finding, Project, ProjectMonth, ReconciliationRun
from four_real.store.reconcile import reconcile_store

MONTHS = ["2025-02", "2025-03"]  # two months: ACCT-DORMANT needs them, and a trend needs more than one point
MONTH = "2025-03"
CHROMIUM_ENV = "FOUR_REAL_CHROMIUM"


@pytest.fixture(scope="module")
def city_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, CityKey]:
    """Six projects over two months, made once per module (ingesting is per test: the store is per test)."""
    root = tmp_path_factory.mktemp("bulletin-city") / "files"
    key = make_city(root, seed=11, projects=6, months=MONTHS, workers=(12, 20))
    return root, key


@dataclass
class CityStore:
    engine: Engine
    key: CityKey
    as_of: dt.date
    leads: int = 0
    red: list[str] = field(default_factory=list)


def _import_leads(engine: Engine, out: Path, as_of: dt.date) -> int:
    """The two platforms' lead exports about the city's projects, read and imported as `leads import` does."""
    from fixtures.leads import plan_leads, write_exports
    from four_real.oversight.leads import import_leads
    from ingest.leads import read_leads

    p = Project.__table__  # type: ignore[attr-defined]
    with engine.connect() as conn:
        projects = pd.read_sql(select(p.c.code, p.c.name, p.c.township, p.c.contractor, p.c.contractor_uscc),
                               conn).to_dict("records")
    leads = plan_leads(seed=5, projects=projects, as_of=as_of, random_leads=10, unlinked=2)
    frames = [read_leads(path.read_bytes(), filename=path.name).frame
              for path in write_exports(out, leads, as_of=as_of)]
    with Session(engine) as session:
        import_leads(session, pd.concat(frames, ignore_index=True))
        session.commit()
    return len(leads)


def _grade(engine: Engine, as_of: dt.date) -> list[str]:
    """The bureau grades the enterprises on ``as_of`` (`four-real grade`); returns the red ones' names."""
    from four_real.oversight.grading import grade_enterprises, store_grades

    with Session(engine) as session:
        grades = grade_enterprises(session, as_of)
        store_grades(session, grades)
        session.commit()
    return sorted(grades.loc[grades["grade"].eq("red"), "enterprise_name"])


@pytest.fixture
def city_store(engine: Engine, city_files: tuple[Path, CityKey], tmp_path: Path) -> CityStore:
    """The city ingested and reconciled into this test's database, with leads imported and grades stored,
    as the demo and a bureau's month would leave it."""
    root, key = city_files
    for project in key.projects:
        receipts = ingest_paths(engine, [root / project["folder"]], project=project["code"])
        assert all(r.ok for r in receipts), [r.message for r in receipts if not r.ok]
    replay_arrivals(engine)
    as_of = dt.date.fromisoformat(key.as_of)
    reconcile_store(engine, as_of=as_of, months=key.months)
    leads = _import_leads(engine, tmp_path / "leads", as_of)
    return CityStore(engine=engine, key=key, as_of=as_of, leads=leads, red=_grade(engine, as_of))


# ---- hand-planted project-months ------------------------------------------------------------------------


def plant(engine: Engine, months: list[dict[str, Any]], findings: list[dict[str, Any]] = (),  # type: ignore[assignment]
          projects: list[dict[str, Any]] = (), as_of: dt.date = dt.date(2025, 4, 25)) -> None:  # type: ignore[assignment]
    """Store project rows, project-months and findings as a reconciliation would have recorded them.

    ``months`` rows need project_code, month and whatever figures the test is about; the rest default to
    a clean, due month. ``findings`` rows need project_code, month, rule, severity (worker_id optional).
    """
    with engine.begin() as conn:
        run = conn.execute(insert(ReconciliationRun.__table__).values(  # type: ignore[attr-defined]
            as_of=as_of, months=",".join(sorted({m["month"] for m in months})))).inserted_primary_key[0]
        if projects:
            conn.execute(insert(Project.__table__), list(projects))  # type: ignore[attr-defined]
        rows = []
        for m in months:
            y, mo = (int(x) for x in m["month"].split("-"))
            due = dt.date(y + mo // 12, mo % 12 + 1, 15)
            rows.append({"due_date": due, "status": "due", "workers": 10, "payable": 0, "paid": 0, "unpaid": 0,
                         "unpaid_own": 0, "underpaid": 0, "anxin_index": 100.0, "risk_score": 0, "level": "green",
                         "critical": 0, "high": 0, "medium": 0, "low": 0, "holiday_calendar": "official",
                         "run_id": run, "as_of": as_of, **m})
        conn.execute(insert(ProjectMonth.__table__), rows)  # type: ignore[attr-defined]
        if findings:
            conn.execute(insert(Finding.__table__), [  # type: ignore[attr-defined]
                {"fingerprint": f"fp{k}", "pillar": "real_card", "worker_id": None, "amount": None,
                 "message_zh": "-", "message_en": "-", "basis": "-", "evidence": [], "status": "open",
                 "first_seen_run": run, "last_seen_run": run, **f} for k, f in enumerate(findings)])


# ---- the browser ---------------------------------------------------------------------------------------


@dataclass
class PageReport:
    """What a page did in the browser: console messages of type error or warning, uncaught errors,
    every URL it requested, its rendered text, and its print as A4 pages."""

    errors: list[str]
    requests: list[str]
    text: str
    pages: int
    page_breaks: dict[str, str]  # section id → its CSS break-before when printed


def chromium_path() -> str:
    path = os.environ.get(CHROMIUM_ENV) or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail(f"Chromium is not installed: `apt-get install -y chromium` (or set {CHROMIUM_ENV}); the "
                    "bulletin's page must be opened in a real browser, so this test fails rather than skips",
                    pytrace=False)
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is not installed: `pip install -e '.[dev]'` (no browser download is needed: "
                    "Debian's chromium is used)", pytrace=False)
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        yield instance
        instance.close()


def open_page(browser: Any, path: Path) -> PageReport:
    """Open ``path`` as a reader would (file://, no server) and print it to A4 as the bureau would."""
    page = browser.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(f"console.{m.type}: {m.text}") if m.type in ("error", "warning")
            else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(path.resolve().as_uri(), wait_until="load")
        text = page.inner_text("body")
        page.emulate_media(media="print")
        breaks = page.evaluate("Object.fromEntries([...document.querySelectorAll('section')]"
                               ".map(s => [s.id, getComputedStyle(s).breakBefore]))")
        pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    finally:
        page.close()
    return PageReport(errors=errors, requests=requests, text=text, page_breaks=breaks,
                      pages=len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf)))
