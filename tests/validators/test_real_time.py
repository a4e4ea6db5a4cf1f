"""数据实时: DATA-ATTENDANCE-GAP on the clean month of ``conftest`` with attendance on every day of March,
so that each test controls exactly which days are quiet."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tests.validators.conftest import CleanMonth, clean_month, of_rule, run_rules
from validators.config import RuleConfig
from validators.rules.real_time import RULES

CODE = "DATA-ATTENDANCE-GAP"


def _every_day(without: tuple[str, str] | None = None) -> CleanMonth:
    """The clean month with attendance on all 31 days of March, except the days ``without`` spans."""
    cm = clean_month()
    att = cm.frames["attendance"]
    days = pd.date_range("2025-03-01", "2025-03-31")
    rows = [att.iloc[:1].assign(id_number=i, worker_name=n, date=d)
            for i, n in zip(cm.ids, cm.names, strict=True) for d in days]
    full = pd.concat(rows, ignore_index=True)
    if without:
        full = full[~full["date"].between(pd.Timestamp(without[0]), pd.Timestamp(without[1]))]
    cm.frames["attendance"] = full.reset_index(drop=True)
    return cm


def _gaps(cm: CleanMonth, **kwargs: object) -> pd.DataFrame:
    return of_rule(run_rules(cm.frames, as_of=kwargs.pop("as_of", cm.as_of), only=CODE, **kwargs), CODE)


def test_clean_month_has_no_attendance_gap() -> None:
    cm = clean_month()  # weekday attendance: the weekends are two-day gaps
    assert run_rules(cm.frames, as_of=cm.as_of, only=list(RULES)).empty


@pytest.mark.parametrize(("last_quiet_day", "flagged"), [
    ("2025-03-15", False),  # 6 quiet days
    ("2025-03-16", True),  # 7 quiet days
    ("2025-03-17", True),  # 8 quiet days
])
def test_seven_days_without_attendance_are_a_gap(last_quiet_day: str, flagged: bool) -> None:
    cm = _every_day(("2025-03-10", last_quiet_day))
    out = _gaps(cm)
    assert len(out) == int(flagged)
    if flagged:
        n = pd.Timestamp(last_quiet_day).day - 9
        assert out[["project", "month"]].values.tolist() == [[cm.project, cm.month]]
        assert pd.isna(out.loc[0, "worker_id"]) and pd.isna(out.loc[0, "amount"])
        assert f"2025-03-10 至 {last_quiet_day} 连续 {n} 天无考勤记录" in out.loc[0, "message_zh"]


def test_each_gap_run_is_its_own_finding() -> None:
    cm = _every_day(("2025-03-03", "2025-03-09"))
    att = cm.frames["attendance"]
    quiet = att["date"].between(pd.Timestamp("2025-03-20"), pd.Timestamp("2025-03-28"))
    cm.frames["attendance"] = att[~quiet]
    out = _gaps(cm)
    assert len(out) == 2
    assert "2025-03-03 至 2025-03-09" in out.loc[0, "message_zh"]
    assert "2025-03-20 至 2025-03-28" in out.loc[1, "message_zh"]


def test_gap_is_counted_only_up_to_as_of() -> None:
    cm = _every_day(("2025-03-15", "2025-03-31"))
    assert _gaps(cm, as_of=dt.date(2025, 3, 20)).empty  # 15–20 March: six days so far
    out = _gaps(cm, as_of=dt.date(2025, 3, 21))
    assert "2025-03-15 至 2025-03-21" in out.loc[0, "message_zh"]


def test_half_day_is_attendance_that_breaks_a_gap() -> None:
    cm = _every_day(("2025-03-10", "2025-03-16"))
    half = cm.frames["attendance"].iloc[:1].assign(date=pd.Timestamp("2025-03-13"), day_fraction=0.5)
    cm.frames["attendance"] = pd.concat([cm.frames["attendance"], half], ignore_index=True)
    assert _gaps(cm).empty


@pytest.mark.parametrize(("exit_", "flagged"), [
    ("2025-03-09", False),  # everyone left before the quiet week
    ("2025-03-16", True),  # on site to the last quiet day
    ("2025-03-12", False),  # on site for three of the quiet days only
])
def test_gap_needs_roster_workers_on_site(exit_: str, flagged: bool) -> None:
    cm = _every_day(("2025-03-10", "2025-03-31"))
    cm.frames["roster"]["exit_date"] = pd.Timestamp(exit_)
    out = _gaps(cm)
    assert len(out) == int(flagged)


def test_gap_before_any_worker_entered_is_not_flagged() -> None:
    cm = _every_day(("2025-03-01", "2025-03-09"))
    cm.frames["roster"]["entry_date"] = pd.Timestamp("2025-03-10")
    assert _gaps(cm).empty


def test_gap_outside_the_project_dates_is_not_flagged() -> None:
    cm = _every_day(("2025-03-20", "2025-03-31"))
    cm.frames["project"]["end_date"] = pd.Timestamp("2025-03-25")  # only 6 quiet days before the end
    assert _gaps(cm).empty
    cm.frames["project"]["end_date"] = pd.Timestamp("2025-03-26")
    assert len(_gaps(cm)) == 1


def test_gap_length_comes_from_the_config() -> None:
    cm = _every_day(("2025-03-10", "2025-03-14"))
    assert _gaps(cm).empty
    assert len(_gaps(cm, config=RuleConfig(attendance_gap_days=5))) == 1


def test_gaps_are_found_per_project_in_one_run() -> None:
    quiet = _every_day(("2025-03-10", "2025-03-20"))
    busy = clean_month(project="DY2025-002", first_seq=20)
    frames = {name: pd.concat([quiet.frames[name], busy.frames[name]], ignore_index=True)
              for name in quiet.frames}
    out = of_rule(run_rules(frames, as_of=quiet.as_of, only=CODE), CODE)
    assert out["project"].tolist() == [quiet.project]
