"""A proposal declined with the disposition `sentiment` becomes a sentiment report in the same
transaction (casework.conversions, registered by this app), and each page links to the other."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from lianxin.casework import conversions
from lianxin.core.errors import ValidationFailed
from lianxin.proposals import actions as proposal_actions
from lianxin.proposals.tests.helpers import advance, fresh, new_proposal

from ..models import ReportState, SentimentReport
from .helpers import user

pytestmark = pytest.mark.django_db


def client_of(username: str) -> Client:
    c = Client()
    c.force_login(user(username))
    return c


def test_declining_with_sentiment_makes_the_report_linked_both_ways():
    case = advance(new_proposal(co=("member_b",)), "submitted")
    proposal_actions.do_register_proposal(
        case,
        decision="decline",
        note="所提问题宜以社情民意信息反映。",
        disposition="sentiment",
        acting_user=user("cppcc_staff"),
    )
    case = fresh(case)
    assert case.state == "declined"
    report = SentimentReport.objects.get(source_proposal=case)
    assert report.state == ReportState.SUBMITTED and report.cppcc_id == case.cppcc_id
    assert report.title == case.title and report.content == case.content
    assert report.author_member_id == case.raised_by_member_id
    assert [m.person.user.username for m in report.co_authors.all()] == ["member_b"]
    event = case.events.filter(action="register").latest("id")
    assert event.data["converted"] == {"type": "sentiment.sentimentreport", "id": report.pk}
    # Lineage on both pages, for the author and the staff.
    for username in ("member_demo", "cppcc_staff"):
        c = client_of(username)
        proposal_page = c.get(reverse("proposal_detail", args=[case.pk])).content.decode()
        assert reverse("sentiment_detail", args=[report.pk]) in proposal_page, username
        report_page = c.get(reverse("sentiment_detail", args=[report.pk])).content.decode()
        assert reverse("proposal_detail", args=[case.pk]) in report_page, username


def test_other_dispositions_make_no_report_and_a_refused_decline_leaves_nothing():
    case = advance(new_proposal(), "submitted", co=())
    proposal_actions.do_register_proposal(
        case,
        decision="decline",
        note="不属于受理范围。",
        disposition="letter",
        acting_user=user("cppcc_staff"),
    )
    assert not SentimentReport.objects.filter(source_proposal=case).exists()
    other = advance(new_proposal("关于另一件事的提案"), "submitted", co=())
    with pytest.raises(ValidationFailed):
        proposal_actions.do_register_proposal(
            other,
            decision="decline",
            note="",
            disposition="sentiment",
            acting_user=user("cppcc_staff"),
        )
    assert fresh(other).state == "submitted"
    assert not SentimentReport.objects.filter(source_proposal=other).exists()


def test_the_conversion_is_registered_from_sentiments_ready():
    assert conversions.registered("sentiment")
    assert not conversions.registered("letter")
