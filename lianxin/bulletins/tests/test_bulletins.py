"""Bulletins through the API and the pages: sent to all deputies of a congress or to chosen
ones, read receipts written once, the office's not-yet-read list; the refusals (a deputy of
another congress, empty text, another county's office, a deputy who was not sent it)."""

from __future__ import annotations

import pytest

from lianxin.bulletins.models import Bulletin, Receipt
from lianxin.core.models import TrailEvent
from lianxin.org.models import Congress, Deputy, Level, SeatStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def yuci(db):
    return Congress.objects.get(region__code="140702", level=Level.COUNTY)


def _seat(users, username, congress):
    return Deputy.objects.get(person=users[username].person, congress=congress)


def _send(api, yuci, **fields):
    body = {
        "congress_id": yuci.pk,
        "kind": "briefing",
        "title": "2026 年第三季度政情通报",
        "body": "区人民政府第三季度工作情况通报如下。",
        **fields,
    }
    return api.as_user("yc_staff").post("/api/v1/bulletins", body)


def test_a_bulletin_to_every_deputy_has_a_receipt_each_and_reading_is_recorded_once(
    api, yuci, users
):
    r = _send(api, yuci)
    assert r.status_code == 201, r.content
    bid = r.json()["id"]
    serving = Deputy.objects.filter(congress=yuci, status=SeatStatus.SERVING).count()
    assert r.json()["recipients"] == serving and r.json()["read"] == 0
    d = api.as_user("deputy_d")
    assert d.get(f"/api/v1/bulletins/{bid}").json()["recipients"] is None
    first = d.post(f"/api/v1/bulletins/{bid}/read").json()
    again = d.post(f"/api/v1/bulletins/{bid}/read").json()
    assert first[0]["read_at"] is not None and first == again
    assert TrailEvent.objects.filter(action="bulletins.read").count() == 1
    staff = api.as_user("yc_staff")
    unread = staff.get(f"/api/v1/bulletins/{bid}/receipts", {"unread": "true"}).json()
    names = [x["name"] for x in unread]
    assert users["deputy_d"].person.name not in names
    assert users["deputy_e"].person.name in names
    assert len(names) == serving - 1
    assert d.get(f"/api/v1/bulletins/{bid}/receipts").status_code == 403


def test_a_bulletin_to_chosen_deputies_reaches_only_them(api, yuci, users):
    seat_d = _seat(users, "deputy_d", yuci)
    r = _send(api, yuci, kind="new_law", audience="chosen", deputies=[seat_d.pk])
    assert r.status_code == 201
    bid = r.json()["id"]
    assert r.json()["recipients"] == 1
    assert api.as_user("deputy_e").get(f"/api/v1/bulletins/{bid}").status_code == 404
    assert api.as_user("deputy_e").post(f"/api/v1/bulletins/{bid}/read").status_code == 404
    assert api.as_user("deputy_d").get(f"/api/v1/bulletins/{bid}").status_code == 200


def test_bad_bulletins_are_refused_and_nothing_is_saved(api, yuci, users):
    city = Deputy.objects.filter(status=SeatStatus.SERVING).exclude(congress=yuci).first()
    r = _send(api, yuci, audience="chosen", deputies=[_seat(users, "deputy_d", yuci).pk, city.pk])
    assert r.status_code == 422
    assert r.json()["code"] == "outside_congress"
    assert city.person.name in r.json()["message"]
    r = _send(api, yuci, body="  ")
    assert r.status_code == 422 and r.json()["message"] == "请填写正文。"
    r = _send(api, yuci, audience="chosen", deputies=[])
    assert r.status_code == 422 and r.json()["field"] == "deputies"
    assert not Bulletin.objects.exists() and not Receipt.objects.exists()


def test_another_countys_office_neither_sends_for_it_nor_sees_it(api, yuci):
    bid = _send(api, yuci).json()["id"]
    tg = api.as_user("tg_staff")
    assert tg.get(f"/api/v1/bulletins/{bid}").status_code == 404
    assert tg.get(f"/api/v1/bulletins/{bid}/receipts").status_code == 404
    body = {"congress_id": yuci.pk, "kind": "briefing", "title": "x", "body": "y"}
    assert tg.post("/api/v1/bulletins", body).status_code == 403
    assert api.as_user("jz_staff").get(f"/api/v1/bulletins/{bid}/receipts").status_code == 200


def test_the_pages_show_the_office_who_has_not_read_it(client, yuci, users):
    seats = [_seat(users, u, yuci) for u in ("deputy_d", "deputy_e")]
    client.force_login(users["yc_staff"])
    assert 'id="id_deputies' in client.get("/bulletins/new/").content.decode()
    r = client.post(
        "/bulletins/new/",
        {
            "kind": "learning",
            "title": "《代表法》学习资料",
            "body": "第一章 总则……",
            "audience": "chosen",
            "deputies": [str(s.pk) for s in seats],
        },
    )
    assert r.status_code == 302
    b = Bulletin.objects.get()
    page = client.get(r["Location"]).content.decode()
    assert "尚未阅读（2 人）" in page
    client.force_login(users["deputy_d"])
    assert "未读" in client.get("/bulletins/").content.decode()
    assert "《代表法》学习资料" in client.get(f"/bulletins/{b.pk}/").content.decode()
    assert "未读" not in client.get("/bulletins/").content.decode()
    client.force_login(users["yc_staff"])
    page = client.get(f"/bulletins/{b.pk}/").content.decode()
    assert "尚未阅读（1 人）" in page and "已阅读（1 人）" in page
    unread = page.split('id="unread"')[1].split("</section>")[0]
    assert users["deputy_e"].person.name in unread
    assert users["deputy_d"].person.name not in unread
    r = client.post(
        "/bulletins/new/", {"kind": "briefing", "title": "", "body": "x", "audience": "all"}
    )
    assert r.status_code == 422 and "请填写标题。" in r.content.decode()
