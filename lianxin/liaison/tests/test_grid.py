"""The grid: stations, points and deputies in stations, through the actions; and the demo grid."""

import json

import pytest

from lianxin.core.errors import Conflict, Forbidden, ValidationFailed
from lianxin.liaison import actions, queries
from lianxin.liaison.models import Point, Station, StationMembership
from lianxin.org.models import Congress, Deputy, Region, SeatStatus
from lianxin.testing.data import shared_data

pytestmark = pytest.mark.django_db
SHARED = shared_data("divisions", "shanxi_cities.geojson")


@pytest.fixture
def yc():
    return Congress.objects.select_related("region").get(region__code="140702", level="county")


def new_station(yc, user, code="YC-TEST", **data):
    fields = {
        "name": "测试联络站",
        "region": "140702104",
        "kind": "ordinary",
        "address": "北田镇人民政府院内",
        "latitude": "37.62",
        "longitude": "112.81",
        **data,
    }
    return actions.do_create_station(congress=yc, code=code, data=fields, acting_user=user)


def test_staff_open_a_station_with_its_fields(yc, users):
    station = new_station(
        yc,
        users["yc_staff"],
        kind="fusion",
        fused_kinds="代表联络中心、基层立法联系点",
        host_org="北田镇人民政府",
        opening_hours="工作日 9:00—17:00",
        contact_phone="0354-1234567",
    )
    station.refresh_from_db()
    assert station.code == "YC-TEST"
    assert station.region.code == "140702104"
    assert station.fused_kind_list == ["liaison_centre", "legislative_contact_point"]
    assert station.kind_text == "融合站点（代表联络中心、基层立法联系点）"
    assert str(station.latitude) == "37.620000"


@pytest.mark.parametrize(
    "data, field, words",
    [
        ({"latitude": "95", "longitude": "112"}, "latitude", "-90 至 90"),
        ({"latitude": "37.7", "longitude": "190"}, "longitude", "-180 至 180"),
        ({"latitude": "112.7", "longitude": "37.7"}, "latitude", "填反"),
        ({"latitude": "37.7", "longitude": ""}, "longitude", "同时填写"),
        ({"latitude": "北纬37度"}, "latitude", "应为数字"),
        ({"region": "140703101"}, "region", "不在榆次区范围内"),
        ({"region": "999999999"}, "region", "不存在"),
        ({"name": ""}, "name", "请填写名称"),
        ({"kind": "会客厅"}, "kind", "不存在"),
        ({"fused_kinds": "代表联络中心"}, "fused_kinds", "只有融合站点"),
        ({"contact_phone": "电话号码"}, "contact_phone", "联系电话格式不正确"),
        ({"contact_phone": "12345"}, "contact_phone", "联系电话格式不正确"),
        ({"manager_phone": "12345"}, "manager_phone", "站长手机格式不正确"),
    ],
)
def test_bad_station_fields_are_refused_with_a_message(yc, users, data, field, words):
    with pytest.raises(ValidationFailed) as exc:
        new_station(yc, users["yc_staff"], **data)
    assert exc.value.field == field
    assert words in exc.value.message
    assert not Station.objects.filter(code="YC-TEST").exists()


def test_a_station_code_is_used_once(yc, users):
    with pytest.raises(Conflict):
        new_station(yc, users["yc_staff"], code="yc-bgjd")
    with pytest.raises(ValidationFailed):
        new_station(yc, users["yc_staff"], code="北关")


def test_only_the_congress_office_opens_its_stations(yc, users):
    for username in ("tg_staff", "jz_staff", "yc_station", "deputy_demo", "leader_demo"):
        with pytest.raises(Forbidden):
            new_station(yc, users[username])


def test_a_station_manager_keeps_the_station_and_its_points(users):
    station = Station.objects.select_related("congress__region").get(code="YC-BGJD")
    actions.do_update_station(
        station, data={"opening_hours": "每天 8:30—18:00"}, acting_user=users["yc_station"]
    )
    point = actions.do_add_point(
        station,
        data={
            "name": "新街社区联络点",
            "place": "新街社区",
            "latitude": "37.70",
            "longitude": "112.74",
        },
        acting_user=users["yc_station"],
    )
    assert point.region == station.region  # a point lies where its station does, unless told
    with pytest.raises(Conflict):
        actions.do_add_point(
            station, data={"name": "新街社区联络点"}, acting_user=users["yc_station"]
        )
    actions.do_update_point(point, data={"kind": "基层立法联系点"}, acting_user=users["yc_station"])
    point.refresh_from_db()
    assert point.kind == Point.Kind.LEGISLATIVE_CONTACT_POINT
    station.refresh_from_db()
    assert station.opening_hours == "每天 8:30—18:00"
    other = Station.objects.select_related("congress__region").get(code="YC-002")
    with pytest.raises(Forbidden):
        actions.do_update_station(other, data={"name": "改名"}, acting_user=users["yc_station"])


