"""The public site without an account: drill-down, search, near me, a station, a deputy's
public profile, schedules; small pages and the large-text mode."""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import Sum
from django.urls import reverse

from lianxin.liaison import queries
from lianxin.liaison.models import ReceptionRecord, Station
from lianxin.org.models import Deputy

pytestmark = pytest.mark.django_db


@pytest.fixture
def beiguan():
    return Station.objects.get(code="YC-BGJD")


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_drilling_down_from_the_city_to_a_station(client, beiguan):
    home = html(client.get(reverse("portal_home")))
    assert 'href="/public/r/1407/"' in home and "晋中市" in home
    city = html(client.get(reverse("portal_region", args=["1407"])))
    assert 'href="/public/r/140702/"' in city and "榆次区" in city
    county = html(client.get(reverse("portal_region", args=["140702"])))
    assert 'href="/public/r/140702001/"' in county and "北关街道" in county
    assert "榆次区人大代表联络中心" in county  # the centre sits at the county itself
    township = html(client.get(reverse("portal_region", args=["140702001"])))
    assert f'href="/public/stations/{beiguan.pk}/"' in township
    assert client.get(reverse("portal_region", args=["999999"])).status_code == 404
    assert client.get("/public/r/abc/").status_code == 404


def test_the_station_page_shows_the_next_reception_day_deputies_and_points(client, beiguan):
    page = html(client.get(reverse("portal_station", args=[beiguan.pk])))
    upcoming = queries.next_reception_days(beiguan, count=1)[0]
    assert "下一次接待日" in page
    assert f"{upcoming.date.year}年{upcoming.date.month}月{upcoming.date.day}日" in page
    assert "连心代表" in page and "晋联代表" in page
    for name in beiguan.points.values_list("name", flat=True):
        assert name in page
    assert f'href="{reverse("scan_to_speak", args=[beiguan.scan_code])}"' in page
    deputy = Deputy.objects.filter(station_membership__station=beiguan).first()
    assert f'href="/api/v1/deputies/{deputy.pk}/card.pdf"' in page


def test_the_station_page_is_small_and_has_no_framework(client, beiguan):
    response = client.get(reverse("portal_station", args=[beiguan.pk]))
    page = html(response)
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    css = sum(
        len(open(finders.find(href.removeprefix(settings.STATIC_URL)), "rb").read())
        for href in stylesheets
    )
    assert len(response.content) + css < 50 * 1024
    assert "<script src" not in page and "htmx" not in page


def test_the_large_text_mode_works_by_link_and_by_cookie(client, beiguan):
    url = reverse("portal_station", args=[beiguan.pk])
    assert 'class="portal large-text"' in html(client.get(url, {"large": "1"}))
    assert 'class="portal"' in html(client.get(url))
    switched = client.get(reverse("large_text"), {"on": "1", "next": url})
    assert switched.status_code == 302
    assert 'class="portal large-text"' in html(client.get(url))
    assert "标准字号" in html(client.get(url))


def test_searching_by_name_or_place(client, beiguan):
    by_station = html(client.get(reverse("portal_search"), {"q": "北关"}))
    assert "北关街道代表联络站" in by_station
    point = beiguan.points.first()
    by_place = html(client.get(reverse("portal_search"), {"q": point.place}))
    assert point.name in by_place
    by_deputy = html(client.get(reverse("portal_search"), {"q": "连心代表"}))
    assert "连心代表" in by_deputy and "/public/deputies/" in by_deputy
    nothing = html(client.get(reverse("portal_search"), {"q": "不存在的地方"}))
    assert "没有找到" in nothing


def test_near_me_lists_the_nearest_stations_with_distances(client, beiguan):
    page = html(client.get(reverse("portal_near"), {"lat": "37.6995", "lng": "112.7365"}))
    first = re.search(r'<a class="t" href="/public/stations/(\d+)/">', page)
    assert int(first.group(1)) == beiguan.pk
    assert "米" in page
    bad = client.get(reverse("portal_near"), {"lat": "north", "lng": "east"})
    assert bad.status_code == 422
    assert "位置格式应为" in bad.content.decode()
    far = client.get(reverse("portal_near"), {"near": "91,0"})
    assert far.status_code == 422


