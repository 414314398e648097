"""Lineage across kinds (casework.lineage): citizens' opinions turned into a deputy's
suggestion, its reply reaching every citizen, who rates it, and the opinions conclude."""

from __future__ import annotations

import json

import pytest
from django.http import Http404

from lianxin.casework import actions, lineage
from lianxin.casework.models import Case, CaseEvent, CaseOrigin
from lianxin.core.crypto import lookup_hash
from lianxin.core.errors import Forbidden, NotFound, ValidationFailed
from lianxin.notifications.models import OutboundMessage
from lianxin.suggestions.tests import helpers as sg

from .helpers import advance, demo_seat, fresh, new_opinion, user

pytestmark = pytest.mark.django_db


def two_opinions():
    seat = demo_seat("city")
    a = new_opinion("顺城街公交站没有站牌，外地人找不到车站。", deputy=seat)
    b = new_opinion(
        "顺城街北口公交站台没有遮雨棚，下雨天候车很不方便。",
        deputy=seat,
        contact_name="钱群众",
        contact_phone="13900002222",
    )
    return a, b


def derive_as(username, *cases, **fields):
    origins = lineage.resolve_origins(user(username), [c.pk for c in cases])
    return lineage.derive(origins, kind="suggestion", acting_user=user(username), **fields)


def test_two_opinions_become_one_draft_that_carries_both():
    a, b = two_opinions()
    draft = derive_as("deputy_demo", a, b)
    assert draft.kind == "suggestion" and draft.state == "draft"
    assert draft.raised_by_deputy == demo_seat("city")
    assert set(CaseOrigin.objects.filter(case=draft).values_list("origin_id", flat=True)) == {
        a.pk,
        b.pk,
    }
    # Prefilled from the opinions.
    assert "顺城街公交站没有站牌" in draft.title
    assert a.tracking_code in draft.suggestion.problem
    assert b.tracking_code in draft.suggestion.problem
    for origin in (a, b):
        origin = fresh(origin)
        assert origin.state == "converted"
        assert origin.state_label == "已转为代表建议"
        event = origin.events.get(action="derive")
        assert event.is_public and event.data["case"] == draft.pk
        assert event.actor.username == "deputy_demo"
    assert draft.events.filter(action="origins").get().data["origins"] == sorted([a.pk, b.pk])


def test_an_opinion_not_yours_is_404_and_nothing_is_made():
    mine = new_opinion("顺城街路灯不亮。", deputy=demo_seat("city"))
    other = new_opinion(
        "太谷区某路段积水。", deputy=sg.seat("deputy_b"), contact_phone="13900003333"
    )
    with pytest.raises(NotFound):
        lineage.resolve_origins(user("deputy_demo"), [mine.pk, other.pk])
    # The action itself refuses it the same way, and stores nothing.
    with pytest.raises((NotFound, Http404)):
        lineage.derive([mine, other], kind="suggestion", acting_user=user("deputy_demo"))
    assert fresh(mine).state == "registered"
    assert not CaseOrigin.objects.exists()
    assert (
        not Case.objects.filter(kind="suggestion", raised_by_deputy=demo_seat("city"))
        .filter(title__contains="路灯")
        .exists()
    )


def test_a_concluded_or_converted_opinion_is_refused_in_plain_words():
    concluded = advance(new_opinion("顺城街井盖缺失。", deputy=demo_seat("city")), "concluded")
    open_one = new_opinion("顺城街路面破损。", deputy=demo_seat("city"), contact_phone="")
    with pytest.raises(ValidationFailed) as refused:
        derive_as("yc_staff", open_one, concluded)
    assert "已办结" in refused.value.message and "不能再转为代表建议" in refused.value.message
    assert fresh(open_one).state == "registered"
    assert not CaseOrigin.objects.exists()
    derive_as("deputy_demo", open_one)
    with pytest.raises(ValidationFailed) as again:
        derive_as("deputy_demo", open_one)
    assert "已转为代表建议" in again.value.message


