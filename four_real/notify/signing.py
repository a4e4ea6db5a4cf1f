"""Webhook signatures a receiver can check with nothing but the shared secret.

The header is ``X-FourReal-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>``. The
timestamp is inside the signed text, so a captured request cannot be replayed later than ``tolerance``
seconds; several ``v1=`` values may appear (while a secret is being rotated) and one match is enough. The
scheme is the one Stripe documents, so receivers may already know how to check it.

Receivers::

    from four_real.notify import verify, InvalidSignature
    try:
        verify(secret, request_body_bytes, request.headers["X-FourReal-Signature"])
    except InvalidSignature:
        return 400
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-FourReal-Signature"
SCHEME = "v1"
TOLERANCE_SECONDS = 300


class InvalidSignature(ValueError):
    """The signature is missing, malformed, does not match, or is too old to be trusted."""


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), str(timestamp).encode("ascii") + b"." + body, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, *, timestamp: int | None = None) -> str:
    """The header value for ``body`` sent at ``timestamp`` (default now)."""
    if not secret:
        raise ValueError("a webhook secret must not be empty")
    t = int(time.time()) if timestamp is None else int(timestamp)
    return f"t={t},{SCHEME}={_digest(secret, t, body)}"


def verify(secret: str, body: bytes, header: str | None, *, tolerance: int | None = TOLERANCE_SECONDS,
           now: float | None = None) -> int:
    """Check a received request; returns its timestamp, raises :class:`InvalidSignature` otherwise.

    ``body`` must be the raw bytes received (not re-serialised JSON). ``tolerance`` None accepts any age
    (for replaying an archive, never for a live endpoint)."""
    if not header:
        raise InvalidSignature("no signature header")
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError:
                raise InvalidSignature("the signature's timestamp is not a number") from None
        elif key == SCHEME and value:
            candidates.append(value)
    if timestamp is None or not candidates:
        raise InvalidSignature("the signature header lacks t= or v1=")
    if tolerance is not None:
        current = time.time() if now is None else now
        if abs(current - timestamp) > tolerance:
            raise InvalidSignature(f"the signature is older (or newer) than {tolerance} seconds")
    expected = _digest(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, c) for c in candidates):
        raise InvalidSignature("the signature does not match the body")
    return timestamp
