"""Reading an uploaded file with a size cap, shared by uploads and feeds.

A declared ``Content-Length`` over the cap is refused before the body is read (:class:`api.middleware.BodySizeLimit`);
a body without one (chunked) is refused here, once the file part proves larger than the cap.
"""

from __future__ import annotations

from fastapi import UploadFile

from api.problems import problems
from four_real.intake.guard import too_large
from four_real.settings import get_settings

MULTIPART_OVERHEAD = 64 * 1024  # boundaries and the small form fields around the file
UPLOAD_RESPONSES = problems(**{"413": "Too large, or a zip bomb", "415": "Not a spreadsheet / not a feed"})


async def read_capped(file: UploadFile) -> bytes:
    """The file's bytes, at most the cap; :class:`~four_real.intake.guard.Refused` (413) beyond it."""
    limit = get_settings().upload_max_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise too_large(limit)
    return data
