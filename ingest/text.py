"""Text folding for matching what people type against what the spec names.

Labor managers type headers and names with full-width characters, spaces inside words (`姓 名`), line breaks
in merged cells and units in brackets (`应发工资（元）`). Readers match headers and the resolver matches names
after folding both sides the same way, so the folding lives here once.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

# After NFKC, every kind of whitespace (ideographic space U+3000, no-break space, line breaks) is matched
# by \s; zero-width characters are not, so they are listed.
_SPACE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")

# A trailing unit in brackets: `(元)`, `（天）` (NFKC turns full-width brackets into ASCII ones), `[元]`,
# `【元】` (no NFKC fold) and `(单位:元)`. Only units are dropped: `扣款(社保)` names a part, not a unit.
_UNITS = (
    "元|万元|人民币|人民币元|rmb|cny|yuan|天|日|工日|小时|时|h|hrs?|hours?|days?|%|个|次|人|月|元/天|元/日"
    "|元/月|元/工日"
)
_TRAILING_UNIT = re.compile(rf"[(\[【〔]\s*(?:单位[:：]?)?\s*(?:{_UNITS})\s*[)\]】〕]$", re.IGNORECASE)

_STARS = re.compile(r"[*※]+")

_ASCII_UPPER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

# Middle dots in minority and foreign names (`买买提·艾力`) arrive as any of these; `·` is the standard one.
_DOTS = re.compile(r"[\u00b7\u2022\u2027\u30fb\u2219\u22c5\u0387\u16eb\u2e31\u318d\ua78f.]")


def _is_missing(s: object) -> bool:
    return s is None or s is pd.NA or s is pd.NaT or (isinstance(s, float) and s != s)


def fold(s: object) -> str:
    """NFKC and strip, so `１２３` and `张伟　` compare equal to what was meant; None is ``""``."""
    if _is_missing(s):
        return ""
    return unicodedata.normalize("NFKC", str(s)).strip()


def normalise_header(s: object) -> str:
    """The form headers are matched in: `应发工资（元）*`, `姓 名`, `Net Pay` → `应发工资`, `姓名`, `netpay`.

    Units in brackets are dropped because the same column is written with and without them.
    """
    text = _SPACE.sub("", fold(s))
    text = _STARS.sub("", text)
    previous = None
    while previous != text:  # `金额(元)(元)` from a careless merge is still `金额`
        previous = text
        stripped = _TRAILING_UNIT.sub("", text)
        text = stripped if stripped else text
    return text.translate(_ASCII_UPPER)


def _normalise_name(s: str) -> str:
    text = _SPACE.sub("", unicodedata.normalize("NFKC", s))
    return _DOTS.sub("·", text)


def normalise_names(s: pd.Series) -> pd.Series:
    """Names as the resolver compares them: `张 伟` is `张伟`, `买买提•艾力` is `买买提·艾力`; NA stays NA.

    Folded once per distinct name: a month's attendance repeats each name on every day.
    """
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    folded = [_normalise_name(str(u)) for u in uniques]
    table = pd.array([*[f if f else None for f in folded], None], dtype="str")
    return pd.Series(table.take(np.asarray(codes)), index=s.index, name=s.name, dtype="str")
