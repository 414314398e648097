"""A proposal declined with the disposition `letter` becomes a member's letter (委员来信): the
committee forwards it to a unit, which reads the proposal and answers; links both ways."""

from __future__ import annotations

import pytest
from django.test import Client

from lianxin.accounts.access import is_visible

from ..models import MemberLetter
from .helpers import advance, fresh, new_proposal, other_cppcc, unit, user


def act(client, case_id, action, body=None):
    return client.post(f"/api/v1/cases/{case_id}/actions/{action}", body or {})


@pytest.mark.django_db
def test_a_declined_proposal_becomes_a_letter_forwarded_and_answered(api):
    other_cppcc()
    case = advance(new_proposal("关于某小区物业纠纷的提案"), "submitted", co=())
    staff = api.as_user("cppcc_staff")
    r = act(
        staff,
        case.pk,
        "register",
        {"decision": "decline", "note": "属个案诉求，转委员来信办理。", "disposition": "letter"},
    )
    assert r.status_code == 200, r.content
    letter = MemberLetter.objects.get(proposal_id=case.pk)
    assert letter.content == fresh(case).content and r.json()["letter"]["id"] == letter.pk
    assert "forward_letter" in {a["action"] for a in r.json()["available_actions"]}

    # Before forwarding, the unit neither sees nor may answer; another CPPCC's staff get 404.
    lead = api.as_user("unit_demo")
    assert lead.get(f"/api/v1/proposals/{case.pk}").status_code == 404
    r = act(api.as_user("yc_cppcc_staff"), case.pk, "forward_letter", {"unit": unit().pk})
    assert r.status_code == 404
    assert (
        act(api.as_user("member_demo"), case.pk, "forward_letter", {"unit": unit().pk}).status_code
        == 403
    )
    r = act(staff, case.pk, "forward_letter", {"unit": 999999})
    assert r.status_code == 422 and r.json()["field"] == "unit"

    r = act(staff, case.pk, "forward_letter", {"unit": unit().pk, "note": "请核实处理。"})
    assert r.status_code == 200, r.content
    assert r.json()["letter"]["unit"] == unit().name
    assert is_visible(user("unit_demo"), fresh(case))
    assert not is_visible(user("unit_other"), fresh(case))
    assert (
        act(api.as_user("unit_other"), case.pk, "answer_letter", {"answer": "x"}).status_code == 404
    )
    assert act(lead, case.pk, "answer_letter", {"answer": "  "}).status_code == 422
    r = act(lead, case.pk, "answer_letter", {"answer": "已协调物业公司整改。"})
    assert r.status_code == 200, r.content
    assert r.json()["letter"]["answer"] == "已协调物业公司整改。"
    assert act(lead, case.pk, "answer_letter", {"answer": "再次"}).status_code == 409

    # The member reads it all on the proposal's page.
    client = Client()
    client.force_login(user("member_demo"))
    page = client.get(f"/proposals/{case.pk}/").content.decode()
    assert 'id="member-letter"' in page and "已协调物业公司整改。" in page and unit().name in page


@pytest.mark.django_db
def test_a_proposal_declined_otherwise_has_no_letter(api):
    case = advance(new_proposal(), "submitted", co=())
    r = act(
        api.as_user("cppcc_staff"),
        case.pk,
        "register",
        {"decision": "decline", "note": "不属于提案范围。"},
    )
    assert r.status_code == 200 and r.json()["letter"] is None
    assert not MemberLetter.objects.filter(proposal_id=case.pk).exists()
    r = act(api.as_user("cppcc_staff"), case.pk, "forward_letter", {"unit": unit().pk})
    assert r.status_code == 409
