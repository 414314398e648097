"""The pages: the staff create an event on its form (bad input answered with 422 and a Chinese
message, nothing saved), record speeches and a result and take it along; a member's list shows
the events they take part in; another CPPCC's staff get 404; studios' activities on their page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from lianxin.proposals.tests.helpers import other_cppcc

from .. import actions
from ..models import ConsultationEvent, ConsultationResult, Speech
from .helpers import new_event, seat, unit, user

pytestmark = pytest.mark.django_db


def client_of(username: str) -> Client:
    c = Client()
    c.force_login(user(username))
    return c


def test_staff_create_an_event_on_the_form_and_bad_input_stays_on_the_page():
    c = client_of("cppcc_staff")
    url = reverse("xieshang_event_new")
    assert "协商形式" in c.get(url).content.decode()
    before = ConsultationEvent.objects.count()
    r = c.post(
        url,
        {
            "kind": "joint",
            "title": "晋中太原联动协商",
            "topic": "汾河治理",
            "held_on": "2026-06-01",
        },
    )
    assert r.status_code == 422 and "联动协商须填写联动的政协。" in r.content.decode()
    assert ConsultationEvent.objects.count() == before
    demo = seat("member_demo")
    r = c.post(
        url,
        {
            "kind": "joint",
            "title": "晋中太原联动协商",
            "topic": "汾河治理",
            "held_on": "2026-06-01",
            "joint_with": "太原市政协",
            "agenda": "通报情况\n委员发言",
            "participants": [demo.pk],
            "invited_units": [unit().pk],
        },
    )
    event = ConsultationEvent.objects.get(title="晋中太原联动协商")
    assert r.status_code == 302 and r["Location"] == event.get_absolute_url()
    assert event.agenda == ["通报情况", "委员发言"] and list(event.participants.all()) == [demo]
    page = c.get(event.get_absolute_url()).content.decode()
    assert "太原市政协" in page and "登记发言" in page


def test_speeches_and_a_result_on_the_event_page_and_the_members_own_list():
    event = new_event()
    c = client_of("cppcc_staff")
    url = event.get_absolute_url()
    r = c.post(reverse("xieshang_speech_new", args=[event.pk]), {"text": "没有发言人"})
    assert r.status_code == 422 and "二者选一" in r.content.decode()
    assert Speech.objects.count() == 0
    demo = seat("member_demo")
    r = c.post(
        reverse("xieshang_speech_new", args=[event.pk]),
        {"member": demo.pk, "text": "建议打通断点。"},
    )
    assert r.status_code == 302
    r = c.post(
        reverse("xieshang_speech_new", args=[event.pk]),
        {"unit": unit().pk, "speaker_name": "李处长", "text": "年内完成十处。"},
    )
    assert r.status_code == 302 and event.speeches.count() == 2
    c.post(
        reverse("xieshang_result_new", args=[event.pk]),
        {"title": "打通慢行断点", "content": "列入年度计划。"},
    )
    result = ConsultationResult.objects.get(event=event)
    r = c.post(reverse("xieshang_result_step", args=[result.pk, "adopt"]), {})
    assert r.status_code == 409 and "不能登记采纳" in r.content.decode()
    r = c.post(reverse("xieshang_result_step", args=[result.pk, "send"]), {"units": [unit().pk]})
    assert r.status_code == 302
    c.post(reverse("xieshang_result_step", args=[result.pk, "adopt"]), {"on": "2026-07-01"})
    result.refresh_from_db()
    assert result.state == "adopted"
    page = c.get(url).content.decode()
    assert "已采纳" in page and "李处长" in page and 'id="speech-count">2<' in page
    # The participant sees it on their own list with its speeches; member_b has none.
    mine = client_of("member_demo")
    listed = mine.get(reverse("xieshang_events")).content.decode()
    assert "我参加的协商活动" in listed and event.title in listed
    detail = mine.get(url).content.decode()
    assert "建议打通断点。" in detail and "登记发言" not in detail
    assert event.title not in client_of("member_b").get(reverse("xieshang_events")).content.decode()
    assert client_of("member_b").get(url).status_code == 404


def test_another_cppccs_staff_get_404_on_every_page():
    other_cppcc()
    event = new_event()
    result = actions.do_record_result(
        event, title="t", content="c", acting_user=user("cppcc_staff")
    )
    studio = actions.do_create_studio(
        event.cppcc,
        kind="liaison_group",
        name="东阳镇委员联络组",
        region="140702",
        acting_user=user("cppcc_staff"),
    )
    c = client_of("yc_cppcc_staff")
    assert c.get(event.get_absolute_url()).status_code == 404
    assert c.post(reverse("xieshang_speech_new", args=[event.pk]), {"text": "x"}).status_code == 404
    assert c.post(reverse("xieshang_result_step", args=[result.pk, "send"]), {}).status_code == 404
    assert c.get(studio.get_absolute_url()).status_code == 404
    assert event.title not in c.get(reverse("xieshang_events")).content.decode()


def test_a_studio_records_an_activity_on_its_page():
    demo = seat("member_demo")
    studio = actions.do_create_studio(
        demo.cppcc,
        kind="studio",
        name="同心委员工作室",
        region="140702001",
        members=[demo],
        acting_user=user("cppcc_staff"),
    )
    c = client_of("cppcc_staff")
    r = c.post(studio.get_absolute_url(), {"title": "", "held_on": "2026-05-01"})
    assert r.status_code == 422 and studio.activities.count() == 0
    r = c.post(
        studio.get_absolute_url(),
        {"title": "委员接待日", "held_on": "2026-05-01", "members": [demo.pk]},
    )
    assert r.status_code == 302 and studio.activities.get().title == "委员接待日"
    page = client_of("member_demo").get(studio.get_absolute_url()).content.decode()
    assert "委员接待日" in page and studio.scan_code in page and "登记活动" not in page
