"""Complaint leads in the store: import, linking to projects and enterprises, deadlines, closure rates.

Deadlines (seed guidance 第十条): a local-platform lead is to be closed within 7 calendar days of the day it
was received, a national-platform lead within 30 (``OversightConfig.deadline_days``); the deadline is the
received date plus those days, so a local lead received on 1 March is due by 8 March. A lead is
**overdue** on ``as_of`` when it is still open and ``as_of`` is after its deadline, or when it was closed
after its deadline (closed late stays overdue in the record: the city counts it against the township).
Every question is asked *as of* a date: a lead closed after ``as_of`` was open on ``as_of``, and a lead
received after ``as_of`` did not exist yet.

Linking (kept visible when it fails: the lead keeps what the file said):
- project: by project code when the file gives one that the store knows, else by project name (folded,
  and only when exactly one project has it);
- enterprise: by the employer's 统一社会信用代码 (``stdnum.cn.uscc``), else by the employer's name among
  general contractors, else among subcontractors (roster employers), else the named employer on its own
  (``name:<name>``); a lead naming no employer falls to the linked project's general contractor, who
  answers for its subcontractors' wages (条例 第三十条);
- township: the linked project's, else the file's township column.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select, update
from sqlmodel import Session
from stdnum.cn import uscc as uscc_mod

from four_real.oversight.config import DEFAULT, OversightConfig
from four_real.oversight.enterprises import fold_name, general_contractors, name_keys, subcontractors
from four_real.store.models import Enterprise, Project, utcnow
from four_real.store.models.oversight import Lead

__all__ = ["CLOSURE_COLUMNS", "LEAD_COLUMNS", "ImportSummary", "closure_by_township", "contractor_projects",
           "import_leads", "lead_keys", "lead_table", "leads_frame", "link_leads", "relink"]

LEAD_COLUMNS = ["lead_id", "source", "received_on", "deadline", "closed_on", "status", "overdue", "township",
                "project_code", "enterprise_name", "amount_claimed"]
CLOSURE_COLUMNS = ["township", "leads", "closed", "closed_in_time", "closure_rate", "overdue"]
UNKNOWN = "unknown"
_SEP = "\x1f"
_LINK_COLUMNS = ["project_code", "enterprise_id", "enterprise_key", "enterprise_uscc", "enterprise_name",
                 "township"]


@dataclass(frozen=True)
class ImportSummary:
    """What an import did: leads new, updated (status or closing date changed), unchanged; how many of the
    imported ones could not be linked to a project or an enterprise."""

    rows: int
    new: int
    updated: int
    unchanged: int
    unlinked_project: int
    unlinked_enterprise: int


def _text(s: pd.Series) -> pd.Series:
    return s.astype("str").fillna("")


def lead_keys(frame: pd.DataFrame) -> pd.Series:
    """Each lead's identity: source + the platform's lead number, else source + received date + worker ID
    (name where there is no ID) + employer (USCC where given), hashed to 64 hex characters."""
    received = pd.to_datetime(frame["received_on"]).dt.strftime("%Y-%m-%d").fillna("")
    worker = frame["worker_id"].fillna(frame["worker_name"])
    employer = frame["employer_uscc"].fillna(fold_name(frame["employer_name"]))
    by_number = "no" + _SEP + _text(frame["source"]) + _SEP + _text(frame["platform_no"])
    by_content = ("content" + _SEP + _text(frame["source"]) + _SEP + received + _SEP + _text(worker) + _SEP
                  + _text(employer))
    texts = by_number.where(frame["platform_no"].notna(), by_content)
    return texts.map(lambda t: hashlib.sha256(t.encode("utf-8")).hexdigest()).astype("str")


def _valid_uscc(s: pd.Series) -> pd.Series:
    def one(v: object) -> str | None:
        return str(uscc_mod.compact(v)) if isinstance(v, str) and uscc_mod.is_valid(v) else None
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    table = pd.array([*(one(u) for u in uniques), None], dtype="str")
    return pd.Series(table.take(codes), index=s.index, dtype="str")


def _str(s: pd.Series) -> pd.Series:
    return s.astype("str")


def _map(s: pd.Series, table: pd.Series) -> pd.Series:
    """``s`` looked up in ``table``, as text (an all-missing lookup would otherwise be float NaN)."""
    return s.map(table).astype("str")


def _unique_by(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Rows whose ``key`` is held by exactly one row: a name two projects share links to neither."""
    counts = frame[key].map(frame[key].value_counts())
    return frame[frame[key].notna() & counts.eq(1)].set_index(key)


