"""Resident ID numbers (居民身份证号码, GB 11643-1999): the key every rule joins workers on.

Modelled on python-stdnum's ``stdnum.cn.ric`` and using its ``compact``, ``calc_check_digit`` and
``get_birth_date``, but not its ``validate``: that one rejects a county code not assigned in the birth
year, and calling a real worker's ID invalid hides the worker from every rule. Here only the province (the
first two digits) is checked, against ``ingest/data/provinces.csv``.

Spreadsheets mangle IDs in two recognisable ways, each with its own code so the labor manager knows to
format the column as text: the ID became a number (ID-SCIENTIFIC), or it went through a float and lost its
tail (ID-FLOAT-TAIL).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from importlib.resources import files

import numpy as np
import pandas as pd
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from ingest.values import InvalidValue, factorize_exact, is_blank, parse_unique

__all__ = [
    "InvalidIdNumber", "birth_date", "birth_dates", "compact", "format", "is_valid", "mask", "mask_series",
    "parse_series", "provinces", "sex", "sexes", "validate",
]

_EARLIEST_BIRTH = dt.date(1900, 1, 1)
_SEPARATORS = re.compile(r"[\s\-\u200b\ufeff]+")
# CSV exports guard text with `'330...` or `="330..."`; the guard is not part of the number.
_GUARD = re.compile(r"""^(?:=?"(.*)"|'(.*))$""")
_SCIENTIFIC = re.compile(r"^\d+(?:\.\d+)?E[+-]?\d+$")
_FLOAT_TEXT = re.compile(r"^\d+\.\d*$")  # `330724199003151000.0` written by a program that read a float
_CANONICAL = re.compile(r"^\d{17}[\dX]$")
_SHAPE = re.compile(r"^\d*X?$")
# GB 11643 weights 2^(17-i) mod 11 for the first 17 digits; check = (12 - sum mod 11) mod 11, 10 is X.
_WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)], dtype=np.int64)
_CHECK_CHARS = np.frombuffer(b"0123456789X", dtype=np.uint8)


class InvalidIdNumber(InvalidValue):
    """An ID number that cannot be accepted; ``code`` is one of the ID-* problem codes."""


