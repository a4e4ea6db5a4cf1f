"""监管: arrears large enough that the bureau should consider a criminal referral (刑法 第二百七十六条之一).

The thresholds of 法释〔2013〕3号 第三条 are about the total a worker or a group of workers is owed, not
about one month, so this rule looks at every due month in the data (judged or not) and reports once per
project, on the project's latest judged month.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from validators.findings import SRC, make_findings, yuan
from validators.rules.context import PW, PWM, Context


def refer_nonpayment_crime(ctx: Context) -> pd.DataFrame:
    cfg = ctx.config
    wm = ctx.worker_months_all
    owing = wm[wm["arrears"] > 0]
    per_worker = owing.groupby(PW).agg(months=("month", "nunique"), arrears=("arrears", "sum")).reset_index()
    single = per_worker[(per_worker["months"] >= cfg.crime_single_months)
                        & (per_worker["arrears"] >= cfg.crime_single_fen)]
    per_project = per_worker.groupby("project_code").agg(workers=("id_number", "size"),
                                                         arrears=("arrears", "sum"))
    group = per_project[(per_project["workers"] >= cfg.crime_group_workers)
                        & (per_project["arrears"] >= cfg.crime_group_fen)].index
    # The workers concerned: all owing workers of a project over the group threshold, else the single ones.
    concerned = pd.concat([per_worker[per_worker["project_code"].isin(group)],
                           single[~single["project_code"].isin(group)]])
    rows = owing.merge(concerned[PW], on=PW)
    latest = ctx.due.groupby("project_code")["month"].max().rename("month")
    hit = (rows.groupby("project_code")
           .agg(workers=("id_number", "nunique"), months=("month", "nunique"), amount=("arrears", "sum"))
           .join(latest, how="inner").reset_index())
    workers, months = hit["workers"].astype("str"), hit["months"].astype("str")
    # Evidence: the payroll lines behind the arrears, or the attendance rows where owed is an estimate.
    keys = rows[PWM].merge(ctx.owed[[*PWM, "has_payroll"]], on=PWM)
    src = pd.concat([ctx.data.payroll.merge(keys[keys["has_payroll"]][PWM], on=PWM),
                     ctx.attendance.merge(keys[~keys["has_payroll"]][PWM], on=PWM)])
    src = src[["project_code", *SRC]].assign(month=src["project_code"].map(latest))
    return make_findings(
        "REFER-NONPAYMENT-CRIME", hit, worker_id=None, worker_name=None, amount=hit["amount"],
        message_zh=workers + " 名工人 " + months + " 个月累计欠薪 " + yuan(hit["amount"])
        + " 元，达到拒不支付劳动报酬罪立案数额，建议移送",
        message_en="arrears of " + yuan(hit["amount"]) + " owed to " + workers + " workers over " + months
        + " months reach the threshold for a criminal referral",
        evidence=ctx.evidence(hit, src, keys=["project_code", "month"]))


RULES: dict[str, Callable[[Context], pd.DataFrame]] = {
    "REFER-NONPAYMENT-CRIME": refer_nonpayment_crime,
}
