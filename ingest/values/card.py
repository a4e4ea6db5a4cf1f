"""Bank card and account numbers: where wages must go (支付实卡).

A card number is 12 to 19 digits. A failed Luhn check is only a warning, because many wage accounts
(存折 passbooks, some banks' debit accounts) are not Luhn-checked, so :func:`validate` does not apply it and
:func:`luhn_series` reports it separately. A card number that a spreadsheet turned into a number has lost
its last digits beyond the 15th and cannot be repaired, so it is rejected.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal

import numpy as np
import pandas as pd
from stdnum import luhn

from ingest.values import InvalidValue, factorize_exact, is_blank, parse_unique

__all__ = [
    "InvalidCardNumber", "compact", "is_valid", "luhn_ok", "luhn_series", "mask", "mask_series",
    "parse_series", "validate",
]

_MIN, _MAX = 12, 19
_EXACT_DIGITS = 15  # a float64 holds every integer of up to 15 digits exactly
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u200b\ufeff_]+")
_GUARD = re.compile(r"""^(?:=?"(.*)"|'(.*))$""")
_SCIENTIFIC = re.compile(r"^\d+(?:\.\d+)?E[+-]?\d+$", re.IGNORECASE)
_FLOAT_TEXT = re.compile(r"^(\d+)\.0*$")
_CANONICAL = re.compile(rf"^\d{{{_MIN},{_MAX}}}$")


class InvalidCardNumber(InvalidValue):
    """A card number that cannot be accepted; ``code`` is CARD-SCIENTIFIC or CARD-FORMAT."""


def compact(v: object) -> str:
    """The bare digits: folded, without spaces, dashes or CSV text guards."""
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", str(v)))
    if m := _GUARD.match(text):
        text = m.group(1) if m.group(1) is not None else m.group(2)
    return _SEPARATORS.sub("", text)


def _from_number(v: int | float | Decimal | np.number) -> str:
    """A numeric cell: exact up to 15 digits, beyond that the tail is already lost."""
    f = float(v)
    if not math.isfinite(f) or f < 0 or f != math.floor(f):
        raise InvalidCardNumber("CARD-FORMAT", v)
    digits = str(int(v)) if isinstance(v, int | np.integer) else str(int(f))
    if len(digits) > _EXACT_DIGITS:
        raise InvalidCardNumber("CARD-SCIENTIFIC", v)
    return digits


def validate(v: object) -> str:
    """The card number as 12 to 19 digits; raises :class:`InvalidCardNumber`. Luhn is not checked."""
    if isinstance(v, bool | np.bool_):
        raise InvalidCardNumber("CARD-FORMAT", v)
    if isinstance(v, int | float | Decimal | np.number):
        digits = _from_number(v)
    elif isinstance(v, str):
        digits = compact(v)
        if _SCIENTIFIC.match(digits):
            raise InvalidCardNumber("CARD-SCIENTIFIC", v)
        if m := _FLOAT_TEXT.match(digits):  # `622202123456.0` written by a program that read a float
            if len(m.group(1)) > _EXACT_DIGITS:
                raise InvalidCardNumber("CARD-SCIENTIFIC", v)
            digits = m.group(1)
    else:
        raise InvalidCardNumber("CARD-FORMAT", v)
    if not _CANONICAL.match(digits):
        raise InvalidCardNumber("CARD-FORMAT", v)
    return digits


def is_valid(v: object) -> bool:
    try:
        validate(v)
    except InvalidCardNumber:
        return False
    return True


def luhn_ok(card: str) -> bool:
    """Whether the Luhn check digit matches (a warning when not, never a rejection)."""
    return luhn.is_valid(card)


def luhn_series(cards: pd.Series) -> pd.Series:
    """:func:`luhn_ok` for a column (``boolean``), computed with numpy per digit length.

    NA where the card is NA or not a string of 12 to 19 digits, so a missing card is not reported as a
    failed check.
    """
    codes, uniques = factorize_exact(cards)
    result = np.zeros(len(uniques) + 1, dtype=bool)
    known = np.zeros(len(uniques) + 1, dtype=bool)
    lengths = np.array([len(u) if isinstance(u, str) and _CANONICAL.match(u) else 0 for u in uniques],
                       dtype=np.int64)
    for length in np.unique(lengths[lengths > 0]):
        where = np.flatnonzero(lengths == length)
        block = "".join(uniques[i] for i in where).encode("ascii")  # type: ignore[misc]
        digits = (np.frombuffer(block, dtype=np.uint8).reshape(-1, length) - ord("0")).astype(np.int64)
        # from the right: the check digit as is, every second digit doubled with 9 taken off above 9
        doubled = np.zeros(length, dtype=bool)
        doubled[length - 2::-2] = True
        d = np.where(doubled, digits * 2, digits)
        d = np.where(d > 9, d - 9, d)
        result[where] = d.sum(axis=1) % 10 == 0
        known[where] = True
    values = pd.array(result, dtype="boolean")
    values[~known] = pd.NA
    return pd.Series(values.take(codes), index=cards.index, name=cards.name)


def mask(card: object) -> str:
    """`**** **** **** 1234`: the last four digits, which is what a worker recognises."""
    text = "" if is_blank(card) else compact(card)
    return "**** **** **** " + text[-4:] if len(text) > 4 else "*" * len(text)


def mask_series(cards: pd.Series) -> pd.Series:
    """:func:`mask` for a column of compact card numbers; NA stays NA."""
    cards = cards.astype("str")
    return ("**** **** **** " + cards.str.slice(-4)).where(
        cards.str.len() > 4, cards.str.replace(r".", "*", regex=True)
    )


def _accept(uniques: list[object]) -> np.ndarray:
    return np.fromiter((isinstance(u, str) and bool(_CANONICAL.match(u)) for u in uniques), dtype=bool,
                       count=len(uniques))


def parse_series(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A column of card cells to ``(str digits, codes)``; see :func:`ingest.values.parse_unique`."""
    return parse_unique(raw, validate, "str", accept=_accept)
