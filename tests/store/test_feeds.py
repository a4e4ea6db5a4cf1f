"""Bank feeds in the store (files.md): the same feed again changes nothing, another feed under the same
(bank_code, batch_id) is refused unless sent as a correction, and a correction supersedes with history."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import SQLModel

from fixtures.data import ProjectData
from fixtures.project import make_project
from fixtures.write_text import write_feed
from four_real.store.db import session_scope
from four_real.store.history import current_versions, version_history, version_rows
from four_real.store.ingest import ingest_paths
from four_real.store.models import BankFeed

MONTH = "2025-03"
CODE = "DY2025-001"


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {name: connection.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in SQLModel.metadata.tables.items()}


@pytest.fixture(scope="module")
def data() -> ProjectData:
    return make_project(seed=5, code=CODE, months=[MONTH], workers=6)


def feed(data: ProjectData, path: Path, *, raise_first_by: int = 0, drop_last: bool = False) -> Path:
    """The project's (single) batch as a bank feed file, optionally altered."""
    batch = data.disbursement.sort_values("txn_id").reset_index(drop=True)
    assert batch["batch_id"].nunique() == 1
    batch.loc[0, "amount"] += raise_first_by
    if drop_last:
        batch = batch.iloc[:-1]
    path.parent.mkdir(parents=True, exist_ok=True)
    write_feed(path, data, batch, encoding="utf-8")
    return path


def current_disbursements(engine: Engine, code: str = CODE) -> pd.DataFrame:
    with session_scope(engine) as session:
        v = current_versions(session, project_codes=[code])
        return version_rows(session, "disbursement", v.loc[v["kind"] == "disbursement", "id"])


def feeds(engine: Engine) -> list[tuple[int, bool, bool]]:
    """(version, is_correction, current) of every stored feed version."""
    with session_scope(engine) as session:
        rows = session.execute(select(BankFeed.version, BankFeed.is_correction, BankFeed.superseded_at)
                               .order_by(BankFeed.version)).all()
    return [(v, c, s is None) for v, c, s in rows]


def test_same_feed_again_changes_nothing_and_says_so(engine: Engine, data: ProjectData, tmp_path: Path) -> None:
    path = feed(data, tmp_path / "回单.txt")
    (first,) = ingest_paths(engine, [path], project=CODE)
    before = counts(engine)
    resent = feed(data, tmp_path / "resent" / "回单_重发.txt")  # the bank's retry, under another name

    (again,) = ingest_paths(engine, [resent], project=CODE)
    (as_correction,) = ingest_paths(engine, [resent], project=CODE, correction=True)

    assert first.status == "stored"
    assert (again.status, as_correction.status) == ("unchanged", "unchanged")
    assert "nothing changed" in again.message
    assert counts(engine) == before
    assert feeds(engine) == [(1, False, True)]


def test_other_content_under_the_same_batch_is_refused(engine: Engine, data: ProjectData, tmp_path: Path) -> None:
    ingest_paths(engine, [feed(data, tmp_path / "回单.txt")], project=CODE)
    before = counts(engine)
    batch = str(data.disbursement["batch_id"].iloc[0])

    (receipt,) = ingest_paths(engine, [feed(data, tmp_path / "v2" / "回单.txt", raise_first_by=100)], project=CODE)

    assert receipt.status == "refused" and receipt.upload_id is None
    assert f"batch {batch} " in receipt.message_en and "send it as a correction" in receipt.message_en
    assert f"批次 {batch}" in receipt.message_zh
    assert counts(engine) == before


def test_correction_supersedes_the_earlier_feed(engine: Engine, data: ProjectData, tmp_path: Path) -> None:
    ingest_paths(engine, [feed(data, tmp_path / "回单.txt")], project=CODE)

    (receipt,) = ingest_paths(engine, [feed(data, tmp_path / "v2" / "回单.txt", raise_first_by=100, drop_last=True)],
                              project=CODE, correction=True)

    assert receipt.status == "stored"
    assert feeds(engine) == [(1, False, False), (2, True, True)]
    current = current_disbursements(engine)
    assert len(current) == len(data.disbursement) - 1
    sent = data.disbursement.sort_values("txn_id")["amount"].iloc[:-1]
    assert int(current["amount"].sum()) == int(sent.sum()) + 100
    with session_scope(engine) as session:
        old, new = version_history(session, project_code=CODE, kind="disbursement")
    assert not old.current and old.superseded_by == new.id
    assert (new.rows_added, new.rows_removed, new.amounts_changed) == (0, 1, 1)
    assert counts(engine)["disbursement_row"] == 2 * len(data.disbursement) - 1  # the old rows are kept


def test_correction_of_an_unseen_feed_is_its_first_version(engine: Engine, data: ProjectData,
                                                           tmp_path: Path) -> None:
    (receipt,) = ingest_paths(engine, [feed(data, tmp_path / "回单.txt")], project=CODE, correction=True)

    assert receipt.status == "stored"
    assert feeds(engine) == [(1, False, True)]


def test_corrected_feed_routed_elsewhere_empties_the_first_project(engine: Engine, data: ProjectData,
                                                                   tmp_path: Path) -> None:
    ingest_paths(engine, [feed(data, tmp_path / "回单.txt")], project=CODE)

    (receipt,) = ingest_paths(engine, [feed(data, tmp_path / "v2" / "回单.txt", drop_last=True)],
                              project="DY2025-009", correction=True)

    assert receipt.status == "stored"
    assert current_disbursements(engine, CODE).empty
    assert len(current_disbursements(engine, "DY2025-009")) == len(data.disbursement) - 1
    with session_scope(engine) as session:
        (_, emptied) = version_history(session, project_code=CODE, kind="disbursement")
    assert (emptied.rows, emptied.rows_removed) == (0, len(data.disbursement))


def test_same_feed_sent_for_another_project_stays_where_it_is(engine: Engine, data: ProjectData,
                                                              tmp_path: Path) -> None:
    path = feed(data, tmp_path / "回单.txt")
    ingest_paths(engine, [path], project=CODE)
    before = counts(engine)

    (receipt,) = ingest_paths(engine, [path], project="DY2025-009")

    assert receipt.status == "unchanged" and counts(engine) == before
    assert len(current_disbursements(engine, CODE)) == len(data.disbursement)
