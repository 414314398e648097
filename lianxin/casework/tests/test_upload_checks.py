"""Documents added to a case are checked inside as well as by their first bytes: an Office file
is a zip whose directory must not unpack to far more than it holds (a "zip bomb"), with the
parts its type requires and no nested archive that is itself a bomb; a PDF has the structure of
one and no web page or program at its top. Through the real API; nothing refused is stored."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lianxin.casework.models import Attachment
from lianxin.testing.files import pdf_bytes

from .helpers import advance, new_opinion
from .test_attachments import counts, upload, xlsx

pytestmark = pytest.mark.django_db

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)


def office(parts: dict[str, bytes], *, stored: set[str] = frozenset()) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            kind = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=kind)
    return out.getvalue()


def docx(extra: dict[str, bytes] | None = None) -> bytes:
    return office(
        {
            "[Content_Types].xml": CONTENT_TYPES.encode(),
            "word/document.xml": b"<w:document/>",
            **(extra or {}),
        }
    )


ZEROS = b"\0" * (20 * 1024 * 1024)  # 20 MB that deflate to about 20 KB


def send(api, name: str, data: bytes):
    case = advance(new_opinion(), "handling")
    before = counts()
    r = upload(api, "unit_demo", case, SimpleUploadedFile(name, data, "application/octet-stream"))
    return r, before


@pytest.mark.parametrize("name", ["炸弹.docx", "炸弹.xlsx", "炸弹.pptx"])
def test_a_zip_bomb_renamed_as_an_office_file_is_refused(api, name):
    folder = {"docx": "word", "xlsx": "xl", "pptx": "ppt"}[name.rsplit(".", 1)[1]]
    data = office(
        {
            "[Content_Types].xml": CONTENT_TYPES.encode(),
            f"{folder}/document.xml": b"<x/>",
            f"{folder}/media/zeros.bin": ZEROS,
        }
    )
    assert len(data) < 200_000
    r, before = send(api, name, data)
    assert r.status_code == 422, r.json()
    assert r.json()["code"] == "unsafe_archive" and r.json()["field"] == "file"
    assert "解压后过大" in r.json()["message"] and name in r.json()["message"]
    assert counts() == before


def test_an_embedded_archive_that_is_itself_a_bomb_is_refused(api):
    inner = office({"[Content_Types].xml": CONTENT_TYPES.encode(), "xl/zeros.xml": ZEROS})
    r, before = send(api, "嵌套.docx", docx({"word/embeddings/Sheet1.xlsx": inner}))
    assert r.status_code == 422 and r.json()["code"] == "unsafe_archive"
    assert counts() == before


def test_an_office_file_with_too_many_entries_is_refused(api):
    parts = {f"word/media/{i}.xml": b"<x/>" for i in range(5001)}
    r, before = send(api, "多.docx", docx(parts))
    assert r.status_code == 422 and r.json()["code"] == "unsafe_archive"
    assert counts() == before


def test_an_office_file_without_its_content_types_part_is_refused(api):
    data = office({"word/document.xml": b"<w:document/>"})
    r, before = send(api, "缺件.docx", data)
    assert r.status_code == 422 and "内容与其类型不符" in r.json()["message"]
    assert counts() == before


def test_real_office_files_with_an_embedded_workbook_are_accepted(api):
    case = advance(new_opinion(), "handling")
    embedded = xlsx().read()
    data = docx({"word/embeddings/Sheet1.xlsx": embedded})
    for file in (SimpleUploadedFile("说明.docx", data), xlsx()):
        r = upload(api, "unit_demo", case, file)
        assert r.status_code == 201, r.json()
        stored = Attachment.objects.get(pk=r.json()["id"])
        with stored.file.open("rb") as fh:
            assert zipfile.ZipFile(fh).testzip() is None


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"%PDF-1.4\n<html><body><script>alert(1)</script></body></html>\n", "unsafe_content"),
        (b"%PDF-1.7\n<!DOCTYPE html>\n" + pdf_bytes()[9:], "unsafe_content"),
        (b"%PDF-1.5\nMZ\x90\x00\x03This program cannot be run in DOS mode.", "unsafe_content"),
        (
            b"%PDF-1.4\n" + pdf_bytes()[9:].replace(b"1 0 obj", b"\x7fELF\x02\x01 1 0 obj"),
            "unsafe_content",
        ),
        (b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", "invalid_pdf"),  # no cross-reference, no %%EOF
        (pdf_bytes().replace(b"startxref", b"startpoint"), "invalid_pdf"),
        (b"%PDF-1.4\n% just a header\n%%EOF\n", "invalid_pdf"),
        # Millions of digits where objects should be: refused at once (no regex backtracking).
        (b"%PDF-1.4\n" + b"7" * 4_000_000 + b"\nstartxref\n9\n%%EOF\n", "invalid_pdf"),
    ],
)
def test_a_pdf_with_a_web_page_or_program_inside_or_no_structure_is_refused(api, data, code):
    r, before = send(api, "伪装.pdf", data)
    assert r.status_code == 422, r.json()
    assert r.json()["code"] == code and r.json()["field"] == "file"
    assert "伪装.pdf" in r.json()["message"]
    assert counts() == before


def test_a_real_pdf_is_accepted_and_kept_as_sent(api):
    case = advance(new_opinion(), "handling")
    data = pdf_bytes("答复函")
    r = upload(api, "unit_demo", case, SimpleUploadedFile("答复函.pdf", data, "application/pdf"))
    assert r.status_code == 201, r.json()
    with Attachment.objects.get(pk=r.json()["id"]).file.open("rb") as fh:
        assert fh.read() == data
