"""Masking of personal numbers (PIPL): ID numbers, bank cards and phones.

ID numbers and cards reuse the readers' own masks (``ingest.values``), so a number looks the same on a
terminal and in an API response; phones are masked here. :func:`mask_text` masks every such number found
in free text (a finding's message, a rejected row's value), for the places where the column is not known.
"""

from __future__ import annotations

import re

from ingest.values.card import mask as mask_card
from ingest.values.id_number import mask as mask_id

__all__ = ["mask_card", "mask_id", "mask_phone", "mask_text"]

# ten or more digits (spaces and dashes allowed inside a card number): dates (8 digits) and amounts stay
_NUMBER = re.compile(r"(?<![0-9A-Za-z.])[0-9](?:[0-9 \-]{8,22}[0-9]|[0-9]{8,})[0-9Xx]?(?![0-9A-Za-z]|\.[0-9])")
_ID = re.compile(r"^[0-9]{17}[0-9Xx]$|^[0-9]{15}$")
_PHONE = re.compile(r"^1[3-9][0-9]{9}$")


def mask_phone(phone: object) -> str:
    """`138****5678`: the first three and the last four digits of a mobile number."""
    text = "" if phone is None else re.sub(r"\D", "", str(phone))
    if len(text) < 8:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def _mask_number(match: re.Match[str]) -> str:
    raw = match.group(0)
    digits = re.sub(r"[ \-]", "", raw)
    if _ID.match(digits):
        return mask_id(digits)
    if _PHONE.match(digits):
        return mask_phone(digits)
    if len(digits) >= 12:
        return mask_card(digits)
    return "*" * (len(digits) - 4) + digits[-4:] if len(digits) > 4 else "*" * len(digits)


def mask_text(text: str | None) -> str | None:
    """Every run of ten or more digits (an ID number, a card, a phone, an account) masked in place."""
    if not text:
        return text
    return _NUMBER.sub(_mask_number, text)
