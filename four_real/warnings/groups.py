"""Rule groups: the unit a warning stands for, one per project and wage month.

The groups are the pillars of ``rules.md`` (real_name, real_pay, real_card, funding, real_time,
supervision) with one refinement: **arrears** (欠薪) — CARD-UNPAID, CARD-SHORT and ACCT-DORMANT — is a group
of its own. Those three say the same thing (wages due and not paid) and are cured by the same act, paying
them (补发); when the bank feed shows the payment their findings resolve and so does the warning. Left in
real_card or funding, a paid-up month would stay warned because of, say, a shared card (CARD-SHARED), which
calls for a different action by a different person; the bureau would then lose sight of whether the money
has arrived.
"""

from __future__ import annotations

from validators.catalogue import RULES

ARREARS_RULES = frozenset({"CARD-UNPAID", "CARD-SHORT", "ACCT-DORMANT"})
GROUPS: tuple[str, ...] = ("arrears", "real_name", "real_pay", "real_card", "funding", "real_time", "supervision")
GROUP_NAMES_ZH = {"arrears": "欠薪", "real_name": "用工实名", "real_pay": "结算实薪", "real_card": "支付实卡",
                  "funding": "专户与人工费", "real_time": "数据实时", "supervision": "监管"}
WARNED_SEVERITIES = ("critical", "high")  # medium and low findings stay findings

# Every rule of the catalogue, mapped once: the catalogue is the only source of pillars.
RULE_GROUP: dict[str, str] = {code: "arrears" if code in ARREARS_RULES else rule.pillar
                              for code, rule in RULES.items()}


def group_of(rule: str) -> str:
    """The group of a rule code; a code the catalogue does not know is an error, not a silent default."""
    try:
        return RULE_GROUP[rule]
    except KeyError:
        raise KeyError(f"unknown rule {rule!r}: not in validators.catalogue.RULES") from None
