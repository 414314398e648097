"""The duty record's API (/api/v1/duty/…), its pages and the administrators' rule editing
(checks, preview before saving), with real tokens, real sessions and the demo's data."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from lianxin.duty.models import DutyEntry, DutyPost, DutyPostPhoto, GradeBand, ScoringRule
from lianxin.org.models import Deputy

pytestmark = pytest.mark.django_db


def _png(name: str):
    out = io.BytesIO()
    Image.new("RGB", (30, 20), (90, 160, 40)).save(out, format="PNG")
    out.name = name
    out.seek(0)
    return out


@pytest.fixture
def seat(users, seat_of):
    return seat_of(users["deputy_demo"])


def test_a_deputy_posts_by_the_api_and_the_station_approves_once(api, seat):
    me = api.as_user("deputy_demo")
    before = me.get(f"/api/v1/duty/seats/{seat.pk}/record").json()
    r = me.post_multipart(
        "/api/v1/duty/posts",
        {
            "deputy": seat.pk,
            "title": "参加社区议事",
            "content": "听取居民意见。",
            "date": timezone.localdate().isoformat(),
            "photos": [_png("a.png"), _png("b.png")],
        },
    )
    assert r.status_code == 201, r.content
    post = r.json()
    assert (post["status"], post["photos"]) == ("pending", 2)
    station = api.as_user("yc_station")
    r = station.post(f"/api/v1/duty/posts/{post['id']}/decide", {"approve": True})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    r = station.post(f"/api/v1/duty/posts/{post['id']}/decide", {"approve": True})
    assert r.status_code == 409 and r.json()["code"] == "already_decided"
    after = me.get(f"/api/v1/duty/seats/{seat.pk}/record").json()
    rule = ScoringRule.objects.get(congress=seat.congress, year=after["year"], kind="post")
    gained = after["points"] - before["points"]
    assert 0 <= gained <= rule.points
    new = [e for e in after["entries"] if e["source_url"] == f"/duty/posts/{post['id']}/"]
    assert len(new) == 1 and new[0]["points"] == gained
    assert new[0]["trail_event_id"] == DutyEntry.objects.get(pk=new[0]["id"]).trail_id


@pytest.mark.parametrize("count,bad", [(10, False), (1, True)])
def test_bad_posts_by_the_api_are_422_and_store_nothing(api, seat, count, bad):
    photos = [_png(f"{i}.png") for i in range(count)]
    if bad:
        photos.append(io.BytesIO(b"GIF89a broken"))
        photos[-1].name = "x.gif"
    posts, files = DutyPost.objects.count(), DutyPostPhoto.objects.count()
    r = api.as_user("deputy_demo").post_multipart(
        "/api/v1/duty/posts",
        {
            "deputy": seat.pk,
            "title": "走访",
            "content": "内容",
            "date": timezone.localdate().isoformat(),
            "photos": photos,
        },
    )
    assert r.status_code == 422
    body = r.json()
    assert body["message"] == (
        "“x.gif”不是可识别的图片，请上传 JPG 或 PNG 照片。" if bad else "最多上传 9 张照片。"
    )
    assert (DutyPost.objects.count(), DutyPostPhoto.objects.count()) == (posts, files)


def test_a_deputy_cannot_post_for_another_seat(api, users):
    other = Deputy.objects.exclude(person=users["deputy_demo"].person).first()
    r = api.as_user("deputy_demo").post_multipart(
        "/api/v1/duty/posts",
        {"deputy": other.pk, "title": "x", "content": "y", "date": "2020-01-01"},
    )
    assert r.status_code == 422 and r.json()["message"] == "请选择本人的代表身份。"


def test_scores_and_rules_by_the_api(api, yuci, seat):
    r = api.as_user("yc_staff").get("/api/v1/duty/scores", {"congress": yuci.pk})
    assert r.status_code == 200
    rows = r.json()["rows"]
    assert seat.pk in {row["deputy_id"] for row in rows}
    assert [row["points"] for row in rows] == sorted((row["points"] for row in rows), reverse=True)
    assert (
        api.as_user("tg_staff").get("/api/v1/duty/scores", {"congress": yuci.pk}).status_code == 404
    )
    assert (
        api.as_user("deputy_demo").get("/api/v1/duty/scores", {"congress": yuci.pk}).status_code
        == 404
    )
    assert (
        api.as_user("jz_staff").get("/api/v1/duty/scores", {"congress": yuci.pk}).status_code == 200
    )
    assert (
        api.as_user("yc_staff")
        .get("/api/v1/duty/scores", {"congress": yuci.pk, "quarter": 5})
        .status_code
        == 422
    )
    rules = api.as_user("deputy_demo").get("/api/v1/duty/scoring-rules", {"congress": yuci.pk})
    assert rules.status_code == 200
    body = rules.json()
    assert {b["grade_label"] for b in body["bands"]} == {"优秀", "称职", "基本称职", "不称职"}
    assert any(r["kind"] == "post" and r["points"] == 2 for r in body["rules"])
    assert (
        api.as_user("tg_staff").get("/api/v1/duty/scoring-rules", {"congress": yuci.pk}).status_code
        == 404
    )


def test_a_seat_record_is_the_same_404_for_others(api, seat):
    assert api.as_user("deputy_demo").get(f"/api/v1/duty/seats/{seat.pk}/record").status_code == 200
    assert api.as_user("yc_station").get(f"/api/v1/duty/seats/{seat.pk}/record").status_code == 200
    for who in ("tg_staff", "deputy_d", "unit_demo"):
        r = api.as_user(who).get(f"/api/v1/duty/seats/{seat.pk}/record")
        assert r.status_code == 404, who
    assert api.as_user("deputy_demo").get("/api/v1/duty/seats/999999/record").status_code == 404


def _admin(users) -> Client:
    client = Client()
    client.force_login(users["admin"])
    return client


def _rule_form(rule: ScoringRule, **changes) -> dict:
    data = {
        "congress": rule.congress_id,
        "year": rule.year,
        "kind": rule.kind,
        "outcome": rule.outcome,
        "points": rule.points,
        "cap": rule.cap or "",
        "cap_period": rule.cap_period,
        "absence_deduction": rule.absence_deduction,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_admin_previews_a_rule_change_then_saves_it(users, seat):
    year = timezone.localdate().year
    rule = ScoringRule.objects.get(congress=seat.congress, year=year, kind="post")
    client = _admin(users)
    url = f"/admin/duty/scoringrule/{rule.pk}/change/"
    r = client.post(url, _rule_form(rule, points=100, cap=""))
    assert r.status_code == 200
    page = r.content.decode()
    assert "按修改后的规则重新计分，将有" in page and "位代表的等次发生变化" in page
    rule.refresh_from_db()
    assert rule.points == 2  # not saved yet
    r = client.post(url, _rule_form(rule, points=100, cap="", confirm="on"))
    assert r.status_code == 302
    rule.refresh_from_db()
    assert rule.points == 100
    posts = DutyEntry.objects.filter(deputy=seat, kind="post", date__year=year)
    assert posts and all(p.points == 100 for p in posts)


def test_the_admin_refuses_a_second_rule_and_overlapping_bands(users, yuci):
    year = timezone.localdate().year
    rule = ScoringRule.objects.get(congress=yuci, year=year, kind="post")
    client = _admin(users)
    count = ScoringRule.objects.count()
    r = client.post("/admin/duty/scoringrule/add/", _rule_form(rule, confirm="on"))
    assert r.status_code == 200
    assert f"{year} 年度已有“履职登记”的积分规则" in r.content.decode()
    assert ScoringRule.objects.count() == count
    band = GradeBand.objects.get(congress=yuci, year=year, grade="excellent")
    r = client.post(
        f"/admin/duty/gradeband/{band.pk}/change/",
        {
            "congress": yuci.pk,
            "year": year,
            "grade": "excellent",
            "min_points": 50,
            "max_points": "",
        },
    )
    assert r.status_code == 200
    assert "“优秀”的积分区间与“称职”（40 至 60 分（不含））重叠" in r.content.decode()
    band.refresh_from_db()
    assert band.min_points == 60


def test_pages_of_the_record_scores_and_posts(users, seat, yuci):
    deputy = Client()
    deputy.force_login(users["deputy_demo"])
    page = deputy.get("/duty/record/").content.decode()
    assert (
        "我的履职记录" in page and "榆次区人民代表大会代表" in page and "走访辖区养老机构" in page
    )
    assert deputy.get("/duty/scores/").status_code == 403
    staff = Client()
    staff.force_login(users["yc_staff"])
    page = staff.get("/duty/scores/").content.decode()
    assert 'id="ranking"' in page and seat.person.name in page
    assert staff.get(f"/duty/record/{seat.pk}/").status_code == 200
    other = Client()
    other.force_login(users["tg_staff"])
    assert other.get(f"/duty/record/{seat.pk}/").status_code == 404
    leader = Client()
    leader.force_login(users["leader_demo"])
    page = leader.get("/duty/scores/").content.decode()
    assert 'id="rollup"' in page and "榆次区人民代表大会" in page
    station = Client()
    station.force_login(users["yc_station"])
    assert "调研背街小巷整治" in station.get("/duty/posts/").content.decode()


def test_the_workbench_leads_to_the_record_the_posts_and_the_ranking(users):
    for username, expected in (
        ("deputy_demo", ["我的履职登记", "/duty/record/", "调研背街小巷整治"]),
        ("yc_station", ["待审核的履职登记", "/duty/posts/", "调研背街小巷整治"]),
        ("yc_staff", ["待审核的履职登记", "履职积分排名", "/duty/scores/"]),
    ):
        client = Client()
        client.force_login(users[username])
        page = client.get("/workbench/").content.decode()
        for text in expected:
            assert text in page, (username, text)
