"""Acceptance 2, through ``four-real reconcile``'s own code path (``reconcile_store``) on stored data: the
warning is raised once however often the month is reconciled, resolves itself when the arrears are paid
(补发), reopens when they come back, and its audit trail records every step."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from four_real.store.reconcile import reconcile_store
from tests.warnings.conftest import builders, events, outbox, store_frames, warnings

EARLY = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)  # files "arrive" early: no DATA-LATE noise


def test_arrears_raise_one_warning_that_resolves_when_paid_and_reopens_when_they_return(city):
    put = store_frames()
    cm = builders().clean_month(3)
    late = cm.frames["disbursement"].copy()
    late.loc[0, "date"] = pd.Timestamp("2025-05-10")  # worker 0 is paid on May 10th (补发)
    put(city, dict(cm.frames, disbursement=late), received_at=EARLY)

    for _ in range(3):  # reconciled three times while the arrears stand
        reconcile_store(city, as_of=dt.date(2025, 4, 20))
    w = warnings(city)
    arrears = w[w["rule_group"] == "arrears"]
    assert len(arrears) == 1
    a = arrears.iloc[0]
    wid = int(a["id"])
    assert (a["project_code"], a["month"], a["severity"], a["status"], a["rules"]) == (
        cm.project, "2025-03", "critical", "open", "CARD-UNPAID")
    assert (a["amount"], a["sector"], a["township"]) == (cm.net[0], "housing", "吴宁街道")

    reconcile_store(city, as_of=dt.date(2025, 5, 20))  # the May payment now counts
    a = warnings(city).set_index("id").loc[wid]
    assert (a["status"], bool(a["active"])) == ("resolved", False)

    # The bank's corrected result for that May batch: the payment failed (退票), so the arrears are back.
    put(city, {"disbursement": late.iloc[[0]].assign(status="F")}, received_at=EARLY)
    reconcile_store(city, as_of=dt.date(2025, 5, 21))
    a = warnings(city).set_index("id").loc[wid]
    assert (a["status"], a["cycle"], a["deadline"]) == ("open", 1, dt.date(2025, 5, 24))

    trail = events(city, wid)
    assert trail["action"].tolist() == ["raised", "resolved", "reopened"]
    assert trail["actor"].tolist() == ["system"] * 3
    assert trail["run_id"].is_monotonic_increasing and trail["run_id"].nunique() == 3
    sent = outbox(city)
    assert sent.loc[sent["warning_id"] == wid, "kind"].tolist() == [
        "warning.new", "warning.resolved", "warning.reopened"]
