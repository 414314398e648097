"""The loop's shared pieces for any seat, used by a CPPCC member's drill (lianxin/testing/drill.py)
through the one action route: co-sponsors who confirm or decline before a date, a satisfaction
survey of members' seats, a blind two-way evaluation (背靠背评), and the rows' one-seat rule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from lianxin.accounts.actions import grant_role
from lianxin.accounts.models import Role, User
from lianxin.casework.models import (
    Assignment,
    Case,
    CaseEvent,
    CoSponsor,
    Evaluation,
    SurveyAnswer,
)
from lianxin.core.models import TrailEvent
from lianxin.org.models import Member, Person
from lianxin.testing import drill

from .helpers import unit, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(db):
    """member_demo (the demo's city CPPCC member) and a second member with an account."""
    first = Member.objects.select_related("cppcc").get(person__user__username="member_demo")
    person = Person.objects.create(name="联名委员")
    second = Member.objects.create(person=person, cppcc=first.cppcc, term=first.term)
    account = User.objects.create_user("member_two", password="x", person=person)
    grant_role(account, Role.MEMBER)
    return first, second


def _drill(members) -> Case:
    return drill.do_open_drill(
        title="关于加强老旧小区加装电梯的提案（演练）",
        member=members[0],
        acting_user=user("member_demo"),
    )


def _act(api, username, case, action, body):
    return api.as_user(username).post(f"/api/v1/cases/{case.pk}/actions/{action}", body)


def test_members_co_sponsor_by_invitation_before_a_date(api, drill_kind, members):
    case = _drill(members)
    day = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    r = _act(api, "cppcc_staff", case, "invite", {"members": [members[1].pk], "respond_by": day})
    assert r.status_code == 200, r.content
    row = CoSponsor.objects.get(case=case)
    assert row.member_id == members[1].pk and row.deputy_id is None
    assert row.status == "invited" and row.respond_by.isoformat() == day
    # The invited member sees the case and confirms; a second answer is refused.
    assert api.as_user("member_two").get(f"/api/v1/cases/{case.pk}").status_code == 200
    assert _act(api, "member_two", case, "cosign", {"accept": True}).status_code == 200
    row.refresh_from_db()
    assert row.status == "confirmed" and row.recorded_by.username == "member_two"
    again = _act(api, "member_two", case, "cosign", {"accept": False})
    assert again.status_code == 409 and again.json()["code"] == "already_answered"
    # One trail row per action, naming the member's seat.
    trail = TrailEvent.objects.filter(action="casework.cosign", object_id=str(case.pk))
    assert trail.count() == 1
    assert (trail.get().seat_type, trail.get().seat_id) == ("member", members[1].pk)


def test_an_invitation_past_its_date_cannot_be_answered(api, drill_kind, members):
    case = _drill(members)
    drill.do_invite_drill(
        case, members=[members[1].pk], respond_by=dt.date.today(), acting_user=user("cppcc_staff")
    )
    CoSponsor.objects.filter(case=case).update(respond_by=dt.date.today() - dt.timedelta(days=1))
    r = _act(api, "member_two", case, "cosign", {"accept": True})
    assert r.status_code == 409 and r.json()["code"] == "invitation_lapsed"
    assert CoSponsor.objects.get(case=case).status == "invited"
    assert not CaseEvent.objects.filter(case=case, action="cosign").exists()


def _replied(api, members) -> Case:
    case = _drill(members)
    drill.do_invite_drill(case, members=[members[1].pk], acting_user=user("cppcc_staff"))
    drill.do_cosign_drill(case, accept=True, acting_user=user("member_two"))
    drill.do_inspect(case, finding="已检查", acting_user=user("cppcc_staff"))
    drill.do_reply_drill(case, content="已答复", score=4, acting_user=user("cppcc_staff"))
    Assignment.objects.create(
        case=case,
        unit=unit(),
        role=Assignment.Role.LEAD,
        due_date=dt.date.today(),
        return_deadline=dt.date.today(),
    )
    return case


def test_a_survey_asks_the_lead_member_and_the_confirmed_co_sponsor(api, drill_kind, members):
    case = _replied(api, members)
    assert _act(api, "cppcc_staff", case, "open_survey", {"note": "请测评"}).status_code == 200
    asked = set(SurveyAnswer.objects.filter(round__case=case).values_list("member_id", flat=True))
    assert asked == {members[0].pk, members[1].pk}
    bad = _act(api, "member_two", case, "answer_survey", {"rating": "很好"})
    assert bad.status_code == 422 and bad.json()["field"] == "rating"
    assert (
        _act(api, "member_two", case, "answer_survey", {"rating": "satisfied"}).status_code == 200
    )
    answer = SurveyAnswer.objects.get(round__case=case, member=members[1])
    assert answer.rating == "satisfied" and answer.seat_name == "联名委员"
    # A deputy, not asked, is refused.
    assert _act(api, "deputy_demo", case, "answer_survey", {"rating": "satisfied"}).status_code in (
        403,
        404,
    )


def _evaluations(api, username, case) -> list[tuple[str, str]]:
    r = api.as_user(username).get(f"/api/v1/cases/{case.pk}")
    assert r.status_code == 200, r.content
    return sorted((e["direction"], e["rating"] or e["quality"]) for e in r.json()["evaluations"])


def test_each_side_sees_the_other_s_rating_only_after_giving_its_own(api, drill_kind, members):
    case = _replied(api, members)
    r = _act(api, "member_demo", case, "evaluate", {"rating": "basically_satisfied"})
    assert r.status_code == 200, r.content
    # The unit has not rated: it does not see the member's rating; the member sees its own.
    assert _evaluations(api, "unit_demo", case) == []
    assert _evaluations(api, "member_demo", case) == [("handling", "basically_satisfied")]
    bad = _act(api, "unit_demo", case, "rate_submission", {"quality": "great"})
    assert bad.status_code == 422 and bad.json()["field"] == "quality"
    assert _act(api, "unit_demo", case, "rate_submission", {"quality": "good"}).status_code == 200
    both = [("handling", "basically_satisfied"), ("submission", "good")]
    assert _evaluations(api, "unit_demo", case) == both
    assert _evaluations(api, "member_demo", case) == both
    assert _evaluations(api, "cppcc_staff", case) == both
    ev = Evaluation.objects.get(case=case, direction="submission")
    assert ev.by_unit == unit() and ev.by_member is None
    again = _act(api, "unit_demo", case, "rate_submission", {"quality": "fair"})
    assert again.status_code == 409
    # Only the raiser rates the handling; only an assigned unit rates the submission.
    assert _act(api, "member_two", case, "evaluate", {"rating": "satisfied"}).status_code == 403
    assert _act(api, "cppcc_staff", case, "rate_submission", {"quality": "good"}).status_code == 403


def test_the_office_sees_both_ratings_at_once(api, drill_kind, members):
    case = _replied(api, members)
    drill.do_evaluate_drill(case, rating="dissatisfied", acting_user=user("member_demo"))
    assert _evaluations(api, "cppcc_staff", case) == [("handling", "dissatisfied")]
    assert _evaluations(api, "unit_demo", case) == []


def test_a_row_names_exactly_one_seat(drill_kind, members):
    case = _drill(members)
    deputy = user("deputy_demo").person.deputy_seats.first()
    for seats in ({}, {"deputy": deputy, "member": members[1]}):
        with pytest.raises(IntegrityError), transaction.atomic():
            CoSponsor.objects.create(case=case, **seats)


def test_the_shared_sign_off_refuses_the_replys_own_author_whatever_the_kind_s_rule():
    """A kind whose rule forgot `case_signer` still cannot let a reply's writer sign it off."""
    from lianxin.casework import shared
    from lianxin.casework.actions import lock_case
    from lianxin.casework.models import ReplySignoff
    from lianxin.core.errors import Forbidden
    from lianxin.suggestions.tests import helpers as sg

    case = sg.advance(sg.new_suggestion(), "reply_pending_signoff")  # written by unit_demo
    with pytest.raises(Forbidden) as refused, transaction.atomic():
        shared.sign_off(lock_case(case), approve=True, note="", acting_user=user("unit_demo"))
    assert refused.value.code == "own_reply"
    assert not ReplySignoff.objects.filter(reply__case=case).exists()
