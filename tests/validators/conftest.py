"""Builders of small canonical datasets for the rule tests.

Every rule test starts from :func:`clean_month` — a month that breaks no rule at all — and plants one
breach in it, so a test shows exactly which change raises which finding. IDs and cards are built to pass
the project's own validators (check digits included), as ``style.md`` asks of fixture builders.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from stdnum import luhn
from stdnum.cn import ric

from validators.catalogue import RULES
from validators.config import RuleConfig
from validators.dataset import Dataset
from validators.due import due_date

PROJECT = "DY2025-001"
WAGE_ACCOUNT = "33050161123400000001"
NAMES = ["张伟", "王芳", "李强", "刘洋", "陈静", "杨磊", "赵军", "黄敏", "周杰", "吴刚", "徐丽", "孙涛"]


def make_id(birth: str = "19850312", sex: str = "M", seq: int = 1, region: str = "330783") -> str:
    """An 18-character ID with a valid check digit; the 17th digit is odd for men, even for women."""
    order = (seq * 2 + (1 if sex == "M" else 0)) % 1000
    body = f"{region}{birth}{order:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum drops the last character it is given


def make_card(n: int, prefix: str = "622202") -> str:
    """A 19-digit Luhn-valid card number, distinct for each ``n``."""
    body = f"{prefix}{n:012d}"
    return body + luhn.calc_check_digit(body)


def bad_luhn(card: str) -> str:
    """The same card with its last digit changed, so the Luhn check fails."""
    return card[:-1] + str((int(card[-1]) + 1) % 10)


def next_month(month: str) -> str:
    return (pd.Period(month, "M") + 1).strftime("%Y-%m")


def weekdays(month: str) -> list[pd.Timestamp]:
    """Monday–Friday of ``month``: no gap of seven days, so DATA-ATTENDANCE-GAP stays quiet."""
    days = pd.date_range(pd.Period(month, "M").start_time, pd.Period(month, "M").end_time.normalize())
    return [d for d in days if d.weekday() < 5]


@dataclass
class CleanMonth:
    """A month of one project that yields no finding: the frames plus the facts tests assert against."""

    frames: dict[str, pd.DataFrame]
    project: str
    month: str
    due: dt.date
    as_of: dt.date
    ids: list[str]
    names: list[str]
    cards: list[str]
    days: int
    daily_wage_fen: int
    net: list[int] = field(default_factory=list)

    def dataset(self) -> Dataset:
        return Dataset.from_frames(**self.frames)


def clean_month(
    workers: int = 3,
    month: str = "2025-03",
    daily_wage_fen: int = 30000,
    *,
    project: str = PROJECT,
    payday: int = 15,
    first_seq: int = 1,
    pay_day_of_month: int = 10,
    with_account: bool = True,
) -> CleanMonth:
    """Roster, weekday attendance, a correct payroll, full payment to own cards before the due date,
    and a wage-account statement with the month's allocation and the batch payout."""
    seqs = range(first_seq, first_seq + workers)
    ids = [make_id(birth="19850312", sex="M" if i % 2 else "F", seq=i) for i in seqs]
    names = [NAMES[(i - 1) % len(NAMES)] + ("" if i <= len(NAMES) else str(i)) for i in seqs]
    cards = [make_card(i) for i in seqs]
    start = pd.Period(month, "M").start_time
    due, _ = due_date(month, payday)
    pay_date = pd.Timestamp(next_month(month) + f"-{pay_day_of_month:02d}")
    dates = weekdays(month)
    d = len(dates)
    gross = d * daily_wage_fen
    project_frame = pd.DataFrame({
        "project_code": [project], "project_name": ["东阳测试项目"], "sector": ["housing"],
        "township": ["吴宁街道"], "start_date": [start - pd.DateOffset(months=2)],
        "end_date": [start + pd.DateOffset(years=2)], "payday": [payday],
        "wage_account": [WAGE_ACCOUNT], "deposit_status": ["paid"],
    })
    roster = pd.DataFrame({
        "project_code": project, "worker_name": names, "id_number": ids, "card_number": cards,
        "contract_signed": True, "entry_date": start - pd.DateOffset(months=1), "exit_date": pd.NaT,
        "wage_basis": "day", "daily_wage": daily_wage_fen,
    })
    attendance = pd.DataFrame({
        "project_code": project,
        "id_number": np.repeat(ids, d), "worker_name": np.repeat(names, d),
        "date": dates * workers, "day_fraction": 1.0,
    })
    payroll = pd.DataFrame({
        "project_code": project, "worker_name": names, "id_number": ids, "month": month,
        "days_worked": float(d), "daily_wage": daily_wage_fen, "gross": gross, "deductions": 0,
        "net": gross, "card_number": cards, "signed": True,
    })
    disbursement = pd.DataFrame({
        "project_code": project, "date": pay_date, "card_number": cards, "account_name": names,
        "amount": gross, "status": "S", "payer_account": WAGE_ACCOUNT, "month": month,
        "txn_id": [f"T{month}{i:05d}" for i in seqs],
    })
    total = gross * workers
    account = pd.DataFrame({
        "project_code": project,
        "date": [pd.Timestamp(next_month(month) + "-01"), pay_date],
        "amount": [total + 100_000, total], "direction": ["in", "out"],
        "counterparty": ["东阳测试建设单位", "代发"], "purpose": ["人工费拨付", "代发工资"],
        "balance": [total + 100_000, 100_000],
    })
    frames = {"project": project_frame, "roster": roster, "attendance": attendance, "payroll": payroll,
              "disbursement": disbursement}
    if with_account:
        frames["account"] = account
    return CleanMonth(frames=frames, project=project, month=month, due=due,
                      as_of=due + dt.timedelta(days=5), ids=ids, names=names, cards=cards, days=d,
                      daily_wage_fen=daily_wage_fen, net=[gross] * workers)


