"""The store-only rules, pure: hand-made arrivals and two-project datasets, no database."""

from __future__ import annotations

import pandas as pd

from tests.validators.conftest import CleanMonth, build_context, clean_month, combine, of_rule
from validators.catalogue import RULES
from validators.rules.store_only import (
    ARRIVAL_COLUMNS,
    STORE_RULES,
    data_late,
    store_findings,
    xp_double_attendance,
)

P1, P2 = "DY2025-001", "DY2025-002"


def arrivals(*rows: tuple[str, str, str | None, str | None, str]) -> pd.DataFrame:
    """(project, kind, month, date, received_at as an ISO instant) rows."""
    frame = pd.DataFrame(rows, columns=ARRIVAL_COLUMNS)
    return frame.assign(date=pd.to_datetime(frame["date"]), received_at=pd.to_datetime(frame["received_at"], utc=True))


def on_time(cm: CleanMonth) -> pd.DataFrame:
    """Payroll before its due date, each attendance day the next morning (China time)."""
    days = sorted(cm.frames["attendance"]["date"].unique())
    rows = [(cm.project, "payroll", cm.month, None, f"{cm.due.isoformat()}T01:00:00+08:00")]
    rows += [(cm.project, "attendance", cm.month, pd.Timestamp(d).strftime("%Y-%m-%d"),
              (pd.Timestamp(d) + pd.Timedelta(days=1)).strftime("%Y-%m-%dT09:00:00+08:00")) for d in days]
    return arrivals(*rows)


def test_store_rules_are_the_catalogues_store_only_rules():
    assert set(STORE_RULES) == {code for code, rule in RULES.items() if rule.store_only}


# ---- DATA-LATE --------------------------------------------------------------------------------------
def test_timely_arrivals_give_no_data_late():
    cm = clean_month()
    ctx = build_context(cm.frames, as_of=cm.as_of)
    assert data_late(ctx, on_time(cm)).empty


def test_payroll_arriving_after_the_due_date_is_late_with_its_delay():
    cm = clean_month()  # due 2025-04-15
    ctx = build_context(cm.frames, as_of=cm.as_of)
    late = arrivals((cm.project, "payroll", cm.month, None, "2025-04-20T03:00:00Z"))
    found = data_late(ctx, pd.concat([on_time(cm).iloc[1:], late]))
    assert len(found) == 1
    row = found.iloc[0]
    assert (row["rule"], row["project"], row["month"]) == ("DATA-LATE", cm.project, cm.month)
    assert pd.isna(row["worker_id"]) and pd.isna(row["amount"])
    assert "5 天" in row["message_zh"] and "5 days after its due date 2025-04-15" in row["message_en"]


def test_the_first_version_counts_not_a_later_correction():
    cm = clean_month()
    ctx = build_context(cm.frames, as_of=cm.as_of)
    correction = arrivals((cm.project, "payroll", cm.month, None, "2025-05-20T03:00:00Z"))
    assert data_late(ctx, pd.concat([on_time(cm), correction])).empty


def test_due_date_is_a_day_in_china_not_in_utc():
    cm = clean_month()
    ctx = build_context(cm.frames, as_of=cm.as_of)
    base = on_time(cm).iloc[1:]
    # 23:30 in Dongyang on the due date is 15:30 UTC the same day: on time.
    evening = arrivals((cm.project, "payroll", cm.month, None, "2025-04-15T15:30:00Z"))
    assert data_late(ctx, pd.concat([base, evening])).empty
    # 00:30 the next day in Dongyang (still the 15th in UTC): one day late.
    night = arrivals((cm.project, "payroll", cm.month, None, "2025-04-15T16:30:00Z"))
    found = data_late(ctx, pd.concat([base, night]))
    assert "1 days after" in found.iloc[0]["message_en"]


def test_attendance_more_than_two_days_late_is_counted_per_day():
    cm = clean_month()
    ctx = build_context(cm.frames, as_of=cm.as_of)
    base = on_time(cm)
    base = base[~base["date"].isin(pd.to_datetime(["2025-03-03", "2025-03-04", "2025-03-05"]))]
    extra = arrivals(
        (cm.project, "attendance", cm.month, "2025-03-03", "2025-03-05T20:00:00+08:00"),  # 2 days: on time
        (cm.project, "attendance", cm.month, "2025-03-04", "2025-03-07T08:00:00+08:00"),  # 3 days: late
        (cm.project, "attendance", cm.month, "2025-03-05", "2025-03-15T08:00:00+08:00"),  # 10 days: late
    )
    found = data_late(ctx, pd.concat([base, extra]))
    assert len(found) == 1
    assert "有 2 天的考勤" in found.iloc[0]["message_zh"]
    assert "up to 10 days" in found.iloc[0]["message_en"]