def link_leads(session: Session, leads: pd.DataFrame) -> pd.DataFrame:
    """The link columns (``_LINK_COLUMNS``) for leads given as [given_project_code, given_project_name,
    given_employer, given_uscc, given_township], computed in frames (no query per lead)."""
    gc = general_contractors(session)
    out = pd.DataFrame(index=leads.index)
    # project: the code the file gives, else a unique folded name
    by_code = gc.set_index("project_code")
    code = leads["given_project_code"].astype("str").str.strip()
    project = code.where(code.isin(by_code.index))
    names = gc.assign(folded=fold_name(gc["project_name"]))
    by_name = _unique_by(names, "folded")
    project = project.fillna(_map(fold_name(leads["given_project_name"]), by_name["project_code"]))
    out["project_code"] = project
    out["township"] = _map(project, by_code["township"]).fillna(_str(leads["given_township"]))
    # enterprise: USCC, else the name of a general contractor, of a subcontractor, else the name as given
    e = Enterprise.__table__  # type: ignore[attr-defined]
    firms = pd.read_sql(select(e.c.id, e.c.uscc, e.c.name), session.connection()).set_index("uscc")
    given_uscc = _valid_uscc(leads["given_uscc"])
    generals = gc.dropna(subset=["enterprise_key"]).drop_duplicates("enterprise_key")
    generals = _unique_by(generals.assign(folded=fold_name(generals["enterprise_name"])), "folded")
    subs = subcontractors(session).drop_duplicates("enterprise_key").set_index("enterprise_key")
    own_key = name_keys(leads["given_employer"])
    key = (given_uscc.fillna(_map(fold_name(leads["given_employer"]), generals["enterprise_key"]))
           .fillna(own_key.where(own_key.isin(subs.index))).fillna(own_key))
    no_employer = leads["given_employer"].isna() & given_uscc.isna()
    key = key.fillna(_map(project, by_code["enterprise_key"]).where(no_employer))
    out["enterprise_key"] = key
    is_uscc = key.notna() & ~key.str.startswith("name:").fillna(False).astype(bool)
    out["enterprise_uscc"] = key.where(is_uscc)
    out["enterprise_id"] = key.map(firms["id"]).where(is_uscc).astype("Int64")
    out["enterprise_name"] = (_map(key, firms["name"]).where(is_uscc)
                              .fillna(_map(key, generals.set_index("enterprise_key")["enterprise_name"]))
                              .fillna(_map(key, subs["enterprise_name"])).fillna(_str(leads["given_employer"]))
                              .fillna(_map(project, by_code["enterprise_name"])))
    return out[_LINK_COLUMNS]


def _as_python(v: object) -> object:
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    if isinstance(v, np.generic):
        return v.item()
    return v


