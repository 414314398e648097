"""Open311 GeoReport v2 at /open311/v2/: every body validates against the official schemas,
a POST files an opinion through the scan-to-speak intake, bad input is refused in the
standard's error format with nothing stored, and the request follows its case to closed."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test import Client
from PIL import Image

from lianxin.casework.actions import complete_intake
from lianxin.casework.models import Attachment, Case, Category, Channel
from lianxin.casework.tests.helpers import advance, client_for, unit, user
from lianxin.core.models import AuditLog, TrailEvent
from lianxin.open311.actions import issue_key, revoke_key
from lianxin.open311.models import Open311Client, Open311Request

from .helpers import validate, validate_error, xml_root

pytestmark = pytest.mark.django_db

V2 = "/open311/v2"
PHONE = "13912340000"


def post(data: dict, *, headers=None, client=None, **extra):
    return (client or Client()).post(f"{V2}/requests.json", data, headers=headers or {}, **extra)


def body(key: str, **overrides) -> dict:
    data = {
        "api_key": key,
        "service_code": "transport",
        "lat": "37.6970",
        "long": "112.7080",
        "address_string": "榆次区顺城街与安宁街交叉口",
        "description": "顺城街路口的红绿灯坏了三天，早晚高峰车辆拥堵。",
        "first_name": "群众",
        "last_name": "赵",
        "phone": PHONE,
        "email": "zhao@example.com",
        "attribute[region]": "140702",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_discovery_in_both_formats():
    r = Client().get(f"{V2}/discovery.json")
    assert r.status_code == 200 and r["Content-Type"] == "application/json; charset=utf-8"
    doc = r.json()
    assert set(doc) == {"changeset", "contact", "key_service", "endpoints"}
    (endpoint,) = doc["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2") and endpoint["type"] == "production"
    assert endpoint["formats"] == ["application/json", "text/xml"]
    root = xml_root(Client().get(f"{V2}/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == endpoint["formats"]


def test_services_are_our_categories_and_validate():
    r = Client().get(f"{V2}/services.json")
    assert r.status_code == 200
    services = r.json()
    validate(services, "services.json")
    active = list(Category.objects.filter(is_active=True).values_list("code", "name"))
    assert [(s["service_code"], s["service_name"]) for s in services] == active
    assert {s["type"] for s in services} == {"realtime"}
    assert all(s["metadata"] is True and s["group"] == "群众意见" for s in services)
    root = xml_root(Client().get(f"{V2}/services.xml"))
    assert root.tag == "services"
    assert [s.findtext("service_code") for s in root] == [c for c, _ in active]
    assert root[0].findtext("metadata") == "true"


def test_service_definition_lists_the_counties():
    r = Client().get(f"{V2}/services/transport.json")
    assert r.status_code == 200
    definition = r.json()
    validate(definition, "service-definition.json")
    (attribute,) = definition["attributes"]
    assert attribute["code"] == "region" and attribute["required"] is False
    assert {"key": "140702", "name": "榆次区"} in attribute["values"]
    root = xml_root(Client().get(f"{V2}/services/transport.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("attributes/attribute/code") == "region"
    missing = Client().get(f"{V2}/services/no-such.json")
    assert missing.status_code == 404
    validate_error(missing.json(), 404)


def test_a_request_becomes_an_opinion_through_the_public_intake(key):
    r = post(body(key))
    assert r.status_code == 200, r.content.decode()
    (created,) = r.json()
    request_id = created["service_request_id"]
    assert isinstance(request_id, str) and created["replayed"] is False
    filed = Open311Request.objects.select_related("case", "client").get(pk=int(request_id))
    case = filed.case
    assert created["tracking_code"] == case.tracking_code
    assert created["tracking_code"] in created["service_notice"]
    # The same intake as scan-to-speak: an opinion of the public channel, acknowledged on its
    # row, its registration written by the intake loop.
    assert case.kind == "opinion" and case.channel == Channel.OPEN311
    assert case.intake_pending is True and case.state == "registered"
    assert case.category.code == "transport" and case.region.code == "140702"
    assert case.contact_phone == PHONE and case.contact_name == "赵群众"
    assert "顺城街" in case.place and "37.697000" in case.place
    assert filed.client.name == "晋中市民通" and (filed.lat, filed.long) == (37.697, 112.708)
    assert filed.client.last_used_at is not None
    assert complete_intake() >= 1
    assert case.events.filter(action="register").count() == 1

    one = Client().get(f"{V2}/requests/{request_id}.json")
    assert one.status_code == 200
    validate(one.json(), "requests.json")
    (shown,) = one.json()
    assert shown["status"] == "open" and shown["status_notes"] == "待梳理"
    assert shown["service_code"] == "transport" and shown["service_name"] == case.category.name
    assert shown["address"] == "榆次区顺城街与安宁街交叉口"
    assert (shown["lat"], shown["long"]) == (37.697, 112.708)
    assert shown["agency_responsible"] is None
    # Nothing personal and not the tracking code (it lets its holder rate the handling).
    text = one.content.decode()
    for secret in (PHONE, "赵", "zhao@example.com", case.tracking_code):
        assert secret not in text
    root = xml_root(Client().get(f"{V2}/requests/{request_id}.xml"))
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id") == request_id
    assert root.findtext("request/status") == "open"

    token = Client().get(f"{V2}/tokens/{created['token']}.json")
    assert token.json() == [{"service_request_id": request_id, "token": created["token"]}]
    assert Client().get(f"{V2}/tokens/nope.json").status_code == 404

    # Staff see it in their case list like any opinion of their congress.
    page = client_for("yc_staff").get("/cases/")
    assert case.display_title in page.content.decode()


def test_the_status_follows_the_case_to_closed(key):
    (created,) = post(body(key)).json()
    case = Open311Request.objects.get(pk=int(created["service_request_id"])).case
    complete_intake()
    advance(case, "handling")
    (shown,) = Client().get(f"{V2}/requests/{created['service_request_id']}.json").json()
    assert shown["status"] == "open" and shown["status_notes"] == "办理中"
    assert shown["agency_responsible"] == unit().name
    assert shown["expected_datetime"].endswith("+08:00")
    advance(case, "concluded")
    r = Client().get(f"{V2}/requests/{created['service_request_id']}.json")
    validate(r.json(), "requests.json")
    (shown,) = r.json()
    assert shown["status"] == "closed" and shown["status_notes"] == "已办结"
    assert shown["expected_datetime"] is None
    case.refresh_from_db()
    china = dt.timezone(dt.timedelta(hours=8))
    assert (
        shown["updated_datetime"]
        == case.concluded_at.astimezone(china).replace(microsecond=0).isoformat()
    )
    closed = Client().get(f"{V2}/requests.json", {"status": "closed"}).json()
    assert created["service_request_id"] in [x["service_request_id"] for x in closed]
    still_open = Client().get(f"{V2}/requests.json", {"status": "open"}).json()
    assert created["service_request_id"] not in [x["service_request_id"] for x in still_open]


def test_search_filters(key):
    a = post(body(key, service_code="transport")).json()[0]["service_request_id"]
    b = post(body(key, service_code=Category.objects.exclude(code="transport").first().code))
    b = b.json()[0]["service_request_id"]
    every = Client().get(f"{V2}/requests.json")
    validate(every.json(), "requests.json")
    assert {a, b} <= {x["service_request_id"] for x in every.json()}
    only = Client().get(f"{V2}/requests.json", {"service_code": "transport"}).json()
    assert a in [x["service_request_id"] for x in only]
    assert b not in [x["service_request_id"] for x in only]
    # A list of ids overrides the other filters.
    ids = (
        Client()
        .get(f"{V2}/requests.json", {"service_request_id": f"{a},{b}", "service_code": "none"})
        .json()
    )
    assert sorted(x["service_request_id"] for x in ids) == sorted([a, b])
    # Empty parameters are as if absent; a window with a zone; "+08:00" arriving unencoded.
    assert len(Client().get(f"{V2}/requests.json", {"status": ""}).json()) == len(every.json())
    window = Client().get(f"{V2}/requests.json?start_date=2020-01-01T00:00:00+08:00")
    assert window.status_code == 200 and window.json() == []
    recent = Client().get(f"{V2}/requests.json", {"start_date": "2026-01-01T00:00:00Z"})
    assert recent.status_code == 200
    xml = xml_root(Client().get(f"{V2}/requests.xml"))
    assert xml.tag == "service_requests" and len(xml) == len(every.json())


@pytest.mark.parametrize(
    "params,message",
    [
        ({"start_date": "2026-11-20"}, "带时区"),
        ({"start_date": "2026-11-20T09:15:00"}, "带时区"),
        ({"end_date": "yesterday"}, "带时区"),
        ({"start_date": "2026-13-40T09:15:00Z"}, "不是有效"),
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "90"),
        ({"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"}, "不能早于"),
        ({"status": "pending"}, "status"),
    ],
)
def test_bad_search_parameters(params, message):
    r = Client().get(f"{V2}/requests.json", params)
    assert r.status_code == 400
    validate_error(r.json(), 400)
    assert message in r.json()[0]["description"]


@pytest.mark.parametrize(
    "overrides,status,message",
    [
        ({"service_code": None}, 400, "service_code"),
        ({"service_code": ""}, 400, "service_code"),
        ({"service_code": "no-such"}, 404, "no-such"),
        ({"lat": "48.8566", "long": "2.3522"}, 400, "不在中国境内"),
        ({"lat": "112.708", "long": "37.697"}, 400, "填反"),
        ({"lat": "37.697", "long": None}, 400, "同时提供"),
        ({"lat": "north", "long": "112"}, 400, "应为数字"),
        ({"lat": None, "long": None, "address_string": None}, 400, "请提供位置"),
        ({"description": ""}, 400, "description"),
        ({"description": "长" * 4001}, 400, "4000"),
        ({"phone": "12345"}, 400, "电话"),
        ({"attribute[region]": "110101"}, 400, "attribute[region]"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
        ({"api_key": None}, 403, "api_key"),
        ({"api_key": "o311_wrong"}, 403, "api_key"),
        ({"jurisdiction_id": "beijing.gov.cn"}, 404, "jurisdiction_id"),
    ],
)
def test_bad_posts_are_refused_and_store_nothing(key, overrides, status, message):
    before = Case.objects.count(), Open311Request.objects.count()
    r = post(body(key, **overrides))
    assert r.status_code == status, r.content.decode()
    validate_error(r.json(), status)
    assert message in r.json()[0]["description"]
    assert (Case.objects.count(), Open311Request.objects.count()) == before


def test_errors_keep_the_format_and_unknown_paths_are_open311_errors():
    r = Client().get(f"{V2}/services/no-such.xml")
    assert r.status_code == 404
    root = xml_root(r)
    assert root.tag == "errors" and root.findtext("error/code") == "404"
    for path in ("/nothing.json", "/requests/999999999.json"):
        r = Client().get(V2 + path)
        assert r.status_code == 404
        validate_error(r.json(), 404)
    r = Client().get(f"{V2}/services.html")
    assert r.status_code == 400
    validate_error(r.json(), 400)
    r = Client().get(f"{V2}/services.json", {"jurisdiction_id": "elsewhere.gov.cn"})
    assert r.status_code == 404
    ours = Client().get(f"{V2}/services.json", {"jurisdiction_id": "jinzhong.gov.cn"})
    assert ours.status_code == 200


def test_a_retry_with_the_same_key_files_one_request(key):
    headers = {"Idempotency-Key": "app-4711-retry"}
    first = post(body(key), headers=headers)
    again = post(body(key), headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.json()[0]["service_request_id"] == again.json()[0]["service_request_id"]
    assert again.json()[0]["replayed"] is True
    assert Open311Request.objects.count() == 1
    # The same key with another text is a conflict, not a silent replay.
    changed = post(body(key, description="另一件事"), headers=headers)
    assert changed.status_code == 409
    validate_error(changed.json(), 409)
    # The key is the client's own: another client using it files its own request.
    _other, other_key = issue_key(name="另一客户端", acting_user=user("admin"))
    other = post(body(other_key), headers=headers)
    assert other.json()[0]["service_request_id"] != first.json()[0]["service_request_id"]
    # The form field works as the header does.
    by_field = post(body(key, idempotency_key="form-key-001"))
    by_field_again = post(body(key, idempotency_key="form-key-001"))
    assert (
        by_field.json()[0]["service_request_id"] == by_field_again.json()[0]["service_request_id"]
    )


def _png(width=40, height=30) -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    out.seek(0)
    out.name = "light.png"
    return out


def test_media_is_uploaded_and_media_url_is_kept_but_not_fetched(key, settings):
    r = post(
        body(key, media_url="http://192.0.2.1/never-fetched.jpg") | {"media": _png()},
    )
    assert r.status_code == 200, r.content.decode()
    filed = Open311Request.objects.get(pk=int(r.json()[0]["service_request_id"]))
    photo = Attachment.objects.get(case=filed.case)
    assert photo.kind == Attachment.Kind.PHOTO and photo.content_type == "image/jpeg"
    with photo.file.open("rb") as f:
        assert Image.open(f).size == (40, 30)
    (shown,) = Client().get(f"{V2}/requests/{filed.pk}.json").json()
    assert shown["media_url"] == "http://192.0.2.1/never-fetched.jpg"
    # The same pixel limit as scan-to-speak; nothing stored.
    settings.LIANXIN_PHOTO_MAX_PIXELS = 1000
    before = Case.objects.count()
    r = post(body(key) | {"media": _png(100, 100)})
    assert r.status_code == 400
    validate_error(r.json(), 400)
    assert Case.objects.count() == before


def test_revoked_keys_stop_at_once_and_requests_name_their_client(key):
    filed = Open311Request.objects.get(pk=int(post(body(key)).json()[0]["service_request_id"]))
    revoke_key(filed.client, acting_user=user("admin"))
    r = post(body(key))
    assert r.status_code == 403
    validate_error(r.json(), 403)
    filed.refresh_from_db()
    assert filed.client.revoked_at is not None  # the request still names it
    assert TrailEvent.objects.filter(
        action="open311.key_revoked", object_id=str(filed.client.pk)
    ).exists()
    assert AuditLog.objects.filter(
        kind=AuditLog.Kind.TOKEN_REVOKED, target=f"open311:{filed.client.pk}"
    ).exists()


def test_the_administrator_issues_and_revokes_keys_in_the_admin():
    admin = client_for("admin")
    r = admin.post(
        "/admin/open311/open311client/add/",
        {"name": "太谷区便民平台", "contact": "王工"},
        follow=True,
    )
    assert r.status_code == 200
    page = r.content.decode()
    client = Open311Client.objects.get(name="太谷区便民平台")
    start = page.index("o311_")
    issued = page[start : start + 48].split("<")[0].split()[0]
    assert issued.startswith(client.key_prefix) and issued not in client.key_hash
    assert client.created_by == user("admin")
    assert TrailEvent.objects.filter(action="open311.key_issued", object_id=str(client.pk)).exists()
    # The key shown works; after revoking, it does not.
    assert post(body(issued)).status_code == 200
    r = admin.post(
        "/admin/open311/open311client/",
        {"action": "revoke", "_selected_action": [client.pk]},
        follow=True,
    )
    assert r.status_code == 200
    assert post(body(issued)).status_code == 403
    # Staff other than the administrator have no such page.
    assert client_for("yc_staff").get("/admin/open311/open311client/").status_code in (302, 403)


def test_merged_and_declined_requests_are_closed_with_a_note(key):
    from lianxin.casework.actions import do_decline_case, do_merge_case

    staff = user("yc_staff")
    ids = [post(body(key, description=f"顺城街路灯不亮 {i}")).json()[0] for i in range(3)]
    cases = [Open311Request.objects.get(pk=int(x["service_request_id"])).case for x in ids]
    complete_intake()
    do_merge_case(cases[1], into=cases[0], acting_user=staff)
    do_decline_case(cases[2], reason="不属于人大受理范围。", acting_user=staff)
    r = Client().get(
        f"{V2}/requests.json",
        {"service_request_id": ",".join(x["service_request_id"] for x in ids)},
    )
    validate(r.json(), "requests.json")
    shown = {x["service_request_id"]: x for x in r.json()}
    main, merged, declined = (shown[x["service_request_id"]] for x in ids)
    assert main["status"] == "open"
    assert merged["status"] == "closed" and merged["status_notes"].startswith("已合并：")
    assert declined["status"] == "closed" and declined["status_notes"] == "不予受理"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own read-only switch")
def test_a_read_only_database_answers_503_in_the_open311_format(key):
    with connection.cursor() as c:
        c.execute("PRAGMA query_only = 1")
    try:
        r = post(body(key))
    finally:
        with connection.cursor() as c:
            c.execute("PRAGMA query_only = 0")
    assert r.status_code == 503 and r["Retry-After"] == "30"
    validate_error(r.json(), 503)


def test_a_post_to_the_xml_suffix_answers_in_xml(key):
    r = Client().post(f"{V2}/requests.xml", body(key))
    assert r.status_code == 200
    root = xml_root(r)
    assert root.tag == "service_requests"
    request_id = root.findtext("request/service_request_id")
    assert Open311Request.objects.filter(pk=int(request_id)).exists()
    assert root.findtext("request/account_id") == ""


def test_an_unreadable_body_is_an_open311_error(key, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    r = post(body(key) | {f"extra{i}": "x" for i in range(10)})
    assert r.status_code == 400
    validate_error(r.json(), 400)
    broken = Client().post(
        f"{V2}/requests.json",
        b"--nope\r\nbroken",
        content_type="multipart/form-data; boundary=",
    )
    assert broken.status_code == 400
    validate_error(broken.json(), 400)
