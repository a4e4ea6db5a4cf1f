"""The header aliases of `files.md`, matched after normalisation, per kind."""

from __future__ import annotations

import pytest

from ingest.aliases import GRID_SPEC, SPECS, lookup
from ingest.canonical import TABLES
from ingest.text import normalise_header


def key_of(kind: str, header: str) -> str | None:
    return lookup(SPECS[kind], [normalise_header(header)]).get(0)


@pytest.mark.parametrize(("kind", "header", "key"), [
    ("project", "项目编号", "project_code"),
    ("project", "行业主管部门", "sector"),
    ("project", "所属乡镇街道", "township"),
    ("project", "总包单位", "contractor"),
    ("project", "计划竣工日期", "end_date"),
    ("project", "发薪日", "payday"),
    ("project", "工资专户账号", "wage_account"),
    ("project", "工资保证金", "deposit_status"),
    ("project", "最低工资标准", "min_wage_monthly"),
    ("roster", "公民身份号码", "id_number"),
    ("roster", "劳务公司", "employer"),
    ("roster", "工资卡", "card_number"),
    ("roster", "卡号", "card_number"),
    ("roster", "发卡行", "card_bank"),
    ("roster", "是否签订劳动合同", "contract_signed"),
    ("roster", "进场时间", "entry_date"),  # the same header is a gate log's clock-in
    ("roster", "工日单价", "daily_wage"),
    ("attendance", "进场时间", "clock_in"),
    ("attendance", "通行时间", "date"),
    ("attendance", "打卡时间", "date"),
    ("attendance", "工时", "hours"),
    ("payroll", "所属期", "month"),
    ("payroll", "出工天数", "days_worked"),
    ("payroll", "应发合计", "gross"),
    ("payroll", "加班费", "gross_part"),
    ("payroll", "扣款合计", "deductions"),
    ("payroll", "借支", "deduction_part"),
    ("payroll", "实发金额", "net"),  # also a bank's disbursement amount
    ("payroll", "签字确认", "signed"),
    ("disbursement", "实发金额", "amount"),
    ("disbursement", "姓名", "account_name"),
    ("disbursement", "卡号", "card_number"),
    ("disbursement", "处理结果", "status"),
    ("disbursement", "备注", "reason"),
    ("disbursement", "专用账户", "payer_account"),
    ("disbursement", "交易流水号", "txn_id"),
    ("account", "贷方金额", "amount_in"),
    ("account", "借方金额", "amount_out"),
    ("account", "发生额", "amount"),
    ("account", "借贷标志", "direction"),
    ("account", "附言", "purpose"),
])
def test_files_md_aliases_map_to_their_column(kind, header, key):
    assert key_of(kind, header) == key


@pytest.mark.parametrize(("header", "key"), [
    ("姓 名", "worker_name"),  # a space typed inside to centre the title
    ("姓\n名", "worker_name"),  # a line break in a merged header cell
    ("应发工资（元）", "gross"),  # a trailing unit
    ("应发工资(元)", "gross"),  # the same with ASCII brackets
    ("实发工资＊", "net"),  # a required-field star
    ("ｇｒｏｓｓ", None),  # full-width Latin folds, but is no alias
    ("身份证号码", "id_number"),  # the longer form of the ID header
])
def test_header_variants_match_after_normalisation(header, key):
    assert key_of("payroll", header) == key


def test_every_kind_can_carry_a_project_code():
    for kind, spec in SPECS.items():
        assert spec.aliases[normalise_header("项目代码")] == "project_code", kind


def test_keys_are_canonical_columns_or_documented_roles():
    roles = {"gross_part", "deduction_part", "clock_in", "clock_out", "direction", "amount_in", "amount_out"}
    for kind, spec in SPECS.items():
        assert set(spec.columns) <= set(TABLES[kind]) | roles, kind


def test_a_later_duplicate_column_is_left_for_the_ignored_list_but_parts_are_all_kept():
    headers = [normalise_header(h) for h in ["银行卡号", "姓名", "工资卡号", "基本工资", "加班费"]]
    assert lookup(SPECS["payroll"], headers) == {
        0: "card_number", 1: "worker_name", 3: "gross_part", 4: "gross_part",
    }


def test_the_grid_total_column_is_known_by_both_names():
    headers = [normalise_header(h) for h in ["姓名", "合计", "出勤天数"]]
    assert lookup(GRID_SPEC, headers) == {0: "worker_name", 1: "grid_total"}