def test_only_its_deputy_or_the_office_may_turn_it():
    case = new_opinion("顺城街路灯不亮。", deputy=demo_seat("city"))
    with pytest.raises(Forbidden):
        derive_as("yc_station", case)  # sees it (its station), may not turn it
    draft = derive_as("yc_staff", case)  # the office, for the opinion's deputy
    assert draft.raised_by_deputy == demo_seat("city")
    assert draft.entered_by.username == "yc_staff"


def test_the_reply_reaches_both_citizens_who_rate_it_and_the_opinions_conclude(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_SMS_BACKEND = "lianxin.notifications.sms.FileBackend"
    settings.NOTIFICATIONS_SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    a, b = two_opinions()
    with django_capture_on_commit_callbacks(execute=True):
        draft = derive_as("deputy_demo", a, b)
    sg.open_session()
    suggestion = sg.advance(draft, "reply_pending_signoff")
    # Not signed off yet: nothing reaches the citizens.
    assert fresh(a).state == "converted"
    with django_capture_on_commit_callbacks(execute=True):
        suggestion = sg.advance(suggestion, "replied")
    sent = [json.loads(x) for x in (tmp_path / "sms.jsonl").read_text().splitlines()]
    for origin, phone in ((a, "13812345678"), (b, "13900002222")):
        origin = fresh(origin)
        assert origin.state == "fed_back"
        reply = origin.replies.get()
        assert reply.content == "经研究，将于年内完成两处站台遮雨棚建设。"
        assert reply.unit.code == "JZ-JTYSJ"
        assert origin.events.get(action="origin_reply").actor is None
        mine = [m for m in sent if m["to"] == phone]
        assert any("转为代表建议办理" in m["body"] for m in mine)
        assert any("已有答复" in m["body"] and origin.tracking_code in m["body"] for m in mine)
        row = OutboundMessage.objects.get(
            dedupe_key__startswith="origin_reply:", to_hash=lookup_hash(phone, kind="recipient")
        )
        assert row.status == "sent"
    # Each rates on the tracking page (as the citizen); each opinion concludes with it.
    actions.do_evaluate_case(fresh(a), rating="satisfied", as_citizen=True)
    actions.do_evaluate_case(fresh(b), rating="dissatisfied", as_citizen=True)
    for origin, rating in ((a, "satisfied"), (b, "dissatisfied")):
        origin = fresh(origin)
        assert origin.state == "concluded", origin.state
        assert origin.rating == rating
        assert [e.action for e in origin.events.order_by("at", "id")][-3:] == [
            "origin_reply",
            "evaluate",
            "conclude",
        ]
    # The suggestion goes on in its own way (the deputy's rating, the office's conclusion).
    assert fresh(suggestion).state == "replied"


def test_the_tracking_view_hides_the_draft_and_shows_the_suggestion_after_submission():
    from lianxin.casework import serialize

    a, _b = two_opinions()
    draft = derive_as("deputy_demo", a)
    view = serialize.public_view(fresh(a))
    [item] = view["derived"]
    assert item["private"] and item["title"] == "" and item["kind_label"] == "代表建议"
    sg.open_session()
    sg.advance(draft, "submitted")
    [item] = serialize.public_view(fresh(a))["derived"]
    assert not item["private"]
    assert item["title"] == fresh(draft).display_title
    assert item["state_label"] == "已提交"
    assert item["replies"] == []
    sg.advance(draft, "reply_pending_signoff")
    assert serialize.public_view(fresh(a))["derived"][0]["replies"] == []
    sg.advance(draft, "replied")
    [item] = serialize.public_view(fresh(a))["derived"]
    assert [r["content"] for r in item["replies"]] == ["经研究，将于年内完成两处站台遮雨棚建设。"]


def test_every_step_is_one_event_per_case():
    a, b = two_opinions()
    before = CaseEvent.objects.count()
    draft = derive_as("deputy_demo", a, b)
    # register + origins on the draft, one derive on each opinion.
    assert CaseEvent.objects.count() - before == 4
    assert draft.events.filter(action="register").count() == 1


def test_the_api_turns_opinions_into_a_draft_and_refuses_what_it_must(api):
    a, b = two_opinions()
    deputy = api.as_user("deputy_demo")
    r = deputy.post("/api/v1/cases/derive", {"origins": [a.pk, b.pk], "kind": "suggestion"})
    assert r.status_code == 201, r.content
    draft = Case.objects.get(pk=r.json()["id"])
    assert draft.kind == "suggestion" and draft.state == "draft"
    assert {o.pk for o in lineage.origins_of(draft)} == {a.pk, b.pk}
    again = deputy.post("/api/v1/cases/derive", {"origins": [a.pk]})
    assert again.status_code in (409, 422) and "已转为" in again.json()["message"]
    c = new_opinion("顺城街南口井盖松动。")
    hidden = api.as_user("tg_staff").post("/api/v1/cases/derive", {"origins": [c.pk]})
    assert hidden.status_code == 404 and hidden.json()["code"]
    empty = deputy.post("/api/v1/cases/derive", {"origins": []})
    assert empty.status_code == 422
    assert fresh(c).state == "registered"


def test_the_tracking_page_shows_the_suggestion_being_written_then_its_progress(client):
    a, _b = two_opinions()
    draft = derive_as("deputy_demo", a)
    page = client.get(f"/t/{a.tracking_code}").content.decode()
    assert "已转为代表建议" in page and "代表正在撰写代表建议" in page
    assert (
        fresh(draft).display_title not in page.split("已转为代表建议", 1)[1].split("</section>")[0]
    )
    sg.open_session()
    sg.advance(draft, "submitted")
    page = client.get(f"/t/{a.tracking_code}").content.decode()
    section = page.split(f'id="derived-{draft.pk}"', 1)[1].split("</section>")[0]
    assert fresh(draft).display_title in section and "已提交" in section


def test_the_deputy_turns_two_opinions_into_a_suggestion_from_the_case_page():
    from .helpers import client_for

    a, b = two_opinions()
    deputy = client_for("deputy_demo")
    page = deputy.get(f"/cases/{a.pk}/").content.decode()
    assert f"/cases/{a.pk}/actions/derive/" in page
    form = deputy.get(f"/cases/{a.pk}/actions/derive/").content.decode()
    assert "一并转办的其他意见" in form and b.display_title in form
    r = deputy.post(
        f"/cases/{a.pk}/actions/derive/",
        {"kind": "suggestion", "also": [str(b.pk)], "title": "关于完善顺城街公交站设施的建议"},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    draft = Case.objects.get(kind="suggestion", title="关于完善顺城街公交站设施的建议")
    assert {o.pk for o in lineage.origins_of(draft)} == {a.pk, b.pk}
    assert fresh(a).state == fresh(b).state == "converted"
    # Asked again, the page says why in plain words and stores nothing.
    before = Case.objects.filter(kind="suggestion").count()
    again = deputy.post(f"/cases/{b.pk}/actions/derive/", {"kind": "suggestion"})
    assert again.status_code in (403, 409, 422)
    assert Case.objects.filter(kind="suggestion").count() == before


def test_a_withdrawn_suggestion_gives_the_opinions_back_to_the_office(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    from lianxin.notifications.models import Notification
    from lianxin.suggestions import actions as suggestion_actions

    settings.NOTIFICATIONS_SMS_BACKEND = "lianxin.notifications.sms.FileBackend"
    settings.NOTIFICATIONS_SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    a, b = two_opinions()
    draft = derive_as("deputy_demo", a, b)
    start = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with django_capture_on_commit_callbacks(execute=True):
        suggestion_actions.do_withdraw(
            fresh(draft), reason="另行调研后再提。", acting_user=user("deputy_demo")
        )
    for origin in (a, b):
        origin = fresh(origin)
        assert origin.state == "registered"
        event = origin.events.get(action="origin_release")
        assert event.actor is None and "已撤回" in event.note
        # Not turned any more: it may be triaged, or turned into another suggestion.
        assert not lineage.is_derived(origin) and lineage.derived_from(origin) == []
    assert CaseOrigin.objects.filter(case=draft, released_at__isnull=False).count() == 2
    told = Notification.objects.filter(pk__gt=start, verb="origin_release")
    assert "yc_staff" in set(told.values_list("recipient__username", flat=True))
    sms = [json.loads(x) for x in (tmp_path / "sms.jsonl").read_text().splitlines()]
    assert any(m["to"] == "13900002222" and "已撤回" in m["body"] for m in sms)
    again = derive_as("deputy_demo", fresh(a))
    assert {o.pk for o in lineage.origins_of(again)} == {a.pk}


def test_a_merged_suggestion_s_opinions_wait_for_the_one_it_joined():
    from lianxin.suggestions import actions as suggestion_actions

    a, b = two_opinions()
    sg.open_session()
    draft = derive_as("deputy_demo", a, b)
    derived = sg.advance(draft, "submitted")
    target = sg.advance(sg.new_suggestion("关于顺城街公交站台设施的建议"), "submitted")
    suggestion_actions.do_review_suggestion(
        fresh(derived),
        decision="merge",
        merge_into=fresh(target),
        note="内容相近。",
        acting_user=user("jz_staff"),
    )
    assert {o.pk for o in lineage.origins_of(target)} == {a.pk, b.pk}
    assert lineage.origins_of(derived) == []
    assert fresh(a).state == "converted"
    sg.advance(fresh(target), "replied")
    for origin in (a, b):
        origin = fresh(origin)
        assert origin.state == "fed_back"
        assert origin.events.get(action="origin_reply").data["case"] == target.pk


def test_from_the_work_list_the_deputy_ticks_two_opinions_and_gets_one_draft():
    from .helpers import client_for

    a, b = two_opinions()
    deputy = client_for("deputy_demo")
    assert 'href="/cases/derive/"' in deputy.get("/workbench/").content.decode()
    page = deputy.get("/cases/derive/").content.decode()
    assert a.display_title in page and b.display_title in page
    # Nothing ticked: said plainly, nothing stored.
    before = Case.objects.filter(kind="suggestion").count()
    empty = deputy.post("/cases/derive/", {"kind": "suggestion"})
    assert empty.status_code == 422 and "请至少选择一件意见" in empty.content.decode()
    assert Case.objects.filter(kind="suggestion").count() == before
    r = deputy.post(
        "/cases/derive/",
        {"kind": "suggestion", "origins": [str(a.pk), str(b.pk)], "title": "关于顺城街站台的建议"},
    )
    assert r.status_code == 302, r.content.decode()[:1000]
    draft = Case.objects.get(kind="suggestion", title="关于顺城街站台的建议")
    assert r["Location"] == draft.get_absolute_url()
    assert {o.pk for o in lineage.origins_of(draft)} == {a.pk, b.pk}
    # They leave the list; the opinion's page links to the draft it became.
    page = deputy.get("/cases/derive/").content.decode()
    assert a.display_title not in page and b.display_title not in page
    case_page = deputy.get(f"/cases/{a.pk}/").content.decode()
    assert 'id="derived"' in case_page and draft.get_absolute_url() in case_page


def test_the_work_list_refuses_an_opinion_that_is_not_offered():
    from .helpers import client_for

    a, _b = two_opinions()
    other = new_opinion("锦纶小区门口路灯不亮。", contact_phone="13900007777")
    deputy = client_for("deputy_b")
    r = deputy.post("/cases/derive/", {"kind": "suggestion", "origins": [str(a.pk)]})
    assert r.status_code == 422  # not among deputy_b's choices
    assert not CaseOrigin.objects.filter(origin__in=[a, other]).exists()
    # The draft is the deputy's own: the office's page of the opinion does not link to it.
    draft = derive_as("deputy_demo", a)
    office_page = client_for("yc_staff").get(f"/cases/{a.pk}/").content.decode()
    assert draft.get_absolute_url() not in office_page and 'id="derived"' not in office_page
