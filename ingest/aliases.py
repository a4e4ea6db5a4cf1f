"""The headers each kind of file is recognised by, exactly as `files.md` lists them.

A header cell is matched after :func:`ingest.text.normalise_header` on both sides, so `姓 名`,
`应发工资（元）` and full-width letters need no aliases of their own. Keys are canonical column names, or a
role for columns that feed one (``gross_part``: 基本工资, 加班费 … summed into ``gross``) or that a kind
reads without keeping (``clock_in`` of a gate log).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from ingest.text import normalise_header

__all__ = ["GRID_COLUMNS", "PART_KEYS", "SPECS", "KindSpec", "lookup"]

_PROJECT_CODE = ("项目编号", "项目代码")
_ID = ("身份证号", "身份证号码", "公民身份号码", "证件号码")
_NAME = ("姓名",)


@dataclass(frozen=True)
class KindSpec:
    """How one kind is recognised: its header aliases and what a header must hold to be this kind.

    ``required`` is a tuple of alternatives: each entry is satisfied by any one of its keys (``date`` or
    ``clock_in`` for a gate log).
    """

    kind: str
    columns: Mapping[str, tuple[str, ...]]
    required: tuple[tuple[str, ...], ...]

    @cached_property
    def aliases(self) -> dict[str, str]:
        """Normalised alias → key; the first key listing an alias wins (none list one twice)."""
        table: dict[str, str] = {}
        for key, names in self.columns.items():
            for name in names:
                table.setdefault(normalise_header(name), key)
        return table


PART_KEYS = frozenset({"gross_part", "deduction_part"})
"""Keys that several columns of one sheet may match; every other key takes the first column only."""

SPECS: dict[str, KindSpec] = {
    "project": KindSpec("project", {
        "project_code": _PROJECT_CODE,
        "project_name": ("项目名称",),
        "sector": ("行业", "主管部门", "行业主管部门"),
        "township": ("乡镇", "街道", "所属区域", "所属乡镇街道"),
        "builder": ("建设单位",),
        "contractor": ("施工总承包单位", "总包单位"),
        "contractor_uscc": ("统一社会信用代码",),
        "contract_amount": ("合同金额",),
        "start_date": ("开工日期",),
        "end_date": ("竣工日期", "计划竣工日期"),
        "payday": ("工资支付日", "发薪日"),
        "wage_account": ("专用账户", "专用账户账号", "工资专户账号"),
        "wage_account_bank": ("专户开户行",),
        "deposit_status": ("工资保证金",),
        "labor_cost_ratio": ("人工费用拨付比例",),
        "min_wage_monthly": ("最低工资标准",),
    }, required=(("project_code",),)),
    "roster": KindSpec("roster", {
        "project_code": _PROJECT_CODE,
        "worker_name": _NAME,
        "id_number": _ID,
        "gender": ("性别",),
        "phone": ("手机号", "联系电话"),
        "employer": ("所属单位", "用工单位", "分包单位", "劳务公司"),
        "team": ("班组", "班组名称"),
        "trade": ("工种",),
        "card_number": ("银行卡号", "工资卡号", "卡号", "工资卡"),
        "card_bank": ("开户银行", "开户行", "发卡行"),
        "contract_signed": ("劳动合同", "是否签订劳动合同"),
        "entry_date": ("进场日期", "进场时间"),
        "exit_date": ("退场日期", "离场日期"),
        "wage_basis": ("计薪方式",),
        "daily_wage": ("日工资", "日薪", "工日单价"),
        "monthly_wage": ("月工资",),
    }, required=(("worker_name",), ("id_number",), ("card_number",))),
    "attendance": KindSpec("attendance", {
        "project_code": _PROJECT_CODE,
        "id_number": _ID,
        "worker_name": _NAME,
        "date": ("日期", "考勤日期", "打卡日期", "打卡时间", "通行时间"),
        "clock_in": ("进场时间", "上班打卡"),
        "clock_out": ("离场时间", "下班打卡"),
        "direction": ("方向",),
        "hours": ("工时",),
    }, required=(("date", "clock_in"), ("id_number", "worker_name"))),
    "payroll": KindSpec("payroll", {
        "project_code": _PROJECT_CODE,
        "worker_name": _NAME,
        "id_number": _ID,
        "month": ("工资月份", "所属期", "发放月份"),
        "days_worked": ("出勤天数", "出工天数", "工作天数"),
        "daily_wage": ("日工资", "日薪"),
        "gross": ("应发工资", "应发金额", "应发合计"),
        "gross_part": ("基本工资", "加班费", "加班工资", "补贴", "津贴", "奖金", "绩效工资", "计件工资"),
        "deductions": ("扣款", "扣款合计", "代扣", "扣除"),
        "deduction_part": (
            "社保", "个税", "借支", "预支", "个人所得税", "社保个人部分", "公积金", "其他扣款",
        ),
        "net": ("实发工资", "实发金额", "实发合计"),
        "card_number": ("银行卡号", "工资卡号"),
        "signed": ("本人签字", "签字确认"),
    }, required=(("worker_name", "id_number"), ("gross", "gross_part"), ("net",))),
    "disbursement": KindSpec("disbursement", {
        "project_code": _PROJECT_CODE,
        "date": ("交易日期", "代发日期", "入账日期"),
        "card_number": ("收款账号", "收款卡号", "卡号", "账号"),
        "account_name": ("收款户名", "户名", "收款人", "姓名"),
        "amount": ("金额", "交易金额", "代发金额", "实发金额"),
        "status": ("状态", "处理结果", "交易状态"),
        "reason": ("失败原因", "备注"),
        "payer_account": ("付款账号", "专用账户"),
        "month": ("工资月份", "所属月份"),
        "txn_id": ("流水号", "交易流水号"),
        "batch_id": ("批次号",),
    }, required=(("date",), ("card_number",), ("account_name",), ("amount",))),
    "account": KindSpec("account", {
        "project_code": _PROJECT_CODE,
        "date": ("交易日期", "记账日期"),
        "amount": ("金额", "发生额"),
        "amount_in": ("收入金额", "贷方金额"),
        "amount_out": ("支出金额", "借方金额"),
        "direction": ("收支", "借贷标志"),
        "counterparty": ("对方户名",),
        "counterparty_account": ("对方账号",),
        "purpose": ("摘要", "用途", "附言"),
        "balance": ("余额",),
    }, required=(("date",), ("amount", "amount_in", "amount_out"))),
}

GRID_COLUMNS: dict[str, tuple[str, ...]] = {
    "project_code": _PROJECT_CODE,
    "worker_name": _NAME,
    "id_number": _ID,
    "grid_total": ("合计", "出勤天数"),
}
"""The wide attendance grid's non-day columns; its day columns are recognised by :mod:`ingest.kinds`."""

GRID_SPEC = KindSpec("attendance", GRID_COLUMNS, required=(("worker_name", "id_number"),))


def lookup(spec: KindSpec, headers: list[str]) -> dict[int, str]:
    """Column index → key for the normalised ``headers`` this kind knows; later duplicates are left out.

    A duplicate (two card columns) is listed as ignored rather than guessed at.
    """
    table = spec.aliases
    found: dict[int, str] = {}
    seen: set[str] = set()
    for i, h in enumerate(headers):
        key = table.get(h)
        if key is None or (key in seen and key not in PART_KEYS):
            continue
        found[i] = key
        seen.add(key)
    return found
