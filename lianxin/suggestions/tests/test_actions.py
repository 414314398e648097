"""The suggestion loop through its actions: the story of the issue, step by step."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from lianxin.casework.models import (
    Assignment,
    CaseEvent,
    Commitment,
    CoSponsor,
    Evaluation,
    ReplySignoff,
)
from lianxin.core.errors import Conflict, Forbidden, ValidationFailed

from .. import actions
from ..models import Suggestion
from .helpers import advance, fresh, new_suggestion, open_session, seat, unit, user

pytestmark = pytest.mark.django_db


def test_a_draft_waits_for_its_cosponsors_before_it_can_be_submitted():
    case = new_suggestion(co=("deputy_b", "deputy_c"))
    assert case.state == "draft"
    with pytest.raises(Conflict) as exc:
        actions.do_submit_suggestion(case, acting_user=user("deputy_demo"))
    assert "联名代表尚未确认" in exc.value.message
    actions.do_cosign(fresh(case), acting_user=user("deputy_b"))
    actions.do_cosign(fresh(case), acting_user=user("deputy_c"))
    actions.do_submit_suggestion(fresh(case), acting_user=user("deputy_demo"))
    case = fresh(case)
    assert case.state == "submitted"
    assert case.suggestion.review_tier == 1
    assert set(case.cosponsors.values_list("status", flat=True)) == {"confirmed"}


def test_a_cosponsor_may_decline_and_the_suggestion_goes_ahead_without_them():
    case = new_suggestion(co=("deputy_b",))
    actions.do_cosign(case, accept=False, acting_user=user("deputy_b"))
    actions.do_submit_suggestion(fresh(case), acting_user=user("deputy_demo"))
    assert fresh(case).state == "submitted"
    assert CoSponsor.objects.get(case=case).status == "declined"


def test_it_refuses_a_cosponsor_from_another_congress():
    county_deputy = seat("deputy_demo", "county")
    with pytest.raises(ValidationFailed) as exc:
        actions.do_create_suggestion(
            author=seat("deputy_b"),
            title="标题",
            content="内容",
            co_sponsors=[county_deputy],
            in_session=False,
            acting_user=user("deputy_b"),
        )
    assert exc.value.field == "co_sponsors"


def test_it_refuses_a_suggestion_without_title_or_content():
    for title, content, field in [("", "内容", "title"), ("标题", "  ", "content")]:
        with pytest.raises(ValidationFailed) as exc:
            actions.do_create_suggestion(
                author=seat("deputy_b"),
                title=title,
                content=content,
                in_session=False,
                acting_user=user("deputy_b"),
            )
        assert exc.value.field == field


def test_an_in_session_suggestion_passes_three_tiers_and_a_recess_one_only_the_last():
    case = advance(new_suggestion(), "submitted")
    staff = user("jz_staff")
    tiers = []
    while fresh(case).state in ("submitted", "in_review"):
        tiers.append(fresh(case).suggestion.review_tier)
        actions.do_review_suggestion(fresh(case), decision="accept", acting_user=staff)
    assert tiers == [1, 2, 3]
    assert fresh(case).state == "accepted"

    recess = advance(new_suggestion("闭会期间的建议", in_session=False), "submitted")
    assert recess.suggestion.review_tier == 3
    actions.do_review_suggestion(recess, decision="accept", acting_user=staff)
    assert fresh(recess).state == "accepted"


def test_a_returned_suggestion_is_revised_and_goes_back_to_the_tier_that_returned_it():
    case = advance(new_suggestion(), "in_review")
    assert case.suggestion.review_tier == 2
    with pytest.raises(ValidationFailed) as exc:
        actions.do_review_suggestion(case, decision="return", acting_user=user("jz_staff"))
    assert exc.value.field == "note"
    actions.do_review_suggestion(
        fresh(case), decision="return", note="请补充站点位置。", acting_user=user("jz_staff")
    )
    assert fresh(case).state == "returned"
    with pytest.raises(Forbidden):
        actions.do_resubmit_suggestion(fresh(case), acting_user=user("deputy_b"))
    actions.do_resubmit_suggestion(
        fresh(case), content="补充：顺城街北口站台。", acting_user=user("deputy_demo")
    )
    case = fresh(case)
    assert (case.state, case.suggestion.review_tier, case.content) == (
        "in_review",
        2,
        "补充：顺城街北口站台。",
    )


def test_merging_keeps_every_deputy_as_an_author_of_the_suggestion_it_joins():
    target = advance(new_suggestion("关于公交站台的建议"), "submitted")
    other = advance(
        new_suggestion("关于站台遮雨棚的建议", author="deputy_b", co=("deputy_c",)), "submitted"
    )
    actions.do_review_suggestion(
        other, decision="merge", merge_into=target, note="内容相近。", acting_user=user("jz_staff")
    )
    other, target = fresh(other), fresh(target)
    assert other.state == "merged" and other.merged_into_id == target.pk
    confirmed = set(
        target.cosponsors.filter(status="confirmed").values_list("deputy__person__name", flat=True)
    )
    assert confirmed == {"晋联代表", "中和代表"}
    assert target.events.filter(action="merged_in").exists()


def test_assignment_is_due_three_calendar_months_later_or_six_when_complex():
    with time_machine.travel(dt.datetime(2026, 1, 31, 10, 0), tick=False):
        plain = advance(new_suggestion("普通建议", in_session=False), "accepted")
        actions.do_assign_suggestion(plain, lead_unit=unit(), acting_user=user("jz_staff"))
        hard = advance(new_suggestion("复杂建议", in_session=False), "accepted")
        actions.do_assign_suggestion(
            hard, lead_unit=unit(), complex=True, acting_user=user("jz_staff")
        )
    # 31 January + 3 months: April has no 31st, so its last day (a Thursday, a working day).
    assert fresh(plain).due_date == dt.date(2026, 4, 30)
    # + 6 months: 31 July 2026 is a Friday.
    assert fresh(hard).due_date == dt.date(2026, 7, 31)
    assert Assignment.objects.get(case=plain).due_date == dt.date(2026, 4, 30)


def test_a_due_date_on_a_holiday_moves_to_the_next_working_day():
    # 1 July + 3 months = 1 October, National Day: the period ends on 8 October 2026.
    assert actions.due_after_assignment(dt.date(2026, 7, 1)) == dt.date(2026, 10, 8)
    # 30 November + 3 months = 28 February 2027 (a Sunday) → Monday 1 March.
    assert actions.due_after_assignment(dt.date(2026, 11, 30)) == dt.date(2027, 3, 1)


def test_only_a_co_handling_unit_sends_a_co_opinion_and_it_starts_the_handling():
    case = advance(new_suggestion(), "assigned")
    with pytest.raises(Forbidden):
        actions.do_co_opinion(case, content="意见", acting_user=user("unit_demo"))
    actions.do_co_opinion(fresh(case), content="同意。", acting_user=user("unit_other"))
    assert fresh(case).state == "handling"
    assert fresh(case).co_opinions.get().unit.code == "JZ-ZFCXJSJ"


def test_a_reply_needs_a_category_and_a_b_reply_a_commitment():
    case = advance(new_suggestion(), "handling")
    lead = user("unit_demo")
    with pytest.raises(ValidationFailed) as exc:
        actions.do_reply_suggestion(case, content="答复", category="", acting_user=lead)
    assert exc.value.field == "category"
    with pytest.raises(ValidationFailed) as exc:
        actions.do_reply_suggestion(case, content="答复", category="B", acting_user=lead)
    assert exc.value.field == "commitment"
    assert fresh(case).state == "handling"
    assert not fresh(case).replies.exists()


def test_the_reply_reaches_the_deputies_only_after_the_units_signer_signs_it_off():
    case = advance(new_suggestion(), "reply_pending_signoff")
    commitment = Commitment.objects.get(case=case)
    assert commitment.status == "pending"
    actions.do_sign_off_reply(
        case, approve=False, note="承诺时间过于笼统。", acting_user=user("unit_signer")
    )
    assert fresh(case).state == "handling"
    assert Commitment.objects.get(pk=commitment.pk).status == "void"
    case = advance(fresh(case), "replied")
    assert Commitment.objects.filter(case=case, status="open").count() == 1
    assert ReplySignoff.objects.filter(reply__case=case, approved=True).count() == 1


def test_only_the_suggestions_deputies_evaluate_each_once_and_the_lowest_rating_counts():
    case = advance(new_suggestion(co=("deputy_b",)), "replied")
    for outsider in ("deputy_c", "jz_staff", "unit_demo"):
        with pytest.raises((Forbidden, Conflict)):
            actions.do_evaluate_suggestion(
                fresh(case), rating="satisfied", acting_user=user(outsider)
            )
    actions.do_evaluate_suggestion(fresh(case), rating="satisfied", acting_user=user("deputy_b"))
    assert fresh(case).rating == "satisfied"
    with pytest.raises(Forbidden):
        actions.do_evaluate_suggestion(
            fresh(case), rating="satisfied", acting_user=user("deputy_b")
        )
    actions.do_evaluate_suggestion(
        fresh(case), rating="dissatisfied", comment="未解决", acting_user=user("deputy_demo")
    )
    assert fresh(case).rating == "dissatisfied"
    assert Evaluation.objects.filter(case=case, by_deputy__isnull=False).count() == 2


def test_dissatisfied_leads_to_rehandling_a_second_reply_and_conclusion():
    case = advance(new_suggestion(), "evaluated", rating="dissatisfied")
    with pytest.raises(Conflict):
        actions.do_conclude_suggestion(case, acting_user=user("jz_staff"))
    case = advance(case, "concluded")
    assert case.state == "concluded"
    assert case.round == 2
    assert case.rating == "satisfied"
    assert case.replies.count() == 2
    assert Suggestion.objects.get(case=case).outcome == "being_solved"


def test_two_staff_reviewing_at_once_one_wins_and_the_other_is_told():
    case = advance(new_suggestion(), "submitted")
    version = case.version
    actions.do_review_suggestion(
        case, decision="accept", acting_user=user("jz_staff"), version=version
    )
    with pytest.raises(Conflict) as exc:
        actions.do_review_suggestion(
            case, decision="return", note="退回", acting_user=user("jz_staff"), version=version
        )
    assert exc.value.code == "stale"
    case = fresh(case)
    assert case.state == "in_review"
    assert CaseEvent.objects.filter(case=case, action="review").count() == 1


def test_a_commitment_is_kept_by_the_unit_and_recorded_on_the_timeline():
    case = advance(new_suggestion(), "replied")
    commitment = Commitment.objects.get(case=case)
    with pytest.raises(Forbidden):
        actions.do_close_commitment(
            commitment, kept=False, note="未按期完成", acting_user=user("unit_demo")
        )
    actions.do_close_commitment(
        commitment, kept=True, note="已建成。", acting_user=user("unit_demo")
    )
    assert Commitment.objects.get(pk=commitment.pk).status == "kept"
    assert fresh(case).events.filter(action="commitment_kept").exists()
    with pytest.raises(Conflict):
        actions.do_close_commitment(
            commitment, kept=True, note="再次", acting_user=user("jz_staff")
        )


def test_the_deputy_who_sits_in_two_congresses_must_say_which():
    open_session()
    with pytest.raises(ValidationFailed) as exc:
        actions.seat_for(user("deputy_demo"))
    assert exc.value.field == "congress"
    assert actions.seat_for(user("deputy_b")).congress.level == "city"


def test_review_tiers_are_configured_per_congress():
    from ..models import ReviewTier
    from .helpers import city

    ReviewTier.objects.create(
        congress=city(), order=1, name="代表团审查", body="delegation", in_session=True
    )
    ReviewTier.objects.create(
        congress=city(),
        order=2,
        name="常委会工作机构审查",
        body="office",
        in_session=True,
        in_recess=True,
    )
    case = advance(new_suggestion(), "submitted")
    tiers = []
    while fresh(case).state in ("submitted", "in_review"):
        tiers.append(fresh(case).suggestion.review_tier)
        actions.do_review_suggestion(fresh(case), decision="accept", acting_user=user("jz_staff"))
    assert tiers == [1, 2]
    event = fresh(case).events.filter(action="review").last()
    assert event.data["tier_name"] == "常委会工作机构审查"


def test_a_unit_returns_a_wrong_assignment_and_the_office_reassigns_it():
    from lianxin.casework import actions as loop

    case = advance(new_suggestion(), "assigned")
    with pytest.raises(Conflict):
        actions.do_assign_suggestion(case, lead_unit=unit("JZ-SLJ"), acting_user=user("jz_staff"))
    loop.do_return_case(
        case, reason="不属于本单位职责，应由水利局办理。", acting_user=user("unit_demo")
    )
    actions.do_assign_suggestion(
        fresh(case), lead_unit=unit("JZ-SLJ"), acting_user=user("jz_staff")
    )
    active = Assignment.objects.filter(case=case, status="active", role="lead")
    assert [a.unit.code for a in active] == ["JZ-SLJ"]
    assert Assignment.objects.get(case=case, unit__code="JZ-JTYSJ").status == "returned"


def test_the_deadline_scan_marks_an_unanswered_suggestion_overdue():
    from lianxin.casework.scan import scan_deadlines

    case = advance(new_suggestion(in_session=False), "assigned")
    due = fresh(case).due_date
    scan_deadlines(today=due)
    assert not fresh(case).is_overdue
    with time_machine.travel(
        dt.datetime.combine(due + dt.timedelta(days=1), dt.time(9)), tick=False
    ):
        scan_deadlines()
    assert fresh(case).is_overdue
    assert fresh(case).events.filter(action="overdue").count() == 1


def test_a_motion_can_only_be_raised_during_a_session():
    with time_machine.travel(dt.datetime(2031, 8, 1, 10), tick=False):
        with pytest.raises(ValidationFailed) as exc:
            actions.do_create_motion(
                author=seat("deputy_b"), title="议案", content="内容", acting_user=user("deputy_b")
            )
    assert "会议期间" in exc.value.message


def test_drafts_stay_private_to_their_deputies():
    from lianxin.accounts.access import is_visible

    case = new_suggestion(co=("deputy_b",))
    assert is_visible(user("deputy_demo"), case)
    assert is_visible(user("deputy_b"), case)
    for other in ("deputy_c", "jz_staff", "leader_demo", "unit_demo"):
        assert not is_visible(user(other), case), other
    actions.do_cosign(case, acting_user=user("deputy_b"))
    actions.do_submit_suggestion(fresh(case), acting_user=user("deputy_demo"))
    assert is_visible(user("jz_staff"), fresh(case))
