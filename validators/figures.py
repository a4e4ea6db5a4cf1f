"""Per project-month figures: money owed and paid, 安薪指数, level and risk score (see docs/indices.md).

Everything is computed with one groupby over the worker-months and one over the findings, so the same
code scores a city as fast as a project. Money stays integer fen; the index is computed in integer
tenths so that a threshold such as 80.0 or 95.0 is met exactly, never missed by a float's last bit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from validators.catalogue import SEVERITY_ORDER
from validators.config import RuleConfig
from validators.due import due_date
from validators.rules.context import PM, Context, div_half_up, iso

FIGURE_COLUMNS: list[str] = [
    "project", "month", "due_date", "status", "workers", "payable", "paid", "unpaid", "unpaid_own",
    "underpaid", "anxin_index", "level", "risk_score", "critical", "high", "medium", "low", "holiday_calendar",
]
UNDERPAY_RULES = ("PAY-BELOW-AGREED", "PAY-BELOW-MINIMUM")
# The severity load of the risk score: points per distinct rule of each severity, full at LOAD_FULL.
LOAD_POINTS: dict[str, int] = {"critical": 4, "high": 2, "medium": 1, "low": 0}
LOAD_FULL = 10


def _severity_counts(ctx: Context, findings: pd.DataFrame) -> pd.DataFrame:
    """Per (project, month): findings of each severity, and distinct rules of each severity."""
    f = findings[["rule", "project", "month"]].rename(columns={"project": "project_code"})
    f = f.assign(severity=f["rule"].map({r: ctx.config.severity(r) for r in f["rule"].unique()}))
    levels = list(SEVERITY_ORDER)
    counts = pd.crosstab([f["project_code"], f["month"]], f["severity"]).reindex(columns=levels,
                                                                                 fill_value=0)
    distinct = f.drop_duplicates(["project_code", "month", "rule"])
    rules = pd.crosstab([distinct["project_code"], distinct["month"]], distinct["severity"]).reindex(
        columns=levels, fill_value=0).add_prefix("rules_")
    return counts.join(rules).reset_index() if not f.empty else pd.DataFrame(
        columns=[*PM, *levels, *[f"rules_{s}" for s in levels]])


def _underpaid(findings: pd.DataFrame) -> pd.DataFrame:
    f = findings[findings["rule"].isin(UNDERPAY_RULES)]
    per_worker = f.groupby(["project", "month", "worker_id"])["amount"].max()
    out = per_worker.groupby(level=["project", "month"]).sum().rename("underpaid").reset_index()
    return out.rename(columns={"project": "project_code"})


def anxin_tenths(covered: np.ndarray, owed: np.ndarray, pending: np.ndarray,
                 penalty_tenths: np.ndarray) -> np.ndarray:
    """100 × S − P in tenths, floored at 0; S = 1 when nothing is owed or the month is pending."""
    full = pending | (owed <= 0)
    share = np.where(full, 1000, div_half_up(1000 * np.minimum(covered, owed), np.where(full, 1, owed)))
    return np.maximum(share - penalty_tenths, 0)


def index_tenths(index: pd.Series | np.ndarray) -> np.ndarray:
    """A recorded 安薪指数 (a float to one decimal) back in the integer tenths it was computed in."""
    return np.rint(np.asarray(index, dtype="float64") * 10).astype("int64")


def group_index_tenths(weighted_tenths: pd.Series | np.ndarray, payable: pd.Series | np.ndarray) -> np.ndarray:
    """The 安薪指数 of groups of project-months (a township, a sector, an enterprise, the city), in tenths.

    ``rules.md`` "Indices": the owed-weighted mean Σ(index × payable) ÷ Σ payable, 100 when nothing is owed
    (nothing can be late). ``weighted_tenths`` is Σ(index in tenths × payable in fen) per group; integer
    division rounding half up keeps a group at exactly 95.0 from reading 94.99999. Every report that
    shows a group's index (the city summary, the aggregates, the bulletin) computes it here.
    """
    w = np.asarray(weighted_tenths, dtype="int64")
    p = np.asarray(payable, dtype="int64")
    return np.where(p > 0, div_half_up(w, np.where(p > 0, p, 1)), 1000)


def levels(tenths: np.ndarray, critical: np.ndarray, high: np.ndarray, config: RuleConfig) -> np.ndarray:
    """rules.md "level", on the index in integer tenths: red below 80 or with a critical finding, yellow
    below 95 or with a high finding, green otherwise (thresholds from the config)."""
    red = (tenths < round(config.level_red_below * 10)) | (np.asarray(critical) > 0)
    yellow = (tenths < round(config.level_yellow_below * 10)) | (np.asarray(high) > 0)
    return np.where(red, "red", np.where(yellow, "yellow", "green"))


def compute_figures(ctx: Context, findings: pd.DataFrame) -> pd.DataFrame:
    cfg = ctx.config
    wm = ctx.worker_months
    short_own = (wm["owed"] - wm["paid_own"]).clip(lower=0)
    wm = wm.assign(covered=np.minimum(wm["paid_own_by_due"], wm["owed"]),
                   unpaid_own=np.where(wm["status"].eq("due"), short_own, 0))
    sums = wm.groupby(PM).agg(workers=("id_number", "nunique"), payable=("owed", "sum"), paid=("paid", "sum"),
                              unpaid=("arrears", "sum"), unpaid_own=("unpaid_own", "sum"),
                              covered=("covered", "sum")).reset_index()
    out = ctx.due.merge(sums, on=PM, how="left").merge(_underpaid(findings), on=PM, how="left")
    out = out.merge(_severity_counts(ctx, findings), on=PM, how="left")
    money = ["workers", "payable", "paid", "unpaid", "unpaid_own", "underpaid", "covered"]
    counts = [*SEVERITY_ORDER, *[f"rules_{s}" for s in SEVERITY_ORDER]]
    for col in money + counts:
        out[col] = out[col].fillna(0).astype("int64")

    penalty = np.minimum(cfg.anxin_penalty_cap, cfg.anxin_penalty_critical * out["rules_critical"]
                         + cfg.anxin_penalty_high * out["rules_high"])
    tenths = anxin_tenths(out["covered"].to_numpy(), out["payable"].to_numpy(),
                          out["status"].eq("pending").to_numpy(), np.rint(penalty * 10).astype("int64"))
    out["anxin_index"] = tenths / 10
    out["level"] = pd.Series(levels(tenths, out["critical"].to_numpy(), out["high"].to_numpy(), cfg),
                             index=out.index, dtype="str")
    out["risk_score"] = risk_score(out["unpaid"].to_numpy(), out["payable"].to_numpy(),
                                   out[[f"rules_{s}" for s in SEVERITY_ORDER]].rename(
                                       columns=lambda c: c[len("rules_"):]),
                                   arrears_weight=cfg.risk_arrears_weight,
                                   severity_weight=cfg.risk_severity_weight)
    out["holiday_calendar"] = _holiday_calendar(ctx, out)
    out["due_date"] = iso(out["due_date"])
    out = out.rename(columns={"project_code": "project"}).sort_values(["project", "month"], ignore_index=True)
    return out[FIGURE_COLUMNS]


def _holiday_calendar(ctx: Context, out: pd.DataFrame) -> pd.Series:
    """"official" when China's published holiday calendar covered the due date, else "weekends_only".

    The calendar package only knows the years the State Council has announced; a due date beyond them
    moves back over weekends only, and the output says so rather than pretending to be exact.
    """
    paydays = out[PM].merge(ctx.projects[["project_code", "payday"]], on="project_code", how="left")
    keys = pd.DataFrame({"m": paydays["month"].to_numpy(),
                         "p": paydays["payday"].fillna(ctx.config.default_payday).astype("int64").to_numpy()})
    uniq = keys.drop_duplicates()
    known = {(m, p): due_date(m, int(p))[1] for m, p in zip(uniq["m"], uniq["p"], strict=True)}
    labels = keys.merge(pd.DataFrame({"m": [k[0] for k in known], "p": [k[1] for k in known],
                                      "known": list(known.values())}), on=["m", "p"], how="left")["known"]
    return pd.Series(np.where(labels.fillna(True).to_numpy(dtype=bool), "official", "weekends_only"),
                     index=out.index, dtype="str")


def risk_score(unpaid: np.ndarray, payable: np.ndarray, distinct_rules: pd.DataFrame, *,
               arrears_weight: float, severity_weight: float) -> np.ndarray:
    """round(arrears_weight × min(1, unpaid/payable) + severity_weight × min(1, load/LOAD_FULL)),
    load = Σ LOAD_POINTS[severity] × distinct rules of that severity; 0–100, half up."""
    share = np.where(payable > 0, np.minimum(1.0, unpaid / np.where(payable > 0, payable, 1)), 0.0)
    load = sum(distinct_rules[s].to_numpy() * p for s, p in LOAD_POINTS.items())
    raw = arrears_weight * share + severity_weight * np.minimum(1.0, load / LOAD_FULL)
    return np.clip(np.floor(raw + 0.5 + 1e-9), 0, 100).astype("int64")
