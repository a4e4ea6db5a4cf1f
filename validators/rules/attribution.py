"""Card attribution (rules.md, Terms): which successful disbursement belongs to which worker and month.

A card that is a worker's roster card, or the card on the worker's payroll line for the month, makes the
payment that worker's; a card several workers share is split in proportion to what each is owed, capped;
a card nobody's is claimed by a unique payroll name of that month. What nobody can claim stays, with no
worker, so totals still add up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ingest.text import normalise_names as normalise_name
from validators.findings import SRC
from validators.rules.units import PM, PW, PWM, as_fen, div_half_up

if TYPE_CHECKING:
    from validators.rules.context import Context


def _split(cand: pd.DataFrame) -> pd.Series:
    """Shares of each disbursement among its candidate workers, in integer fen.

    One candidate takes the whole amount. Several split it in proportion to owed(·,M), each capped at
    that worker's owed; with nothing owed to any of them, equally. Cumulative rounding makes the
    uncapped shares add up to the amount exactly.
    """
    a = cand["amount"].to_numpy(dtype="int64")
    g = cand.groupby("disb_index", sort=False)
    n = g["owed"].transform("size").to_numpy()
    total = g["owed"].transform("sum").to_numpy()
    weight = np.where(total > 0, cand["owed"].to_numpy(), 1)
    cum = pd.Series(weight, index=cand.index).groupby(cand["disb_index"], sort=False).cumsum().to_numpy()
    den = np.where(total > 0, total, n)
    share = div_half_up(a * cum, den) - div_half_up(a * (cum - weight), den)
    capped = np.where((n > 1) & (total > 0), np.minimum(share, cand["owed"].to_numpy()), share)
    return pd.Series(np.where(n == 1, a, capped), index=cand.index, dtype="int64")


def attribute_payments(ctx: Context) -> pd.DataFrame:
    """Card attribution of rules.md: by roster or same-month payroll card, else by account name."""
    d = ctx.disbursed
    base = d[["disb_index", "project_code", "card_number", "month", "account_name"]]
    roster_cards = ctx.data.roster[["project_code", "card_number", "id_number"]].dropna()
    payroll = ctx.data.payroll.dropna(subset=["id_number", "month"])
    by_card = pd.concat([
        base.merge(roster_cards.drop_duplicates(), on=["project_code", "card_number"]),
        base.merge(payroll[[*PM, "card_number", "id_number"]].dropna().drop_duplicates(),
                   on=[*PM, "card_number"]),
    ])[["disb_index", "id_number"]].drop_duplicates()
    # A card known to no worker for the month: a unique payroll name of that month claims it.
    rest = base[~base["disb_index"].isin(by_card["disb_index"])].dropna(subset=["account_name"])
    payroll = payroll.merge(rest[PM].drop_duplicates(), on=PM)  # fold only the months that need it
    names = payroll[[*PM, "id_number"]].assign(name=normalise_name(payroll["worker_name"]))
    names = names.dropna(subset=["name"]).drop_duplicates()
    unique = names[~names.duplicated([*PM, "name"], keep=False)]
    by_name = rest.assign(name=normalise_name(rest["account_name"])).merge(unique, on=[*PM, "name"])
    cand = pd.concat([by_card, by_name[["disb_index", "id_number"]]], ignore_index=True)
    cand = cand.merge(d[["disb_index", *PM, "amount"]], on="disb_index")
    cand = cand.merge(ctx.owed[[*PWM, "owed"]], on=PWM, how="left")
    cand["owed"] = as_fen(cand["owed"])
    cand = cand.sort_values(["disb_index", "id_number"], ignore_index=True)
    cand["share"] = _split(cand)
    given = cand.groupby("disb_index")["share"].sum()
    left = as_fen(d.set_index("disb_index")["amount"]) - given.reindex(d["disb_index"], fill_value=0)
    left = left[left > 0]
    rows = pd.concat([cand[["disb_index", "id_number", "share"]],
                      pd.DataFrame({"disb_index": left.index.to_numpy(dtype="int64"),
                                    "id_number": pd.Series(pd.NA, index=range(len(left)), dtype="str"),
                                    "share": left.to_numpy(dtype="int64")})], ignore_index=True)
    keep = ["disb_index", "project_code", "month", "date", "card_number", "account_name", "payer_account",
            *SRC]
    out = rows.merge(d[keep], on="disb_index", how="left").rename(columns={"share": "amount"})
    owner = ctx.roster_workers[[*PW, "card_number", "worker_name"]].rename(
        columns={"card_number": "own_card", "worker_name": "own_name"})
    out = out.merge(owner, on=PW, how="left").merge(
        ctx.card_owners[["project_code", "card_number", "n_workers"]],
        on=["project_code", "card_number"], how="left")
    own_card = (out["card_number"].eq(out["own_card"]) & out["n_workers"].eq(1)).fillna(False)
    name_ok = (out["account_name"].isna() | out["account_name"].eq(out["own_name"])).fillna(False)
    fold = own_card & ~name_ok  # names equal only after folding (`张 伟`): fold just those rows
    name_ok[fold] = normalise_name(out.loc[fold, "account_name"]).eq(
        normalise_name(out.loc[fold, "own_name"])).fillna(False)
    out["own"] = (own_card & name_ok).astype("bool")
    out["amount"] = out["amount"].astype("int64")
    return out[["project_code", "id_number", "month", "amount", "date", "card_number", "account_name",
                "own", "payer_account", *SRC, "disb_index"]].sort_values(
        ["disb_index", "id_number"], ignore_index=True)
