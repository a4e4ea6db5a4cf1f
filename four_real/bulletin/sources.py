"""Figures the bulletin takes from other parts of four-real: enterprise grades and complaint leads
(``four_real.oversight``), warnings (``four_real.warnings``) and the sector/township aggregates.

Those modules are optional here in one sense only: an installation that lacks one (it is being built, or
was left out) still gets its bulletin, with the section saying plainly that the source is missing instead
of showing zeros that would read as "no red enterprise, no overdue lead". A module that exists but fails
to import or raises is a bug and is not hidden.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Engine
from sqlmodel import Session

GRADES = "four_real.oversight.grading.current_grades"
LEADS = "four_real.oversight.leads.lead_table"
CLOSURE = "four_real.oversight.leads.closure_by_township"
WARNINGS = "four_real.warnings.queries.warning_counts"
BY_SECTOR = "four_real.oversight.aggregates.by_sector"
BY_TOWNSHIP = "four_real.oversight.aggregates.by_township"
UNKNOWN = "unknown"  # a project without a project file has no sector or township
LIVE_WARNING = ("open", "acknowledged")  # the warning lifecycle: open → acknowledged → resolved | closed
LEAD_COLUMNS = ["lead_id", "source", "received_on", "deadline", "township", "project_code", "enterprise_name",
                "amount_claimed"]


@dataclass(frozen=True)
class External:
    """One frame from another module; ``frame`` is None when that module is not in this installation."""

    source: str
    frame: pd.DataFrame | None

    @property
    def available(self) -> bool:
        return self.frame is not None


def find(dotted: str) -> Callable[..., Any] | None:
    """The function at ``dotted`` or None when its module (or the function) does not exist yet."""
    module, _, name = dotted.rpartition(".")
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and (module == exc.name or module.startswith(exc.name + ".")):
            return None
        raise  # the module is there but imports something missing: a real error
    return getattr(mod, name, None)


def _call(engine: Engine, dotted: str, *args: Any, **kwargs: Any) -> External:
    function = find(dotted)
    if function is None:
        return External(dotted, None)
    with Session(engine) as session:
        frame = function(session, *args, **kwargs)
    return External(dotted, pd.DataFrame(frame).reset_index(drop=True))


@dataclass(frozen=True)
class Externals:
    grades: External
    leads: External
    closure: External
    warnings: External
    by_sector: External
    by_township: External


def gather_externals(engine: Engine, *, month: str, as_of: dt.date) -> Externals:
    return Externals(
        grades=_call(engine, GRADES, as_of),
        leads=_call(engine, LEADS, as_of),
        closure=_call(engine, CLOSURE, as_of),
        warnings=_call(engine, WARNINGS, month=month, as_of=as_of),
        by_sector=_call(engine, BY_SECTOR, month),
        by_township=_call(engine, BY_TOWNSHIP, month),
    )


# ---- the frames as the bulletin shows them ----


def open_warnings(warnings: External) -> pd.DataFrame | None:
    """Warnings still open (open or acknowledged), with ``overdue`` as a plain bool."""
    if warnings.frame is None:
        return None
    w = warnings.frame
    w = w[w["status"].isin(LIVE_WARNING)].copy()
    w["overdue"] = w["overdue"].fillna(False).astype("bool")
    w["count"] = w["count"].astype("int64")
    for col in ("sector", "township"):
        w[col] = w[col].fillna(UNKNOWN).astype("str")
    return w


def red_grades(grades: External) -> External:
    if grades.frame is None:
        return grades
    g = grades.frame
    red = g[g["grade"].astype("str").eq("red")].sort_values("enterprise_name", kind="stable")
    return External(grades.source, red.reset_index(drop=True))


def overdue_leads(leads: External) -> External:
    """Leads past their deadline and still not closed (a lead closed late is counted in the closure rate)."""
    if leads.frame is None:
        return leads
    f = leads.frame
    late = f[f["overdue"].fillna(False).astype("bool") & f["closed_on"].isna()]
    late = late.sort_values(["deadline", "lead_id"], kind="stable")
    return External(leads.source, late.reset_index(drop=True)[[c for c in LEAD_COLUMNS if c in late.columns]])


def closure_percent(closure: External) -> External:
    """Closure per township, the rate in percent (recomputed from the counts so both files agree)."""
    if closure.frame is None:
        return closure
    c = closure.frame.copy()
    for col in ("leads", "closed", "closed_in_time", "overdue"):
        c[col] = c[col].fillna(0).astype("int64")
    c["closure_rate"] = [100.0 if n == 0 else round(100 * k / n, 1) for n, k in zip(c["leads"], c["closed"],
                                                                                    strict=True)]
    return External(closure.source, c.sort_values(["closure_rate", "township"], kind="stable")
                    .reset_index(drop=True))
