"""Judging a city in partitions of projects gives exactly the findings and figures of one whole run, on
any executor: in process, in a process pool, and on a local Dask cluster."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import distributed
import pandas as pd
import pytest

from fixtures.answer_key import AnswerKey
from fixtures.make import make
from four_real.check import prepare
from validators.dataset import Dataset
from validators.partition import partition, reconcile_partitioned
from validators.reconcile import reconcile


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Dataset, dt.date, AnswerKey]:
    """Every check rule planted, over several projects and two months."""
    out = tmp_path_factory.mktemp("city")
    key = make(out, seed=7, workers=30, months=["2025-02", "2025-03"], violations=None)
    return prepare([out]).dataset, dt.date.fromisoformat(key.as_of), key


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False)


def test_partitions_hold_whole_projects_and_every_row_once(city) -> None:
    dataset, _, _ = city
    parts = partition(dataset, 3)
    assert len(parts) == 3
    for kind in ("roster", "attendance", "payroll", "disbursement", "account", "project"):
        whole = getattr(dataset, kind)
        pieces = [getattr(p, kind) for p in parts]
        assert sum(len(x) for x in pieces) == len(whole)
        owners = [set(x["project_code"].dropna()) for x in pieces]
        assert all(not (owners[i] & owners[j]) for i in range(3) for j in range(i + 1, 3))


@pytest.mark.parametrize("parts", [1, 2, 3, 50])
def test_partitioned_run_equals_the_whole_run(city, parts: int) -> None:
    dataset, as_of, key = city
    whole = reconcile(dataset, as_of=as_of)
    split = reconcile_partitioned(dataset, as_of=as_of, parts=parts)
    assert len(whole.findings) >= len(key.findings) > 0  # the planted rules are there to be found
    _same(split.findings, whole.findings)
    _same(split.project_months, whole.project_months)


def test_a_month_seen_in_one_partition_is_judged_for_every_project(city) -> None:
    dataset, as_of, _ = city
    months = ["2025-01", "2025-02", "2025-03"]
    whole = reconcile(dataset, as_of=as_of, months=months)
    split = reconcile_partitioned(dataset, as_of=as_of, months=months, parts=2)
    _same(split.project_months, whole.project_months)


def test_a_process_pool_gives_the_same_answer(city) -> None:
    dataset, as_of, _ = city
    whole = reconcile(dataset, as_of=as_of)
    with ProcessPoolExecutor(2, mp_context=get_context("spawn")) as pool:
        split = reconcile_partitioned(dataset, as_of=as_of, parts=2, mapper=pool.map)
    _same(split.findings, whole.findings)
    _same(split.project_months, whole.project_months)


def test_a_local_dask_cluster_gives_the_same_answer(city) -> None:
    dataset, as_of, _ = city
    whole = reconcile(dataset, as_of=as_of)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) \
            as cluster, distributed.Client(cluster) as client:
        split = reconcile_partitioned(dataset, as_of=as_of, parts=2,
                                      mapper=lambda f, xs: client.gather(client.map(f, list(xs))))
        assert len(client.scheduler_info()["workers"]) == 2
    _same(split.findings, whole.findings)
    _same(split.project_months, whole.project_months)


def test_rows_naming_no_project_travel_with_the_first_partition_only(city) -> None:
    dataset, _, _ = city
    stray = dataset.disbursement.head(1).assign(project_code=pd.NA)
    tables = dataset.tables()
    tables["disbursement"] = pd.concat([tables["disbursement"], stray], ignore_index=True)
    parts = partition(Dataset(**tables), 2)
    assert [int(p.disbursement["project_code"].isna().sum()) for p in parts] == [1, 0]
