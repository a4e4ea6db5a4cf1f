"""Persisting a run: fingerprints, idempotent upserts, resolution and reopening, project-month figures."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, select

from four_real.store.db import session_scope
from four_real.store.models import Finding, ProjectMonth, ReconciliationRun
from four_real.store.persist import fingerprints, persist
from validators.config import RuleConfig
from validators.findings import empty_findings, make_findings
from validators.reconcile import annotate

AS_OF = dt.date(2025, 4, 20)
P = "DY2025-001"
W1, W2 = "330783198503120031", "33078319850312004X"


def findings(*rows: tuple[str, str, str | None, int | None, str]) -> pd.DataFrame:
    """(rule, month, worker, amount, message) rows of project P, annotated as reconcile does."""
    frame = pd.DataFrame(rows, columns=["rule", "month", "id_number", "amount", "msg"]).assign(
        project_code=P, worker_name="张伟")
    parts = [make_findings(rule, g, worker_id="id_number" if g["id_number"].notna().all() else None,
                           amount=g["amount"].astype("Float64"), message_zh=g["msg"], message_en=g["msg"],
                           evidence=pd.Series([(("pay.xlsx", "3月", 5), ("bank.txt", None, 2))] * len(g),
                                              index=g.index, dtype="object"))
             for rule, g in frame.groupby("rule", sort=False)]
    return annotate(pd.concat(parts, ignore_index=True) if parts else empty_findings(), RuleConfig())


def figures(months: list[str], unpaid: int = 0) -> pd.DataFrame:
    return pd.DataFrame({
        "project": P, "month": months, "due_date": "2025-04-15", "status": "due", "workers": 3,
        "payable": 1_890_000, "paid": 1_890_000 - unpaid, "unpaid": unpaid, "unpaid_own": unpaid,
        "underpaid": 0, "anxin_index": 95.5, "level": "green", "risk_score": 3, "critical": 0, "high": 0,
        "medium": 0, "low": 0})


def judged(*months: str) -> pd.DataFrame:
    return pd.DataFrame({"project_code": P, "month": list(months)})


def run_once(engine: Engine, found: pd.DataFrame, months: tuple[str, ...] = ("2025-03",),
             unpaid: int = 0) -> tuple[int, int, int]:
    with session_scope(engine) as session:
        run = ReconciliationRun(as_of=AS_OF, months=",".join(months))
        session.add(run)
        session.flush()
        opened, resolved = persist(session, run=run, findings=found, project_months=figures(list(months), unpaid),
                                   judged=judged(*months))
        return int(run.id), opened, resolved


def stored(engine: Engine) -> pd.DataFrame:
    with session_scope(engine) as session:
        rows = session.exec(select(Finding).order_by(Finding.id)).all()
        return pd.DataFrame([r[0].model_dump() for r in rows])


UNPAID = ("CARD-UNPAID", "2025-03", W1, 630_000, "3月工资 6300.00 元逾期未发放")
SHORT = ("CARD-SHORT", "2025-03", W2, 10_000, "3月工资少发 100.00 元")
LATE = ("DATA-LATE", "2025-03", None, None, "3月工资表迟报")


def test_fingerprints_are_stable_and_number_repeats_by_message():
    a = findings(("PAY-ARITHMETIC", "2025-03", W1, 100, "b"), ("PAY-ARITHMETIC", "2025-03", W1, 100, "a"))
    b = a.iloc[::-1].reset_index(drop=True)
    fa, fb = fingerprints(a), fingerprints(b)
    assert fa.nunique() == 2 and all(len(f) == 64 for f in fa)
    assert dict(zip(a["message_en"], fa, strict=True)) == dict(zip(b["message_en"], fb, strict=True))
    # Amount and message wording do not change the identity of a single finding.
    c = findings(("CARD-UNPAID", "2025-03", W1, 1, "x"))
    d = findings(("CARD-UNPAID", "2025-03", W1, 2, "y"))
    assert fingerprints(c).tolist() == fingerprints(d).tolist()


def test_first_run_opens_every_finding_with_its_evidence(engine):
    run, opened, resolved = run_once(engine, findings(UNPAID, SHORT, LATE))
    assert (opened, resolved) == (3, 0)
    rows = stored(engine)
    assert len(rows) == 3 and set(rows["status"]) == {"open"}
    assert set(rows["first_seen_run"]) == {run} and set(rows["last_seen_run"]) == {run}
    unpaid = rows[rows["rule"] == "CARD-UNPAID"].iloc[0]
    assert unpaid["amount"] == 630_000 and unpaid["severity"] == "critical" and unpaid["pillar"] == "real_card"
    assert unpaid["evidence"] == [["pay.xlsx", "3月", 5], ["bank.txt", None, 2]]
    late = rows[rows["rule"] == "DATA-LATE"].iloc[0]
    assert pd.isna(late["worker_id"]) and pd.isna(late["amount"])


def test_running_twice_gives_the_same_rows_and_no_duplicates(engine):
    found = findings(UNPAID, SHORT, LATE)
    first, _, _ = run_once(engine, found)
    before = stored(engine)
    second, opened, resolved = run_once(engine, found)
    after = stored(engine)
    assert (opened, resolved) == (0, 0)
    assert len(after) == 3
    same = ["id", "fingerprint", "rule", "status", "amount", "message_zh", "evidence", "first_seen_run",
            "first_seen_at"]
    pd.testing.assert_frame_equal(before[same], after[same])
    assert set(after["last_seen_run"]) == {second} and first != second


def test_a_finding_no_longer_found_is_resolved_and_reopens_if_it_returns(engine):
    first, _, _ = run_once(engine, findings(UNPAID, SHORT))
    second, opened, resolved = run_once(engine, findings(SHORT))
    assert (opened, resolved) == (0, 1)
    rows = stored(engine).set_index("rule")
    assert rows.loc["CARD-UNPAID", "status"] == "resolved"
    assert rows.loc["CARD-UNPAID", "resolved_run"] == second
    assert rows.loc["CARD-UNPAID", "resolved_at"] is not None
    assert rows.loc["CARD-SHORT", "status"] == "open"

    third, opened, resolved = run_once(engine, findings(UNPAID, SHORT))
    assert (opened, resolved) == (1, 0)
    again = stored(engine).set_index("rule")
    assert again.loc["CARD-UNPAID", "id"] == rows.loc["CARD-UNPAID", "id"]  # the same row, reopened
    assert again.loc["CARD-UNPAID", "status"] == "open"
    assert pd.isna(again.loc["CARD-UNPAID", "resolved_run"]) and again.loc["CARD-UNPAID", "resolved_at"] is None
    assert again.loc["CARD-UNPAID", "first_seen_run"] == first
    assert again.loc["CARD-UNPAID", "last_seen_run"] == third


def test_findings_of_months_not_judged_stay_open(engine):
    run_once(engine, findings(UNPAID))
    _, opened, resolved = run_once(engine, findings(), months=("2025-04",))
    assert (opened, resolved) == (0, 0)
    assert stored(engine)["status"].tolist() == ["open"]


def test_a_changed_amount_updates_the_finding_in_place(engine):
    run_once(engine, findings(("CARD-SHORT", "2025-03", W2, 10_000, "少发 100.00 元")))
    _, opened, _ = run_once(engine, findings(("CARD-SHORT", "2025-03", W2, 5_000, "少发 50.00 元")))
    rows = stored(engine)
    assert opened == 0 and len(rows) == 1
    assert rows.loc[0, "amount"] == 5_000 and rows.loc[0, "message_en"] == "少发 50.00 元"


def test_project_months_are_upserted_once_per_project_month(engine):
    run_once(engine, findings(UNPAID), unpaid=630_000)
    last, _, _ = run_once(engine, findings(), unpaid=0)
    with session_scope(engine) as session:
        rows = [r[0] for r in session.exec(select(ProjectMonth)).all()]
        assert len(rows) == 1
        pm = rows[0]
        assert (pm.project_code, pm.month, pm.unpaid, pm.run_id) == (P, "2025-03", 0, last)
        assert pm.due_date == dt.date(2025, 4, 15) and pm.as_of == AS_OF and pm.anxin_index == 95.5