def combine(*parts: CleanMonth | dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Concatenate several builders' frames (months or projects); the project file and roster keep one
    row per project and per (project, worker)."""
    out: dict[str, list[pd.DataFrame]] = {}
    for part in parts:
        frames = part.frames if isinstance(part, CleanMonth) else part
        for name, frame in frames.items():
            out.setdefault(name, []).append(frame)
    merged = {name: pd.concat(fs, ignore_index=True) for name, fs in out.items()}
    if "project" in merged:
        merged["project"] = merged["project"].drop_duplicates("project_code", ignore_index=True)
    if "roster" in merged:
        merged["roster"] = merged["roster"].drop_duplicates(["project_code", "id_number"],
                                                            ignore_index=True)
    return merged


def build_context(frames: dict[str, pd.DataFrame], *, as_of: dt.date, months: list[str] | None = None,
                  config: RuleConfig | None = None):  # -> Context (imported lazily)
    from validators.rules.context import Context

    return Context.build(Dataset.from_frames(**frames), as_of=as_of, months=months,
                         config=config or RuleConfig())


def run_rules(frames: dict[str, pd.DataFrame], *, as_of: dt.date, months: list[str] | None = None,
              config: RuleConfig | None = None, only: str | Iterable[str] | None = None) -> pd.DataFrame:
    """The findings of ``only`` (one code or several, called directly from their pillar's module), or of
    the whole :func:`validators.reconcile.reconcile` when ``only`` is None."""
    config = config or RuleConfig()
    if only is None:
        from validators.reconcile import reconcile

        return reconcile(Dataset.from_frames(**frames), as_of=as_of, months=months,
                         config=config).findings
    codes = [only] if isinstance(only, str) else list(only)
    ctx = build_context(frames, as_of=as_of, months=months, config=config)
    parts = []
    for code in codes:
        module = importlib.import_module(f"validators.rules.{RULES[code].pillar}")
        parts.append(module.RULES[code](ctx))
    return pd.concat(parts, ignore_index=True)


def of_rule(findings: pd.DataFrame, code: str) -> pd.DataFrame:
    return findings[findings["rule"] == code].reset_index(drop=True)
