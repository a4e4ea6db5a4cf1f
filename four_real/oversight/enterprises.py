"""Who the enterprises are: general contractors from the project table, subcontractors from the roster.

An enterprise's identity (``enterprise_key``) is its 统一社会信用代码 where one is known, else
``name:<folded name>``. General contractors are always known by USCC (the project file carries it, checked
on ingest). Subcontractors (劳务公司, 分包单位) are known only by the name in the roster's employer column
(``roster_entry.employer``; the roster has no USCC column), so they are keyed by name: two spellings of one
company are two enterprises until the roster carries a code. That gap is documented in docs/grading.md.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from four_real.store.models import DataVersion, Enterprise, Project, RosterEntry

__all__ = ["fold_name", "general_contractors", "name_keys", "roster_rows", "subcontractors"]

_SPACE = re.compile(r"\s+")


def _fold(v: object) -> str | None:
    if not isinstance(v, str):
        return None
    text = _SPACE.sub("", unicodedata.normalize("NFKC", v))
    return text or None


def fold_name(names: pd.Series) -> pd.Series:
    """Names as they are compared: NFKC (full-width brackets become ASCII) without whitespace; NA stays NA.

    Folded once per distinct name.
    """
    codes, uniques = pd.factorize(names, use_na_sentinel=True)
    table = pd.array([*(_fold(u) for u in uniques), None], dtype="str")
    return pd.Series(table.take(codes), index=names.index, dtype="str")


def name_keys(names: pd.Series) -> pd.Series:
    """``name:<folded name>``, the key of an enterprise known only by its name."""
    folded = fold_name(names)
    return ("name:" + folded).where(folded.notna()).astype("str")


def general_contractors(session: Session) -> pd.DataFrame:
    """Per project: [project_code, project_name, township, sector, enterprise_key, enterprise_uscc,
    enterprise_name, enterprise_id]; the key is NA for a project whose file named no contractor code."""
    p, e = Project.__table__, Enterprise.__table__  # type: ignore[attr-defined]
    stmt = (select(p.c.code.label("project_code"), p.c.name.label("project_name"), p.c.township, p.c.sector,
                   p.c.contractor, p.c.contractor_uscc, e.c.id.label("enterprise_id"),
                   e.c.uscc.label("e_uscc"), e.c.name.label("e_name"))
            .select_from(p.outerjoin(e, e.c.id == p.c.contractor_id)))
    frame = pd.read_sql(stmt, session.connection())
    uscc = frame["e_uscc"].fillna(frame["contractor_uscc"]).astype("str")
    name = frame["e_name"].fillna(frame["contractor"]).fillna(uscc).astype("str")
    return pd.DataFrame({
        "project_code": frame["project_code"].astype("str"), "project_name": frame["project_name"].astype("str"),
        "township": frame["township"].astype("str"), "sector": frame["sector"].astype("str"),
        "enterprise_key": uscc, "enterprise_uscc": uscc, "enterprise_name": name,
        "enterprise_id": frame["enterprise_id"].astype("Int64"),
    })


def roster_rows(session: Session) -> pd.DataFrame:
    """Every current roster row: [project_code, employer, id_number, contract_signed]."""
    r, v = RosterEntry.__table__, DataVersion.__table__  # type: ignore[attr-defined]
    stmt = (select(r.c.project_code, r.c.employer, r.c.id_number, r.c.contract_signed)
            .join(v, v.c.id == r.c.version_id)
            .where(v.c.superseded_at.is_(None)))
    frame = pd.read_sql(stmt, session.connection())
    return pd.DataFrame({
        "project_code": frame["project_code"].astype("str"), "employer": frame["employer"].astype("str"),
        "id_number": frame["id_number"].astype("str"), "contract_signed": frame["contract_signed"].astype("boolean"),
    })


def subcontractors(session: Session, rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """Current roster rows that name an employer other than the project's general contractor:
    [project_code, enterprise_key, enterprise_name, id_number, contract_signed]. A roster that lists the
    general contractor itself as employer describes the contractor's own workers, not a subcontractor."""
    frame = roster_rows(session) if rows is None else rows
    frame = frame[frame["employer"].notna()]
    gc = general_contractors(session)
    own = frame["project_code"].map(gc.set_index("project_code")["enterprise_name"]).astype("str")
    frame = frame[fold_name(own).ne(fold_name(frame["employer"])).fillna(True).to_numpy(dtype=bool)]
    return pd.DataFrame({
        "project_code": frame["project_code"].astype("str"),
        "enterprise_key": name_keys(frame["employer"]),
        "enterprise_name": frame["employer"].astype("str").str.strip(),
        "id_number": frame["id_number"].astype("str"),
        "contract_signed": frame["contract_signed"].astype("boolean"),
    })
