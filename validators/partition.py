"""Reconcile a dataset in partitions of projects, on any executor: the path past one process and one machine.

Every check rule judges one project at a time (a card is shared *within* a project, a worker is paid *by*
a project); the only cross-project rule, XP-DOUBLE-ATTENDANCE, is a store rule that reads the other
projects' attendance separately (:mod:`validators.rules.store_only`). So the findings and figures of a
dataset are exactly the union of those of its projects, and a city can be cut into partitions that are
judged independently: in this process, in a process pool, or on a Dask or Spark cluster. Memory is then
that of the largest partition, not the city.

Two things must be global and are fixed before cutting: the judged months (a month seen only in one
partition is still judged for every project, as a whole-city run would) and the sort order of the result.
Rows that name no project cannot belong to one; they travel with the first partition, as in a whole run
they are judged once.

The executor is any ``map``-like callable: the builtin ``map``, ``ProcessPoolExecutor.map``, or a Dask
client's ``lambda f, xs: client.gather(client.map(f, xs))``. Nothing here imports an executor, so this
module stays pure (DataFrames in, DataFrames out).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from validators.config import RuleConfig
from validators.dataset import Dataset
from validators.figures import FIGURE_COLUMNS
from validators.reconcile import annotate, reconcile
from validators.rules.context import Context

__all__ = ["Mapper", "PartResult", "partition", "reconcile_part", "reconcile_partitioned"]

Mapper = Callable[[Callable[["PartTask"], "PartResult"], Iterable["PartTask"]], Iterable["PartResult"]]


@dataclass(frozen=True)
class PartTask:
    """One partition and what it is judged against; pickled to a worker process or cluster node."""

    dataset: Dataset
    as_of: dt.date
    months: list[str]
    config: RuleConfig


@dataclass(frozen=True)
class PartResult:
    findings: pd.DataFrame
    project_months: pd.DataFrame


def _sizes(dataset: Dataset) -> pd.Series:
    """Rows per project over all tables: the work a partition carries."""
    codes = [getattr(dataset, f.name)["project_code"].dropna().astype("str") for f in fields(dataset)]
    return pd.concat(codes, ignore_index=True).value_counts()


def partition(dataset: Dataset, parts: int) -> list[Dataset]:
    """Cut into at most ``parts`` datasets of whole projects, balanced by rows (largest first, snake order).

    Projects are dealt 0, 1, …, n-1, n-1, …, 0, 0, 1, … in decreasing size, which keeps partitions within
    one project's size of each other without a loop over rows.
    """
    sizes = _sizes(dataset)
    n = max(1, min(parts, len(sizes)))
    order = sizes.sort_values(ascending=False, kind="stable").index
    lap = np.arange(len(order)) % (2 * n)
    part_of = pd.Series(np.where(lap < n, lap, 2 * n - 1 - lap), index=order)
    out = []
    for k in range(n):
        mine = set(part_of.index[part_of.to_numpy() == k])
        frames = {}
        for f in fields(dataset):
            frame = getattr(dataset, f.name)
            code = frame["project_code"]
            keep = code.isin(mine) | (code.isna() if k == 0 else False)
            frames[f.name] = frame[keep.to_numpy()].reset_index(drop=True)
        out.append(Dataset(**frames))
    return out


def reconcile_part(task: PartTask) -> PartResult:
    """Judge one partition (module-level, so process pools and clusters can pickle it)."""
    result = reconcile(task.dataset, as_of=task.as_of, months=task.months, config=task.config)
    return PartResult(result.findings, result.project_months)


def reconcile_partitioned(dataset: Dataset, *, as_of: dt.date, months: Sequence[str] | None = None,
                          config: RuleConfig | None = None, parts: int = 2,
                          mapper: Mapper | None = None) -> PartResult:
    """The findings and project-month figures of :func:`validators.reconcile.reconcile`, computed per
    partition of projects with ``mapper`` (default: in this process, one partition after another)."""
    config = config or RuleConfig()
    judged = Context.build(dataset, as_of=as_of, months=months, config=config).months
    tasks = [PartTask(part, as_of, list(judged), config) for part in partition(dataset, parts)]
    results = list((mapper or map)(reconcile_part, tasks))
    found = [r.findings for r in results if len(r.findings)]  # never empty: partition() gives one at least
    findings = annotate(pd.concat(found, ignore_index=True), config) if found else results[0].findings
    figures = [r.project_months for r in results if len(r.project_months)]
    months_frame = (pd.concat(figures, ignore_index=True).sort_values(["project", "month"], ignore_index=True)
                    if figures else pd.DataFrame({c: pd.Series(dtype="object") for c in FIGURE_COLUMNS}))
    return PartResult(findings.reset_index(drop=True), months_frame[FIGURE_COLUMNS])
