"""Plant a small, known share of problems in a block, and derive the wage-account statements after them.

What is planted, on distinct workers, and every finding it implies (the key the benchmark's tests hold
the engine and the DuckDB reference to):
- CARD-UNPAID: the worker's transfer is missing → CARD-UNPAID;
- CARD-SHORT: the transfer is 10–50 % short → CARD-SHORT;
- PAY-DAYS-MISMATCH: the payroll line claims two days more than attended, paid in full on those days
  (gross = days × daily wage, so no arithmetic or agreed-wage rule fires) → PAY-DAYS-MISMATCH;
- PAY-MISSING: the payroll line and its transfer are missing → PAY-MISSING and CARD-UNPAID (an estimate);
- CARD-SHARED: in a share of projects two workers' wages go to one worker's card (the second worker's
  roster and payroll name that card, one transfer pays both): → CARD-SHARED and CARD-NOT-OWN for both;
- XP-DOUBLE-ATTENDANCE: the worker is also registered on another project of the city, attends it on one
  to three of the days already worked, and is paid there for them → XP-DOUBLE-ATTENDANCE in both projects
  (a store-only rule: ``four-real reconcile`` finds it, ``check`` cannot).
The statement is built after the plantings, funded with at least 5 % above what is owed (estimates
included), so no funding rule fires.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from bench.city_data import Block, days_per_worker
from fixtures.dates import allocation_date, pay_date
from fixtures.ledger import ALLOCATION_PURPOSE, PAYOUT_PARTY, PAYOUT_PURPOSE, halves

# share of the block's workers planted with each problem (of projects, for CARD-SHARED)
SHARES = {"CARD-UNPAID": 0.004, "CARD-SHORT": 0.004, "PAY-DAYS-MISMATCH": 0.002, "PAY-MISSING": 0.002,
          "XP-DOUBLE-ATTENDANCE": 0.002}
SHARED_CARD_PROJECTS = 0.02
PW = ["project_code", "id_number"]
PC = ["project_code", "card_number"]


def _at_least_one(n: int, share: float) -> int:
    return max(1, round(n * share)) if n >= 20 else 0


def _entries(rule: str, frame: pd.DataFrame, month: str) -> list[dict[str, Any]]:
    return [{"rule": rule, "project": p, "worker_id": w, "month": month}
            for p, w in zip(frame["project_code"], frame["id_number"], strict=True)]


def _paid_to(disb: pd.DataFrame, lines: pd.DataFrame) -> np.ndarray:
    """The transfers of payroll ``lines``: same project and card (one card a worker in a clean block)."""
    k = pd.MultiIndex.from_frame(lines[PC])
    return pd.MultiIndex.from_frame(disb[PC]).isin(k)


def plant(block: Block, rng: np.random.Generator) -> Block:
    """The block with its problems planted and ``planted`` listing the findings each implies."""
    month = block.month
    roster, att = block.roster.copy(), block.attendance
    pay, disb = block.payroll.copy(), block.disbursement.copy()
    n = len(pay)
    planted: dict[str, list[dict[str, Any]]] = {r: [] for r in
                                                [*SHARES, "CARD-SHARED", "CARD-NOT-OWN"]}
    free = np.ones(n, dtype=bool)

    # CARD-SHARED: in a few projects, the first two payroll lines share the first one's card
    codes = block.project["project_code"].to_numpy()
    k = _at_least_one(len(codes) * 50, SHARED_CARD_PROJECTS / 50) if len(codes) >= 2 else 0
    first_line = pay.groupby("project_code", sort=False).head(2)
    counts = first_line.groupby("project_code", sort=False).size()
    eligible = counts.index[counts.to_numpy() == 2].to_numpy()
    pairs: list[tuple[int, int]] = []
    for code in rng.choice(eligible, size=min(k, len(eligible)), replace=False):
        a, b = first_line.index[first_line["project_code"].to_numpy() == code][:2]
        pairs.append((int(a), int(b)))
    for a, b in pairs:
        free[[a, b]] = False

    order = rng.permutation(np.flatnonzero(free))
    chosen: dict[str, np.ndarray] = {}
    start = 0
    for rule, share in SHARES.items():
        m = _at_least_one(n, share)
        chosen[rule] = np.sort(order[start:start + m])
        start += m

    # the transfers of each line, found by (project, ID): one per line in a clean block
    def lines(rule: str) -> pd.DataFrame:
        return pay.loc[chosen[rule], [*PW, "card_number"]]

    # PAY-DAYS-MISMATCH: two days more, paid on them in full
    idx = chosen["PAY-DAYS-MISMATCH"]
    pay.loc[idx, "days_worked"] = pay.loc[idx, "days_worked"] + 2
    gross = halves(pay.loc[idx, "days_worked"].to_numpy()) * pay.loc[idx, "daily_wage"].to_numpy() // 2
    pay.loc[idx, "gross"] = gross
    pay.loc[idx, "net"] = gross - pay.loc[idx, "deductions"].to_numpy()
    hit = _paid_to(disb, lines("PAY-DAYS-MISMATCH"))
    net = pay.loc[idx].set_index(PC)["net"]
    disb.loc[hit, "amount"] = net.reindex(pd.MultiIndex.from_frame(disb.loc[hit, PC])).to_numpy()
    planted["PAY-DAYS-MISMATCH"] = _entries("PAY-DAYS-MISMATCH", lines("PAY-DAYS-MISMATCH"), month)

    # CARD-SHORT: 10–50 % short, in whole yuan
    hit = _paid_to(disb, lines("CARD-SHORT"))
    amount = disb.loc[hit, "amount"].to_numpy(dtype=np.int64)
    cut = np.maximum(100, (amount * rng.uniform(0.1, 0.5, size=len(amount)) // 100 * 100).astype(np.int64))
    disb.loc[hit, "amount"] = amount - cut
    planted["CARD-SHORT"] = _entries("CARD-SHORT", lines("CARD-SHORT"), month)

    # CARD-UNPAID and PAY-MISSING: no transfer; PAY-MISSING has no payroll line either
    drop = _paid_to(disb, pd.concat([lines("CARD-UNPAID"), lines("PAY-MISSING")]))
    planted["CARD-UNPAID"] = _entries("CARD-UNPAID", pd.concat([lines("CARD-UNPAID"), lines("PAY-MISSING")]), month)
    planted["PAY-MISSING"] = _entries("PAY-MISSING", lines("PAY-MISSING"), month)
    disb = disb[~drop]

    # CARD-SHARED: B's roster and payroll name A's card; one transfer to A pays both
    for a, b in pairs:
        card, code = pay.at[a, "card_number"], pay.at[a, "project_code"]
        in_roster = (roster["project_code"] == code).to_numpy()
        ra = roster.index[in_roster & (roster["id_number"] == pay.at[a, "id_number"]).to_numpy()][0]
        rb = roster.index[in_roster & (roster["id_number"] == pay.at[b, "id_number"]).to_numpy()][0]
        roster.loc[rb, ["card_number", "card_bank"]] = roster.loc[ra, ["card_number", "card_bank"]].to_numpy()
        pay.at[b, "card_number"] = card
        in_disb = (disb["project_code"] == code).to_numpy()
        da = disb.index[in_disb & (disb["card_number"] == card).to_numpy()][0]
        db = disb.index[in_disb & (disb["account_name"] == pay.at[b, "worker_name"]).to_numpy()][0]
        disb.at[da, "amount"] = disb.at[da, "amount"] + disb.at[db, "amount"]
        disb = disb.drop(index=db)
        both = pay.loc[[a, b], PW]
        planted["CARD-SHARED"] += _entries("CARD-SHARED", both, month)
        planted["CARD-NOT-OWN"] += _entries("CARD-NOT-OWN", both, month)
    pay = pay.drop(index=chosen["PAY-MISSING"])

    roster, att, pay, disb, xp = _double_attendance(block, rng, roster, att, pay, disb, chosen["XP-DOUBLE-ATTENDANCE"])
    planted["XP-DOUBLE-ATTENDANCE"] = xp

    def grouped(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.sort_values("project_code", kind="stable", ignore_index=True)

    return replace(block, roster=grouped(roster), attendance=grouped(att), payroll=grouped(pay),
                   disbursement=grouped(disb), planted=planted)


def _double_attendance(block: Block, rng: np.random.Generator, roster: pd.DataFrame, att: pd.DataFrame,
                       pay: pd.DataFrame, disb: pd.DataFrame, idx: np.ndarray) -> tuple[
                           pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, list[dict[str, Any]]]:
    """Register each chosen worker on a second project, attending it on 1–3 of the days already worked."""
    codes = block.project["project_code"].to_numpy()
    if len(idx) == 0 or len(codes) < 2:
        return roster, att, pay, disb, []
    who = block.payroll.loc[idx, [*PW, "worker_name", "daily_wage", "card_number"]].reset_index(drop=True)
    home = pd.Series(np.arange(len(codes)), index=codes).reindex(who["project_code"]).to_numpy()
    other = codes[(home + rng.integers(1, len(codes), size=len(who))) % len(codes)]
    dest = pd.Series(other, index=pd.MultiIndex.from_frame(who[PW]))
    second = roster.merge(who[PW], on=PW)
    second["project_code"] = dest.reindex(pd.MultiIndex.from_frame(second[PW])).to_numpy()
    # the days: 1–3 of the worker's own attendance rows, at random
    mine = att.merge(who[PW].assign(to=other), on=PW)
    mine = mine.assign(r=rng.random(len(mine))).sort_values(["id_number", "r"])
    k = rng.integers(1, 4, size=len(who))
    take = pd.Series(k, index=who["id_number"].to_numpy()).reindex(mine["id_number"]).to_numpy()
    mine = mine[mine.groupby("id_number", sort=False).cumcount().to_numpy() < take]
    extra_att = mine.drop(columns=["r", "project_code"]).rename(columns={"to": "project_code"}).assign(
        day_fraction=1.0, hours=pd.array([pd.NA] * len(mine), dtype="Float64"))[att.columns]
    days = extra_att.groupby("id_number")["day_fraction"].sum()
    lines = who.assign(project_code=other, month=block.month,
                       days_worked=days.reindex(who["id_number"]).to_numpy(), deductions=0, signed=True)
    lines["gross"] = halves(lines["days_worked"].to_numpy()) * lines["daily_wage"].to_numpy() // 2
    lines["net"] = lines["gross"]
    info = block.project.set_index("project_code").loc[other]
    bank = block.banking.set_index("project_code").loc[other, "bank_code"].to_numpy()
    batch = disb.drop_duplicates("project_code").set_index("project_code")["batch_id"].reindex(other).to_numpy()
    seq = np.char.zfill((90_000 + np.arange(len(who))).astype("<U5"), 5)
    extra_disb = pd.DataFrame({
        "project_code": other, "date": pd.Timestamp(pay_date(block.month)),
        "card_number": who["card_number"].to_numpy(), "account_name": who["worker_name"].to_numpy(),
        "amount": lines["net"].to_numpy(dtype=np.int64), "status": "S", "reason": None,
        "payer_account": info["wage_account"].to_numpy(), "month": block.month,
        "memo": disb["memo"].iloc[0], "txn_id": batch.astype(str) + seq, "batch_id": batch, "bank_code": bank,
    })
    xp = [{"rule": "XP-DOUBLE-ATTENDANCE", "project": p, "worker_id": w, "month": block.month}
          for p, w in [*zip(who["project_code"], who["id_number"], strict=True),
                       *zip(other, who["id_number"], strict=True)]]
    return (pd.concat([roster, second[roster.columns]], ignore_index=True),
            pd.concat([att, extra_att], ignore_index=True),
            pd.concat([pay, lines[pay.columns]], ignore_index=True),
            pd.concat([disb, extra_disb[disb.columns]], ignore_index=True), xp)


def make_account(block: Block) -> pd.DataFrame:
    """Each project's statement: the builder's allocation (owed, estimates included, plus at least 5 %,
    rounded up to a thousand yuan) and one payout of the batch's successful transfers."""
    month = block.month
    owed = block.payroll.groupby("project_code")["net"].sum()
    d = days_per_worker(block.attendance)
    rate = block.roster.drop_duplicates(PW).set_index(PW)["daily_wage"]
    lined = pd.MultiIndex.from_frame(block.payroll[PW])
    missing = d[~d.index.isin(lined)]
    estimate = pd.Series(halves(missing.to_numpy()) * rate.reindex(missing.index).to_numpy(dtype=np.int64) // 2,
                         index=missing.index.get_level_values(0)).groupby(level=0).sum()
    owed = owed.add(estimate, fill_value=0).astype(np.int64)
    need = -(-owed * 105 // 100)
    alloc = -(-need // 100_000) * 100_000
    payout = block.disbursement.groupby("project_code")["amount"].sum().reindex(owed.index, fill_value=0)
    p = block.project.set_index("project_code").loc[owed.index]
    builder_account = block.banking.set_index("project_code").loc[owed.index, "builder_account"]
    inflow = pd.DataFrame({"project_code": owed.index, "date": pd.Timestamp(allocation_date(month)),
                           "amount": alloc.to_numpy(), "direction": "in", "counterparty": p["builder"].to_numpy(),
                           "counterparty_account": builder_account.to_numpy(), "purpose": ALLOCATION_PURPOSE,
                           "balance": alloc.to_numpy()})
    outflow = pd.DataFrame({"project_code": owed.index, "date": pd.Timestamp(pay_date(month)),
                            "amount": payout.to_numpy(), "direction": "out", "counterparty": PAYOUT_PARTY,
                            "counterparty_account": None, "purpose": PAYOUT_PURPOSE,
                            "balance": (alloc - payout).to_numpy()})
    return pd.concat([inflow, outflow]).sort_values("project_code", kind="stable", ignore_index=True)
