"""Uploads through HTTP: who may upload where, the receipt's row accounting, and the four refusals (a zip
bomb, a 50 MB file, a file that is not a spreadsheet, a spreadsheet of unknown kind), each answered with a
problem and nothing stored."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from tests.api.conftest import ROLES, World, feed_file, project_csv, roster_csv


def upload(world: World, who: str | None, code: str, name: str, data: bytes, **form: str):  # type: ignore[no-untyped-def]
    return world.client.post(f"/v1/projects/{code}/uploads", headers=world.as_(who),
                             files={"file": (name, data, "application/octet-stream")}, data=form)


@pytest.mark.parametrize("who", ROLES)
def test_only_the_projects_labor_manager_and_the_administrator_upload(world: World, who: str) -> None:
    data = roster_csv(world.project, world.files / "花名册.csv").read_bytes()
    before = world.counts()
    own = upload(world, who, "P-H1", "花名册.csv", data)
    if who in ("labor_manager", "admin"):
        assert own.status_code == 201, own.text
    else:
        assert own.status_code == 403
        assert own.headers["content-type"] == "application/problem+json"
        assert world.counts() == before
    assert upload(world, who, "P-W1", "花名册.csv", data).status_code == (201 if who == "admin" else 403)


def test_receipt_accounts_for_every_row_and_masks_for_others(world: World) -> None:
    data = roster_csv(world.project, world.files / "花名册.csv").read_bytes()
    lines = data.decode().splitlines()
    # spreadsheet row 4 (a title, the header, then workers): its ID number loses a digit
    broken = "\r\n".join([*lines[:3], re.sub(r"[0-9]{17}[0-9X]", "33072419900315123", lines[3]), *lines[4:]]) + "\r\n"
    r = upload(world, "labor_manager", "P-H1", "花名册.csv", broken.encode())
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "stored"
    t = body["totals"]
    assert t["rows"] == t["accepted"] + t["rejected"] + t["skipped"]
    assert t["accepted"] == len(world.project.roster) - 1 and t["rejected"] == 1
    (bad,) = body["rejected_rows"]
    assert bad["code"].startswith("ID-") and bad["row"] == 4
    assert bad["value"] == "33072419900315123"  # the project's own labor manager sees what to correct
    assert body["slices_written"] == ["P-H1 roster"]

    again = upload(world, "labor_manager", "P-H1", "花名册.csv", broken.encode())
    assert again.status_code == 200
    assert again.json()["status"] == "unchanged"

    as_admin = upload(world, "admin", "P-H1", "花名册2.csv", broken.encode() + b"\r\n")
    assert as_admin.status_code in (200, 201)
    assert "33072419900315123" not in as_admin.text
    # 17 digits are no longer an ID number: masked like a card
    assert as_admin.json()["rejected_rows"][0]["value"] == "**** **** **** 5123"
    phones = world.project.roster["phone"].dropna().astype(str)
    assert not any(p in as_admin.text for p in phones)


def test_a_file_for_another_project_is_refused_whole(world: World) -> None:
    """The project file names P-H1; uploaded by a labor manager of P-H1 under P-H1 it lands, but the same
    labor manager cannot slip rows for another project in through its own project's path."""
    from dataclasses import replace

    other = replace(world.project, project=world.project.project.assign(project_code="P-W1"))
    before = world.counts()
    r = upload(world, "labor_manager", "P-H1", "项目信息.csv", project_csv(other, world.files / "p.csv").read_bytes())
    assert r.status_code == 403
    assert r.json()["type"] == "/problems/out-of-scope"
    assert world.counts() == before


def _zip_bomb() -> bytes:
    """A workbook-shaped zip whose one part unpacks to 200 MB of zeros (about 200 KB packed)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(200):
                part.write(chunk)
    return buf.getvalue()


def _unknown_kind_xlsx(path: Path) -> bytes:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("菜单")
    for r, row in enumerate([["菜名", "价格", "口味"], ["东阳沃面", 18, "咸鲜"], ["索粉", 12, "清淡"]]):
        sheet.write_row(r, 0, row)
    book.close()
    return path.read_bytes()


@pytest.mark.parametrize(("name", "make", "status", "code"), [
    ("bomb.xlsx", lambda _p: _zip_bomb(), 413, "zip-bomb"),
    ("big.csv", lambda _p: b"a" * (50 * 1024 * 1024), 413, "upload-too-large"),
    ("photo.xlsx", lambda _p: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64, 415, "not-a-spreadsheet"),
    ("menu.xlsx", lambda p: _unknown_kind_xlsx(p / "menu.xlsx"), 422, "unknown-kind"),
])
def test_refused_uploads_answer_a_problem_and_store_nothing(world: World, name: str, make, status: int,  # type: ignore[no-untyped-def]
                                                            code: str) -> None:
    data = make(world.files)
    before = world.counts()
    r = upload(world, "labor_manager", "P-H1", name, data)
    assert r.status_code == status, r.text[:500]
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["type"] == f"/problems/{code}"
    assert problem["status"] == status
    assert " / " in problem["detail"]  # Chinese / English
    assert problem["request_id"] == r.headers["x-request-id"]
    assert world.counts() == before


def test_unknown_kind_names_the_headers_seen(world: World) -> None:
    r = upload(world, "labor_manager", "P-H1", "menu.xlsx", _unknown_kind_xlsx(world.files / "m.xlsx"))
    assert "菜名" in r.json()["detail"] and "headers seen" in r.json()["detail"]


def test_a_chunked_upload_over_the_cap_is_refused_after_reading_at_most_the_cap(world: World) -> None:
    def body():  # type: ignore[no-untyped-def]
        yield b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.csv\"\r\n\r\n"
        for _ in range(25):
            yield b"a" * (1024 * 1024)
        yield b"\r\n--b--\r\n"

    before = world.counts()
    r = world.client.post("/v1/projects/P-H1/uploads", content=body(),
                          headers={**world.as_("labor_manager"), "Content-Type": "multipart/form-data; boundary=b"})
    assert r.status_code == 413
    assert world.counts() == before


def test_a_bank_feed_is_not_uploaded_as_a_project_file(world: World) -> None:

    data = feed_file(world.project, world.files / "feed.txt").read_bytes()
    r = upload(world, "labor_manager", "P-H1", "feed.txt", data)
    assert r.status_code == 422
    assert r.json()["type"] == "/problems/feed-not-here"
