"""The monthly bulletin (每月通报): what the human-resources bureau circulates to the housing, transport and
water bureaus and the townships each month, as an Excel workbook and a self-contained printable web page.

``data`` gathers every figure from the store into plain frames, ``sources`` reaches the oversight and
warning modules (grades, leads, warnings) when they are installed, ``charts`` draws inline SVG, and
``xlsx`` / ``html`` write the two files from the same :class:`~four_real.bulletin.data.Bulletin`, so the
workbook and the page cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine


@dataclass(frozen=True)
class BulletinFiles:
    """Where the bulletin was written."""

    xlsx: Path
    html: Path


def write_bulletin(engine: Engine, *, month: str, out: Path, as_of: dt.date | None = None) -> BulletinFiles:
    """Gather month ``month`` from the store and write ``bulletin-<month>.xlsx`` and ``.html`` into ``out``."""
    from four_real.bulletin.data import gather
    from four_real.bulletin.html import write_html
    from four_real.bulletin.xlsx import write_xlsx

    bulletin = gather(engine, month=month, as_of=as_of)
    out.mkdir(parents=True, exist_ok=True)
    files = BulletinFiles(xlsx=out / f"bulletin-{month}.xlsx", html=out / f"bulletin-{month}.html")
    write_xlsx(bulletin, files.xlsx)
    write_html(bulletin, files.html)
    return files
