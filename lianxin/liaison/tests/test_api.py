"""The station API as the issue promises it: public fields without a token, scoped extras with
one, "near me", schedules, and clear 4xx answers to bad input."""

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lianxin.liaison.models import Station
from lianxin.liaison.queries import haversine_m

pytestmark = pytest.mark.django_db

PUBLIC_KEYS = {
    "id", "code", "name", "kind", "kind_label", "kind_text", "fused_kinds", "specialty", "region",
    "address", "host_org", "latitude", "longitude", "opening_hours", "contact_name",
    "contact_phone", "scan_url", "public_url", "card_url", "notice_url", "distance_m", "internal",
}  # fmt: skip


def test_anyone_lists_the_stations_of_a_region_with_public_fields_only(api):
    response = api.anon().get("/api/v1/stations", {"region": "140702", "limit": 100})
    assert response.status_code == 200
    body = response.json()
    expected = Station.objects.filter(region__code__startswith="140702", is_active=True)
    assert body["count"] == expected.count()
    assert {s["code"] for s in body["items"]} == set(expected.values_list("code", flat=True))
    for item in body["items"]:
        assert set(item) == PUBLIC_KEYS
        assert item["internal"] is None
        assert item["scan_url"].startswith(settings.LIANXIN_PUBLIC_BASE_URL + "/s/")
    beiguan = next(s for s in body["items"] if s["code"] == "YC-BGJD")
    station = Station.objects.get(code="YC-BGJD")
    assert beiguan["scan_url"] == settings.LIANXIN_PUBLIC_BASE_URL + reverse(
        "scan_to_speak", args=[station.scan_code]
    )
    assert "manager_phone" not in str(body)


def test_staff_get_the_internal_fields_of_their_own_stations_only(api):
    yc = api.as_user("yc_staff").get("/api/v1/stations", {"region": "140702", "limit": 100}).json()
    assert all(item["internal"] is not None for item in yc["items"])
    beiguan = next(s for s in yc["items"] if s["code"] == "YC-BGJD")
    assert beiguan["internal"]["congress"] == "榆次区人民代表大会"
    assert beiguan["internal"]["deputies_assigned"] >= 2
    tg = api.as_user("tg_staff").get("/api/v1/stations", {"region": "140702", "limit": 100}).json()
    assert tg["count"] == yc["count"]  # the public directory is the same for everyone
    assert all(item["internal"] is None for item in tg["items"])
    own = api.as_user("tg_staff").get("/api/v1/stations", {"region": "140703"}).json()
    assert own["items"] and all(item["internal"] is not None for item in own["items"])


def test_a_station_manager_phone_is_masked_even_for_staff(api):
    station = Station.objects.get(code="YC-BGJD")
    Station.objects.filter(pk=station.pk).update(manager_phone="13912345678")
    body = api.as_user("yc_staff").get(f"/api/v1/stations/{station.pk}").json()
    assert body["internal"]["manager_phone"] == "139****5678"
    assert api.as_user("tg_staff").get(f"/api/v1/stations/{station.pk}").json()["internal"] is None


def test_near_me_gives_the_nearest_stations_first_with_their_distance(api):
    body = api.anon().get("/api/v1/stations", {"near": "37.6995,112.7365", "limit": 5}).json()
    assert body["count"] == 5
    assert body["items"][0]["code"] == "YC-BGJD"
    distances = [s["distance_m"] for s in body["items"]]
    assert distances == sorted(distances)
    first = body["items"][0]
    assert first["distance_m"] == round(
        haversine_m(37.6995, 112.7365, first["latitude"], first["longitude"])
    )


