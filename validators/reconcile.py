"""Run every check rule of the catalogue over a dataset and score each project-month.

The rule functions are collected from the pillar modules' ``RULES`` dicts, so adding a rule means adding
it to its module and to the catalogue; :func:`rule_functions` refuses a catalogue code with no function
or with two, which keeps ``four-real check`` from silently skipping a rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from validators.catalogue import CHECK_RULES, RULES, SEVERITY_ORDER
from validators.config import RuleConfig
from validators.dataset import Dataset
from validators.figures import compute_figures
from validators.findings import FINDING_COLUMNS, empty_findings
from validators.rules import funding, real_card, real_name, real_pay, real_time, supervision
from validators.rules.context import Context

MODULES = (real_name, real_pay, real_card, funding, real_time, supervision)
RESULT_COLUMNS: list[str] = [*FINDING_COLUMNS[:1], "pillar", "severity", *FINDING_COLUMNS[1:], "basis"]

RuleFunction = Callable[[Context], pd.DataFrame]


class RuleWiringError(RuntimeError):
    """A catalogue code has no rule function, or more than one: the check would be incomplete."""


def rule_functions() -> dict[str, RuleFunction]:
    """Every check rule's function, by code, in catalogue order."""
    found: dict[str, list[RuleFunction]] = {}
    for module in MODULES:
        for code, fn in module.RULES.items():
            found.setdefault(code, []).append(fn)
    unknown = sorted(set(found) - set(RULES))
    missing = [c for c in CHECK_RULES if c not in found]
    doubled = [c for c, fns in found.items() if len(fns) > 1]
    if unknown or missing or doubled:
        raise RuleWiringError(f"rule wiring: unknown {unknown}, missing {missing}, doubled {doubled}")
    return {code: found[code][0] for code in CHECK_RULES}


@dataclass(frozen=True)
class Reconciliation:
    findings: pd.DataFrame
    project_months: pd.DataFrame
    context: Context


def annotate(findings: pd.DataFrame, config: RuleConfig) -> pd.DataFrame:
    """Add pillar, severity (after the config's overrides) and basis; sort deterministically."""
    codes = findings["rule"].unique()
    out = findings.assign(
        pillar=findings["rule"].map({c: RULES[c].pillar for c in codes}).astype("str"),
        severity=findings["rule"].map({c: config.severity(c) for c in codes}).astype("str"),
        basis=findings["rule"].map({c: RULES[c].basis for c in codes}).astype("str"),
    )
    rank = out["severity"].map(SEVERITY_ORDER).fillna(0).astype("int64")
    out = out.assign(_rank=-rank).sort_values(
        ["project", "month", "_rank", "rule", "worker_id"], na_position="last", kind="stable",
        ignore_index=True)
    return out[RESULT_COLUMNS]


def reconcile(dataset: Dataset, *, as_of: dt.date, months: Sequence[str] | None = None,
              config: RuleConfig | None = None) -> Reconciliation:
    config = config or RuleConfig()
    ctx = Context.build(dataset, as_of=as_of, months=months, config=config)
    parts = [fn(ctx) for fn in rule_functions().values()]
    parts = [p for p in parts if not p.empty]
    findings = pd.concat(parts, ignore_index=True) if parts else empty_findings()
    findings = annotate(findings, config)
    return Reconciliation(findings=findings, project_months=compute_figures(ctx, findings), context=ctx)