def import_leads(session: Session, leads: pd.DataFrame, *, config: OversightConfig = DEFAULT) -> ImportSummary:
    """Store the leads of a canonical frame (``ingest.leads``): new leads are added, known ones (same
    ``lead_key``) take the export's status, closing date and fields; then every lead is linked again,
    since projects and enterprises that arrived later can link leads that failed before."""
    if leads.empty:
        return ImportSummary(0, 0, 0, 0, 0, 0)
    frame = leads.assign(lead_key=lead_keys(leads)).drop_duplicates("lead_key", keep="last")
    received = pd.to_datetime(frame["received_on"])
    days = frame["source"].map(config.deadline_days).astype("int64")
    rows = pd.DataFrame({
        "lead_key": frame["lead_key"], "source": frame["source"], "platform_no": frame["platform_no"],
        "received_on": received.dt.date, "deadline": (received + pd.to_timedelta(days, unit="D")).dt.date,
        "closed_on": pd.to_datetime(frame["closed_on"]).dt.date, "status": frame["status"],
        "worker_name": frame["worker_name"], "worker_id": frame["worker_id"],
        "amount_claimed": frame["amount_claimed"], "given_employer": frame["employer_name"],
        "given_uscc": frame["employer_uscc"], "given_project_code": frame["project_code"],
        "given_project_name": frame["project_name"], "given_township": frame["township"],
        "src_file": frame["src_file"], "src_sheet": frame["src_sheet"], "src_row": frame["src_row"],
    })
    t = Lead.__table__  # type: ignore[attr-defined]
    known = pd.read_sql(select(t.c.lead_key, t.c.status, t.c.closed_on).where(
        t.c.lead_key.in_(rows["lead_key"].tolist())), session.connection())
    before = known.set_index("lead_key")
    is_known = rows["lead_key"].isin(before.index)
    old_status = rows["lead_key"].map(before["status"])
    old_closed = pd.to_datetime(rows["lead_key"].map(before["closed_on"]))
    new_closed = pd.to_datetime(rows["closed_on"])
    same_closed = (old_closed == new_closed) | (old_closed.isna() & new_closed.isna())
    changed = is_known & (old_status.ne(rows["status"]) | ~same_closed)
    now = utcnow()
    records = [{k: _as_python(v) for k, v in r.items()} | {"imported_at": now, "updated_at": now}
               for r in rows.to_dict("records")]
    from four_real.store.slices import upsert

    refreshed = [c for c in rows.columns if c != "lead_key"] + ["updated_at"]
    upsert(session, t, records, key="lead_key", update=refreshed)
    relink(session)
    linked = pd.read_sql(select(t.c.project_code, t.c.enterprise_id, t.c.enterprise_key).where(
        t.c.lead_key.in_(rows["lead_key"].tolist())), session.connection())
    return ImportSummary(rows=len(leads), new=int((~is_known).sum()), updated=int(changed.sum()),
                         unchanged=int((is_known & ~changed).sum()),
                         unlinked_project=int(linked["project_code"].isna().sum()),
                         unlinked_enterprise=int(linked["enterprise_id"].isna().sum()))


def relink(session: Session) -> int:
    """Link every stored lead again (projects and enterprises may have arrived); returns leads changed."""
    t = Lead.__table__  # type: ignore[attr-defined]
    stored = pd.read_sql(select(t.c.id, t.c.given_project_code, t.c.given_project_name, t.c.given_employer,
                                t.c.given_uscc, t.c.given_township, *[t.c[c] for c in _LINK_COLUMNS]),
                         session.connection())
    if stored.empty:
        return 0
    fresh = link_leads(session, stored)
    old = stored[_LINK_COLUMNS].astype("str").fillna("")
    new = fresh.astype("str").fillna("")
    changed = (old != new).any(axis=1)
    if not changed.any():
        return 0
    rows = [{"lead_pk": int(i), **{c: _as_python(v) for c, v in r.items()}}
            for i, r in zip(stored.loc[changed, "id"], fresh[changed].to_dict("records"), strict=True)]
    from sqlalchemy import bindparam

    session.execute(update(t).where(t.c.id == bindparam("lead_pk"))
                    .values({c: bindparam(c) for c in _LINK_COLUMNS}), rows)
    return int(changed.sum())


