"""Rule groups: every rule of the catalogue has one; arrears is its own group; pillars otherwise."""

from __future__ import annotations

import pytest

from four_real.warnings.groups import GROUP_NAMES_ZH, GROUPS, RULE_GROUP, group_of
from validators.catalogue import RULES


def test_every_catalogue_rule_has_a_known_group():
    assert set(RULE_GROUP) == set(RULES)
    assert set(RULE_GROUP.values()) == set(GROUPS) == set(GROUP_NAMES_ZH)


@pytest.mark.parametrize(("rule", "group"), [
    ("CARD-UNPAID", "arrears"), ("CARD-SHORT", "arrears"), ("ACCT-DORMANT", "arrears"),  # cured by paying
    ("CARD-SHARED", "real_card"), ("CARD-NOT-OWN", "real_card"),  # paid, but wrongly
    ("ACCT-MISUSE", "funding"), ("RN-CHILD", "real_name"), ("PAY-BELOW-MINIMUM", "real_pay"),
    ("REFER-NONPAYMENT-CRIME", "supervision"), ("DATA-LATE", "real_time"),
])
def test_rules_fall_into_their_groups(rule, group):
    assert group_of(rule) == group


def test_an_unknown_rule_is_an_error_not_a_default():
    with pytest.raises(KeyError, match="NOPE"):
        group_of("NOPE")
