"""The complaint-lead reader: both platforms' headers, every row accounted for, problems by position."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from fixtures.project import make_uscc
from ingest.errors import UnknownKindError
from ingest.leads import LEAD_COLUMNS, read_leads

if TYPE_CHECKING:
    from tests.ingest.conftest import Files

LOCAL = ["线索编号", "线索来源", "受理日期", "投诉人", "身份证号", "被投诉单位", "统一社会信用代码", "项目编号",
         "诉求金额（元）", "办理状态", "办结日期", "属地"]
ENGLISH = ["Lead No", "Source", "Received", "Worker", "ID Number", "Employer", "USCC", "Project Name", "Amount",
           "Status", "Closed", "Township"]


def make_id() -> str:
    """A valid ID number (GB 11643 check digit), built the way the fixtures build them."""
    import numpy as np

    from fixtures.ids import make_id as build

    return build(np.random.default_rng(3), birth_date=dt.date(1990, 3, 15), sex="M")


def _uscc() -> str:
    import numpy as np

    return make_uscc(np.random.default_rng(1))


def test_a_local_export_with_title_and_totals_is_read(files: Files) -> None:
    wid, code = make_id(), _uscc()
    path = files.xlsx("leads.xlsx", {"线索": [
        ["东阳市欠薪线索台账"],
        LOCAL,
        ["DY001", "东阳欠薪线索反映平台", dt.date(2025, 3, 1), "张 三", wid, "浙江甲建设集团有限公司", code,
         "DY2025-001", 5300.5, "已办结", dt.date(2025, 3, 6), "吴宁街道"],
        ["DY002", "安薪码", "2025年3月2日", "李四", None, "东阳市乙劳务有限公司", None, None, "1,200", "办理中", None,
         "横店镇"],
        [None],
        ["合计", None, None, None, None, None, None, None, 6500.5],
    ]})
    r = read_leads(path.read_bytes(), filename="leads.xlsx")
    assert (r.rows, r.accepted, r.rejected, r.skipped) == (6, 2, 0, 4)  # title, header, blank, totals
    assert r.problems == []
    f = r.frame
    assert list(f.columns) == list(LEAD_COLUMNS)
    assert f["source"].tolist() == ["local", "local"]
    assert f["worker_name"].tolist() == ["张三", "李四"]
    assert f["worker_id"].tolist()[0] == wid
    assert f["employer_uscc"].tolist()[0] == code
    assert f["amount_claimed"].tolist() == [530_050, 120_000]
    assert f["status"].tolist() == ["closed", "open"]
    assert f["received_on"].dt.date.tolist() == [dt.date(2025, 3, 1), dt.date(2025, 3, 2)]
    assert f["src_row"].tolist() == [3, 4]


def test_english_headers_and_a_gbk_csv_are_read(files: Files) -> None:
    path = files.text("national.csv", [
        ENGLISH,
        ["GX9", "national", "2025-03-01", "Wang Wu", None, "Some Co", None, "Some Project", "300", "closed",
         "2025-03-31", "南马镇"],
        ["GX10", "全国根治欠薪线索反映平台", "2025/03/02", "赵六", None, "某公司", None, None, "", "处理中", None, ""],
    ], encoding="gbk")
    r = read_leads(path.read_bytes(), filename="national.csv")
    assert (r.accepted, r.rejected) == (2, 0)
    assert r.frame["source"].tolist() == ["national", "national"]
    assert r.frame["platform_no"].tolist() == ["GX9", "GX10"]
    assert r.frame["project_name"].tolist()[0] == "Some Project"


@pytest.mark.parametrize(("column_value", "given", "expected"), [
    ("国家平台", None, "national"),
    ("本地平台", "national", "local"),  # the file's column wins over the command line
    (None, "national", "national"),  # an empty cell takes the command line's
])
def test_the_platform_comes_from_the_file_else_from_the_caller(files: Files, column_value: str | None,
                                                               given: str | None, expected: str) -> None:
    path = files.text("l.csv", [["线索来源", "受理日期", "投诉人", "被投诉单位"],
                                [column_value, "2025-03-01", "张三", "某公司"]])
    r = read_leads(path.read_bytes(), filename="l.csv", source=given)
    assert r.frame["source"].tolist() == [expected]


def test_a_lead_whose_platform_is_unknown_is_rejected_with_its_position(files: Files) -> None:
    path = files.text("l.csv", [["线索来源", "受理日期", "投诉人", "被投诉单位"],
                                ["微信", "2025-03-01", "张三", "某公司"],
                                [None, "2025-03-02", "李四", "某公司"]])
    r = read_leads(path.read_bytes(), filename="l.csv")
    assert (r.accepted, r.rejected) == (0, 2)
    assert [(p.row, p.column, p.value, p.code) for p in r.problems] == [
        (2, "source", "微信", "SOURCE-UNKNOWN"), (3, "source", None, "SOURCE-UNKNOWN")]
    assert "线索来源" in r.problems[0].reason_zh and "source" in r.problems[0].reason_en


def test_without_a_source_column_the_caller_must_name_the_platform(files: Files) -> None:
    path = files.text("l.csv", [["受理日期", "投诉人", "用人单位"], ["2025-03-01", "张三", "某公司"]])
    assert read_leads(path.read_bytes(), filename="l.csv").rejected == 1
    assert read_leads(path.read_bytes(), filename="l.csv", source="local").frame["source"].tolist() == ["local"]


def test_row_problems_reject_or_warn(files: Files) -> None:
    path = files.text("l.csv", [
        ["线索来源", "受理日期", "投诉人", "身份证号", "被投诉单位", "统一社会信用代码", "涉及金额", "办理状态",
         "办结日期"],
        ["本地", "2025-03-01", "a", "3307241990", "某公司", "91330783XXXXXXXXXX", "100", "办理中", None],  # warnings
        ["本地", "2025-03-01", "b", None, "某公司", None, "100", "已办结", None],  # closed, no date
        ["本地", "2025-03-05", "c", None, "某公司", None, "100", None, "2025-03-01"],  # closed before received
        ["本地", None, "d", None, "某公司", None, "100", None, None],  # no received date
        ["本地", "2025-03-01", "e", None, "某公司", None, "abc", None, None],  # amount
        ["本地", "2025-03-01", "f", None, "某公司", None, None, "不知道", None],  # status
        ["本地", "2025-03-01", "g", None, "某公司", None, None, "办理中", "2025-03-03"],  # the date wins
    ])
    r = read_leads(path.read_bytes(), filename="l.csv")
    codes = {(p.row, p.code, p.level) for p in r.problems}
    assert codes == {
        (2, "ID-LENGTH", "warning"), (2, "USCC-INVALID", "warning"), (3, "CLOSED-NO-DATE", "error"),
        (4, "CLOSED-BEFORE-RECEIVED", "error"), (5, "REQUIRED-MISSING", "error"), (6, "AMOUNT-FORMAT", "error"),
        (7, "STATUS-UNKNOWN", "error"),
    }
    assert (r.rows, r.accepted, r.rejected, r.skipped) == (8, 2, 5, 1)
    assert r.frame["worker_name"].tolist() == ["a", "g"]
    assert r.frame["worker_id"].isna().tolist() == [True, True]
    assert r.frame["status"].tolist() == ["open", "closed"]


def test_a_file_that_is_not_a_lead_export_is_refused(files: Files) -> None:
    path = files.text("roster.csv", [["姓名", "身份证号", "银行卡号"], ["张三", make_id(), "6222"]])
    with pytest.raises(UnknownKindError, match=r"roster\.csv"):
        read_leads(path.read_bytes(), filename="roster.csv")


def test_the_fixture_exports_read_without_rejections(tmp_path: Path) -> None:
    from fixtures.leads import LOCAL_FILE, NATIONAL_FILE, make_leads

    projects = [{"code": "DY2025-001", "name": "吴宁花园一期工程", "township": "吴宁街道",
                 "contractor": "浙江甲建设集团有限公司", "contractor_uscc": _uscc()}]
    key = make_leads(tmp_path, seed=4, projects=projects, as_of=dt.date(2025, 6, 30))
    local = read_leads((tmp_path / LOCAL_FILE).read_bytes(), filename=LOCAL_FILE)
    national = read_leads((tmp_path / NATIONAL_FILE).read_bytes(), filename=NATIONAL_FILE)
    assert local.rejected == national.rejected == 0
    assert len(local.frame) + len(national.frame) == len(key.leads)
    assert set(local.frame["platform_no"]) | set(national.frame["platform_no"]) == {x["lead_no"] for x in key.leads}
    assert [p.code for p in national.problems] == []
