"""The canonical tables of a synthetic city-month, built for a whole block of projects at once.

``fixtures.project.make_project`` makes one project in ~30 ms, which is 30 s for a city before a byte is
written; here every table of up to a thousand projects is one set of numpy draws (the fixtures' vectorised
helpers for ID numbers, cards, phones, birth dates, deductions and calendar dates are reused, so values are
valid exactly as the fixtures' are). A block is clean under every rule of ``rules.md`` the way
``fixtures.project`` explains (contracts signed, ages 20–50, Monday–Saturday sites, payroll = attendance ×
daily wage, full pay to the own card from the wage account before the due date, a funded account); then
:mod:`bench.city_plant` plants a small known share of problems.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from faker import Faker

from fixtures.attendance import ABSENCE_RATE, HALF_DAY_RATE, HOURS, HOURS_RATE
from fixtures.cards import make_cards
from fixtures.dates import month_end, month_start, pay_date
from fixtures.ids import make_ids
from fixtures.ledger import deductions, halves
from fixtures.make import TOWNSHIPS
from fixtures.people import TEAM_ORDINALS, TRADE_WEIGHTS, TRADES, birth_dates, make_phones
from fixtures.project import MIN_WAGE_FEN, WAGE_BANKS, make_uscc

SECTOR_SHARES = {"housing": 0.55, "transport": 0.25, "water": 0.20}
BUILDING_KINDS = ("花园", "安置小区", "人才公寓", "商住综合体", "产业园", "学校")
MALE_SHARE = 0.85


@dataclass
class Block:
    """Up to a thousand projects of one month: canonical columns, money in fen, rows grouped by project
    (in code order) in every table. ``xlsx`` marks the projects whose people write workbooks."""

    month: str
    as_of: dt.date
    project: pd.DataFrame
    banking: pd.DataFrame  # per project: bank_code, branch_code, builder_account
    roster: pd.DataFrame
    attendance: pd.DataFrame
    payroll: pd.DataFrame
    disbursement: pd.DataFrame
    xlsx: np.ndarray  # bool per project, aligned with ``project``
    planted: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def _digits(rng: np.random.Generator, n: int, width: int) -> np.ndarray:
    """``n`` strings of ``width`` random digits (in chunks of six: int64 draws stay exact)."""
    out = np.full(n, "", dtype=f"<U{width}")
    left = width
    while left > 0:
        w = min(6, left)
        out = np.char.add(out, np.char.zfill(rng.integers(0, 10**w, size=n).astype(f"<U{w}"), w))
        left -= w
    return out


def _shares(rng: np.random.Generator, n: int, shares: dict[str, float]) -> np.ndarray:
    keys = list(shares)
    return np.array(keys)[rng.choice(len(keys), size=n, p=np.array(list(shares.values())))]


def make_projects(rng: np.random.Generator, fake: Faker, codes: list[str], *, month: str) -> tuple[
        pd.DataFrame, pd.DataFrame]:
    """The project file of each project and the banking around its wage account."""
    n = len(codes)
    first, last = month_start(month), month_end(month)
    sector = _shares(rng, n, SECTOR_SHARES)
    township = np.array(TOWNSHIPS)[rng.integers(0, len(TOWNSHIPS), size=n)]
    prefixes = fake.provider("faker.providers.company").company_prefixes
    brands = np.array(sorted({p.removesuffix("公司") for p in prefixes}))
    brand = brands[rng.integers(0, len(brands), size=n)]
    kind = np.array(BUILDING_KINDS)[rng.integers(0, len(BUILDING_KINDS), size=n)]
    serial = rng.integers(1, 10, size=n).astype("<U1")
    name = np.where(sector == "transport", np.char.add(np.char.add("东阳市", brand), "公路改建工程"),
                    np.where(sector == "water", np.char.add(np.char.add("东阳市", brand), "水库除险加固工程"),
                             np.char.add(np.char.add(np.char.add(np.char.add(township, brand), kind), serial),
                                         "期工程")))
    builder = np.where(sector == "transport", "东阳市交通投资建设集团有限公司",
                       np.where(sector == "water", "东阳市水务投资集团有限公司",
                                np.char.add(np.char.add("东阳市", brands[rng.integers(0, len(brands), size=n)]),
                                            "置业有限公司")))
    contractor = np.char.add(np.char.add("浙江", brands[rng.integers(0, len(brands), size=n)]), "建设集团有限公司")
    bank = rng.integers(0, len(WAGE_BANKS), size=n)
    prefix = np.array([b[2] for b in WAGE_BANKS])[bank]
    length = np.array([b[3] for b in WAGE_BANKS])[bank]
    account = np.array([p + d[: ln - len(p)] for p, d, ln in zip(prefix, _digits(rng, n, 20), length, strict=True)])
    cnaps = np.array([b[1] for b in WAGE_BANKS])[bank]
    project = pd.DataFrame({
        "project_code": codes, "project_name": name, "sector": sector, "township": township,
        "builder": builder, "contractor": contractor,
        "contractor_uscc": [make_uscc(rng) for _ in range(n)],
        "contract_amount": rng.integers(2_000, 20_000, size=n) * 1_000_000,
        "start_date": pd.Timestamp(first) - pd.to_timedelta(rng.integers(90, 365, size=n), "D"),
        "end_date": pd.Timestamp(last) + pd.to_timedelta(rng.integers(180, 720, size=n), "D"),
        "payday": 15, "wage_account": account, "wage_account_bank": np.array([b[0] for b in WAGE_BANKS])[bank],
        "deposit_status": "paid", "labor_cost_ratio": 0.2, "min_wage_monthly": MIN_WAGE_FEN,
    })
    banking = pd.DataFrame({
        "project_code": codes, "bank_code": cnaps,
        "branch_code": np.char.add(np.char.add(cnaps, "338"), _digits(rng, n, 6)),
        "builder_account": np.char.add("3305016", _digits(rng, n, 13)),
    })
    return project, banking


def _names(rng: np.random.Generator, fake: Faker, male: np.ndarray, project: np.ndarray) -> np.ndarray:
    """Names weighted like a real roster, distinct within each project (rows without an ID are matched
    by name there), redrawn where a project would repeat one; names repeat across a city, as they do."""
    person = fake.provider("faker.providers.person")
    surnames = np.array(list(person.last_names))
    weights = np.array(list(person.last_names.values()), dtype=float)
    pools = {m: np.array(list(person.first_names_male if m else person.first_names_female)) for m in (True, False)}
    singles = np.array(sorted({c for p in pools.values() for n in p for c in n}))[:60]
    out = np.empty(len(male), dtype=object)
    todo = np.arange(len(male))
    while len(todo):
        sur = rng.choice(surnames, size=len(todo), p=weights / weights.sum())
        given = np.empty(len(todo), dtype=object)
        for m in (True, False):
            idx = np.flatnonzero(male[todo] == m)
            pool = pools[m]
            given[idx] = pool[rng.integers(0, len(pool), size=len(idx))]
        two = rng.random(len(todo)) < 0.3  # two-character given names widen the pool
        given[two] = np.char.add(singles[rng.integers(0, len(singles), size=int(two.sum()))],
                                 singles[rng.integers(0, len(singles), size=int(two.sum()))])
        out[todo] = np.char.add(sur.astype(str), given.astype(str))
        dup = pd.DataFrame({"p": project, "n": out}).duplicated(keep="first").to_numpy()
        todo = np.flatnonzero(dup)
    return out.astype(str)


def make_roster(rng: np.random.Generator, fake: Faker, project: pd.DataFrame, sizes: np.ndarray, *, month: str,
                as_of: dt.date, taken_ids: set[str], taken_cards: set[str]) -> pd.DataFrame:
    """Every worker of the block, grouped by project; IDs and cards distinct from ``taken_*`` (updated)."""
    n = int(sizes.sum())
    code = np.repeat(project["project_code"].to_numpy(), sizes)
    male = rng.random(n) < MALE_SHARE
    trade = rng.choice(len(TRADES), size=n, p=TRADE_WEIGHTS / TRADE_WEIGHTS.sum())
    lo, hi = np.array([t[2] for t in TRADES])[trade], np.array([t[3] for t in TRADES])[trade]
    daily = (lo + np.floor(rng.random(n) * (hi - lo + 1) / 5).astype(np.int64) * 5) * 100
    companies = np.array(sorted({p.removesuffix("公司") for p in
                                 fake.provider("faker.providers.company").company_prefixes}))
    # one to three labor companies per project, drawn per project then per worker
    per_project = companies[rng.integers(0, len(companies), size=(len(project), 3))]
    which = np.minimum(rng.integers(0, 3, size=n), np.repeat(np.minimum(sizes // 40, 2), sizes))
    employer = np.char.add(np.char.add("东阳市", per_project[np.repeat(np.arange(len(project)), sizes), which]),
                           "劳务有限公司")
    team = np.char.add(np.char.add(np.array([t[1] for t in TRADES])[trade],
                                   np.array(list(TEAM_ORDINALS))[rng.integers(0, 3, size=n)]), "班")
    first, last = month_start(month), max(month_end(month), as_of)
    born = birth_dates(rng, male, first=first, last=last)
    ids = make_ids(rng, birth_dates=born, male=male, taken=taken_ids)
    cards, banks = make_cards(rng, n, taken=taken_cards)
    taken_ids.update(ids.tolist())
    taken_cards.update(cards.tolist())
    return pd.DataFrame({
        "project_code": code, "worker_name": _names(rng, fake, male, code), "id_number": ids,
        "gender": np.where(male, "M", "F"), "phone": make_phones(rng, fake, n), "employer": employer,
        "team": team, "trade": np.array([t[0] for t in TRADES])[trade], "card_number": cards, "card_bank": banks,
        "contract_signed": True,
        "entry_date": pd.Timestamp(first) - pd.to_timedelta(rng.integers(1, 7, size=n), "D"),
        "exit_date": pd.NaT, "wage_basis": "day", "daily_wage": daily,
    })


def make_attendance(rng: np.random.Generator, roster: pd.DataFrame, half_days: np.ndarray, *, month: str,
                    as_of: dt.date) -> pd.DataFrame:
    """One row per worker-day, Monday to Saturday with the odd absence (``fixtures.attendance``'s rates);
    half days and hours only for the workers of ``half_days`` projects (a gate or a daily export cannot
    show them, a timekeeper's grid can)."""
    dates = pd.date_range(month_start(month), min(month_end(month), as_of), freq="D")
    n_w, n_d = len(roster), len(dates)
    present = (rng.random((n_w, n_d)) >= ABSENCE_RATE) & np.asarray(dates.day_of_week != 6)[None, :]
    half = present & (rng.random((n_w, n_d)) < HALF_DAY_RATE) & half_days[:, None]
    w, d = np.nonzero(present)
    full_on_grid = half_days[w] & ~half[w, d] & (rng.random(len(w)) < HOURS_RATE)
    hours = np.where(full_on_grid, HOURS[rng.integers(0, len(HOURS), size=len(w))], np.nan)
    return pd.DataFrame({
        "project_code": roster["project_code"].to_numpy()[w], "id_number": roster["id_number"].to_numpy()[w],
        "worker_name": roster["worker_name"].to_numpy()[w], "date": dates.to_numpy().astype("datetime64[s]")[d],
        "day_fraction": np.where(half[w, d], 0.5, 1.0), "hours": pd.array(hours, dtype="Float64"),
    })


def days_per_worker(attendance: pd.DataFrame) -> pd.Series:
    """d(W,M) per (project, ID) for a one-month block; one row per worker-day, so a plain sum."""
    return attendance.groupby(["project_code", "id_number"], sort=False)["day_fraction"].sum()


def make_payroll(rng: np.random.Generator, roster: pd.DataFrame, attendance: pd.DataFrame, *,
                 month: str) -> pd.DataFrame:
    """A line per worker with attendance: days = d(W,M), gross = days × daily wage, deductions ≤ 10 %."""
    d = days_per_worker(attendance)
    key = pd.MultiIndex.from_frame(roster[["project_code", "id_number"]])
    days = d.reindex(key).to_numpy()
    has = ~np.isnan(days)
    r = roster[has]
    days = days[has]
    daily = r["daily_wage"].to_numpy(dtype=np.int64)
    gross = halves(days) * daily // 2
    ded = deductions(rng, gross)
    return pd.DataFrame({
        "project_code": r["project_code"].to_numpy(), "worker_name": r["worker_name"].to_numpy(),
        "id_number": r["id_number"].to_numpy(), "month": month, "days_worked": days, "daily_wage": daily,
        "gross": gross, "deductions": ded, "net": gross - ded, "card_number": r["card_number"].to_numpy(),
        "signed": True,
    })


def batch_ids(codes: pd.Series, day: dt.date) -> pd.Series:
    """One batch per project and month, unique across the city (a feed is identified by bank and batch)."""
    return f"{day:%Y%m%d}" + codes.str.replace(r"\D", "", regex=True).str[-8:] + "01"


def make_disbursement(payroll: pd.DataFrame, project: pd.DataFrame, banking: pd.DataFrame, *,
                      month: str) -> pd.DataFrame:
    """The full net of every line to its card, from the wage account, one batch per project before the due
    date; the memo names the wage month as banks print it."""
    lines = payroll[payroll["net"] > 0]
    day = pay_date(month)
    info = lines[["project_code"]].merge(project[["project_code", "wage_account"]], on="project_code", how="left"
                                         ).merge(banking[["project_code", "bank_code"]], on="project_code", how="left")
    batch = batch_ids(info["project_code"], day)
    seq = lines.groupby("project_code", sort=False).cumcount().to_numpy() + 1
    return pd.DataFrame({
        "project_code": lines["project_code"].to_numpy(), "date": pd.Timestamp(day),
        "card_number": lines["card_number"].to_numpy(), "account_name": lines["worker_name"].to_numpy(),
        "amount": lines["net"].to_numpy(dtype=np.int64), "status": "S", "reason": None,
        "payer_account": info["wage_account"].to_numpy(), "month": month,
        "memo": f"{int(month[:4])}年{int(month[5:7])}月工资",
        "txn_id": batch.to_numpy() + np.char.zfill(seq.astype("<U5"), 5), "batch_id": batch.to_numpy(),
        "bank_code": info["bank_code"].to_numpy(),
    })


def make_block(rng: np.random.Generator, fake: Faker, codes: list[str], *, month: str, as_of: dt.date,
               workers: tuple[int, int], xlsx_share: float, taken_ids: set[str], taken_cards: set[str]) -> Block:
    """A clean block of projects (plantings come after, in :mod:`bench.city_plant`)."""
    project, banking = make_projects(rng, fake, codes, month=month)
    sizes = rng.integers(workers[0], workers[1] + 1, size=len(codes))
    xlsx = rng.random(len(codes)) < xlsx_share
    roster = make_roster(rng, fake, project, sizes, month=month, as_of=as_of, taken_ids=taken_ids,
                         taken_cards=taken_cards)
    attendance = make_attendance(rng, roster, np.repeat(xlsx, sizes), month=month, as_of=as_of)
    payroll = make_payroll(rng, roster, attendance, month=month)
    disbursement = make_disbursement(payroll, project, banking, month=month)
    return Block(month=month, as_of=as_of, project=project, banking=banking, roster=roster,
                 attendance=attendance, payroll=payroll, disbursement=disbursement, xlsx=xlsx)
