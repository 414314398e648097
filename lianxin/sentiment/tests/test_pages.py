"""The pages: writing on a form (bad input answered with 422 and a Chinese message, nothing
saved), the staff's action pages, an issue compiled and sent on its pages and its PDF read
back, the rankings, and the workbench lists."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from lianxin.liaison.tests.helpers import pdf_text

from ..models import ReportState, SentimentIssue, SentimentReport
from .helpers import advance, fresh, new_report, seat_key, user

pytestmark = pytest.mark.django_db


def client_of(username: str) -> Client:
    c = Client()
    c.force_login(user(username))
    return c


def test_a_member_writes_on_the_form_and_bad_input_is_answered_on_the_page():
    c = client_of("member_demo")
    url = reverse("sentiment_new")
    page = c.get(url).content.decode()
    assert "以谁的名义反映" in page and "界别" in page
    before = SentimentReport.objects.count()
    r = c.post(url, {"author": seat_key("member_demo"), "title": "", "content": "正文"})
    assert r.status_code == 422 and "这个字段是必填项。" in r.content.decode()
    r = c.post(url, {"author": "cppcc:1", "title": "标题", "content": "正文"})
    assert r.status_code == 422
    assert SentimentReport.objects.count() == before
    r = c.post(
        url,
        {
            "author": seat_key("member_demo"),
            "title": "关于菜市场周边占道经营的情况反映",
            "content": "早市摊点占用车道。",
            "category": "social_governance",
        },
    )
    report = SentimentReport.objects.latest("id")
    assert r.status_code == 302 and r["Location"] == report.get_absolute_url()
    assert report.category.code == "social_governance" and report.state == ReportState.DRAFT
    r = c.post(reverse("sentiment_action", args=[report.pk, "submit"]), {})
    assert r.status_code == 302 and fresh(report).state == ReportState.SUBMITTED


def test_the_staff_return_with_a_reason_and_edit_on_their_pages():
    report = advance(new_report(), "submitted")
    staff = client_of("cppcc_staff")
    r = staff.post(reverse("sentiment_action", args=[report.pk, "return"]), {"reason": " "})
    assert r.status_code == 422 and fresh(report).state == ReportState.SUBMITTED
    page = staff.get(reverse("sentiment_action", args=[report.pk, "edit"])).content.decode()
    assert "渣土车" in page  # the original beside the form
    r = staff.post(
        reverse("sentiment_action", args=[report.pk, "edit"]),
        {"edited_title": "夜间施工扰民", "edited_content": "建议加强夜间施工审批。"},
    )
    assert r.status_code == 302 and fresh(report).state == ReportState.EDITED
    # A member cannot open a staff action: 403 (the report is theirs to see).
    assert (
        client_of("member_demo")
        .get(reverse("sentiment_action", args=[report.pk, "adopt"]))
        .status_code
        == 403
    )


def test_an_issue_is_compiled_and_sent_on_its_pages_and_its_pdf_carries_the_titles():
    a = advance(new_report("关于甲小区停车难的情况反映"), "edited")
    b = advance(
        new_report("关于乙街道路灯不亮的情况反映", author="member_b"), "edited", author="member_b"
    )
    staff = client_of("cppcc_staff")
    page = staff.get(reverse("sentiment_issue_new")).content.decode()
    assert "城区夜间施工噪音扰民" in page
    r = staff.post(reverse("sentiment_issue_new"), {"title": "城市管理专辑", "reports": []})
    assert r.status_code == 422
    r = staff.post(
        reverse("sentiment_issue_new"),
        {"title": "城市管理专辑", "reports": [str(a.pk), str(b.pk)]},
    )
    issue = SentimentIssue.objects.latest("id")
    assert r.status_code == 302 and r["Location"] == issue.get_absolute_url()
    assert fresh(a).issue == issue and fresh(b).issue == issue
    r = staff.post(reverse("sentiment_issue_send", args=[issue.pk]), {"sent_on": "2026-01-01"})
    assert r.status_code == 422 and "这个字段是必填项。" in r.content.decode()
    r = staff.post(
        reverse("sentiment_issue_send", args=[issue.pk]),
        {"recipients": ["higher_cppcc", "government"], "sent_on": "2026-01-02"},
    )
    assert r.status_code == 302 and fresh(a).state == ReportState.SENT
    detail = staff.get(issue.get_absolute_url()).content.decode()
    assert "上级政协、政府（2026-01-02）" in detail
    pdf = staff.get(reverse("sentiment_issue_pdf", args=[issue.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    compact = "".join(text.split())
    assert "社情民意信息" in compact and issue.label in compact
    assert "城区夜间施工噪音扰民" in compact  # the edited titles, as printed
    assert "城市管理专辑" in compact and "上级政协、政府" in compact
    # Members do not open issues.
    assert client_of("member_demo").get(issue.get_absolute_url()).status_code == 404


def test_rankings_count_submitted_compiled_adopted_and_instructed_by_member_and_sector():
    report = advance(new_report(co_authors=[seat_key("member_b")[7:]]), "instructed")
    page = client_of("cppcc_staff").get(reverse("sentiment_rankings")).content.decode()
    assert 'id="rank-members"' in page and 'id="rank-sectors"' in page
    from ..queries import rankings

    year = fresh(report).submitted_at.year
    tables = rankings(report.cppcc, year)
    members = {t.name: t for t in tables["members"]}
    author = members[report.author_member.person.name]
    assert author.submitted >= 1 and author.instructed >= 1 and author.adopted >= 1
    assert members["协力委员"].instructed >= 1  # the co-author counts too
    sector = report.author_member.sector.name
    assert sector in {t.name for t in tables["sectors"]}
    assert client_of("member_demo").get(reverse("sentiment_rankings")).status_code == 403


def test_the_workbench_lists_reports_to_edit_and_returned_reports():
    report = advance(new_report("关于待编辑测试的情况反映"), "submitted")
    staff = client_of("cppcc_staff").get(reverse("workbench")).content.decode()
    assert "待编辑的社情民意信息" in staff and "关于待编辑测试的情况反映" in staff
    from .. import actions

    actions.do_return_report(report, reason="请补充。", acting_user=user("cppcc_staff"))
    member = client_of("member_demo").get(reverse("workbench")).content.decode()
    assert "退回修改的社情民意信息" in member and "关于待编辑测试的情况反映" in member


def test_the_list_filters_by_state_year_and_title():
    new_report("关于列表筛选测试的情况反映")
    c = client_of("member_demo")
    page = c.get(reverse("sentiment_list"), {"state": "draft", "q": "列表筛选"}).content.decode()
    assert "关于列表筛选测试的情况反映" in page
    page = c.get(reverse("sentiment_list"), {"state": "sent", "q": "列表筛选"}).content.decode()
    assert "关于列表筛选测试的情况反映" not in page
    assert c.get(reverse("sentiment_list"), {"year": "abc", "page": "x"}).status_code == 200
    assert client_of("unit_demo").get(reverse("sentiment_list")).status_code == 403