def test_filters_combine_with_near_me(api):
    body = (
        api.anon()
        .get("/api/v1/stations", {"near": "37.6995,112.7365", "kind": "specialised", "limit": 10})
        .json()
    )
    assert body["items"] and {s["kind"] for s in body["items"]} == {"specialised"}
    fused = api.anon().get("/api/v1/stations", {"kind": "legislative_contact_point"}).json()
    assert fused["items"] and all(
        s["kind"] == "legislative_contact_point" or "legislative_contact_point" in s["fused_kinds"]
        for s in fused["items"]
    )
    found = api.anon().get("/api/v1/stations", {"q": "司法"}).json()
    assert [s["code"] for s in found["items"]] == ["YC-SF"]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"near": "37.7"}, "near"),
        ({"near": "north,east"}, "near"),
        ({"near": "95,112"}, "near"),
        ({"near": "37.7,200"}, "near"),
        ({"near": "nan,inf"}, "near"),
        ({"region": "1407xx"}, "region"),
        ({"region": "999999"}, "region"),
        ({"kind": "cafe"}, "kind"),
        ({"limit": "0"}, "limit"),
        ({"limit": "1000"}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"offset": "-1"}, "offset"),
    ],
)
def test_bad_list_parameters_are_refused_clearly(api, params, field):
    response = api.anon().get("/api/v1/stations", params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["message"]
    assert body.get("field") == field or field in body.get("fields", [])


def test_one_station_comes_with_points_deputies_and_upcoming_days(api):
    station = Station.objects.get(code="YC-BGJD")
    body = api.anon().get(f"/api/v1/stations/{station.pk}").json()
    assert {p["name"] for p in body["points"]} == set(
        station.points.filter(is_active=True).values_list("name", flat=True)
    )
    assert {d["name"] for d in body["deputies"]} >= {"连心代表", "晋联代表"}
    assert body["upcoming"], "the demo station has reception days ahead"
    day = body["upcoming"][0]
    assert dt.date.fromisoformat(day["date"]) >= dt.date.today() - dt.timedelta(days=1)
    assert day["station"]["code"] == "YC-BGJD"
    assert any(r.startswith("每月15日") for r in body["rules"])
    card = body["deputies"][0]["card_url"]
    assert api.anon().get(card).status_code == 200


def test_the_schedule_between_two_dates(api):
    station = Station.objects.get(code="YC-BGJD")
    today = dt.date.today()
    end = today + dt.timedelta(days=62)
    body = (
        api.anon()
        .get(
            f"/api/v1/stations/{station.pk}/schedule",
            {"from": today.isoformat(), "to": end.isoformat()},
        )
        .json()
    )
    assert body["count"] == len(body["items"]) >= 2
    days = [dt.date.fromisoformat(i["date"]) for i in body["items"]]
    assert days == sorted(days) and all(today <= d <= end for d in days)
    assert any(d.day == 15 for d in days)


def test_unknown_and_inactive_stations_are_not_found_publicly(api):
    assert api.anon().get("/api/v1/stations/99999999").status_code == 404
    assert api.anon().get("/api/v1/stations/abc").status_code == 404
    station = Station.objects.get(code="YC-002")
    Station.objects.filter(pk=station.pk).update(is_active=False)
    assert api.anon().get(f"/api/v1/stations/{station.pk}").status_code == 404
    assert api.as_user("tg_staff").get(f"/api/v1/stations/{station.pk}").status_code == 404
    staff = api.as_user("yc_staff").get(f"/api/v1/stations/{station.pk}")
    assert staff.status_code == 200 and staff.json()["internal"]["is_active"] is False
    codes = {s["code"] for s in api.anon().get("/api/v1/stations", {"limit": 100}).json()["items"]}
    assert "YC-002" not in codes


def test_the_list_costs_the_same_queries_for_many_stations_as_for_few(api):
    client = api.as_user("jz_staff")
    client.get("/api/v1/stations", {"limit": 1})  # the token is looked up once
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/stations", {"limit": 2})
    with CaptureQueriesContext(connection) as many:
        client.get("/api/v1/stations", {"limit": 60})
    assert len(many) == len(few)


def test_the_endpoints_are_in_the_openapi_document(api):
    paths = api.anon().get("/api/v1/openapi.json").json()["paths"]
    for path in [
        "/api/v1/stations",
        "/api/v1/stations/{station_id}",
        "/api/v1/stations/{station_id}/schedule",
        "/api/v1/stations/{station_id}/notice.pdf",
        "/api/v1/stations/{station_id}/card.pdf",
        "/api/v1/deputies/{deputy_id}/card.pdf",
        "/api/v1/stations/import",
    ]:
        assert path in paths, path
    params = {p["name"] for p in paths["/api/v1/stations"]["get"]["parameters"]}
    assert {"region", "kind", "q", "near"} <= params


def test_staff_export_their_stations_to_excel(api):
    from lianxin.core.models import AuditLog

    response = api.as_user("yc_staff").get("/api/v1/stations/export.xlsx")
    assert response.status_code == 200
    assert response.content[:2] == b"PK"
    assert AuditLog.objects.filter(kind="exported", username="yc_staff").exists()
    assert api.as_user("unit_demo").get("/api/v1/stations/export.xlsx").status_code == 403


def test_a_nul_character_in_the_search_is_harmless(api):
    response = api.anon().get("/api/v1/stations", {"q": "北关\x00"})
    assert response.status_code == 200
    items = response.json()["items"]
    assert "YC-BGJD" in {s["code"] for s in items}
    assert all("北关" in s["name"] + s["region"]["name"] for s in items)
