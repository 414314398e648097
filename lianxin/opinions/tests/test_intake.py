"""Intake of citizens' opinions: the scan-to-speak page, the public API, the station desk and
the deputy's upload. Bad input is refused with a clear message and nothing is stored."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from lianxin.casework.models import Attachment, Case, CaseEvent
from lianxin.casework.tests.helpers import demo_seat, station, user

pytestmark = pytest.mark.django_db


def photo(name="p.jpg", *, gps=True, size=(64, 48), fmt="JPEG") -> SimpleUploadedFile:
    img = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    if gps and fmt == "JPEG":
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x8825] = {1: "N", 2: (37.0, 41.0, 56.0), 3: "E", 4: (112.0, 44.0, 10.0)}
        img.save(out, format=fmt, exif=exif.tobytes())
    else:
        img.save(out, format=fmt)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def scan_url(seat=None) -> str:
    return f"/s/{(seat or demo_seat()).scan_code}"


def form_key(html: str) -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)


def counts():
    return Case.objects.count(), Attachment.objects.count(), CaseEvent.objects.count()


# --- The page -------------------------------------------------------------------------------------


def test_the_scan_page_shows_the_deputy_and_a_form_that_needs_no_javascript():
    r = Client().get(scan_url())
    html = r.content.decode()
    assert r.status_code == 200
    assert "连心代表" in html and "北关街道代表联络站" in html
    assert 'method="post"' in html and 'enctype="multipart/form-data"' in html
    assert 'name="idempotency_key"' in html


def test_a_citizen_submits_and_gets_a_tracking_code():
    client = Client()
    html = client.get(scan_url()).content.decode()
    r = client.post(
        scan_url(),
        {
            "content": "顺城街 12 号门前路灯一周不亮。",
            "contact_name": "赵群众",
            "contact_phone": "138 1234 5678",
            "idempotency_key": form_key(html),
            "photos": [photo()],
        },
    )
    assert r.status_code == 302
    case = Case.objects.latest("id")
    assert r["Location"] == f"/t/{case.tracking_code}?new=1"
    assert case.kind == "opinion" and case.state == "registered" and case.channel == "scan"
    assert case.deputy == demo_seat() and case.station.code == "YC-BGJD"
    assert case.congress.region.code == "140702" and case.contact_phone == "13812345678"
    page = client.get(r["Location"]).content.decode()
    assert case.tracking_code in page and "提交成功" in page
    assert "13812345678" not in page and "赵群众" not in page


def test_a_double_tap_returns_the_same_case():
    client = Client()
    key = form_key(client.get(scan_url()).content.decode())
    data = {"content": "北关菜市场门口占道经营。", "idempotency_key": key}
    first = client.post(scan_url(), data)
    second = client.post(scan_url(), data)
    # The same tracking page; the second one says nothing new was registered.
    assert second["Location"] == first["Location"] + "&again=1"
    assert Case.objects.filter(content="北关菜市场门口占道经营。").count() == 1


def test_a_city_deputys_code_reaches_the_station_the_deputy_sits_in():
    r = Client().post(scan_url(demo_seat("city")), {"content": "市级代表收到的意见"})
    assert r.status_code == 302
    case = Case.objects.latest("id")
    # Mixed groups: the station (run by 榆次区) handles it; city staff read it.
    assert case.deputy == demo_seat("city")
    assert case.congress.region.code == "140702" and case.scope_code == "140702"


def test_a_station_has_its_own_scan_page():
    st = station()
    r = Client().get(f"/s/{st.scan_code}")
    assert r.status_code == 200 and st.name in r.content.decode()
    r = Client().post(f"/s/{st.scan_code}", {"content": "社区活动室开放时间太短"})
    case = Case.objects.latest("id")
    assert r.status_code == 302 and case.station == st and case.deputy is None


def test_an_unknown_code_is_a_clear_404():
    r = Client().get("/s/ZZZZZZZZ")
    assert r.status_code == 404 and "二维码无效" in r.content.decode()


@pytest.mark.parametrize(
    ("data", "files", "message"),
    [
        ({"content": ""}, {}, "请填写反映的问题"),
        ({"content": " \n\t　 "}, {}, "请填写反映的问题"),
        ({"content": "长" * 5001}, {}, "不能超过 5000 字"),
        ({"content": "问题", "contact_phone": "12345"}, {}, "手机号码格式不正确"),
        (
            {"content": "问题"},
            {"photos": [SimpleUploadedFile("a.pdf", b"%PDF-1.4 x", "application/pdf")]},
            "不是可识别的图片",
        ),
        (
            {"content": "问题"},
            {"photos": [photo(f"{i}.jpg") for i in range(4)]},
            "最多上传 3 张照片",
        ),
    ],
)
def test_bad_input_on_the_page_is_refused_in_chinese_and_nothing_is_stored(data, files, message):
    before = counts()
    r = Client().post(scan_url(), {**data, **files})
    assert r.status_code == 422
    assert message in r.content.decode()
    assert counts() == before


def test_an_oversized_photo_is_refused(settings):
    settings.OPINIONS_PHOTO_MAX_BYTES = 1000
    before = counts()
    r = Client().post(scan_url(), {"content": "问题", "photos": [photo(size=(400, 400))]})
    assert r.status_code == 422 and "超过" in r.content.decode()
    assert counts() == before


def test_location_metadata_is_stripped_from_photos():
    upload = photo(gps=True)
    with Image.open(io.BytesIO(upload.read())) as original:
        assert original.getexif().get(0x8825)  # the test photo carries GPS
    upload.seek(0)
    r = Client().post(scan_url(), {"content": "垃圾堆放", "photos": [upload]})
    assert r.status_code == 302
    stored = Case.objects.latest("id").attachments.get()
    with stored.file.open("rb") as fh, Image.open(fh) as img:
        assert img.format == "JPEG"
        assert not img.getexif()
        assert "exif" not in img.info
    assert stored.content_type == "image/jpeg" and stored.kind == "photo"


def test_markup_is_stored_as_typed_and_shown_escaped(client):
    script = '<script>alert("x")</script><b>路灯</b>'
    r = Client().post(scan_url(), {"content": script, "title": "<i>标题</i>"})
    case = Case.objects.latest("id")
    assert case.content == script and case.title == "<i>标题</i>"
    track = Client().get(f"/t/{case.tracking_code}").content.decode()
    assert "<script>alert" not in track and "&lt;i&gt;标题&lt;/i&gt;" in track
    client.force_login(user("yc_staff"))
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert "<script>alert" not in detail and "&lt;script&gt;" in detail
    assert r.status_code == 302


# --- The API --------------------------------------------------------------------------------------


def test_the_api_creates_an_opinion_and_the_same_key_returns_the_same_tracking_code(api):
    body = {
        "content": "小区门口积水严重",
        "deputy": demo_seat().scan_code,
        "contact_phone": "13900001234",
    }
    headers = {"Idempotency-Key": "retry-test-0001"}
    first = api.anon().post("/api/v1/opinions", body, headers=headers)
    second = api.anon().post("/api/v1/opinions", body, headers=headers)
    assert first.status_code == 201 and second.status_code == 201
    assert first.json()["tracking_code"] == second.json()["tracking_code"]
    assert first.json()["replayed"] is False and second.json()["replayed"] is True
    assert Case.objects.filter(content="小区门口积水严重").count() == 1


def test_the_same_key_with_different_content_is_a_conflict(api):
    headers = {"Idempotency-Key": "retry-test-0002"}
    api.anon().post("/api/v1/opinions", {"content": "甲", "station": "YC-BGJD"}, headers=headers)
    r = api.anon().post(
        "/api/v1/opinions", {"content": "乙", "station": "YC-BGJD"}, headers=headers
    )
    assert r.status_code == 409 and r.json()["code"] == "idempotency_mismatch"


@pytest.mark.parametrize(
    "changed",
    [
        {"place": "北关街道东口"},
        {"contact_name": "王五"},
        {"region": "140703101"},
        {"category": "transport"},
        {"title": "另一个标题"},
        {"contact_phone": "13900005678"},
        {"anonymous": True},
        {"station": None, "deputy": "DEPUTY"},
    ],
    ids=lambda changed: next(iter(changed)),
)
def test_the_same_key_with_any_other_field_changed_is_a_conflict_and_stores_nothing(api, changed):
    body = {"content": "路灯不亮", "station": "YC-BGJD", "contact_phone": "13900001234"}
    headers = {"Idempotency-Key": "retry-field-" + next(iter(changed))}
    first = api.anon().post("/api/v1/opinions", body, headers=headers)
    assert first.status_code == 201
    changed = {k: demo_seat().scan_code if v == "DEPUTY" else v for k, v in changed.items()}
    again = {k: v for k, v in {**body, **changed}.items() if v is not None}
    r = api.anon().post("/api/v1/opinions", again, headers=headers)
    assert r.status_code == 409 and r.json()["code"] == "idempotency_mismatch"
    case = Case.objects.get(pk=first.json()["id"])
    assert Case.objects.filter(content="路灯不亮").count() == 1
    assert case.place == "" and case.contact_name == ""
    # The same body again is still a replay.
    r = api.anon().post("/api/v1/opinions", body, headers=headers)
    assert r.status_code == 201 and r.json()["replayed"] is True


def test_a_deputy_can_be_given_by_seat_id_and_a_region_alone_reaches_its_congress(api):
    r = api.anon().post("/api/v1/opinions", {"content": "问题一", "deputy": demo_seat().pk})
    assert r.status_code == 201
    r = api.anon().post("/api/v1/opinions", {"content": "问题二", "region": "140703101"})
    assert r.status_code == 201
    case = Case.objects.get(pk=r.json()["id"])
    assert case.congress.region.code == "140703" and case.region.code == "140703101"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"content": ""}, "content"),
        ({"content": "   ", "station": "YC-BGJD"}, "content"),
        ({"content": "x" * 5001, "station": "YC-BGJD"}, "content"),
        ({"content": "问题", "station": "YC-BGJD", "contact_phone": "1381234567"}, "contact_phone"),
        ({"content": "问题", "deputy": "NOSUCH22"}, "deputy"),
        ({"content": "问题", "deputy": 999999999}, "deputy"),
        ({"content": "问题", "station": "NOPE"}, "station"),
        ({"content": "问题"}, "deputy"),
        ({"content": "问题", "region": "abc"}, "region"),
        ({"content": "问题", "station": "YC-BGJD", "category": "天气"}, "category"),
        ({"station": "YC-BGJD"}, "content"),
        ({"content": 5, "station": "YC-BGJD"}, "content"),
    ],
)
def test_bad_input_to_the_api_is_a_4xx_naming_the_field_and_nothing_is_stored(api, body, field):
    before = counts()
    r = api.anon().post("/api/v1/opinions", body)
    assert 400 <= r.status_code < 500, r.json()
    payload = r.json()
    assert payload["message"]
    assert payload.get("field") == field or field in payload.get("fields", [])
    assert counts() == before


def test_a_malformed_idempotency_key_is_refused(api):
    r = api.anon().post(
        "/api/v1/opinions",
        {"content": "问题", "station": "YC-BGJD"},
        headers={"Idempotency-Key": "短"},
    )
    assert r.status_code == 422


def test_a_non_json_body_is_400(api):
    r = api.anon().post("/api/v1/opinions", raw="content=问题")
    assert r.status_code == 400


# --- Station desk and deputy upload -------------------------------------------------------------


def test_station_staff_enter_an_opinion_after_a_reception(client):
    client.force_login(user("yc_station"))
    page = client.get("/opinions/new/")
    assert page.status_code == 200
    r = client.post(
        "/opinions/new/",
        {
            "channel": "station_desk",
            "station": station().pk,
            "deputy": demo_seat().pk,
            "content": "接待日群众反映：小区加装电梯审批慢。",
            "contact_name": "钱群众",
            "contact_phone": "0354-3012345",
            "idempotency_key": form_key(page.content.decode()),
        },
    )
    case = Case.objects.latest("id")
    assert r.status_code == 302 and r["Location"] == f"/cases/{case.pk}/"
    assert case.channel == "station_desk" and case.entered_by.username == "yc_station"
    assert case.deputy == demo_seat() and case.contact_phone == "0354-3012345"


def test_a_deputy_uploads_an_opinion_of_people_they_met(client):
    client.force_login(user("deputy_demo"))
    r = client.post(
        "/opinions/new/",
        {
            "channel": "deputy_upload",
            "deputy": demo_seat().pk,
            "content": "走访中群众反映公交线路少。",
        },
    )
    case = Case.objects.latest("id")
    assert r.status_code == 302, r.content.decode()[:500]
    assert case.channel == "deputy_upload" and case.entered_by.username == "deputy_demo"


def test_a_deputy_cannot_upload_for_another_deputy():
    from lianxin.core.errors import Forbidden
    from lianxin.opinions.actions import do_register_opinion
    from lianxin.org.models import Deputy

    other = Deputy.objects.get(person__user__username="deputy_c")
    with pytest.raises(Forbidden):
        do_register_opinion(
            content="代他人登记",
            deputy=other,
            channel="deputy_upload",
            acting_user=user("deputy_demo"),
        )


def test_a_reception_record_is_raised_into_the_loop_once():
    import datetime as dt

    from lianxin.liaison.actions import do_record_reception, raise_opinion_from_record

    record = do_record_reception(
        station(),
        date=dt.date.today(),
        subject="加装电梯",
        content="老旧小区加装电梯的补贴如何申请？",
        deputy_ids=[demo_seat().pk],
        visitor_name="孙群众",
        visitor_phone="13700001111",
        response="已现场解释补贴政策。",
        raise_opinion=True,
        acting_user=user("yc_station"),
    )
    record.refresh_from_db()
    case = Case.objects.get(tracking_code=record.opinion_ref)
    assert case.channel == "station_desk" and case.deputy == demo_seat()
    assert case.station == station() and case.contact_name == "孙群众"
    assert case.events.get(action="register").note == "已现场解释补贴政策。"
    before = Case.objects.count()
    from lianxin.opinions.actions import do_register_opinion_from_reception

    assert do_register_opinion_from_reception(record, acting_user=user("yc_station")) == case
    assert raise_opinion_from_record(record, acting_user=user("yc_station"))
    assert Case.objects.count() == before


def test_the_scan_form_works_in_a_browser_that_keeps_no_cookies():
    client = Client(enforce_csrf_checks=True)
    r = client.post(scan_url(), {"content": "无 Cookie 的内置浏览器提交"})
    assert r.status_code == 302


def test_ticking_anonymous_with_a_phone_typed_says_what_would_be_dropped():
    client = Client()
    html = client.get(scan_url()).content.decode()
    before = Case.objects.count()
    body = {
        "content": "锦纶小区夜间施工噪音扰民。",
        "contact_phone": "13812345678",
        "anonymous": "on",
        "idempotency_key": form_key(html),
    }
    r = client.post(scan_url(), body)
    assert r.status_code == 422 and Case.objects.count() == before
    page = r.content.decode()
    assert 'id="anonymous-error"' in page and "已填写的手机号码不会保存" in page
    assert 'value="13812345678"' in page  # what was typed stays on the form
    # Cleared, it goes in anonymously; or un-ticked, with the phone.
    r = client.post(scan_url(), {**body, "contact_phone": ""})
    assert r.status_code == 302 and Case.objects.latest("id").is_anonymous
