"""The derived frames every rule reads, built once per run across all projects at once.

Rules are short because the hard joins live here: days worked, what each worker is owed, which
disbursement belongs to whom (card attribution), and when each month falls due. Each frame is a cached
property, so a run only pays for what its rules read, and a city run (millions of attendance rows) stays
a handful of vectorised groupbys and merges rather than a loop over projects or workers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from ingest.text import normalise_names as normalise_name
from validators.config import RuleConfig
from validators.dataset import Dataset
from validators.due import due_dates
from validators.findings import SRC, collect_evidence
from validators.minimum_wage import MinimumWageUnknownError, monthly_minimum
from validators.rules.attribution import attribute_payments
from validators.rules.units import (
    PM,
    PROJECT_COLUMNS,
    PW,
    PWM,
    as_fen,
    div_half_up,
    estimate_note,
    iso,
    month_en,
    month_of,
    month_zh,
    shift_month,
)


@dataclass
class Context:
    data: Dataset
    as_of: pd.Timestamp
    months: list[str]
    config: RuleConfig

    @classmethod
    def build(cls, dataset: Dataset, *, as_of: dt.date, months: Sequence[str] | None = None,
              config: RuleConfig | None = None) -> Context:
        """Judged months default to every month the payroll or attendance data covers."""
        if months is None:
            seen = pd.concat([dataset.payroll["month"].dropna().astype("str"),
                              month_of(dataset.attendance["date"].dropna())])
            months = sorted(seen.unique())
        return cls(data=dataset, as_of=pd.Timestamp(as_of).normalize(), months=sorted(set(months)),
                   config=config or RuleConfig())

    # -- projects, workers, days ------------------------------------------------------------------
    @cached_property
    def projects(self) -> pd.DataFrame:
        codes = pd.concat([t["project_code"] for t in self.data.tables().values()]).dropna().unique()
        base = pd.DataFrame({"project_code": pd.Series(sorted(codes), dtype="str")})
        file = self.data.project.drop_duplicates("project_code")[PROJECT_COLUMNS]
        out = base.merge(file, on="project_code", how="left", indicator=True)
        out["has_project_file"] = out.pop("_merge").eq("both").astype("bool")
        out["payday"] = out["payday"].fillna(self.config.default_payday).astype("int64")
        return out

    @cached_property
    def attendance(self) -> pd.DataFrame:
        att = self.data.attendance
        return att.assign(month=month_of(att["date"]))

    @cached_property
    def days(self) -> pd.DataFrame:
        """d(W,M). The 2.6M-row city table is grouped on integer keys (worker code × day number), which
        is several times faster than grouping on three string columns."""
        att = self.attendance.dropna(subset=["id_number", "date"])
        worker = att.groupby(PW, sort=False).ngroup().to_numpy().astype("int64")  # codes in order seen
        first_seen = np.flatnonzero(np.diff(np.maximum.accumulate(worker), prepend=-1) > 0)
        day = att["date"].to_numpy().astype("datetime64[D]").astype("int64")
        per_date = pd.Series(att["day_fraction"].to_numpy()).groupby(
            worker * 1_000_000 + day, sort=False).sum().clip(upper=1.0)
        code = per_date.index.to_numpy()
        dates = (code % 1_000_000).astype("datetime64[D]")
        month = dates.astype("datetime64[M]").astype("int64")
        out = pd.DataFrame({"frac": per_date.to_numpy(), "date": dates}).groupby(
            (code // 1_000_000) * 100_000 + month, sort=False).agg(
            days=("frac", "sum"), first_date=("date", "min"), last_date=("date", "max"))
        key = out.index.to_numpy()
        ident = att[["project_code", "id_number", "worker_name"]].iloc[first_seen[key // 100_000]]
        return pd.DataFrame({
            "project_code": ident["project_code"].to_numpy(), "id_number": ident["id_number"].to_numpy(),
            "month": month_of(pd.Series((key % 100_000).astype("datetime64[M]"))).to_numpy(),
            "days": out["days"].to_numpy(),
            "first_date": out["first_date"].to_numpy().astype("datetime64[s]"),
            "last_date": out["last_date"].to_numpy().astype("datetime64[s]"),
            "worker_name": ident["worker_name"].to_numpy(),
        }).astype({"project_code": "str", "id_number": "str", "month": "str", "worker_name": "str"})

    @cached_property
    def attendance_months(self) -> pd.DataFrame:
        return self.attendance[PM].dropna().drop_duplicates(ignore_index=True)

    @cached_property
    def payroll_months(self) -> pd.DataFrame:
        return self.data.payroll[PM].dropna().drop_duplicates(ignore_index=True)

    @cached_property
    def roster_workers(self) -> pd.DataFrame:
        r = self.data.roster.dropna(subset=["id_number"]).sort_values(
            ["project_code", "id_number", "entry_date"], na_position="first", kind="stable")
        g = r.groupby(PW, sort=False)
        out = g[["worker_name", "gender", "card_number", "contract_signed", "wage_basis", "daily_wage",
                 "monthly_wage"]].last()
        out["entry_date"] = g["entry_date"].min()
        out["exit_date"] = g["exit_date"].max().where(g["exit_date"].count() == g.size())
        out = out.reset_index()
        ids = out["id_number"]
        digit = pd.to_numeric(ids.str[16:17], errors="coerce")  # the 17th digit: odd for men
        from_id = pd.Series(np.where(digit % 2 == 1, "M", "F"), index=ids.index, dtype="str")
        out["gender"] = out["gender"].fillna(from_id.where(digit.notna()))
        out["birth_date"] = pd.to_datetime(ids.str[6:14], format="%Y%m%d", errors="coerce")
        return out

    @cached_property
    def min_wage(self) -> pd.DataFrame:
        months = pd.concat([pd.Series(self.months, dtype="str"), self.attendance_months["month"],
                            self.payroll_months["month"]]).drop_duplicates()
        grid = self.projects[["project_code", "min_wage_monthly"]].merge(
            pd.DataFrame({"month": months}), how="cross")
        reference = monthly_minimum(self.config.region_code, grid["month"])
        grid["min_wage"] = grid.pop("min_wage_monthly").fillna(reference)
        return grid

    # -- owed, due, payments, paid ------------------------------------------------------------------
    @cached_property
    def owed(self) -> pd.DataFrame:
        pay = self.data.payroll.dropna(subset=["id_number", "month"])
        lines = pay.groupby(PWM, sort=False).agg(net=("net", "sum"), pay_name=("worker_name", "first"))
        lines["has_payroll"] = True
        days = self.days.set_index(PWM)[["days", "worker_name"]].rename(columns={"worker_name": "att_name"})
        out = lines.join(days, how="outer").reset_index()
        out["has_payroll"] = out["has_payroll"].eq(True)
        out["has_attendance"] = out["days"].notna()
        roster = self.roster_workers[[*PW, "worker_name", "daily_wage"]].rename(
            columns={"worker_name": "roster_name"})
        out = out.merge(roster, on=PW, how="left", indicator=True)
        out["on_roster"] = out.pop("_merge").eq("both")
        out = out.merge(self.min_wage[[*PM, "min_wage"]], on=PM, how="left")
        hundredths = np.rint(out["days"].fillna(0).to_numpy() * 100).astype("int64")
        by_rate = div_half_up(hundredths * as_fen(out["daily_wage"]).to_numpy(), 100)
        divisor = round(self.config.min_wage_divisor * 100)
        needs_minimum = ~out["has_payroll"] & out["daily_wage"].isna()
        if (needs_minimum & out["min_wage"].isna()).any():
            raise MinimumWageUnknownError(
                f"no minimum wage for region {self.config.region_code} in the months judged")
        by_minimum = div_half_up(hundredths * as_fen(out["min_wage"]).to_numpy(), divisor)
        estimate = np.where(out["daily_wage"].notna(), by_rate, by_minimum)
        out["owed"] = np.where(out["has_payroll"], as_fen(out["net"]), estimate).astype("int64")
        out["estimate"] = ~out["has_payroll"]
        out["worker_name"] = out["roster_name"].fillna(out["pay_name"]).fillna(out["att_name"])
        return out[[*PWM, "owed", "estimate", "worker_name", "has_payroll", "has_attendance",
                    "on_roster"]]

    @cached_property
    def disbursed(self) -> pd.DataFrame:
        """Successful disbursements up to as_of with their wage month filled (before attribution)."""
        d = self.data.disbursement
        d = d[d["status"].fillna("S").eq("S") & d["date"].le(self.as_of)]
        month = d["month"].fillna(shift_month(month_of(d["date"]), -1))
        return d.assign(month=month, disb_index=d.index.to_numpy(dtype="int64"))

    @cached_property
    def due_all(self) -> pd.DataFrame:
        """Due dates of every project-month with any data, judged or not (M−1 rules, paid-by-due)."""
        pairs = pd.concat([self.attendance_months, self.payroll_months,
                           self.disbursed[PM].dropna()]).drop_duplicates(ignore_index=True)
        pairs = pairs.merge(self.projects[["project_code", "payday"]], on="project_code", how="left")
        pairs["due_date"] = due_dates(pairs, default_payday=self.config.default_payday)
        pairs["status"] = np.where(self.as_of < pairs["due_date"], "pending", "due")
        pairs["status"] = pairs["status"].astype("str")
        return pairs[[*PM, "due_date", "status"]]

    @cached_property
    def due(self) -> pd.DataFrame:
        return self.due_all[self.due_all["month"].isin(self.months)].reset_index(drop=True)

    @cached_property
    def card_owners(self) -> pd.DataFrame:
        cards = pd.concat([self.data.roster[["project_code", "card_number", "id_number"]],
                           self.data.payroll[["project_code", "card_number", "id_number"]]]
                          ).dropna().drop_duplicates()
        cards = cards.sort_values(["project_code", "card_number", "id_number"], ignore_index=True)
        g = cards.groupby(["project_code", "card_number"], sort=False)["id_number"]
        out = g.agg(n_workers="size", first="first").reset_index()
        workers = pd.Series([(w,) for w in out.pop("first")], index=out.index, dtype="object")
        shared = out["n_workers"].to_numpy() > 1
        if shared.any():  # tuples of several workers: only for the (few) shared cards
            many = cards.merge(out.loc[shared, ["project_code", "card_number"]])
            tuples = many.groupby(["project_code", "card_number"], sort=False)["id_number"].agg(tuple)
            workers[shared] = out[shared].merge(tuples.rename("w").reset_index())["w"].to_numpy()
        out["workers"] = workers
        return out

    @cached_property
    def payments(self) -> pd.DataFrame:
        return attribute_payments(self)

    @cached_property
    def paid(self) -> pd.DataFrame:
        p = self.payments.dropna(subset=["id_number"]).merge(
            self.due_all[[*PM, "due_date"]], on=PM, how="left")
        by_due = p["date"].le(p["due_date"])
        amount = p["amount"].astype("int64")
        p = p.assign(paid=amount, paid_own=amount.where(p["own"], 0),
                     paid_own_by_due=amount.where(p["own"] & by_due, 0),
                     paid_by_due=amount.where(by_due, 0))
        out = p.groupby(PWM, sort=False)[["paid", "paid_own", "paid_own_by_due", "paid_by_due"]].sum()
        out["paid_not_own"] = out["paid"] - out["paid_own"]
        p = p.sort_values([*PWM, "date", "disb_index"], kind="stable")
        p["cumulative"] = p.groupby(PWM, sort=False)["paid"].cumsum()
        p = p.merge(self.owed[[*PWM, "owed"]], on=PWM, how="left")
        owed = as_fen(p["owed"])
        reached = p[(owed > 0) & (p["cumulative"] >= owed - 1)]  # the 0.01-yuan tolerance of CARD-SHORT
        out["completed_on"] = reached.groupby(PWM, sort=False)["date"].min()
        return out.reset_index()

    @cached_property
    def worker_months_all(self) -> pd.DataFrame:
        out = self.owed.merge(self.paid, on=PWM, how="left").merge(self.due_all, on=PM, how="left")
        for col in ["paid", "paid_own", "paid_own_by_due", "paid_by_due", "paid_not_own"]:
            out[col] = as_fen(out[col])
        out["arrears"] = np.where(out["status"].eq("due"), (out["owed"] - out["paid"]).clip(lower=0), 0)
        out["arrears"] = out["arrears"].astype("int64")
        return out[[*PWM, "worker_name", "owed", "estimate", "paid", "paid_own", "paid_own_by_due",
                    "paid_by_due", "paid_not_own", "completed_on", "due_date", "status", "arrears",
                    "has_payroll", "has_attendance", "on_roster"]]

    @cached_property
    def worker_months(self) -> pd.DataFrame:
        wm = self.worker_months_all
        return wm[wm["month"].isin(self.months)].reset_index(drop=True)

    # -- evidence -----------------------------------------------------------------------------------
    def source_rows(self, name: str) -> pd.DataFrame:
        """Provenance rows of a source, keyed by project, worker and month where the table has them."""
        if name == "payroll":
            return self.data.payroll
        if name == "attendance":
            return self.attendance
        if name == "payments":
            return self.payments
        if name == "roster":
            return self.data.roster
        if name == "account":
            return self.data.account
        raise KeyError(name)

    def evidence(self, frame: pd.DataFrame, *sources: str | pd.DataFrame,
                 keys: Sequence[str] = PWM) -> pd.Series:
        """Evidence tuples aligned with ``frame``: the source rows sharing each finding row's keys.

        ``"owed"`` means the payroll line, or the attendance rows where owed is an estimate.
        """
        keys = list(keys)
        wanted = frame[keys].drop_duplicates()
        parts = []
        for source in sources:
            if isinstance(source, pd.DataFrame):
                parts.append(source.merge(wanted, on=keys)[[*keys, *SRC]])
                continue
            if source == "owed":
                est = self.owed.loc[~self.owed["has_payroll"], PWM].merge(wanted, on=keys)
                parts.append(self.attendance.merge(est, on=PWM)[[*keys, *SRC]])
                source = "payroll"
            parts.append(self.source_rows(source).merge(wanted, on=keys)[[*keys, *SRC]])
        rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=[*keys, *SRC])
        if rows.empty:
            return pd.Series([()] * len(frame), index=frame.index, dtype="object")
        ev = collect_evidence(rows, keys).rename("evidence").reset_index()
        joined = frame[keys].merge(ev, on=keys, how="left")["evidence"]
        return pd.Series([e if isinstance(e, tuple) else () for e in joined], index=frame.index,
                         dtype="object")


__all__ = ["PM", "PW", "PWM", "Context", "as_fen", "div_half_up", "estimate_note", "iso", "month_en",
           "month_of", "month_zh", "normalise_name", "shift_month"]