def test_a_deputy_public_profile_shows_the_four_things(client, beiguan):
    seat = Deputy.objects.get(person__user__username="deputy_demo", congress__level="county")
    page = html(client.get(reverse("portal_deputy", args=[seat.pk])))
    for heading in ("亮身份", "亮职责", "亮承诺", "亮履职"):
        assert heading in page
    assert "晋中市人民代表大会代表" in page and "榆次区人民代表大会代表" in page
    assert beiguan.name in page
    assert "每月15日" in page  # the station's reception day
    for content in seat.commitments.values_list("content", flat=True):
        assert content in page
    seats = Deputy.objects.filter(person_id=seat.person_id)
    records = ReceptionRecord.objects.filter(deputies__in=seats).distinct()
    days = records.values("station_id", "date").distinct().count()
    people = records.aggregate(n=Sum("visitor_count"))["n"] or 0
    assert f"<b>{days}</b>参加联络站接待（次）" in page
    assert f"<b>{people}</b>接待群众（人次）" in page
    assert f'href="{reverse("scan_to_speak", args=[seat.scan_code])}"' in page
    assert "13900000001" not in page  # never the phone number


def test_former_or_unknown_deputies_have_no_public_profile(client):
    seat = Deputy.objects.filter(congress__region__code="140703").first()
    Deputy.objects.filter(pk=seat.pk).update(status="ended")
    assert client.get(reverse("portal_deputy", args=[seat.pk])).status_code == 404
    assert client.get("/public/deputies/99999999/").status_code == 404


def test_the_county_schedule_page_and_its_notice(client):
    page = html(client.get(reverse("portal_county_schedule", args=["140702"])))
    assert "榆次区接待日安排" in page
    assert "北关街道代表联络站" in page
    assert reverse("portal_county_notice", args=["140702"]) in page
    bad = client.get(reverse("portal_county_schedule", args=["140702"]), {"from": "yesterday"})
    assert bad.status_code == 422


def test_an_inactive_station_is_not_public(client):
    station = Station.objects.get(code="YC-003")
    Station.objects.filter(pk=station.pk).update(is_active=False)
    assert client.get(reverse("portal_station", args=[station.pk])).status_code == 404
    assert "新华街道人大代表联络站" not in html(
        client.get(reverse("portal_region", args=["140702003"]))
    )


def test_odd_search_input_is_harmless(client):
    for q in ("\x00", "北关\x00", "%", "_", "x" * 500):
        assert client.get(reverse("portal_search"), {"q": q}).status_code == 200


def test_every_page_names_its_icon_so_browsers_ask_for_no_missing_favicon(client):
    from django.contrib.staticfiles import finders

    page = client.get(reverse("portal_home")).content.decode()
    assert '<link rel="icon" href="/static/lianxin/favicon.svg" type="image/svg+xml">' in page
    found = finders.find("lianxin/favicon.svg")
    assert found and open(found, encoding="utf-8").read().startswith("<svg")


def test_a_promise_made_at_both_seats_is_shown_once(client):
    import datetime as dt

    from lianxin.accounts.models import User
    from lianxin.liaison.actions import do_add_commitment

    seats = list(Deputy.objects.filter(person__user__username="deputy_demo").order_by("pk"))
    assert len(seats) == 2
    deputy = User.objects.get(username="deputy_demo")
    for s in seats:
        do_add_commitment(
            s, year=dt.date.today().year, content="每季度到联络站接待群众一次", acting_user=deputy
        )
    page = html(client.get(reverse("portal_deputy", args=[seats[0].pk])))
    assert page.count("每季度到联络站接待群众一次") == 1


def test_the_station_page_opens_its_place_in_a_map_app(client, beiguan):
    page = html(client.get(reverse("portal_station", args=[beiguan.pk])))
    lat, lng = f"{beiguan.latitude:f}", f"{beiguan.longitude:f}"
    assert f'href="geo:{lat},{lng}?q={lat},{lng}(' in page
    assert f"position={lng},{lat}" in page
    beiguan.latitude = beiguan.longitude = None
    beiguan.save(update_fields=["latitude", "longitude"])
    assert 'id="map-links"' not in html(client.get(reverse("portal_station", args=[beiguan.pk])))
