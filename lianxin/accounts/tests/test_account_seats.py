"""A login opened by an office holds that office's seats only (issue 15, item 2)."""

import pytest

from lianxin.accounts import access
from lianxin.accounts.models import User
from lianxin.org.models import Congress, Deputy

pytestmark = pytest.mark.django_db

STRONG = "Jinzhong-2026-safe"
NEW = "Taigu-own-choice-77"


@pytest.fixture
def two_seats(db):
    """A 太谷区 deputy without a login who is also a deputy of the city congress."""
    county = Deputy.objects.filter(congress__region__code="140703", person__user__isnull=True)
    county_seat = county.exclude(person__deputy_seats__congress__region__code="1407").first()
    city = Congress.objects.get(region__code="1407")
    city_seat = Deputy.objects.create(
        person=county_seat.person, congress=city, term=county_seat.term
    )
    return county_seat, city_seat


def signed_in(api, username, password=STRONG, new=NEW):
    """The new login's own token, after it has chosen its own password."""
    token = api.post("/api/v1/auth/token", {"username": username, "password": password}).json()
    client = type(api)(token["token"])
    r = client.post("/api/v1/me/password", {"old_password": password, "new_password": new})
    assert r.status_code == 200, r.json()
    return client


def test_a_county_office_cannot_make_itself_a_city_deputy(api, two_seats):
    county_seat, city_seat = two_seats
    r = api.as_user("tg_staff").post(
        "/api/v1/users", {"username": "tg_two_seats", "password": STRONG, "deputy": county_seat.pk}
    )
    assert r.status_code == 201, r.json()
    assert r.json()["deputy_ids"] == [county_seat.pk]
    login = signed_in(api, "tg_two_seats")
    assert login.get("/api/v1/me").json()["deputy_ids"] == [county_seat.pk]
    # Not a city deputy: the city seat and the city's roll are not the login's.
    assert login.get(f"/api/v1/deputies/{county_seat.pk}").status_code == 200
    assert login.get(f"/api/v1/deputies/{city_seat.pk}").status_code == 404
    city_roll = login.get("/api/v1/deputies", {"congress": city_seat.congress_id, "limit": 200})
    assert city_seat.pk not in [d["id"] for d in city_roll.json().get("items", [])]
    refused = login.post(
        "/api/v1/suggestions",
        {"title": "关于市级事项的建议", "content": "内容", "congress": city_seat.congress_id},
    )
    assert refused.status_code in (403, 404, 422), refused.json()
    user = User.objects.get(username="tg_two_seats")
    assert access.grants(user).deputy_ids == frozenset({county_seat.pk})
    assert list(access.deputy_seat_holders([city_seat.pk])) == []
    assert list(access.deputy_seat_holders([county_seat.pk])) == [user]
    # The city office does not see the county's login among its accounts.
    city_accounts = api.as_user("jz_staff").get("/api/v1/users", {"q": "tg_two_seats"}).json()
    assert city_accounts["count"] == 0


def test_the_administrators_login_for_the_person_holds_every_seat(api, two_seats):
    county_seat, city_seat = two_seats
    r = api.as_user("admin").post(
        "/api/v1/users", {"username": "both_seats", "password": STRONG, "deputy": county_seat.pk}
    )
    assert r.status_code == 201, r.json()
    assert sorted(r.json()["deputy_ids"]) == sorted([county_seat.pk, city_seat.pk])
    user = User.objects.get(username="both_seats")
    assert access.grants(user).deputy_ids == frozenset({county_seat.pk, city_seat.pk})
