"""`POST /api/v1/opinions` as multipart/form-data: the same fields as the JSON body plus up to
three photos, checked as on the scan-to-speak page, with the same idempotency."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from lianxin.casework.models import Attachment, Case
from lianxin.casework.tests.helpers import demo_seat

from .test_intake import counts, photo

pytestmark = pytest.mark.django_db

URL = "/api/v1/opinions"


def submit(api, data: dict, key: str | None = None):
    headers = {"Idempotency-Key": key} if key else None
    return api.anon().post_multipart(URL, data, headers=headers)


def test_a_citizen_sends_an_opinion_with_photos_and_their_location_is_stripped(api):
    r = submit(
        api,
        {
            "content": "北关街道顺城街井盖缺失，夜间危险。",
            "deputy": demo_seat().scan_code,
            "contact_phone": "13900001111",
            "photos": [photo("井盖.jpg"), photo("远景.png", fmt="PNG", gps=False)],
        },
    )
    assert r.status_code == 201, r.json()
    out = r.json()
    assert out["replayed"] is False and out["tracking_url"].endswith(out["tracking_code"])
    case = Case.objects.get(pk=out["id"])
    assert case.channel == "api" and case.contact_phone == "13900001111"
    stored = list(case.attachments.order_by("id"))
    assert [a.original_name for a in stored] == ["井盖.jpg", "远景.png"]
    for a in stored:
        assert a.kind == "photo" and a.content_type == "image/jpeg" and a.reply_id is None
        with a.file.open("rb") as fh, Image.open(fh) as img:
            assert img.format == "JPEG" and not img.getexif() and "exif" not in img.info


def test_a_retry_with_the_same_key_returns_the_same_case_and_stores_no_second_set_of_photos(api):
    data = {"content": "小区门口积水严重", "station": "YC-BGJD"}
    first = submit(api, {**data, "photos": [photo("a.jpg"), photo("b.jpg")]}, key="multi-0001")
    before = counts()
    second = submit(api, {**data, "photos": [photo("a.jpg"), photo("b.jpg")]}, key="multi-0001")
    assert first.status_code == 201 and second.status_code == 201
    assert second.json()["tracking_code"] == first.json()["tracking_code"]
    assert second.json()["replayed"] is True
    assert counts() == before
    assert Attachment.objects.filter(case_id=first.json()["id"]).count() == 2


def test_the_same_key_with_other_content_is_a_conflict_in_multipart_too(api):
    submit(api, {"content": "甲", "station": "YC-BGJD"}, key="multi-0002")
    before = counts()
    r = submit(api, {"content": "乙", "station": "YC-BGJD", "photos": [photo()]}, key="multi-0002")
    assert r.status_code == 409 and r.json()["code"] == "idempotency_mismatch"
    assert counts() == before


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([SimpleUploadedFile("a.pdf", b"%PDF-1.4 x", "application/pdf")], "不是可识别的图片"),
        ([SimpleUploadedFile("a.jpg", b"not really a jpeg", "image/jpeg")], "不是可识别的图片"),
        ([photo(f"{i}.jpg") for i in range(4)], "最多上传 3 张照片"),
    ],
)
def test_a_bad_photo_is_a_422_in_chinese_and_nothing_is_stored(api, files, message):
    before = counts()
    r = submit(api, {"content": "问题", "station": "YC-BGJD", "photos": files}, key="multi-bad-1")
    assert r.status_code == 422, r.json()
    assert message in r.json()["message"] and r.json()["code"] == "invalid"
    assert r.json()["field"] == "photos"
    assert counts() == before
    # The key was not spent: the same submission with good photos goes through.
    ok = submit(api, {"content": "问题", "station": "YC-BGJD", "photos": [photo()]}, "multi-bad-1")
    assert ok.status_code == 201 and ok.json()["replayed"] is False


def test_an_oversized_photo_is_refused(api, settings):
    settings.OPINIONS_PHOTO_MAX_BYTES = 1000
    before = counts()
    r = submit(api, {"content": "问题", "station": "YC-BGJD", "photos": [photo(size=(400, 400))]})
    assert r.status_code == 422 and "超过" in r.json()["message"]
    assert counts() == before


def test_form_values_are_read_as_the_json_ones(api):
    """Text fields: a seat id in digits, a boolean as "true", empty optional fields."""
    r = submit(
        api,
        {
            "content": "问题一",
            "deputy": str(demo_seat().pk),
            "anonymous": "true",
            "contact_name": "赵群众",
            "contact_phone": "13900002222",
            "region": "",
            "category": "transport",
        },
    )
    assert r.status_code == 201, r.json()
    case = Case.objects.get(pk=r.json()["id"])
    assert case.deputy == demo_seat() and case.is_anonymous
    assert case.contact_name == "" and case.contact_phone == ""
    assert case.category.code == "transport"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"content": "", "station": "YC-BGJD"}, "content"),
        ({"station": "YC-BGJD"}, "content"),
        ({"content": "问题", "station": "NOPE"}, "station"),
        ({"content": "问题", "deputy": "99999999"}, "deputy"),
        ({"content": "问题", "station": "YC-BGJD", "contact_phone": "123"}, "contact_phone"),
        ({"content": "问题", "station": "YC-BGJD", "anonymous": "也许"}, "anonymous"),
    ],
)
def test_bad_form_fields_are_4xx_naming_the_field_and_nothing_is_stored(api, data, field):
    before = counts()
    r = submit(api, data)
    assert 400 <= r.status_code < 500, r.json()
    payload = r.json()
    assert payload["message"]
    assert payload.get("field") == field or field in payload.get("fields", [])
    assert counts() == before


def test_json_keeps_working_and_an_unreadable_body_is_400(api):
    r = api.anon().post(URL, {"content": "问题", "station": "YC-BGJD"})
    assert r.status_code == 201
    assert api.anon().post(URL, raw="{broken").status_code == 400
    r = api.anon().post(URL, raw="[1, 2]")
    assert r.status_code == 422 and r.json()["code"] == "invalid"
    r = api.anon().client.post(URL, b"--x\r\n", content_type="multipart/form-data; boundary=")
    assert r.status_code == 400 and r.json()["code"] == "bad_request"


def test_the_openapi_document_describes_both_forms_of_the_body(api):
    schema = api.anon().get("/api/v1/openapi.json").json()
    body = schema["paths"][URL]["post"]["requestBody"]["content"]
    assert body["application/json"]["schema"]["required"] == ["content"]
    form = body["multipart/form-data"]["schema"]
    assert form["properties"]["photos"]["items"]["format"] == "binary"
    assert form["properties"]["photos"]["maxItems"] == 3
    assert set(body["application/json"]["schema"]["properties"]) < set(form["properties"])
    params = schema["paths"][URL]["post"]["parameters"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in params)