def leads_frame(session: Session, as_of: dt.date) -> pd.DataFrame:
    """Every lead received on or before ``as_of`` as the store holds it, with its state on ``as_of``:
    ``status`` (closed only if closed on or before ``as_of``), ``overdue`` and ``closed_in_time``."""
    t = Lead.__table__  # type: ignore[attr-defined]
    stmt = select(t).where(t.c.received_on <= as_of).order_by(t.c.received_on, t.c.id)
    frame = pd.read_sql(stmt, session.connection())
    for col in ("received_on", "deadline", "closed_on"):
        frame[col] = pd.to_datetime(frame[col]).astype("datetime64[s]")
    day = pd.Timestamp(as_of)
    closed = frame["closed_on"].notna() & (frame["closed_on"] <= day)
    frame["closed_on"] = frame["closed_on"].where(closed)
    frame["status"] = pd.Series(np.where(closed, "closed", "open"), index=frame.index, dtype="str")
    frame["closed_in_time"] = closed & (frame["closed_on"] <= frame["deadline"])
    frame["overdue"] = (~closed & (day > frame["deadline"])) | (closed & (frame["closed_on"] > frame["deadline"]))
    frame["amount_claimed"] = frame["amount_claimed"].astype("Int64")
    return frame


def lead_table(session: Session, as_of: dt.date) -> pd.DataFrame:
    """[lead_id, source, received_on, deadline, closed_on, status, overdue, township, project_code,
    enterprise_name, amount_claimed] on ``as_of``; dates as dates, amount in fen. No worker identity: the
    ID number stays in the store (the bulletin and the API have no need for it)."""
    frame = leads_frame(session, as_of)
    out = frame.rename(columns={"id": "lead_id"})
    for col in ("received_on", "deadline", "closed_on"):
        out[col] = out[col].dt.date.astype(object).where(out[col].notna(), None)
    out["overdue"] = out["overdue"].astype(bool)
    return out[LEAD_COLUMNS].reset_index(drop=True)


def closure_by_township(session: Session, as_of: dt.date, *, since: dt.date | None = None) -> pd.DataFrame:
    """[township, leads, closed, closed_in_time, closure_rate, overdue] on ``as_of``, of the leads received
    on or after ``since`` (all when None). closure_rate (办结率) = closed ÷ leads, a fraction 0–1;
    leads with no township are counted under ``unknown`` so the rates add up to the city's."""
    frame = leads_frame(session, as_of)
    if since is not None:
        frame = frame[frame["received_on"] >= pd.Timestamp(since)]
    if frame.empty:
        return pd.DataFrame({"township": pd.Series(dtype="str"), **{c: pd.Series(dtype="int64") for c in (
            "leads", "closed", "closed_in_time")}, "closure_rate": pd.Series(dtype="float64"),
                             "overdue": pd.Series(dtype="int64")})[CLOSURE_COLUMNS]
    work = frame.assign(township=frame["township"].fillna(UNKNOWN).astype("str"),
                        is_closed=frame["status"].eq("closed"))
    out = (work.groupby("township", sort=True)
           .agg(leads=("id", "size"), closed=("is_closed", "sum"), closed_in_time=("closed_in_time", "sum"),
                overdue=("overdue", "sum"))
           .reset_index())
    for col in ("leads", "closed", "closed_in_time", "overdue"):
        out[col] = out[col].astype("int64")
    out["closure_rate"] = (out["closed"] / out["leads"]).astype("float64")
    return out[CLOSURE_COLUMNS]


def contractor_projects(session: Session) -> list[dict[str, Any]]:
    """The projects whose general contractor is known (code, name, township, contractor, its USCC): what
    lead exports name, and what the lead fixtures are written about."""
    p = Project.__table__  # type: ignore[attr-defined]
    rows = session.execute(select(p.c.code, p.c.name, p.c.township, p.c.contractor, p.c.contractor_uscc)
                           .where(p.c.contractor_uscc.is_not(None)).order_by(p.c.code)).mappings().all()
    return [dict(r) for r in rows]
