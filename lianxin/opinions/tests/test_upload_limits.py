"""What a public submission may carry: photos refused by their declared size before any
decoding (a "decompression bomb" is a small file that declares a huge image), no animations,
metadata dropped from the stored JPEG, and a request body over the limit answered with a clear
413, never a 500. Through the real API `POST /api/v1/opinions` and the page `/s/<code>`."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from lianxin.casework.models import Attachment, Case

from .test_intake import counts, photo, scan_url

pytestmark = pytest.mark.django_db

URL = "/api/v1/opinions"


def huge_png(width: int, height: int) -> bytes:
    """A real PNG of one colour (1 bit a pixel) whose header declares width × height: a few KB on
    disk, three bytes a pixel once decoded as RGB."""
    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    chunks = [
        (b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)),
        (b"IDAT", zlib.compress(row * height, 9)),
        (b"IEND", b""),
    ]
    out = b"\x89PNG\r\n\x1a\n"
    for kind, data in chunks:
        out += struct.pack(">I", len(data)) + kind + data
        out += struct.pack(">I", zlib.crc32(kind + data))
    return out


@pytest.fixture(scope="module")
def bomb_png() -> bytes:
    """8900 × 8900 (79 MP, about 240 MB decoded), as in the security test."""
    data = huge_png(8900, 8900)
    assert len(data) < 100_000
    with Image.open(io.BytesIO(data)) as img:
        assert img.size == (8900, 8900) and img.format == "PNG"
    return data


def as_upload(data: bytes, name: str = "bomb.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def submit(data: dict):
    return Client().post(URL, data)


def jpeg_segments(data: bytes) -> list[int]:
    """The marker of each segment before the image data of a JPEG (0xE1: EXIF or XMP,
    0xFE: a comment)."""
    assert data[:2] == b"\xff\xd8"
    markers, i = [], 2
    while i < len(data):
        assert data[i] == 0xFF, i
        marker = data[i + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: the compressed image follows
            break
        i += 2 + int.from_bytes(data[i + 2 : i + 4], "big")
    return markers


def test_a_photo_declaring_a_huge_image_is_refused_by_the_api_before_decoding(api, bomb_png):
    before = counts()
    r = submit({"content": "井盖缺失", "station": "YC-BGJD", "photos": [as_upload(bomb_png)] * 3})
    assert r.status_code == 422, r.json()
    body = r.json()
    assert body["code"] == "too_many_pixels" and body["field"] == "photos"
    assert "8900×8900" in body["message"] and "百万像素" in body["message"]
    assert counts() == before


def test_the_scan_page_refuses_the_same_photo_in_chinese(bomb_png):
    before = counts()
    r = Client().post(scan_url(), {"content": "井盖缺失", "photos": [as_upload(bomb_png)]})
    assert r.status_code == 422
    assert "尺寸过大" in r.content.decode()
    assert counts() == before


def test_a_photo_beyond_twice_the_limit_is_refused_the_same_way(api):
    """Above twice `Image.MAX_IMAGE_PIXELS` Pillow refuses in `Image.open` already."""
    r = submit(
        {"content": "问题", "station": "YC-BGJD", "photos": [as_upload(huge_png(12000, 12000))]}
    )
    assert r.status_code == 422 and r.json()["code"] == "too_many_pixels"
    assert "尺寸过大" in r.json()["message"]


def test_the_pixel_limit_is_a_setting_and_counts_every_photo_of_a_submission(api, settings):
    settings.LIANXIN_PHOTO_MAX_PIXELS = 100 * 100
    settings.LIANXIN_PHOTO_TOTAL_PIXELS = 150 * 100
    before = counts()
    one = submit({"content": "问题", "station": "YC-BGJD", "photos": [photo(size=(101, 100))]})
    assert one.status_code == 422 and one.json()["code"] == "too_many_pixels"
    two = submit(
        {
            "content": "问题",
            "station": "YC-BGJD",
            "photos": [photo("a.jpg", size=(100, 100)), photo("b.jpg", size=(100, 100))],
        }
    )
    assert two.status_code == 422 and two.json()["code"] == "too_many_pixels"
    assert "合计" in two.json()["message"]
    assert counts() == before
    ok = submit({"content": "问题", "station": "YC-BGJD", "photos": [photo(size=(100, 100))]})
    assert ok.status_code == 201, ok.json()


def test_a_very_long_side_is_refused_even_under_the_pixel_count(api):
    r = submit(
        {"content": "问题", "station": "YC-BGJD", "photos": [as_upload(huge_png(20000, 10))]}
    )
    assert r.status_code == 422 and r.json()["code"] == "too_many_pixels"


@pytest.mark.parametrize("fmt", ["GIF", "PNG", "WEBP"])
def test_an_animated_image_is_refused(api, fmt):
    frames = [Image.new("RGB", (32, 32), colour) for colour in ("red", "blue", "green")]
    out = io.BytesIO()
    frames[0].save(out, format=fmt, save_all=True, append_images=frames[1:], duration=100)
    before = counts()
    r = submit(
        {
            "content": "问题",
            "station": "YC-BGJD",
            "photos": [as_upload(out.getvalue(), f"动图.{fmt.lower()}")],
        }
    )
    assert r.status_code == 422 and r.json()["code"] == "animated_image"
    assert "动图" in r.json()["message"]
    assert counts() == before


def test_a_stored_photo_keeps_no_comment_exif_or_xmp(api):
    img = Image.new("RGB", (80, 60), (30, 160, 90))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (37.0, 41.0, 56.0), 3: "E", 4: (112.0, 44.0, 10.0)}
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif.tobytes(), comment=b"IMEI 35-209900-176148-1", xmp=xmp)
    sent = out.getvalue()
    assert {0xE1, 0xFE} <= set(jpeg_segments(sent))  # the test photo does carry them
    r = submit({"content": "问题", "station": "YC-BGJD", "photos": [as_upload(sent, "现场.jpg")]})
    assert r.status_code == 201, r.json()
    stored = Attachment.objects.get(case_id=r.json()["id"])
    with stored.file.open("rb") as fh:
        data = fh.read()
    markers = jpeg_segments(data)
    assert 0xFE not in markers and 0xE1 not in markers
    assert b"IMEI" not in data and b"xmpmeta" not in data
    with Image.open(io.BytesIO(data)) as back:
        assert back.size == (80, 60) and "comment" not in back.info


def test_a_photo_with_a_comment_from_the_scan_page_loses_it_too():
    img = Image.new("RGB", (40, 30), (200, 30, 30))
    out = io.BytesIO()
    img.save(out, format="JPEG", comment=b"owner: Zhang San 13800001111")
    r = Client().post(
        scan_url(), {"content": "垃圾堆放", "photos": [as_upload(out.getvalue(), "a.jpg")]}
    )
    assert r.status_code == 302
    stored = Attachment.objects.get(case=Case.objects.latest("id"))
    with stored.file.open("rb") as fh:
        data = fh.read()
    assert 0xFE not in jpeg_segments(data) and b"Zhang San" not in data


# --- The size of a request ------------------------------------------------------------------------


def test_an_api_request_over_the_limit_is_a_413_in_json(api, settings):
    settings.LIANXIN_REQUEST_MAX_BYTES = 1024 * 1024
    before = counts()
    big = SimpleUploadedFile("大.jpg", b"\xff\xd8" + b"0" * (2 * 1024 * 1024), "image/jpeg")
    r = submit({"content": "问题", "station": "YC-BGJD", "photos": [big]})
    assert r.status_code == 413
    assert r.json()["code"] == "too_large" and "1 MB" in r.json()["message"]
    assert counts() == before


def test_a_page_request_over_the_limit_is_a_413_page_in_chinese(settings):
    settings.LIANXIN_REQUEST_MAX_BYTES = 1024 * 1024
    before = counts()
    big = SimpleUploadedFile("大.jpg", b"\xff\xd8" + b"0" * (2 * 1024 * 1024), "image/jpeg")
    r = Client().post(scan_url(), {"content": "问题", "photos": [big]})
    assert r.status_code == 413
    assert "提交的内容过大" in r.content.decode() and "1 MB" in r.content.decode()
    assert counts() == before


def test_form_fields_over_djangos_memory_limit_are_a_4xx_not_a_500(api):
    """`DATA_UPLOAD_MAX_MEMORY_SIZE` (2.5 MB of fields besides files) holds as well."""
    text = "长" * (1024 * 1024)  # 3 MB in UTF-8
    r = submit({"content": text, "station": "YC-BGJD"})
    assert r.status_code == 413 and r.json()["code"] == "too_large"
    r = api.anon().post(URL, {"content": text, "station": "YC-BGJD"})
    assert r.status_code == 413 and r.json()["code"] == "too_large"
    page = Client().post(scan_url(), {"content": text})
    assert page.status_code in (400, 413) and "请求" in page.content.decode()


def test_the_default_limits_hold_three_full_size_photos(settings):
    from lianxin.casework.photos import MAX_PHOTOS, photo_max_bytes

    assert settings.LIANXIN_REQUEST_MAX_BYTES > MAX_PHOTOS * photo_max_bytes()
    assert settings.LIANXIN_PHOTO_MAX_PIXELS == 40_000_000
