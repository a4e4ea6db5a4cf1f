"""`four-real reconcile`: judge the store's current data and record what was found.

The same engine as `four-real check` (:func:`validators.reconcile.reconcile`) runs over the dataset read
back from the store, so the two give the same findings for the same files; the store then adds what only
it can judge (the ``store_only`` rules: DATA-LATE from arrival times, XP-DOUBLE-ATTENDANCE across
projects) and persists everything. Loading, judging and writing happen in one transaction: a run that
fails leaves neither a half-written run nor half-resolved findings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Engine

from four_real.store.db import session_scope
from four_real.store.load import load_dataset, load_elsewhere_attendance
from four_real.store.models import ReconciliationRun, utcnow
from four_real.store.persist import persist
from four_real.warnings.sync import sync_warnings
from validators.catalogue import SEVERITY_ORDER
from validators.config import RuleConfig
from validators.figures import FIGURE_COLUMNS, compute_figures
from validators.findings import FINDING_COLUMNS, empty_findings
from validators.reconcile import annotate, reconcile
from validators.rules.context import Context
from validators.rules.store_only import store_findings

__all__ = ["RunSummary", "reconcile_store"]

Progress = Callable[[str], None]
STAGES = ["load", "reconcile", "store rules", "persist"]


@dataclass(frozen=True)
class RunSummary:
    """What one run judged and concluded; money in fen."""

    run_id: int
    as_of: dt.date
    months: list[str]
    projects: int
    project_months: int
    findings: int  # produced by this run, all open after it
    opened: int  # new, or reopened after having been resolved
    resolved: int
    unpaid: int
    unpaid_own: int
    underpaid: int
    by_severity: dict[str, int] = field(default_factory=dict)
    levels: dict[str, int] = field(default_factory=dict)


def _judged(projects: pd.Series, months: Sequence[str]) -> pd.DataFrame:
    """Every (project, month) this run speaks for: its open findings there resolve if not found again."""
    return pd.DataFrame({"project_code": projects.astype("str").unique()}).merge(
        pd.DataFrame({"month": pd.Series(list(months), dtype="str")}), how="cross")


def reconcile_store(engine: Engine, *, as_of: dt.date, months: Sequence[str] | None = None,
                    projects: Sequence[str] | None = None, config: RuleConfig | None = None,
                    progress: Progress | None = None) -> RunSummary:
    """Reconcile every project in the store (or those named) for ``months`` (default: every month with
    payroll or attendance), persist findings and project-month figures, and return the run's summary."""
    config = config or RuleConfig()
    step = progress or (lambda _stage: None)
    codes = sorted(set(projects)) if projects else None
    with session_scope(engine) as session:
        step("load")
        dataset, arrivals = load_dataset(session, project_codes=codes)
        step("reconcile")
        ctx = Context.build(dataset, as_of=as_of, months=months, config=config)
        if ctx.months:
            result = reconcile(dataset, as_of=as_of, months=ctx.months, config=config)
            ctx = result.context
            findings, figures = result.findings, result.project_months
        else:  # nothing stored (for these projects) has a month to judge
            findings = annotate(empty_findings(), config)
            figures = pd.DataFrame({c: pd.Series(dtype="object") for c in FIGURE_COLUMNS})
        step("store rules")
        if ctx.months:
            elsewhere = (load_elsewhere_attendance(session, project_codes=codes, months=ctx.months)
                         if codes else None)
            extra = store_findings(ctx, arrivals, elsewhere=elsewhere)
            if not extra.empty:
                findings = annotate(pd.concat([findings[FINDING_COLUMNS], extra], ignore_index=True), config)
                figures = compute_figures(ctx, findings)

        step("persist")
        run = ReconciliationRun(as_of=as_of, months=",".join(ctx.months))
        session.add(run)
        session.flush()
        judged = _judged(ctx.projects["project_code"], ctx.months)
        opened, resolved = persist(session, run=run, findings=findings, project_months=figures, judged=judged)
        sync_warnings(session, run=run, judged=judged, as_of=as_of)  # same transaction as the findings
        run.projects = int(judged["project_code"].nunique())
        run.findings, run.opened, run.resolved = len(findings), opened, resolved
        run.finished_at = utcnow()
        session.add(run)
        session.flush()
        run_id = int(run.id)  # type: ignore[arg-type]

    severity = findings["severity"].value_counts()
    levels = figures["level"].value_counts()
    return RunSummary(
        run_id=run_id, as_of=as_of, months=list(ctx.months), projects=int(judged["project_code"].nunique()),
        project_months=len(figures), findings=len(findings), opened=opened, resolved=resolved,
        unpaid=int(figures["unpaid"].sum()), unpaid_own=int(figures["unpaid_own"].sum()),
        underpaid=int(figures["underpaid"].sum()),
        by_severity={s: int(severity.get(s, 0)) for s in reversed(SEVERITY_ORDER)},
        levels={lv: int(levels.get(lv, 0)) for lv in ("red", "yellow", "green")},
    )