def test_late_payroll_and_late_attendance_make_one_finding_per_project_month():
    cm = clean_month()
    ctx = build_context(cm.frames, as_of=cm.as_of)
    late = arrivals((cm.project, "payroll", cm.month, None, "2025-04-18T03:00:00Z"),
                    (cm.project, "attendance", cm.month, "2025-03-31", "2025-04-18T03:00:00Z"))
    found = data_late(ctx, pd.concat([on_time(cm).iloc[1:-1], late]))
    assert len(found) == 1
    assert "payroll reported on 2025-04-18" in found.iloc[0]["message_en"]
    assert "attendance of 1 days" in found.iloc[0]["message_en"]


def test_arrivals_of_months_not_judged_are_ignored():
    march, april = clean_month(month="2025-03"), clean_month(month="2025-04")
    frames = combine(march, april)
    ctx = build_context(frames, as_of=april.as_of, months=["2025-04"])
    late_march = arrivals((march.project, "payroll", "2025-03", None, "2025-06-01T03:00:00Z"))
    assert data_late(ctx, pd.concat([on_time(april), late_march])).empty


def test_no_arrivals_no_findings():
    cm = clean_month()
    ctx = build_context(cm.frames, as_of=cm.as_of)
    assert data_late(ctx, arrivals()).empty


# ---- XP-DOUBLE-ATTENDANCE ----------------------------------------------------------------------------
def two_projects(shared_dates: list[str] | None = None):
    """P1 with workers 1–3, P2 with workers 1–2 (the same people) and worker 9; attendance of the shared
    workers in P2 only on ``shared_dates`` (default: every weekday, like P1)."""
    a = clean_month(3, project=P1)
    b = clean_month(2, project=P2)
    c = clean_month(1, project=P2, first_seq=9)
    frames = combine(a, b, c)
    if shared_dates is not None:
        att = frames["attendance"]
        keep = (att["project_code"].ne(P2) | att["id_number"].eq(c.ids[0])
                | att["date"].isin(pd.to_datetime(shared_dates)))
        frames["attendance"] = att[keep].reset_index(drop=True)
    return a, frames


def test_clean_single_project_has_no_double_attendance():
    cm = clean_month()
    assert xp_double_attendance(build_context(cm.frames, as_of=cm.as_of)).empty


def test_a_worker_on_two_projects_the_same_day_is_flagged_once_per_project():
    a, frames = two_projects(["2025-03-05", "2025-03-06"])
    found = xp_double_attendance(build_context(frames, as_of=a.as_of))
    assert len(found) == 4  # two workers, each in both projects
    mine = found[(found["project"] == P1) & (found["worker_id"] == a.ids[0])].iloc[0]
    assert mine["month"] == "2025-03" and mine["worker_name"] == a.names[0]
    assert "DY2025-002" in mine["message_zh"] and "2025-03-05、2025-03-06" in mine["message_zh"]
    assert "2 day(s): 2025-03-05, 2025-03-06" in mine["message_en"]
    # Evidence: the worker's rows on both projects on the two dates (P1's and P2's attendance rows).
    assert len(mine["evidence"]) == 4
    other = found[(found["project"] == P2) & (found["worker_id"] == a.ids[0])].iloc[0]
    assert "DY2025-001" in other["message_en"]


def test_two_projects_on_different_days_are_clean():
    a, frames = two_projects(["2025-03-08"])  # a Saturday: P1 works weekdays only
    assert xp_double_attendance(build_context(frames, as_of=a.as_of)).empty


def test_a_zero_mark_is_not_attendance():
    a, frames = two_projects(["2025-03-05"])
    att = frames["attendance"]
    zero = att["project_code"].eq(P2) & att["date"].eq(pd.Timestamp("2025-03-05"))
    frames["attendance"] = att.assign(day_fraction=att["day_fraction"].where(~zero, 0.0))
    assert xp_double_attendance(build_context(frames, as_of=a.as_of)).empty


def test_other_projects_rows_given_apart_flag_only_the_judged_projects():
    a, frames = two_projects(["2025-03-05"])
    mine = {k: (f[f["project_code"] == P1] if "project_code" in f else f) for k, f in frames.items()}
    elsewhere = frames["attendance"][frames["attendance"]["project_code"] == P2]
    ctx = build_context(mine, as_of=a.as_of)
    assert xp_double_attendance(ctx).empty  # P1 alone shows nothing
    found = xp_double_attendance(ctx, elsewhere=elsewhere)
    assert set(found["project"]) == {P1} and set(found["worker_id"]) == set(a.ids[:2])


def test_store_findings_runs_every_store_rule():
    a, frames = two_projects(["2025-03-05"])
    ctx = build_context(frames, as_of=a.as_of)
    late = arrivals((P1, "payroll", "2025-03", None, "2025-04-30T03:00:00Z"))
    found = store_findings(ctx, late)
    assert len(of_rule(found, "DATA-LATE")) == 1
    assert len(of_rule(found, "XP-DOUBLE-ATTENDANCE")) == 4