def test_deputies_of_every_level_are_assigned_to_one_station(users):
    station = Station.objects.select_related("region", "congress__region").get(code="YC-002")
    township = (
        Deputy.objects.filter(
            congress__region__code__startswith="140702", congress__level="township"
        )
        .select_related("congress__region", "person")
        .first()
    )
    city = (
        Deputy.objects.filter(congress__region__code="1407")
        .select_related("congress__region", "person")
        .first()
    )
    actions.do_assign_deputy(station, township, acting_user=users["yc_staff"])
    # 榆次区's office does not place city deputies; the city's office does.
    with pytest.raises(Forbidden):
        actions.do_assign_deputy(station, city, acting_user=users["yc_staff"])
    actions.do_assign_deputy(station, city, acting_user=users["jz_staff"])
    assert set(
        StationMembership.objects.filter(station=station, deputy__in=[township, city]).values_list(
            "deputy__congress__level", flat=True
        )
    ) == {"township", "city"}
    # Moving a deputy to another station keeps one seat in one station.
    beiguan = Station.objects.select_related("region", "congress__region").get(code="YC-BGJD")
    actions.do_assign_deputy(beiguan, township, acting_user=users["yc_staff"])
    assert StationMembership.objects.get(deputy=township).station == beiguan
    with pytest.raises(Forbidden):
        actions.do_assign_deputy(beiguan, township, acting_user=users["tg_staff"])


def test_staff_see_who_is_not_assigned_yet(users):
    deputy = (
        Deputy.objects.filter(congress__region__code="140702", status=SeatStatus.SERVING)
        .select_related("person", "congress__region")
        .first()
    )
    assert deputy.pk not in set(
        queries.unassigned_deputies(users["yc_staff"]).values_list("pk", flat=True)
    )
    actions.do_unassign_deputy(deputy, acting_user=users["yc_staff"])
    assert deputy.pk in set(
        queries.unassigned_deputies(users["yc_staff"]).values_list("pk", flat=True)
    )
    assert deputy.pk in set(
        queries.unassigned_deputies(users["jz_staff"]).values_list("pk", flat=True)
    )
    assert deputy.pk not in set(
        queries.unassigned_deputies(users["tg_staff"]).values_list("pk", flat=True)
    )


def test_the_demo_assigns_every_deputy_to_a_station():
    assert not Deputy.objects.filter(
        status=SeatStatus.SERVING, station_membership__isnull=True
    ).exists()
    # Both seats of a person with a city and a county seat sit in the same station.
    person_stations = {}
    for person_id, station_id in StationMembership.objects.values_list(
        "deputy__person_id", "station_id"
    ):
        person_stations.setdefault(person_id, set()).add(station_id)
    assert all(len(s) == 1 for s in person_stations.values())


def test_the_demo_has_a_station_with_points_in_every_township_of_yuci():
    townships = Region.objects.filter(parent__code="140702")
    for township in townships:
        station = Station.objects.filter(region=township, kind="ordinary").first()
        assert station is not None, township.name
        assert station.points.exists(), township.name
    assert Station.objects.filter(code="YC-BGJD").count() == 1
    judicial = Station.objects.get(code="YC-SF")
    assert set(judicial.points.values_list("host_org", flat=True)) == {
        "晋中市公安局榆次分局",
        "榆次区人民检察院",
        "榆次区人民法院",
        "榆次区司法局",
    }
    other_counties = {c[:6] for c in Station.objects.values_list("region__code", flat=True)}
    assert len(other_counties - {"140702"}) >= 3


def _inside(polygons, x: float, y: float) -> bool:
    inside = False
    for polygon in polygons:
        ring = polygon[0]
        j = len(ring) - 1
        for i in range(len(ring)):
            xi, yi = ring[i]
            xj, yj = ring[j]
            if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
                inside = not inside
            j = i
    return inside


@pytest.mark.skipif(not SHARED.exists(), reason="the 山西 city boundaries are not on this machine")
def test_every_demo_station_and_point_lies_inside_jinzhong():
    features = json.loads(SHARED.read_text())["features"]
    jinzhong = next(f for f in features if f["properties"]["name"] == "晋中市")["geometry"]
    polygons = (
        jinzhong["coordinates"] if jinzhong["type"] == "MultiPolygon" else [jinzhong["coordinates"]]
    )
    places = list(Station.objects.exclude(latitude=None).values_list("longitude", "latitude"))
    places += list(Point.objects.exclude(latitude=None).values_list("longitude", "latitude"))
    outside = [(x, y) for x, y in places if not _inside(polygons, float(x), float(y))]
    assert places and not outside


def test_near_me_orders_stations_by_true_distance():
    lat, lng = 37.6995, 112.7365
    found = queries.nearest_station_ids(lat, lng, limit=8)
    distances = [d for _pk, d in found]
    assert distances == sorted(distances)
    assert Station.objects.get(pk=found[0][0]).code == "YC-BGJD"
    # The same answer as measuring every station.
    every = sorted(
        (queries.haversine_m(lat, lng, float(s.latitude), float(s.longitude)), s.pk)
        for s in queries.public_stations().exclude(latitude=None)
    )
    assert [pk for _d, pk in every[:8]] == [pk for pk, _d in found]


def test_near_me_reaches_out_when_nothing_is_close():
    # From 太原 (outside 晋中), the nearest stations are still found, tens of kilometres away.
    found = queries.nearest_station_ids(37.87, 112.55, limit=3)
    assert len(found) == 3
    assert all(d > 5_000 for _pk, d in found)
