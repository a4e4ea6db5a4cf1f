"""Complaint leads in the store: deadlines at their edges, closure per township, linking, re-import."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select

from fixtures.leads import LOCAL_FILE, NATIONAL_FILE, make_leads
from four_real.oversight.leads import CLOSURE_COLUMNS, LEAD_COLUMNS, closure_by_township, lead_table
from four_real.store.db import session_scope
from four_real.store.models.oversight import Lead
from ingest.leads import read_leads

AS_OF = dt.date(2025, 6, 30)

if TYPE_CHECKING:
    from tests.oversight.conftest import Store


def _table(engine: Engine, as_of: dt.date = AS_OF) -> pd.DataFrame:
    with session_scope(engine) as s:
        return lead_table(s, as_of)


@pytest.mark.parametrize(("source", "days_ago", "overdue"), [
    ("local", 6, False),  # deadline tomorrow
    ("local", 7, False),  # deadline today: still in time
    ("local", 8, True),  # deadline yesterday: overdue
    ("national", 29, False),
    ("national", 30, False),
    ("national", 31, True),
])
def test_an_open_lead_is_overdue_only_after_its_deadline(store: Store, source: str, days_ago: int,
                                                         overdue: bool) -> None:
    store.leads([{"source": source, "received_on": AS_OF - dt.timedelta(days=days_ago), "worker_name": "张三"}])
    t = _table(store.engine)
    assert t["overdue"].tolist() == [overdue]
    assert t["status"].tolist() == ["open"]
    days = {"local": 7, "national": 30}[source]
    assert t["deadline"].tolist() == [AS_OF - dt.timedelta(days=days_ago - days)]


@pytest.mark.parametrize(("source", "closed_after", "overdue"), [
    ("local", 6, False),
    ("local", 7, False),  # closed on the deadline: in time
    ("local", 8, True),  # closed a day late: stays overdue
    ("national", 29, False),
    ("national", 30, False),
    ("national", 31, True),
])
def test_a_lead_closed_after_its_deadline_is_overdue(store: Store, source: str, closed_after: int,
                                                     overdue: bool) -> None:
    received = dt.date(2025, 3, 1)
    store.leads([{"source": source, "received_on": received, "worker_name": "李四",
                  "closed_on": received + dt.timedelta(days=closed_after)}])
    t = _table(store.engine)
    assert t["status"].tolist() == ["closed"]
    assert t["overdue"].tolist() == [overdue]
    with session_scope(store.engine) as s:
        c = closure_by_township(s, AS_OF)
    assert c[["leads", "closed", "closed_in_time", "overdue"]].iloc[0].tolist() == [1, 1, int(not overdue),
                                                                                   int(overdue)]


def test_a_lead_is_judged_as_of_the_date_asked(store: Store) -> None:
    received = dt.date(2025, 3, 1)
    store.leads([{"source": "local", "received_on": received, "worker_name": "王五",
                  "closed_on": dt.date(2025, 3, 20)}])
    before = _table(store.engine, dt.date(2025, 3, 5))  # closed later: open on the 5th, not yet due
    assert before[["status", "overdue"]].values.tolist() == [["open", False]]
    assert before["closed_on"].tolist() == [None]
    late = _table(store.engine, dt.date(2025, 3, 9))  # open a day past its deadline
    assert late[["status", "overdue"]].values.tolist() == [["open", True]]
    assert _table(store.engine, dt.date(2025, 2, 28)).empty  # not received yet


def test_lead_table_has_the_contract_columns_and_no_identity(store: Store) -> None:
    wid = store.worker_ids(1)[0]
    store.leads([{"source": "local", "received_on": dt.date(2025, 6, 1), "worker_name": "赵六", "worker_id": wid,
                  "amount_claimed": 530_000}])
    t = _table(store.engine)
    assert list(t.columns) == LEAD_COLUMNS
    assert t["amount_claimed"].tolist() == [530_000]
    assert wid not in t.astype(str).to_string()
    assert "赵六" not in t.astype(str).to_string()


def test_reimporting_an_export_changes_nothing_and_a_later_one_updates_the_status(store: Store) -> None:
    rows = [{"source": "national", "platform_no": "GX001", "received_on": dt.date(2025, 5, 1),
             "worker_name": "张三"},
            {"source": "local", "received_on": dt.date(2025, 5, 2), "worker_name": "李四",
             "worker_id": store.worker_ids(1)[0], "employer_name": "某劳务公司"}]
    store.leads(rows)
    store.leads(rows)
    with session_scope(store.engine) as s:
        assert s.execute(select(func.count()).select_from(Lead)).scalar() == 2
    later = [dict(rows[0], closed_on=dt.date(2025, 5, 20)), dict(rows[1], closed_on=dt.date(2025, 5, 8))]
    store.leads(later)
    t = _table(store.engine).sort_values("received_on")
    assert len(t) == 2
    assert t["status"].tolist() == ["closed", "closed"]
    assert t["closed_on"].tolist() == [dt.date(2025, 5, 20), dt.date(2025, 5, 8)]
    assert t["overdue"].tolist() == [False, False]


def test_without_a_lead_number_the_identity_is_source_date_worker_and_employer(store: Store) -> None:
    base = {"source": "local", "received_on": dt.date(2025, 5, 2), "worker_name": "李四",
            "worker_id": store.worker_ids(1)[0], "employer_name": "某劳务公司"}
    store.leads([base, dict(base, employer_name="另一劳务公司"), dict(base, source="national"),
                 dict(base, received_on=dt.date(2025, 5, 3))])
    assert len(_table(store.engine)) == 4


def test_leads_link_to_project_and_enterprise_or_stay_visible(store: Store) -> None:
    general = store.project("P-1", township="横店镇", name="横店花园一期工程", contractor="浙江甲建设集团有限公司")
    second = store.project("P-2", township="歌山镇", contractor="浙江乙建设集团有限公司")
    store.roster("P-1", [(store.worker_ids(1)[0], "东阳市丙劳务有限公司", True)])
    other = store.uscc(77)
    store.leads([
        {"source": "local", "received_on": dt.date(2025, 6, 1), "worker_name": "a", "project_code": "P-1"},
        {"source": "local", "received_on": dt.date(2025, 6, 2), "worker_name": "b",
         "project_name": "横店花园 一期工程", "employer_name": "东阳市丙劳务有限公司"},
        {"source": "local", "received_on": dt.date(2025, 6, 3), "worker_name": "c", "project_name": "不存在的工程",
         "employer_name": "金华市丁劳务有限公司", "township": "南马镇"},
        {"source": "national", "received_on": dt.date(2025, 6, 4), "worker_name": "d",
         "employer_name": "浙江乙建设集团有限公司"},
        {"source": "national", "received_on": dt.date(2025, 6, 5), "worker_name": "e", "employer_uscc": other,
         "employer_name": "浙江戊公司", "township": "巍山镇"},
    ])
    t = _table(store.engine).set_index("received_on")
    day = {k: dt.date(2025, 6, k) for k in range(1, 6)}
    assert t.loc[day[1], ["project_code", "township", "enterprise_name"]].tolist() == [
        "P-1", "横店镇", "浙江甲建设集团有限公司"]  # no employer named: the general contractor answers
    assert t.loc[day[2], ["project_code", "township", "enterprise_name"]].tolist() == [
        "P-1", "横店镇", "东阳市丙劳务有限公司"]  # by folded project name; the subcontractor by roster name
    assert pd.isna(t.loc[day[3], "project_code"])  # unlinked, but kept, with the file's township
    assert t.loc[day[3], ["township", "enterprise_name"]].tolist() == ["南马镇", "金华市丁劳务有限公司"]
    assert pd.isna(t.loc[day[4], "project_code"])
    assert t.loc[day[4], "enterprise_name"] == "浙江乙建设集团有限公司"
    with session_scope(store.engine) as s:
        keys = dict(s.execute(select(Lead.received_on, Lead.enterprise_key)).all())
    assert keys[day[1]] == general
    assert keys[day[4]] == second  # by the general contractor's name
    assert keys[day[5]] == other


def test_a_project_arriving_later_links_the_leads_already_stored(store: Store) -> None:
    store.leads([{"source": "local", "received_on": dt.date(2025, 6, 1), "worker_name": "a",
                  "project_code": "P-9", "township": "南马镇"}])
    assert pd.isna(_table(store.engine)["project_code"].iloc[0])
    store.project("P-9", township="横店镇")
    store.leads([{"source": "local", "received_on": dt.date(2025, 6, 2), "worker_name": "b"}])  # relinks all
    t = _table(store.engine).set_index("received_on")
    assert t.loc[dt.date(2025, 6, 1), ["project_code", "township"]].tolist() == ["P-9", "横店镇"]


def test_closure_per_township_equals_the_fixture_key(store: Store, tmp_path: Path) -> None:
    projects = []
    for k, town in enumerate(["吴宁街道", "横店镇", "歌山镇"]):
        contractor = f"浙江{k}号建设集团有限公司"
        code_uscc = store.project(f"P-{k}", township=town, name=f"{town}安置小区工程", contractor=contractor)
        projects.append({"code": f"P-{k}", "name": f"{town}安置小区工程", "township": town,
                         "contractor": contractor, "contractor_uscc": code_uscc})
    key = make_leads(tmp_path, seed=9, projects=projects, as_of=AS_OF)
    from four_real.oversight.leads import import_leads

    for name in (LOCAL_FILE, NATIONAL_FILE):
        read = read_leads((tmp_path / name).read_bytes(), filename=name)
        assert read.rejected == 0
        with session_scope(store.engine) as s:
            import_leads(s, read.frame)
    with session_scope(store.engine) as s:
        closure = closure_by_township(s, AS_OF)
        numbers = dict(s.execute(select(Lead.id, Lead.platform_no)).all())
    assert list(closure.columns) == CLOSURE_COLUMNS
    got = closure.set_index("township")[["leads", "closed", "closed_in_time", "overdue"]].to_dict("index")
    assert got == key.by_township
    rates = closure.set_index("township")["closure_rate"]
    for town, expected in key.by_township.items():
        assert rates[town] == pytest.approx(expected["closed"] / expected["leads"])
    t = _table(store.engine)
    overdue = {numbers[i] for i in t.loc[t["overdue"], "lead_id"]}
    assert overdue == {x["lead_no"] for x in key.leads if x["overdue"]}
    linked = {numbers[i]: p if isinstance(p, str) else None
              for i, p in zip(t["lead_id"], t["project_code"], strict=True)}
    code_by_name = {p["name"]: p["code"] for p in projects}
    assert linked == {x["lead_no"]: x["project_code"] or code_by_name.get(x["project_name"]) for x in key.leads}
    assert sum(v is None for v in linked.values()) == 4  # the strangers' leads stay unlinked, and visible
