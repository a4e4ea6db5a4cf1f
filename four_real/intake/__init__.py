"""Files arriving over the API: refused cheaply when they are too big or not what they claim, then stored
with the uploader's scope checked inside the store's transaction."""

from four_real.intake.guard import Refused, inspect_content
from four_real.intake.receive import receive_feed, receive_upload

__all__ = ["Refused", "inspect_content", "receive_feed", "receive_upload"]
