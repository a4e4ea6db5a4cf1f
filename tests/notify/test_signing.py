"""Signatures: what is signed verifies; any change to body, secret or timestamp does not; age limits at
their edge; a header carrying several signatures (secret rotation) verifies when one matches."""

from __future__ import annotations

import pytest

from four_real.notify import InvalidSignature, sign, verify

BODY = '{"event":"warning.new","项目":"东阳"}'.encode()
T = 1_745_222_400


def test_a_signed_body_verifies_and_returns_its_timestamp():
    header = sign("k", BODY, timestamp=T)
    assert header.startswith(f"t={T},v1=") and len(header.split("v1=")[1]) == 64
    assert verify("k", BODY, header, now=T) == T


@pytest.mark.parametrize(("secret", "body", "header", "why"), [
    ("other", BODY, sign("k", BODY, timestamp=T), "does not match"),  # wrong secret
    ("k", BODY + b" ", sign("k", BODY, timestamp=T), "does not match"),  # body changed
    ("k", BODY, sign("k", BODY, timestamp=T).replace(f"t={T}", f"t={T + 1}"), "does not match"),  # time edited
    ("k", BODY, None, "no signature"),
    ("k", BODY, "", "no signature"),
    ("k", BODY, f"t={T}", "lacks"),
    ("k", BODY, "v1=abc", "lacks"),
    ("k", BODY, "t=yesterday,v1=abc", "not a number"),
])
def test_anything_altered_or_missing_is_refused(secret, body, header, why):
    with pytest.raises(InvalidSignature, match=why):
        verify(secret, body, header, now=T)


@pytest.mark.parametrize(("age", "ok"), [(299, True), (300, True), (301, False), (-301, False)])
def test_the_age_limit_is_five_minutes_either_way(age, ok):
    header = sign("k", BODY, timestamp=T)
    if ok:
        assert verify("k", BODY, header, now=T + age) == T
    else:
        with pytest.raises(InvalidSignature, match="older"):
            verify("k", BODY, header, now=T + age)
    assert verify("k", BODY, header, now=T + 10**6, tolerance=None) == T  # archives: any age


def test_one_matching_signature_among_several_is_enough():
    old = sign("old-secret", BODY, timestamp=T).split(",")[1]
    new = sign("new-secret", BODY, timestamp=T)
    header = f"{new},{old}"
    assert verify("old-secret", BODY, header, now=T) == T
    assert verify("new-secret", BODY, header, now=T) == T


def test_an_empty_secret_cannot_sign():
    with pytest.raises(ValueError, match="empty"):
        sign("", BODY)
