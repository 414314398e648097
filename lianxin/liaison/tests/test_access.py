"""Who may see and do what in the liaison network: every persona × every action × a station of
their own, another station of the same county, and a station of another county."""

import pytest

from lianxin.accounts import access
from lianxin.liaison.models import Point, ReceptionRecord, ReceptionRule, Station, StationMembership
from lianxin.org.models import Congress

pytestmark = pytest.mark.django_db

PERSONAS = [
    "admin",
    "jz_staff",
    "yc_staff",
    "tg_staff",
    "yc_station",
    "deputy_demo",
    "unit_demo",
    "cppcc_staff",
    "member_demo",
    "leader_demo",
]
STATION_ACTIONS = ["station.view", "station.manage", "reception.record"]
CONGRESS_ACTIONS = ["station.create", "station.import"]
GLOBAL_ACTIONS = ["station.grid", "station.export", "reception.leaders"]


@pytest.fixture
def objects():
    return {
        "beiguan": Station.objects.get(code="YC-BGJD"),
        "yc_other": Station.objects.get(code="YC-002"),
        "tg_station": Station.objects.filter(region__code__startswith="140703").first(),
        "yc_congress": Congress.objects.get(region__code="140702"),
        "tg_congress": Congress.objects.get(region__code="140703"),
    }


def pairs(action, names):
    return {(action, n) for n in names}


ALL_STATIONS = ["beiguan", "yc_other", "tg_station"]
READERS = (
    pairs("station.grid", [None])
    | pairs("station.export", [None])
    | pairs("reception.leaders", [None])
)
EXPECTED = {
    "admin": pairs("station.view", ALL_STATIONS) | READERS,
    "jz_staff": pairs("station.view", ALL_STATIONS) | READERS,
    "yc_staff": pairs("station.view", ["beiguan", "yc_other"])
    | pairs("station.manage", ["beiguan", "yc_other"])
    | pairs("reception.record", ["beiguan", "yc_other"])
    | pairs("station.create", ["yc_congress"])
    | pairs("station.import", ["yc_congress"])
    | READERS,
    "tg_staff": pairs("station.view", ["tg_station"])
    | pairs("station.manage", ["tg_station"])
    | pairs("reception.record", ["tg_station"])
    | pairs("station.create", ["tg_congress"])
    | pairs("station.import", ["tg_congress"])
    | READERS,
    "yc_station": pairs("station.view", ["beiguan"])
    | pairs("station.manage", ["beiguan"])
    | pairs("reception.record", ["beiguan"])
    | pairs("station.export", [None]),
    "deputy_demo": pairs("station.view", ["beiguan"]),
    "unit_demo": set(),
    "cppcc_staff": set(),
    "member_demo": set(),
    "leader_demo": pairs("station.view", ALL_STATIONS) | READERS,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_liaison_permission_matrix(persona, users, objects):
    user = users[persona]
    actual = set()
    for action in STATION_ACTIONS:
        for name in ALL_STATIONS:
            if access.can(user, action, objects[name]):
                actual.add((action, name))
    for action in CONGRESS_ACTIONS:
        for name in ("yc_congress", "tg_congress"):
            if access.can(user, action, objects[name]):
                actual.add((action, name))
    for action in GLOBAL_ACTIONS:
        if access.can(user, action):
            actual.add((action, None))
    assert actual == EXPECTED[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_points_rules_and_records_follow_their_station(persona, users):
    user = users[persona]
    stations = set(access.visible_to(user, Station).values_list("pk", flat=True))
    g = access.grants(user)
    for model in (Point, ReceptionRule, StationMembership):
        seen = set(access.visible_to(user, model).values_list("station_id", flat=True))
        assert seen <= stations, model
    records = access.visible_to(user, ReceptionRecord)
    for record in records.prefetch_related("deputies"):
        assert record.station_id in stations or {d.pk for d in record.deputies.all()} & set(
            g.deputy_ids
        )
    if stations:
        assert access.visible_to(user, Point).exists()


def test_the_city_places_city_deputies_and_the_county_its_own(users, objects):
    from lianxin.org.models import Deputy

    beiguan = objects["beiguan"]
    city_deputy = Deputy.objects.filter(congress__region__code="1407").first()
    county_deputy = Deputy.objects.filter(congress__region__code="140702").first()
    tg_deputy = Deputy.objects.filter(congress__region__code="140703").first()
    assert access.can(users["jz_staff"], "station.assign", (beiguan, city_deputy))
    assert not access.can(users["jz_staff"], "station.assign", (beiguan, county_deputy))
    assert access.can(users["yc_staff"], "station.assign", (beiguan, county_deputy))
    assert not access.can(users["yc_staff"], "station.assign", (beiguan, city_deputy))
    assert not access.can(users["yc_staff"], "station.assign", (beiguan, tg_deputy))
    assert not access.can(users["tg_staff"], "station.assign", (beiguan, tg_deputy))
    assert not access.can(users["yc_station"], "station.assign", (beiguan, county_deputy))
