"""A member's duty record read from the trail: events attended, speeches, studio activities and
adopted sentiment reports, with the points of the rules table; only the member and the staff who
read their CPPCC see it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from lianxin.proposals.tests.helpers import other_cppcc
from lianxin.sentiment.tests.helpers import advance, new_report

from .. import actions
from .helpers import new_event, seat, user

pytestmark = pytest.mark.django_db


def test_the_record_counts_what_the_member_did_with_its_points(api):
    other_cppcc()
    demo = seat("member_demo")
    url = f"/api/v1/xieshang/members/{demo.pk}/record"
    # The demo already holds reports of member_demo adopted and instructed: count from there.
    before = api.as_user("member_demo").get(url).json()
    staff = user("cppcc_staff")
    event = new_event(participants=("member_demo", "member_b"))
    actions.do_record_speech(event, member=demo, text="建议打通断点。", acting_user=staff)
    actions.do_record_speech(event, member=seat("member_b"), text="赞同。", acting_user=staff)
    studio = actions.do_create_studio(
        demo.cppcc,
        kind="studio",
        name="同心委员工作室",
        region="140702001",
        members=[demo],
        acting_user=staff,
    )
    actions.do_record_activity(
        studio, held_on=dt.date(2026, 5, 1), title="委员接待日", members=[demo], acting_user=staff
    )
    advance(new_report(), "adopted")
    r = api.as_user("member_demo").get(url)
    assert r.status_code == 200, r.content
    new = r.json()["entries"][: len(r.json()["entries"]) - len(before["entries"])]
    assert sorted(e["label"] for e in new) == sorted(
        ["参加协商活动", "协商发言", "参加工作室活动", "社情民意信息被采用"]
    )
    assert r.json()["total"] - before["total"] == 2 + 3 + 2 + 5
    assert api.as_user("cppcc_staff").get(url).json()["total"] == r.json()["total"]
    for name in ("member_b", "yc_cppcc_staff"):
        assert (
            api.as_user(name).get(f"/api/v1/xieshang/members/{demo.pk}/record").status_code == 404
        )
    c = Client()
    c.force_login(user("member_demo"))
    page = c.get(reverse("xieshang_record")).content.decode()
    assert f'class="total">{r.json()["total"]}<' in page and "委员接待日" in page
