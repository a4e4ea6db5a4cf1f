"""用工实名 rules: each test plants one breach in the clean month of ``conftest`` and reads it back."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.validators.conftest import clean_month, make_id, of_rule, run_rules
from validators.config import RuleConfig
from validators.rules.real_name import RULES

CODES = list(RULES)


def _replace_id(frames: dict[str, pd.DataFrame], old: str, new: str) -> None:
    for name in ("roster", "attendance", "payroll"):
        frames[name] = frames[name].assign(id_number=frames[name]["id_number"].replace(old, new))


def test_clean_month_has_no_real_name_findings() -> None:
    cm = clean_month()
    assert run_rules(cm.frames, as_of=cm.as_of, only=CODES).empty


@pytest.mark.parametrize("keep", [
    "attendance",  # worked, never put on a payroll line
    "payroll",  # on the payroll sheet, no attendance
    "both",
])
def test_worker_missing_from_roster_is_flagged_once_per_month(keep: str) -> None:
    cm = clean_month()
    f = cm.frames
    w = cm.ids[0]
    f["roster"] = f["roster"][f["roster"]["id_number"] != w]
    if keep == "attendance":
        f["payroll"] = f["payroll"][f["payroll"]["id_number"] != w]
        f["disbursement"] = f["disbursement"][f["disbursement"]["card_number"] != cm.cards[0]]
    if keep == "payroll":
        f["attendance"] = f["attendance"][f["attendance"]["id_number"] != w]
    out = of_rule(run_rules(f, as_of=cm.as_of, only="RN-UNREGISTERED"), "RN-UNREGISTERED")
    assert out[["worker_id", "month", "worker_name"]].values.tolist() == [[w, cm.month, cm.names[0]]]
    assert pd.isna(out.loc[0, "amount"])
    assert "花名册" in out.loc[0, "message_zh"]
    # the attendance rows, the payroll line and the payment made to the card on that line
    expected_rows = (cm.days if keep != "payroll" else 0) + (2 if keep != "attendance" else 0)
    assert len(out.loc[0, "evidence"]) == expected_rows


def test_name_differing_between_payroll_and_roster_is_flagged_with_both_names() -> None:
    cm = clean_month()
    pay = cm.frames["payroll"]
    pay.loc[pay["id_number"] == cm.ids[1], "worker_name"] = "王方"
    out = of_rule(run_rules(cm.frames, as_of=cm.as_of, only="RN-NAME-MISMATCH"), "RN-NAME-MISMATCH")
    assert out[["worker_id", "month", "worker_name"]].values.tolist() == [[cm.ids[1], cm.month, "王芳"]]
    assert "王芳" in out.loc[0, "message_zh"] and "王方" in out.loc[0, "message_zh"]
    assert "王方 (payroll)" in out.loc[0, "message_en"]


def test_name_differing_on_one_attendance_day_is_flagged_with_that_row_as_evidence() -> None:
    cm = clean_month()
    att = cm.frames["attendance"]
    row = att.index[att["id_number"] == cm.ids[0]][3]
    att.loc[row, "worker_name"] = "张玮"
    out = of_rule(run_rules(cm.frames, as_of=cm.as_of, only="RN-NAME-MISMATCH"), "RN-NAME-MISMATCH")
    assert out["worker_id"].tolist() == [cm.ids[0]]
    assert ("<attendance>", None, row + 2) in out.loc[0, "evidence"]
    assert len(out.loc[0, "evidence"]) < cm.days  # not every attendance row of the month


@pytest.mark.parametrize("variant", [
    "张 伟",  # a space inside the name
    "张伟　",  # a trailing ideographic space
    "ｚｈａｎｇ",  # full-width letters fold like their ASCII form
])
def test_names_equal_after_folding_are_not_a_mismatch(variant: str) -> None:
    cm = clean_month()
    if variant == "ｚｈａｎｇ":
        cm.frames["roster"].loc[0, "worker_name"] = "zhang"
        att = cm.frames["attendance"]
        att.loc[att["id_number"] == cm.ids[0], "worker_name"] = "zhang"
    else:
        cm.frames["attendance"].loc[0, "worker_name"] = variant
    cm.frames["payroll"].loc[0, "worker_name"] = variant
    assert run_rules(cm.frames, as_of=cm.as_of, only="RN-NAME-MISMATCH").empty


@pytest.mark.parametrize(("signed", "flagged"), [
    (False, True),  # the roster says 否
    (None, False),  # not given: no finding on missing data
    (True, False),
])
def test_worker_without_contract_is_flagged_when_the_roster_says_so(signed: bool | None,
                                                                   flagged: bool) -> None:
    cm = clean_month()
    roster = cm.frames["roster"].astype({"contract_signed": "boolean"})
    roster.loc[0, "contract_signed"] = pd.NA if signed is None else signed
    cm.frames["roster"] = roster
    out = run_rules(cm.frames, as_of=cm.as_of, only="RN-NO-CONTRACT")
    assert out["worker_id"].tolist() == ([cm.ids[0]] if flagged else [])
    if flagged:
        assert out.loc[0, "month"] == cm.month
        assert f"{cm.days} 天" in out.loc[0, "message_zh"]


def test_worker_without_contract_and_no_attendance_is_not_flagged() -> None:
    cm = clean_month()
    cm.frames["roster"].loc[0, "contract_signed"] = False
    att = cm.frames["attendance"]
    cm.frames["attendance"] = att[att["id_number"] != cm.ids[0]]
    assert run_rules(cm.frames, as_of=cm.as_of, only="RN-NO-CONTRACT").empty


# The first day worked in March 2025 is Monday 3 March.
@pytest.mark.parametrize(("birth", "child_days"), [
    ("20090304", 1),  # turns 16 the day after the first day worked: a child on that one day
    ("20090303", 0),  # turns 16 on the first day worked
    ("20090302", 0),  # turned 16 the day before
    ("20090320", 13),  # a child for the weekdays 3–19 March
])
def test_child_is_flagged_on_days_worked_before_the_16th_birthday(birth: str, child_days: int) -> None:
    cm = clean_month()
    child = make_id(birth=birth, sex="M", seq=7)
    _replace_id(cm.frames, cm.ids[0], child)
    out = of_rule(run_rules(cm.frames, as_of=cm.as_of, only="RN-CHILD"), "RN-CHILD")
    if not child_days:
        assert out.empty
        return
    assert out[["worker_id", "month", "worker_name"]].values.tolist() == [[child, cm.month, cm.names[0]]]
    assert len(out.loc[0, "evidence"]) == child_days
    assert f"有 {child_days} 天出勤时未满16周岁" in out.loc[0, "message_zh"]
    assert f"born {birth[:4]}-{birth[4:6]}-{birth[6:]}" in out.loc[0, "message_en"]


def test_child_age_comes_from_the_config() -> None:
    cm = clean_month()
    _replace_id(cm.frames, cm.ids[0], make_id(birth="20080601", sex="F", seq=7))
    assert run_rules(cm.frames, as_of=cm.as_of, only="RN-CHILD").empty
    out = run_rules(cm.frames, as_of=cm.as_of, only="RN-CHILD", config=RuleConfig(child_age=18))
    assert len(out) == 1


# The last day worked in March 2025 is Monday 31 March.
@pytest.mark.parametrize(("birth", "sex", "flagged"), [
    ("19650331", "M", True),  # a man turns 60 on the last day worked
    ("19650401", "M", False),  # a man turns 60 the day after
    ("19650330", "M", True),
    ("19700331", "F", True),  # a woman turns 55 on the last day worked
    ("19700401", "F", False),
    ("19700331", "M", False),  # a man of 55 is under his limit
])
def test_overage_is_flagged_at_the_exact_birthday(birth: str, sex: str, flagged: bool) -> None:
    cm = clean_month()
    old = make_id(birth=birth, sex=sex, seq=7)
    _replace_id(cm.frames, cm.ids[0], old)
    out = of_rule(run_rules(cm.frames, as_of=cm.as_of, only="RN-OVERAGE"), "RN-OVERAGE")
    assert out["worker_id"].tolist() == ([old] if flagged else [])
    if flagged:
        assert out.loc[0, "month"] == cm.month
        assert ("男" if sex == "M" else "女") in out.loc[0, "message_zh"]


def test_overage_evidence_is_only_the_days_at_or_over_the_limit() -> None:
    cm = clean_month()
    old = make_id(birth="19650326", sex="M", seq=7)  # 60 from Wednesday 26 March
    _replace_id(cm.frames, cm.ids[0], old)
    out = run_rules(cm.frames, as_of=cm.as_of, only="RN-OVERAGE")
    assert len(out.loc[0, "evidence"]) == 4  # 26, 27, 28 and 31 March
    assert "2025-03-26 至 2025-03-31" in out.loc[0, "message_zh"]


@pytest.mark.parametrize(("entry", "exit_", "outside"), [
    ("2025-03-03", None, 0),  # entered on the first day worked
    ("2025-03-04", None, 1),  # entered a day after it
    ("2025-03-10", None, 5),  # the first week worked before entry
    ("2025-02-01", "2025-03-31", 0),  # left on the last day worked
    ("2025-02-01", "2025-03-28", 1),  # left the Friday before the last day worked
])
def test_attendance_outside_the_roster_stay_is_flagged(entry: str, exit_: str | None, outside: int) -> None:
    cm = clean_month()
    roster = cm.frames["roster"]
    roster.loc[0, "entry_date"] = pd.Timestamp(entry)
    roster.loc[0, "exit_date"] = pd.Timestamp(exit_) if exit_ else pd.NaT
    out = of_rule(run_rules(cm.frames, as_of=cm.as_of, only="RN-OUTSIDE-STAY"), "RN-OUTSIDE-STAY")
    assert out["worker_id"].tolist() == ([cm.ids[0]] if outside else [])
    if outside:
        assert out.loc[0, "month"] == cm.month
        assert f"有 {outside} 天出勤" in out.loc[0, "message_zh"]
        assert entry in out.loc[0, "message_zh"]


def test_attendance_between_two_stays_is_outside_and_inside_either_is_not() -> None:
    cm = clean_month()
    roster = cm.frames["roster"]
    first = roster.iloc[[0]].assign(entry_date=pd.Timestamp("2025-02-01"),
                                    exit_date=pd.Timestamp("2025-03-07"))
    second = roster.iloc[[0]].assign(entry_date=pd.Timestamp("2025-03-17"), exit_date=pd.NaT)
    cm.frames["roster"] = pd.concat([first, second, roster.iloc[1:]], ignore_index=True)
    out = run_rules(cm.frames, as_of=cm.as_of, only="RN-OUTSIDE-STAY")
    assert out["worker_id"].tolist() == [cm.ids[0]]
    assert "有 5 天出勤（2025-03-10 至 2025-03-14）" in out.loc[0, "message_zh"]
    assert "2025-02-01 至 2025-03-07；2025-03-17 至 未退场" in out.loc[0, "message_zh"]


def test_months_not_judged_give_no_real_name_findings() -> None:
    cm = clean_month()
    cm.frames["roster"].loc[0, "contract_signed"] = False
    assert len(run_rules(cm.frames, as_of=cm.as_of, months=[cm.month], only=CODES)) == 1
    assert run_rules(cm.frames, as_of=cm.as_of, months=["2025-04"], only=CODES).empty
