"""Warnings follow findings: raised once per project, month and rule group however often a month is
reconciled; resolved when the findings go (补发), reopened when they come back; escalated when a critical
finding joins; every automatic step an audit event by "system" and (where it should be) one notification."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import text

from four_real.store.db import session_scope
from four_real.warnings import lifecycle
from tests.warnings.conftest import add_webhook, builders, events, finding, outbox, run, store_frames, warnings

APRIL_20 = dt.date(2025, 4, 20)


def test_a_warning_is_raised_once_however_often_the_month_is_reconciled(city):
    found = [finding("CARD-UNPAID", worker="W1", amount=3000_00), finding("CARD-UNPAID", worker="W2",
                                                                          amount=2000_00)]
    first = run(city, found, as_of=APRIL_20)
    for day in range(21, 24):
        again = run(city, found, as_of=dt.date(2025, 4, day))
        assert (again.raised, again.reopened, again.resolved, again.escalated) == (0, 0, 0, 0)
    assert first.raised == 1
    w = warnings(city)
    assert len(w) == 1
    row = w.iloc[0]
    assert (row["project_code"], row["month"], row["rule_group"], row["severity"], row["status"]) == (
        "P1", "2025-03", "arrears", "critical", "open")
    assert (row["findings"], row["amount"], row["rules"]) == (2, 5000_00, "CARD-UNPAID")
    assert (row["opened_on"], row["deadline"]) == (APRIL_20, dt.date(2025, 4, 23))
    assert (row["sector"], row["township"]) == ("housing", "吴宁街道")
    created = pd.Timestamp(row["created_at"])  # a moment, not a day (SQLite: naive UTC)
    created = created.tz_convert("UTC") if created.tzinfo else created.tz_localize("UTC")
    assert abs(created - pd.Timestamp.now(tz="UTC")) < pd.Timedelta(minutes=5)
    assert events(city)["action"].tolist() == ["raised"]
    assert outbox(city)["event_key"].tolist() == [f"warning:{row['id']}:new:0"]


def test_one_warning_per_project_month_and_group_and_none_for_medium_or_low(city):
    found = [
        finding("CARD-UNPAID", worker="W1", amount=100_00), finding("CARD-SHORT", worker="W2", amount=50_00),
        finding("ACCT-DORMANT", worker=None, amount=900_00),  # arrears, three rules
        finding("CARD-SHARED", worker="W3", amount=None),  # real_card
        finding("RN-NO-CONTRACT", worker="W4", amount=None),  # real_name (high)
        finding("PAY-DAYS-MISMATCH", worker="W5"), finding("PAY-NOT-SIGNED", worker="W5"),  # medium, low
        finding("CARD-UNPAID", project="P2", worker="W9", amount=70_00),  # another project
        finding("CARD-UNPAID", month="2025-02", worker="W1", amount=80_00),  # another month
    ]
    summary = run(city, found, as_of=APRIL_20)
    w = warnings(city).set_index(["project_code", "month", "rule_group"])
    assert summary.raised == len(w) == 5
    arrears = w.loc[("P1", "2025-03", "arrears")]
    assert (arrears["findings"], arrears["amount"], arrears["rules"], arrears["severity"]) == (
        3, 1050_00, "ACCT-DORMANT,CARD-SHORT,CARD-UNPAID", "critical")
    assert w.loc[("P1", "2025-03", "real_card"), "severity"] == "critical"
    assert w.loc[("P1", "2025-03", "real_name"), "severity"] == "high"
    assert w.loc[("P1", "2025-03", "real_name"), "deadline"] == dt.date(2025, 4, 27)  # high: 7 days
    assert w.loc[("P2", "2025-03", "arrears"), "sector"] == "water"
    assert ("P1", "2025-03", "real_pay") not in w.index


def test_paid_arrears_resolve_the_warning_and_returning_arrears_reopen_it(city):
    unpaid = [finding("CARD-UNPAID", worker="W1", amount=3000_00)]
    run(city, unpaid, as_of=APRIL_20)
    wid = int(warnings(city).iloc[0]["id"])

    paid = run(city, [finding("CARD-LATE", worker="W1", amount=None)], as_of=dt.date(2025, 5, 20))  # 补发
    w = warnings(city).iloc[0]
    assert paid.resolved == 1 and (w["status"], bool(w["active"])) == ("resolved", False)
    assert (w["findings"], w["amount"]) == (1, 3000_00)  # what it was about stays readable
    still = run(city, [], as_of=dt.date(2025, 5, 21))
    assert (still.resolved, still.reopened) == (0, 0)

    back = run(city, unpaid, as_of=dt.date(2025, 6, 2))  # e.g. the payment was reversed (退票)
    w = warnings(city).iloc[0]
    assert back.reopened == 1 and back.raised == 0
    assert (w["status"], w["cycle"], w["opened_on"], w["deadline"]) == (
        "open", 1, dt.date(2025, 6, 2), dt.date(2025, 6, 5))
    trail = events(city, wid)
    assert trail["action"].tolist() == ["raised", "resolved", "reopened"]
    assert set(trail["actor"]) == {"system"}
    assert trail["from_status"].tolist()[1:] == ["open", "resolved"]
    assert trail["to_status"].tolist() == ["open", "resolved", "open"]
    assert trail["run_id"].notna().all()
    assert outbox(city)["event_key"].tolist() == [f"warning:{wid}:new:0", f"warning:{wid}:resolved:0",
                                                  f"warning:{wid}:reopened:1"]


def test_a_critical_finding_joining_a_high_warning_escalates_it_once(city):
    short = [finding("CARD-SHORT", worker="W1", amount=500_00)]
    run(city, short, as_of=APRIL_20)
    assert warnings(city).iloc[0]["deadline"] == dt.date(2025, 4, 27)
    worse = [*short, finding("CARD-UNPAID", worker="W2", amount=3000_00)]
    up = run(city, worse, as_of=dt.date(2025, 4, 22))
    again = run(city, worse, as_of=dt.date(2025, 4, 23))
    w = warnings(city).iloc[0]
    assert (up.escalated, again.escalated) == (1, 0)
    assert (w["severity"], w["status"], w["findings"]) == ("critical", "open", 2)
    assert w["deadline"] == dt.date(2025, 4, 25)  # brought forward: critical is 3 days from the escalation
    trail = events(city)
    assert trail["action"].tolist() == ["raised", "escalated"]
    assert trail.iloc[1]["details"]["from"] == "high" and trail.iloc[1]["details"]["to"] == "critical"
    assert outbox(city)["kind"].tolist() == ["warning.new", "warning.escalated"]


def test_an_escalation_never_pushes_a_nearer_deadline_back(city):
    run(city, [finding("CARD-SHORT", worker="W1")], as_of=APRIL_20)  # high: due 04-27
    run(city, [finding("CARD-SHORT", worker="W1"), finding("CARD-UNPAID", worker="W2")],
        as_of=dt.date(2025, 4, 26))  # 04-26 + 3 = 04-29 is later than 04-27
    assert warnings(city).iloc[0]["deadline"] == dt.date(2025, 4, 27)


def test_project_months_the_run_did_not_judge_are_left_alone(city):
    run(city, [finding("CARD-UNPAID", project="P1"), finding("CARD-UNPAID", project="P2")], as_of=APRIL_20)
    only_p2 = run(city, [], as_of=dt.date(2025, 4, 21), judged=[("P2", "2025-03")])
    w = warnings(city).set_index("project_code")
    assert only_p2.resolved == 1
    assert (w.loc["P1", "status"], w.loc["P2", "status"]) == ("open", "resolved")


def test_a_person_s_resolution_stands_while_the_same_findings_stay_but_not_against_new_ones(city):
    found = [finding("RN-NO-CONTRACT", worker="W1", amount=None)]
    run(city, found, as_of=APRIL_20)
    wid = int(warnings(city).iloc[0]["id"])
    with session_scope(city) as session:
        lifecycle.resolve(session, wid, actor="住建局 王科长", note="合同已补签")
    run(city, found, as_of=dt.date(2025, 4, 21))
    assert warnings(city).iloc[0]["status"] == "resolved"  # the past month's roster cannot change
    more = run(city, [*found, finding("RN-NO-CONTRACT", worker="W2", amount=None)], as_of=dt.date(2025, 4, 22))
    assert more.reopened == 1 and warnings(city).iloc[0]["status"] == "open"
    assert events(city, wid)["actor"].tolist() == ["system", "住建局 王科长", "system"]


def test_a_closed_warning_stays_closed_while_its_findings_stay(city):
    found = [finding("CARD-SHARED", worker="W1", amount=None)]
    run(city, found, as_of=APRIL_20)
    wid = int(warnings(city).iloc[0]["id"])
    with session_scope(city) as session:
        lifecycle.close(session, wid, actor="人社局 李", note="同户夫妻共用一卡，已核实")
    assert run(city, found, as_of=dt.date(2025, 4, 21)).reopened == 0
    assert warnings(city).iloc[0]["status"] == "closed"
    run(city, [], as_of=dt.date(2025, 4, 22))  # the findings go: nothing to resolve, the group goes quiet
    assert (warnings(city).iloc[0]["status"], bool(warnings(city).iloc[0]["active"])) == ("closed", False)
    assert run(city, found, as_of=dt.date(2025, 4, 23)).reopened == 1  # and come back


def test_notifications_go_to_the_sector_s_subscribers_and_to_the_all_sector_ones(city):
    housing = add_webhook(city, sector="housing")
    water = add_webhook(city, sector="water")
    run(city, [finding("CARD-UNPAID", project=p) for p in ("P1", "P2", "P3")], as_of=APRIL_20)
    sent = outbox(city)
    w = warnings(city).set_index("project_code")["id"]
    by_hook = sent.groupby("webhook_id")["warning_id"].apply(set).to_dict()
    everyone = next(h for h in by_hook if h not in (housing, water))
    assert by_hook == {everyone: set(w), housing: {w["P1"]}, water: {w["P2"]}}
    payload = sent[sent["warning_id"] == w["P1"]].iloc[0]["payload"]
    assert payload["warning"]["bureaus"] == ["hr", "housing"] and payload["warning"]["amount"] == "100.00"
    assert "W1" not in str(payload)  # no worker ever leaves the store in a notification


def test_without_subscribers_nothing_is_queued_but_the_audit_trail_is_kept(engine):
    run(engine, [finding("CARD-UNPAID")], as_of=APRIL_20)
    assert outbox(engine).empty and events(engine)["action"].tolist() == ["raised"]
    assert warnings(engine).iloc[0]["sector"] is None  # no project row: routed to 人社 only


def test_the_audit_trail_cannot_be_edited(city):
    run(city, [finding("CARD-UNPAID")], as_of=APRIL_20)
    for statement in ("UPDATE warning_event SET actor = 'someone else'", "DELETE FROM warning_event"):
        with pytest.raises(Exception, match="append-only"), city.begin() as connection:
            connection.execute(text(statement))
    assert events(city)["actor"].tolist() == ["system"]


def test_a_failed_reconciliation_leaves_neither_findings_nor_warnings(city, monkeypatch):
    import four_real.store.reconcile as reconcile

    cm = builders().clean_month(3)
    frames = dict(cm.frames, disbursement=cm.frames["disbursement"].iloc[1:])
    store_frames()(city, frames, received_at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC))
    real = reconcile.sync_warnings

    def sync_then_fail(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(reconcile, "sync_warnings", sync_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        reconcile.reconcile_store(city, as_of=cm.as_of)
    assert warnings(city).empty and events(city).empty and outbox(city).empty
    monkeypatch.setattr(reconcile, "sync_warnings", real)
    reconcile.reconcile_store(city, as_of=cm.as_of)
    assert set(warnings(city)["rule_group"]) >= {"arrears"}
