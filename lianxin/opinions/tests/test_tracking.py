"""Following a case by its tracking code and rating it: no personal data of anyone."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from lianxin.casework import actions
from lianxin.casework.tests.helpers import advance, fresh, new_opinion, unit, user

pytestmark = pytest.mark.django_db


def test_the_tracking_api_shows_state_public_progress_and_public_replies_only(api):
    case = advance(new_opinion(contact_name="赵群众", contact_phone="13812345678"), "fed_back")
    actions.do_consult_case(
        case,
        stage="after",
        form="phone",
        summary="回访赵群众 13812345678",
        acting_user=user("yc_staff"),
    )
    r = api.anon().get(f"/api/v1/opinions/track/{case.tracking_code}")
    assert r.status_code == 200
    body = r.json()
    assert body["state"] == "fed_back" and body["state_label"] == "已反馈"
    assert body["can_evaluate"] is True
    assert [x["action"] for x in body["timeline"]] == [
        "register",
        "triage",
        "assign",
        "reply",
        "feedback",
    ]
    assert body["replies"][0]["content"] == "已安排维修，三日内修复。"
    assert body["replies"][0]["by"] == "晋中市交通运输局"
    text = json.dumps(body, ensure_ascii=False)
    for secret in (
        "赵群众",
        "13812345678",
        "138****5678",
        "榆次区人大人事代表工委",
        "经办人",
        "回访",
    ):
        assert secret not in text


def test_a_reply_not_marked_public_stays_off_the_tracking_page(api):
    case = advance(new_opinion(), "triaged")
    actions.do_assign_case(case, lead_unit=unit(), acting_user=user("yc_staff"))
    actions.do_reply_case(
        case, content="内部答复，不公开", is_public=False, acting_user=user("unit_demo")
    )
    body = api.anon().get(f"/api/v1/opinions/track/{case.tracking_code}").json()
    assert body["replies"] == []
    assert "内部答复" not in json.dumps(body, ensure_ascii=False)


def test_an_unknown_tracking_code_is_404(api):
    assert api.anon().get("/api/v1/opinions/track/NOSUCHCODE").status_code == 404
    assert api.anon().get("/api/v1/opinions/track/x").status_code == 404
    assert Client().get("/t/NOSUCHCODE").status_code == 404


def test_the_citizen_rates_on_the_tracking_page_without_javascript():
    case = advance(new_opinion(), "fed_back")
    client = Client()
    page = client.get(f"/t/{case.tracking_code}").content.decode()
    assert 'name="rating"' in page and "请您评价" in page
    r = client.post(
        f"/t/{case.tracking_code}/evaluate", {"rating": "basically_satisfied", "comment": "还行"}
    )
    assert r.status_code == 302
    case = fresh(case)
    assert case.state == "evaluated" and case.rating == "basically_satisfied"
    evaluation = case.evaluations.get()
    assert evaluation.by_citizen and evaluation.comment == "还行"
    page = client.get(f"/t/{case.tracking_code}").content.decode()
    assert "基本满意" in page and 'name="rating"' not in page


def test_rating_before_feedback_or_twice_is_refused(api):
    case = advance(new_opinion(), "replied")
    r = api.anon().post(
        f"/api/v1/opinions/track/{case.tracking_code}/evaluation", {"rating": "satisfied"}
    )
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"
    advance(case, "evaluated", rating="satisfied")
    r = api.anon().post(
        f"/api/v1/opinions/track/{case.tracking_code}/evaluation", {"rating": "dissatisfied"}
    )
    assert r.status_code == 409
    assert fresh(case).rating == "satisfied"
    r = Client().post(f"/t/{case.tracking_code}/evaluate", {"rating": "great"})
    assert r.status_code == 422


def test_a_bad_rating_is_422(api):
    case = advance(new_opinion(), "fed_back")
    r = api.anon().post(
        f"/api/v1/opinions/track/{case.tracking_code}/evaluation", {"rating": "great"}
    )
    assert r.status_code == 422 and r.json()["field"] == "rating"
    assert fresh(case).state == "fed_back"


def test_a_merged_case_shows_the_progress_of_the_case_it_joined(api):
    original = advance(new_opinion("顺城街路灯不亮"), "triaged")
    duplicate = new_opinion("顺城街路灯坏了")
    actions.do_merge_case(duplicate, into=original, acting_user=user("yc_staff"))
    advance(original, "fed_back")
    body = api.anon().get(f"/api/v1/opinions/track/{duplicate.tracking_code}").json()
    assert body["state"] == "merged"
    assert body["merged_into"]["tracking_code"] == original.tracking_code
    assert body["merged_into"]["state"] == "fed_back"
    assert body["replies"][0]["content"] == "已安排维修，三日内修复。"
    assert "feedback" in [x["action"] for x in body["timeline"]]
    page = Client().get(f"/t/{duplicate.tracking_code}").content.decode()
    assert original.tracking_code in page


def test_a_public_reply_is_a_letter_the_citizen_can_download():
    import io

    from pypdf import PdfReader

    case = advance(new_opinion(contact_name="赵群众", contact_phone="13812345678"), "replied")
    reply = fresh(case).replies.get()
    page = Client().get(f"/t/{case.tracking_code}").content.decode()
    letter = f"/t/{case.tracking_code}/reply-{reply.pk}.pdf"
    assert f'href="{letter}"' in page
    response = Client().get(letter)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "inline" in response["Content-Disposition"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    text = "".join(text.split())
    assert "答复函" in text and case.tracking_code in text and "已安排维修，三日内修复。" in text
    assert "赵群众" not in text and "13812345678" not in text
    # Only a reply the tracking page shows: not one kept from the public, not another case's.
    reply.is_public = False
    reply.save(update_fields=["is_public"])
    assert Client().get(letter).status_code == 404
    other = new_opinion("另一件")
    assert Client().get(f"/t/{other.tracking_code}/reply-{reply.pk}.pdf").status_code == 404
    assert Client().get(f"/t/NOSUCHCODE/reply-{reply.pk}.pdf").status_code == 404