@cache
def provinces() -> frozenset[str]:
    """The two-digit province codes an ID may start with (reference data with its source in the file)."""
    text = files("ingest").joinpath("data/provinces.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if line and not line.startswith("#"))
    return frozenset(row["code"] for row in rows)


def compact(v: object) -> str:
    """The bare number: folded, without spaces, dashes or CSV text guards, upper-case X."""
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", str(v)))
    if m := _GUARD.match(text):
        text = m.group(1) if m.group(1) is not None else m.group(2)
    return ric.compact(text)


def _check_digit(first17: str) -> str:
    return ric.calc_check_digit(first17 + "0")  # stdnum expects the number with a check digit slot


def _lost_tail(number: str) -> bool:
    """An 18-digit value that looks like a float's: exactly a float64, or 15 significant digits."""
    if not number.isdigit():
        return False
    n = int(number)
    return float(n) == n or number.endswith("000")


def validate(v: object, *, today: dt.date | None = None) -> str:
    """The normalised 18-character ID number; raises :class:`InvalidIdNumber`.

    ``today`` bounds the birth date (default: the system date); tests and reruns of old data pass it.
    """
    if isinstance(v, bool | np.bool_):
        raise InvalidIdNumber("ID-FORMAT", v)
    if isinstance(v, int | float | Decimal | np.number):  # a numeric cell: already mangled
        raise InvalidIdNumber("ID-SCIENTIFIC", v)
    if not isinstance(v, str):
        raise InvalidIdNumber("ID-FORMAT", v)
    number = compact(v)
    if _SCIENTIFIC.match(number) or _FLOAT_TEXT.match(number):
        raise InvalidIdNumber("ID-SCIENTIFIC", v)
    if not _SHAPE.match(number):
        raise InvalidIdNumber("ID-FORMAT", v)
    if len(number) == 15:  # first-generation ID: born 19yy, no check digit
        if not number.isdigit():
            raise InvalidIdNumber("ID-FORMAT", v)
        number = number[:6] + "19" + number[6:]
        number += _check_digit(number)
    elif len(number) != 18:
        raise InvalidIdNumber("ID-LENGTH", v)
    if number[-1] != _check_digit(number[:17]):
        raise InvalidIdNumber("ID-FLOAT-TAIL" if _lost_tail(number) else "ID-CHECKSUM", v)
    try:
        born = ric.get_birth_date(number)
    except ValidationError as e:
        raise InvalidIdNumber("ID-BIRTHDATE", v) from e
    if not _EARLIEST_BIRTH <= born <= (today or dt.date.today()):
        raise InvalidIdNumber("ID-BIRTHDATE", v)
    if number[:2] not in provinces():
        raise InvalidIdNumber("ID-REGION", v)
    return number


def is_valid(v: object) -> bool:
    try:
        validate(v)
    except InvalidIdNumber:
        return False
    return True


def format(v: object) -> str:  # the python-stdnum name, shadowing the builtin on purpose
    """The display form: the normalised number when valid, else the compacted input."""
    try:
        return validate(v)
    except InvalidIdNumber:
        return "" if is_blank(v) else compact(v)


def mask(v: object) -> str:
    """`330724********123X`: enough to recognise, not enough to misuse (PIPL)."""
    text = "" if is_blank(v) else compact(v)
    if len(text) < 10:
        return "*" * len(text)
    return text[:6] + "*" * 8 + text[-4:]


def mask_series(ids: pd.Series) -> pd.Series:
    """:func:`mask` for a column of normalised IDs; NA stays NA."""
    ids = ids.astype("str")
    masked = ids.str.slice(0, 6) + "********" + ids.str.slice(-4)
    return masked.where(ids.str.len() >= 10, ids.str.replace(r".", "*", regex=True))


def birth_date(number: str) -> dt.date:
    """The birth date of a normalised ID."""
    return ric.get_birth_date(number)


def sex(number: str) -> str:
    """`M` or `F` from the 17th digit (odd for men), as RN-OVERAGE needs."""
    return "M" if int(compact(number)[16]) % 2 else "F"


def _accept(uniques: list[object], today: dt.date) -> np.ndarray:
    """Vectorised check of the distinct values already in canonical form; the rest take the slow path."""
    ok = np.zeros(len(uniques), dtype=bool)
    canonical = [i for i, u in enumerate(uniques) if isinstance(u, str) and _CANONICAL.match(u)]
    if not canonical:
        return ok
    strings = [str(uniques[i]) for i in canonical]
    chars = np.frombuffer("".join(strings).encode("ascii"), dtype=np.uint8).reshape(-1, 18)
    digits = chars[:, :17].astype(np.int64) - ord("0")
    check = _CHECK_CHARS[(12 - (digits @ _WEIGHTS) % 11) % 11]
    numbers = pd.Series(strings, dtype="str")
    born = pd.to_datetime(numbers.str.slice(6, 14), format="%Y%m%d", errors="coerce")
    fine = (
        (chars[:, 17] == check)
        & born.between(pd.Timestamp(_EARLIEST_BIRTH), pd.Timestamp(today)).to_numpy(dtype=bool)
        & numbers.str.slice(0, 2).isin(provinces()).to_numpy(dtype=bool)
    )
    ok[np.asarray(canonical)[fine]] = True
    return ok


def parse_series(raw: pd.Series, *, today: dt.date | None = None) -> tuple[pd.Series, pd.Series]:
    """A column of ID cells to ``(str normalised IDs, codes)``; see :func:`ingest.values.parse_unique`."""
    day = today or dt.date.today()
    return parse_unique(raw, lambda v: validate(v, today=day), "str", accept=lambda u: _accept(u, day))


def _on_unique(ids: pd.Series, compute: Callable[[pd.Series], pd.Series], dtype: str) -> pd.Series:
    """Apply a vectorised ``compute`` to the distinct IDs: attendance repeats each ID every day."""
    codes, uniques = factorize_exact(ids)
    table = pd.Series([*uniques, None], dtype="str")
    return pd.Series(compute(table).astype(dtype).array.take(codes), index=ids.index, name=ids.name)


def birth_dates(ids: pd.Series) -> pd.Series:
    """Birth dates of normalised IDs as ``datetime64[s]``; NA where NA or not a date."""
    return _on_unique(
        ids, lambda s: pd.to_datetime(s.str.slice(6, 14), format="%Y%m%d", errors="coerce"), "datetime64[s]"
    )


def sexes(ids: pd.Series) -> pd.Series:
    """`M`/`F` per normalised ID from the 17th digit; NA where NA."""
    def compute(s: pd.Series) -> pd.Series:
        digit = pd.to_numeric(s.str.slice(16, 17), errors="coerce")
        return pd.Series(np.where(digit % 2 == 1, "M", "F"), dtype="str").where(digit.notna())
    return _on_unique(ids, compute, "str")
