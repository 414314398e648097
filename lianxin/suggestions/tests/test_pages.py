"""The pages: writing (with guidance), one suggestion with its action forms, the work list,
central assignment, commitments, the special report as PDF and Excel (read back), and the
public replies."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader

from lianxin.casework.models import Case, Commitment, Reply
from lianxin.casework.tests.helpers import client_for

from .helpers import advance, city, fresh, new_suggestion, open_session, seat, user

pytestmark = pytest.mark.django_db


def test_a_deputy_writes_a_joint_suggestion_on_the_page():
    open_session()
    c = client_for("deputy_demo")
    page = c.get("/suggestions/new/")
    assert page.status_code == 200
    assert "以哪一级人大代表的身份提出" in page.content.decode()
    page = c.get(f"/suggestions/new/?congress={city().pk}")
    assert "晋联代表" in page.content.decode()
    r = c.post(
        "/suggestions/new/",
        {
            "congress": city().pk,
            "title": "关于在榆次老城增设公共厕所的建议",
            "content": "老城游客多，公共厕所少。",
            "in_session": "auto",
            "co_sponsors": [seat("deputy_b").pk, seat("deputy_c").pk],
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    case = Case.objects.get(title="关于在榆次老城增设公共厕所的建议")
    assert case.state == "draft" and case.cosponsors.count() == 2
    detail = client_for("deputy_b").get(f"/suggestions/{case.pk}/").content.decode()
    assert 'data-action="cosign"' in detail


def test_the_writing_page_refuses_a_suggestion_without_content_in_place():
    c = client_for("deputy_b")
    r = c.post("/suggestions/new/", {"title": "标题", "content": "", "in_session": "0"})
    assert r.status_code == 422
    assert "请填写建议内容" in r.content.decode()


def test_guidance_shows_similar_suggestions_the_deputy_may_see():
    advance(new_suggestion("关于增设顺城街公交站台遮雨棚的建议"), "replied")
    r = client_for("deputy_demo").get(
        "/suggestions/similar/", {"title": "公交站台遮雨棚", "content": "建议增设公交站台遮雨棚"}
    )
    assert r.status_code == 200
    assert "关于增设顺城街公交站台遮雨棚的建议" in r.content.decode()
    # Another deputy sees it only once its reply is public and signed off (it is here).
    r = client_for("deputy_c").get("/suggestions/similar/", {"title": "公交站台遮雨棚"})
    assert "关于增设顺城街公交站台遮雨棚的建议" in r.content.decode()


def test_guidance_never_shows_what_the_deputy_may_not_see():
    advance(new_suggestion("关于治理城区噪声扰民问题的建议", author="deputy_b"), "submitted")
    r = client_for("deputy_c").get("/suggestions/similar/", {"title": "城区噪声扰民治理"})
    assert "关于治理城区噪声扰民问题的建议" not in r.content.decode()
    r = client_for("deputy_b").get("/suggestions/similar/", {"title": "城区噪声扰民治理"})
    assert "关于治理城区噪声扰民问题的建议" in r.content.decode()


def test_an_action_form_refuses_bad_input_in_place_and_acts_on_good_input():
    case = advance(new_suggestion(), "handling")
    c = client_for("unit_demo")
    assert c.get(f"/suggestions/{case.pk}/do/reply/").status_code == 200
    r = c.post(
        f"/suggestions/{case.pk}/do/reply/",
        {"content": "答复", "category": "B", "version": fresh(case).version},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 422
    assert "B 类答复须写明承诺事项" in r.content.decode()
    r = c.post(
        f"/suggestions/{case.pk}/do/reply/",
        {
            "content": "年内完成。",
            "category": "B",
            "commitment": "年内建成遮雨棚",
            "commitment_due": "2099-12-31",
            "version": fresh(case).version,
        },
    )
    assert r.status_code == 422  # more than five years ahead
    r = c.post(
        f"/suggestions/{case.pk}/do/reply/",
        {
            "content": "年内完成。",
            "category": "A",
            "public": "on",
            "version": fresh(case).version,
        },
    )
    assert r.status_code == 302
    assert fresh(case).state == "reply_pending_signoff"


def test_a_page_action_the_caller_may_not_take_is_forbidden():
    case = advance(new_suggestion(), "submitted")
    assert client_for("deputy_demo").get(f"/suggestions/{case.pk}/do/review/").status_code == 403
    assert client_for("deputy_c").get(f"/suggestions/{case.pk}/").status_code == 404


def test_the_work_list_costs_the_same_queries_for_few_rows_and_many():
    staff = client_for("jz_staff")
    staff.get("/suggestions/")
    with CaptureQueriesContext(connection) as few:
        staff.get("/suggestions/?state=accepted")
    for i in range(12):
        advance(new_suggestion(f"列表建议{i}", in_session=False, co=("deputy_b",)), "assigned")
    with CaptureQueriesContext(connection) as many:
        r = staff.get("/suggestions/?state=assigned")
    assert r.status_code == 200
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]


def test_central_assignment_page_assigns_the_chosen_suggestions():
    a = advance(new_suggestion("集中交办甲", in_session=False), "accepted")
    b = advance(new_suggestion("集中交办乙", in_session=False), "accepted")
    c = client_for("jz_staff")
    page = c.get("/suggestions/assign/")
    assert "集中交办甲" in page.content.decode()
    from lianxin.org.models import HandlingUnit

    lead = HandlingUnit.objects.get(code="JZ-JTYSJ")
    co = HandlingUnit.objects.get(code="JZ-ZFCXJSJ")
    r = c.post(
        "/suggestions/assign/",
        {
            "congress": city().pk,
            f"lead_{a.pk}": lead.pk,
            f"co_{a.pk}": [co.pk],
            f"complex_{a.pk}": "1",
            f"version_{a.pk}": fresh(a).version,
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    assert fresh(a).state == "assigned" and fresh(a).suggestion.is_complex
    assert fresh(b).state == "accepted"


def test_commitments_page_lists_promises_and_the_unit_marks_one_kept():
    case = advance(new_suggestion("承诺页面建议"), "replied")
    commitment = Commitment.objects.get(case=case)
    page = client_for("jz_staff").get("/suggestions/commitments/?status=open")
    assert commitment.content in page.content.decode()
    unit = client_for("unit_demo")
    r = unit.post(
        f"/suggestions/commitments/{commitment.pk}/close/", {"kept": "1", "note": "已建成。"}
    )
    assert r.status_code == 302
    assert Commitment.objects.get(pk=commitment.pk).status == "kept"
    assert (
        client_for("deputy_c").get(f"/suggestions/commitments/{commitment.pk}/close/").status_code
        == 404
    )


def test_the_special_report_downloads_as_pdf_and_excel_that_count_the_suggestion():
    session = open_session()
    case = advance(new_suggestion("专项报告统计用建议"), "replied")
    staff = client_for("jz_staff")
    url = f"/suggestions/report/?congress={city().pk}&session={session.pk}"
    page = staff.get(url)
    assert page.status_code == 200
    pdf = staff.get(url + "&format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "关于代表建议办理情况的专项报告" in text
    xlsx = staff.get(url + "&format=xlsx")
    wb = load_workbook(io.BytesIO(xlsx.content))
    figures = {row[0]: row[1] for row in wb["总体情况"].iter_rows(min_row=6, values_only=True)}
    received = Case.objects.filter(
        kind="suggestion", suggestion__session=session, congress=city()
    ).exclude(state__in=["draft", "withdrawn"])
    assert figures["收到建议"] == received.count()
    replies = {
        row[0][:1]: row[1] for row in wb["按答复类别"].iter_rows(min_row=2, values_only=True)
    }
    last_category = {}
    for reply in Reply.objects.filter(case__in=received, signoff__approved=True).order_by(
        "round", "created_at", "id"
    ):
        last_category[reply.case_id] = reply.category.code
    assert last_category[case.pk] == "B"
    assert replies["B"] == list(last_category.values()).count("B")
    assert client_for("deputy_b").get(url).status_code == 403


def test_public_replies_show_the_title_and_the_deputies_names_only_after_sign_off():
    case = advance(new_suggestion("公开答复页面建议", co=("deputy_b",)), "reply_pending_signoff")
    anon = Client()
    assert "公开答复页面建议" not in anon.get("/public/suggestions/").content.decode()
    advance(fresh(case), "replied")
    page = anon.get("/public/suggestions/").content.decode()
    assert "公开答复页面建议" in page
    assert "连心代表、晋联代表" in page


def test_a_handling_unit_sees_its_satisfaction_rate():
    advance(new_suggestion("满意率统计用建议"), "concluded")
    page = client_for("unit_demo").get("/suggestions/").content.decode()
    assert "本单位主办建议的办理情况" in page
    from ..queries import unit_figures

    figures = unit_figures(user("unit_demo"))
    assert figures[0]["unit"] == "晋中市交通运输局"
    assert figures[0]["rated"] >= 1 and figures[0]["satisfaction"].endswith("%")


def test_the_loops_case_page_sends_a_suggestion_to_its_own_page():
    case = advance(new_suggestion("在办理事项页面查看的建议"), "submitted")
    client = client_for("jz_staff")
    r = client.get(f"/cases/{case.pk}/")
    assert r.status_code == 302
    assert r["Location"] == f"/suggestions/{case.pk}/"
    page = client.get(r["Location"])
    assert page.status_code == 200
    assert "在办理事项页面查看的建议" in page.content.decode()
    # Another county's office gets the same 404 as for a case that does not exist.
    assert client_for("tg_staff").get(f"/cases/{case.pk}/").status_code == 404


def test_the_loops_action_address_runs_nothing_for_a_suggestion():
    """A suggestion's actions run on its own pages (with its own steps, e.g. a return ends a
    pending extension request): the loop's action address sends a GET there and refuses a POST
    without changing anything."""
    case = advance(new_suggestion(), "handling")
    unit = client_for("unit_demo")
    r = unit.get(f"/cases/{case.pk}/actions/return/")
    assert r.status_code == 302 and r["Location"] == f"/suggestions/{case.pk}/"
    r = unit.post(
        f"/cases/{case.pk}/actions/return/",
        {"reason": "不属于本单位职责。", "version": fresh(case).version},
    )
    assert r.status_code == 404
    assert fresh(case).assignments.filter(status="returned").count() == 0
