"""The finding frame: one row per finding, the same shape from every rule.

Rules build findings column-wise (vectorised) and hand them to :func:`make_findings`, which fixes the
column set and dtypes so that concatenating the output of every rule is cheap and predictable.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

FINDING_COLUMNS: list[str] = [
    "rule", "project", "month", "worker_id", "worker_name", "amount", "message_zh", "message_en",
    "evidence",
]
SRC = ["src_file", "src_sheet", "src_row"]

Evidence = tuple[tuple[str, str | None, int], ...]


def empty_findings() -> pd.DataFrame:
    return pd.DataFrame({
        "rule": pd.Series(dtype="str"), "project": pd.Series(dtype="str"),
        "month": pd.Series(dtype="str"), "worker_id": pd.Series(dtype="str"),
        "worker_name": pd.Series(dtype="str"), "amount": pd.Series(dtype="Int64"),
        "message_zh": pd.Series(dtype="str"), "message_en": pd.Series(dtype="str"),
        "evidence": pd.Series(dtype="object"),
    })


def make_findings(
    rule: str,
    frame: pd.DataFrame,
    *,
    project: str = "project_code",
    month: str = "month",
    worker_id: str | None = "id_number",
    worker_name: str | None = "worker_name",
    amount: pd.Series | None = None,
    message_zh: pd.Series | str,
    message_en: pd.Series | str,
    evidence: pd.Series | None = None,
) -> pd.DataFrame:
    """Turn a frame of breaches (one row per finding) into a finding frame.

    ``amount`` is in fen; ``evidence`` a Series of evidence tuples aligned with ``frame``.
    """
    if frame.empty:
        return empty_findings()
    n = len(frame)
    out = pd.DataFrame({
        "rule": pd.Series([rule] * n, dtype="str", index=frame.index),
        "project": frame[project].astype("str"),
        "month": frame[month].astype("str"),
        "worker_id": (frame[worker_id].astype("str") if worker_id
                      else pd.Series(pd.NA, index=frame.index, dtype="str")),
        "worker_name": (frame[worker_name].astype("str") if worker_name and worker_name in frame
                        else pd.Series(pd.NA, index=frame.index, dtype="str")),
        "amount": (amount.round().astype("Int64") if amount is not None
                   else pd.Series(pd.NA, index=frame.index, dtype="Int64")),
        "message_zh": message_zh,
        "message_en": message_en,
        "evidence": evidence if evidence is not None else pd.Series([()] * n, index=frame.index,
                                                                     dtype="object"),
    })
    out["message_zh"] = out["message_zh"].astype("str")
    out["message_en"] = out["message_en"].astype("str")
    return out.reset_index(drop=True)


def collect_evidence(rows: pd.DataFrame, keys: Sequence[str]) -> pd.Series:
    """Group provenance of ``rows`` by ``keys`` into sorted, deduplicated evidence tuples.

    Only call this on rows that already belong to findings: it builds Python tuples per group.
    """
    if rows.empty:
        return pd.Series(dtype="object")
    sheet = rows["src_sheet"].astype("object").where(rows["src_sheet"].notna(), None)
    ev = pd.Series(list(zip(rows["src_file"].astype("object"), sheet,
                            rows["src_row"].astype("int64"), strict=True)), index=rows.index)
    grouped = ev.groupby([rows[k] for k in keys], sort=False, dropna=False)
    return grouped.agg(lambda s: tuple(sorted(set(s), key=lambda e: (e[0], e[1] or "", e[2]))))


def yuan(fen: pd.Series) -> pd.Series:
    """Format fen as a yuan string with two decimals for messages (exact: integer arithmetic)."""
    f = fen.astype("Int64").fillna(0).astype("int64")
    sign = pd.Series(["-" if v < 0 else "" for v in f.to_numpy()], index=f.index)
    a = f.abs()
    return sign + (a // 100).astype("str") + "." + (a % 100).astype("str").str.zfill(2)


def fen_to_str(fen: int | None) -> str | None:
    """One amount in fen as the contract's decimal string (``"5300.00"``)."""
    if fen is None or pd.isna(fen):
        return None
    v = int(fen)
    sign = "-" if v < 0 else ""
    v = abs(v)
    return f"{sign}{v // 100}.{v % 100:02d}"
