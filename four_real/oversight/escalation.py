"""The three-stage escalation of repeat offenders (seed guidance 第十二条: 欠薪高发企业“三段式”整改).

Per enterprise, count the distinct wage months of the last twelve (the month of ``as_of`` and the eleven
before it) in which it had arrears or a complaint lead:
- a month with arrears: a project-month of a general contractor's with ``unpaid > 0`` whose due date is on
  or before ``as_of`` (for a subcontractor: CARD-UNPAID/CARD-SHORT findings of its workers, open on
  ``as_of``); the month is the wage month;
- a month with a lead: the month a lead against it was received (on or before ``as_of``).
One month → a reminder (提醒), two → an on-site interview (约谈), three or more → a full employment check
(用工全面体检). The steps are ``OversightConfig.escalation_steps``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlmodel import Session

from four_real.oversight import inputs
from four_real.oversight.config import DEFAULT, OversightConfig

__all__ = ["ESCALATION_COLUMNS", "STEP_NAMES", "escalation_list", "step_for"]

ESCALATION_COLUMNS = ["enterprise_uscc", "enterprise_name", "months", "step"]
STEP_NAMES = {"reminder": ("提醒", "reminder"), "interview": ("约谈", "on-site interview"),
              "full_check": ("用工全面体检", "full employment check")}


def step_for(months: pd.Series, config: OversightConfig = DEFAULT) -> pd.Series:
    """The step due for a number of distinct months (NA below the first step)."""
    out = pd.Series(pd.NA, index=months.index, dtype="str")
    for at_least, step in sorted(config.escalation_steps):  # ascending: the highest step reached wins
        out = out.mask(months >= at_least, step)
    return out


def escalation_list(session: Session, as_of: dt.date, *, config: OversightConfig = DEFAULT) -> pd.DataFrame:
    """[enterprise_uscc, enterprise_name, months, step], then enterprise_key, role and month_list (the
    months counted): every enterprise due for a step on ``as_of``, the highest steps first."""
    window = inputs.month_range(inputs.shift_month(as_of, -(config.escalation_months - 1)),
                                inputs.shift_month(as_of, 0))
    pm = inputs.project_months(session, window)
    arrears = pm[(pm["unpaid"] > 0) & (pm["due_date"] <= pd.Timestamp(as_of))][["enterprise_key", "month"]]
    found = inputs.findings(session, window, as_of)
    sub_arrears = found[found["role"].eq("sub") & found["rule"].isin(inputs.ARREARS_RULES)
                        & found["amount"].gt(0)][["enterprise_key", "month"]]
    first_day = dt.date.fromisoformat(window[0] + "-01")
    leads = inputs.leads(session, first_day, as_of)[["enterprise_key", "month"]]
    events = pd.concat([arrears, sub_arrears, leads], ignore_index=True).drop_duplicates()
    names = inputs.enterprise_names(session).set_index("enterprise_key")
    if events.empty:
        return pd.DataFrame({"enterprise_uscc": pd.Series(dtype="str"), "enterprise_name": pd.Series(dtype="str"),
                             "months": pd.Series(dtype="int64"), "step": pd.Series(dtype="str"),
                             "enterprise_key": pd.Series(dtype="str"), "role": pd.Series(dtype="str"),
                             "month_list": pd.Series(dtype=object)})
    per = (events.sort_values("month").groupby("enterprise_key")["month"]
           .agg(months="nunique", month_list=lambda m: sorted(set(m))).reset_index())
    per["months"] = per["months"].astype("int64")
    per["step"] = step_for(per["months"], config)
    per = per[per["step"].notna()]
    per["enterprise_uscc"] = per["enterprise_key"].map(names["enterprise_uscc"]).astype("str")
    per["enterprise_name"] = per["enterprise_key"].map(names["enterprise_name"]).astype("str")
    per["role"] = per["enterprise_key"].map(names["role"]).fillna("other").astype("str")
    per = per.sort_values(["months", "enterprise_name"], ascending=[False, True], kind="stable")
    per["month_list"] = per["month_list"].astype(object)
    return per[[*ESCALATION_COLUMNS, "enterprise_key", "role", "month_list"]].reset_index(drop=True).astype(
        {"months": np.int64})
