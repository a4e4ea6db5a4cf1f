"""Notifications through a webhook outbox.

- ``signing``: HMAC-SHA256 signatures over timestamp and body (``X-FourReal-Signature: t=…,v1=…``) and the
  ``verify`` a receiver calls;
- ``outbox``: subscribers (webhooks) and queuing a notification for each subscriber it concerns, in the
  caller's transaction, so a notification exists if and only if the change it announces was committed;
- ``delivery``: POSTing what is due, with exponential backoff and jitter, giving up after N attempts. All
  state is in the outbox table: a restarted process carries on where the last one stopped.
"""

from four_real.notify.signing import SIGNATURE_HEADER, InvalidSignature, sign, verify

__all__ = ["SIGNATURE_HEADER", "InvalidSignature", "sign", "verify"]
