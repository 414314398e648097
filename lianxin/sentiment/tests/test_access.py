"""Who sees a report: its authors (a draft only they), their CPPCC's staff and those above,
leaders of the region; everyone else the same 404 as for a report that does not exist."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from lianxin.accounts.access import can, visible_to
from lianxin.proposals.tests.helpers import other_cppcc

from .. import actions
from ..models import SentimentReport
from .helpers import advance, new_report, seat_key, user

pytestmark = pytest.mark.django_db


def client_of(username: str) -> Client:
    c = Client()
    c.force_login(user(username))
    return c


def visible(username: str, report) -> bool:
    return visible_to(user(username), SentimentReport).filter(pk=report.pk).exists()


def test_a_member_reading_anothers_draft_gets_404_like_a_missing_report():
    draft = new_report()
    assert visible("member_demo", draft)
    assert not visible("member_b", draft)
    assert not visible("cppcc_staff", draft)  # a draft is the author's own
    other = client_of("member_b")
    assert other.get(reverse("sentiment_detail", args=[draft.pk])).status_code == 404
    assert other.get(reverse("sentiment_detail", args=[999999])).status_code == 404
    assert (
        client_of("member_demo").get(reverse("sentiment_detail", args=[draft.pk])).status_code
        == 200
    )


def test_another_cppccs_staff_get_404_and_the_cppcc_above_reads_without_acting():
    other_cppcc()
    city = advance(new_report(), "submitted")
    county_staff = client_of("yc_cppcc_staff")
    assert county_staff.get(reverse("sentiment_detail", args=[city.pk])).status_code == 404
    assert county_staff.get(reverse("sentiment_action", args=[city.pk, "edit"])).status_code == 404
    # A county member's report: the county's staff act, the city's staff read only.
    county = actions.do_create_report(
        author=seat_key("yc_member"),
        title="关于村道破损的情况反映",
        content="村道多处破损。",
        acting_user=user("yc_member"),
    )
    actions.do_submit_report(county, acting_user=user("yc_member"))
    assert visible("yc_cppcc_staff", county) and visible("cppcc_staff", county)
    assert can(user("yc_cppcc_staff"), "sentiment.manage", county)
    assert not can(user("cppcc_staff"), "sentiment.manage", county)
    page = client_of("cppcc_staff").get(reverse("sentiment_detail", args=[county.pk]))
    assert page.status_code == 200 and 'data-action="edit"' not in page.content.decode()
    assert (
        client_of("cppcc_staff")
        .get(reverse("sentiment_action", args=[county.pk, "edit"]))
        .status_code
        == 403
    )


def test_leaders_read_submitted_reports_and_the_author_sees_only_the_edited_text():
    report = advance(new_report(), "edited")
    assert visible("leader_demo", report)
    author = client_of("member_demo").get(reverse("sentiment_detail", args=[report.pk]))
    text = author.content.decode()
    assert "居民反映夜间施工扰民" in text and "渣土车" not in text
    staff = (
        client_of("cppcc_staff").get(reverse("sentiment_detail", args=[report.pk])).content.decode()
    )
    assert "居民反映夜间施工扰民" in staff and "渣土车" in staff
    assert not visible("unit_demo", report) and not visible("deputy_demo", report)
    assert (
        client_of("unit_demo").get(reverse("sentiment_detail", args=[report.pk])).status_code == 404
    )


def test_the_co_author_and_the_sectors_members_see_their_own():
    report = new_report(co_authors=[seat_key("member_b")[7:]])
    assert visible("member_b", report)
    sector_key = next(
        k for k, _l in actions.author_choices(user("member_demo")) if k.startswith("sector:")
    )
    by_staff = actions.do_create_report(
        author=sector_key,
        title="关于界别调研的情况反映",
        content="调研发现的问题。",
        acting_user=user("cppcc_staff"),
    )
    assert visible("member_demo", by_staff)  # member_demo belongs to that sector
    assert not visible("member_b", by_staff)
