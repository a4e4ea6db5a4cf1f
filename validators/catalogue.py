"""The rule catalogue of ``rules.md``: stable codes, pillars, default severities and legal basis.

Codes, pillars and severities are a contract read by other tools; severities can be overridden through
:class:`validators.config.RuleConfig`, never by editing this table at run time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Pillar = Literal["real_name", "real_pay", "real_card", "funding", "real_time", "supervision"]
Severity = Literal["low", "medium", "high", "critical"]

SEVERITY_ORDER: dict[str, int] = {"low": 1, "medium": 2, "high": 3, "critical": 4}
REGULATION = "保障农民工工资支付条例"


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name_zh: str
    name_en: str
    pillar: Pillar
    severity: Severity
    basis: str
    store_only: bool = False
    project_level: bool = False


_R = Rule
RULES: dict[str, Rule] = {r.code: r for r in [
    # 用工实名
    _R("RN-UNREGISTERED", "未实名登记用工", "worker not on the real-name roster", "real_name", "high",
       f"{REGULATION} 第二十八条; 建市〔2019〕18号"),
    _R("RN-NAME-MISMATCH", "姓名与身份证号不符", "name does not match ID number", "real_name", "medium",
       f"{REGULATION} 第十五条"),
    _R("RN-NO-CONTRACT", "未签订劳动合同", "no labor contract signed", "real_name", "high",
       f"{REGULATION} 第二十八条; 劳动合同法 第十条"),
    _R("RN-CHILD", "使用童工", "child labor", "real_name", "critical", "劳动法 第十五条; 禁止使用童工规定 第二条"),
    _R("RN-OVERAGE", "超龄用工", "worker over the site age limit", "real_name", "medium",
       "local site-safety rules (e.g. 沪建质安联〔2019〕346号)"),
    _R("RN-OUTSIDE-STAY", "进退场期外出勤", "attendance outside the recorded stay", "real_name", "medium",
       f"{REGULATION} 第二十八条"),
    # 结算实薪
    _R("PAY-SHEET-MISSING", "未按月编制工资支付表", "no payroll sheet for the month", "real_pay", "high",
       f"{REGULATION} 第十五条、第三十一条", project_level=True),
    _R("PAY-MISSING", "有考勤无工资", "attendance but no payroll line", "real_pay", "high",
       f"{REGULATION} 第三十一条"),
    _R("PAY-NO-ATTENDANCE", "有工资无考勤", "payroll line without attendance", "real_pay", "high",
       f"{REGULATION} 第二十八条; 结算实薪"),
    _R("PAY-DAYS-MISMATCH", "计薪天数与考勤不符", "payroll days differ from attendance", "real_pay", "medium",
       "结算实薪"),
    _R("PAY-ARITHMETIC", "工资表计算错误", "payroll arithmetic error", "real_pay", "medium",
       f"{REGULATION} 第十五条"),
    _R("PAY-BELOW-AGREED", "低于约定工资", "paid below the agreed wage", "real_pay", "high", "劳动合同法 第三十条"),
    _R("PAY-BELOW-MINIMUM", "低于最低工资", "paid below the minimum wage", "real_pay", "high",
       "劳动法 第四十八条; 最低工资规定"),
    _R("PAY-EXCESS-DEDUCTION", "扣款超过应发20%", "deductions above 20% of gross", "real_pay", "medium",
       "工资支付暂行规定 第十六条"),
    _R("PAY-NOT-SIGNED", "工资表未经本人确认", "payroll line not confirmed by the worker", "real_pay", "low",
       f"{REGULATION} 第三十一条"),
    # 支付实卡
    _R("CARD-UNPAID", "逾期未支付工资", "wages not paid when due", "real_card", "critical",
       f"{REGULATION} 第十一条、第十二条; 劳动法 第五十条"),
    _R("CARD-SHORT", "未足额支付工资", "wages paid short", "real_card", "high", f"{REGULATION} 第十二条"),
    _R("CARD-LATE", "延期支付工资", "wages paid late", "real_card", "medium", f"{REGULATION} 第十二条、第十四条"),
    _R("CARD-NOT-OWN", "工资未发至本人账户", "wages paid to a card not the worker's own", "real_card", "critical",
       f"{REGULATION} 第三十一条"),
    _R("CARD-SHARED", "一卡多人", "one card shared by several workers", "real_card", "critical",
       f"{REGULATION} 第三十一条"),
    _R("CARD-NOT-VIA-ACCOUNT", "未通过专用账户代发", "wages not paid from the dedicated wage account",
       "real_card", "high", f"{REGULATION} 第二十六条、第三十一条; 人社部发〔2021〕53号"),
    _R("CARD-CHECK-DIGIT", "工资卡号校验不通过", "wage card number fails the check digit", "real_card", "low",
       "data quality"),
    # 专户与人工费
    _R("ACCT-NO-ALLOCATION", "人工费用未按月拨付", "labor cost not allocated this month", "funding", "high",
       f"{REGULATION} 第二十四条、第二十九条", project_level=True),
    _R("ACCT-INSUFFICIENT", "专户余额不足", "wage account balance insufficient", "funding", "high",
       f"{REGULATION} 第二十七条", project_level=True),
    _R("ACCT-MISUSE", "专户资金挪作他用", "wage account money used for other purposes", "funding", "critical",
       f"人社部发〔2021〕53号; {REGULATION} 第二十六条", project_level=True),
    _R("ACCT-DORMANT", "连续两个月未代发工资", "no wages paid for two months in a row", "funding", "critical",
       "人社部发〔2021〕53号", project_level=True),
    _R("PRJ-NO-ACCOUNT", "未开立农民工工资专用账户", "no dedicated wage account", "funding", "high",
       f"{REGULATION} 第二十六条; 人社部发〔2021〕53号", project_level=True),
    _R("PRJ-NO-DEPOSIT", "未存储工资保证金", "wage deposit not paid", "funding", "medium",
       f"{REGULATION} 第三十二条; 人社部发〔2021〕65号", project_level=True),
    # 数据实时
    _R("DATA-ATTENDANCE-GAP", "考勤数据中断", "attendance data interrupted", "real_time", "medium",
       "建市〔2019〕18号; 数据实时", project_level=True),
    _R("DATA-LATE", "数据未按时上报", "data reported late", "real_time", "low", "数据实时", store_only=True,
       project_level=True),
    # 监管
    _R("REFER-NONPAYMENT-CRIME", "达到拒不支付劳动报酬罪立案数额", "arrears reach the criminal referral threshold",
       "supervision", "critical", "刑法 第二百七十六条之一; 法释〔2013〕3号", project_level=True),
    _R("XP-DOUBLE-ATTENDANCE", "同日多项目出勤", "attendance on two projects the same day", "supervision",
       "medium", "用工实名", store_only=True),
]}

CHECK_RULES: tuple[str, ...] = tuple(code for code, rule in RULES.items() if not rule.store_only)
