"""Consultations through /api/v1: open, list, submit, decide, summary; the public intake of a
contact point; and the refusals (closed, outside the audience, another congress, empty text)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import override_settings
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from lianxin.consultation.models import Consultation, Opinion
from lianxin.core.models import TrailEvent
from lianxin.duty.models import DutyEntry

from .conftest import DRAFT

pytestmark = pytest.mark.django_db


def _body(yuci, **fields):
    opens = timezone.now() - dt.timedelta(hours=1)
    return {
        "congress_id": yuci.pk,
        "kind": "draft",
        "title": "榆次区养老服务条例（草案）",
        "text": DRAFT,
        "opens_at": opens.isoformat(),
        "closes_at": (opens + dt.timedelta(days=10)).isoformat(),
        **fields,
    }


def test_staff_open_a_draft_whose_articles_are_parsed_with_a_code_per_contact_point(api, yuci):
    r = api.as_user("yc_staff").post("/api/v1/consultations", _body(yuci))
    assert r.status_code == 201, r.content
    data = r.json()
    assert [a["label"] for a in data["articles"]] == ["第一条", "第二条", "第三条"]
    assert data["articles"][1]["text"].startswith("第二条 本条例适用于")
    assert "第一章" not in data["articles"][0]["text"]
    points = [p["station"] for p in data["contact_points"]]
    assert "榆次区人大代表联络中心" in points
    assert all(p["url"].startswith("http://testserver/lc/") for p in data["contact_points"])
    assert TrailEvent.objects.filter(action="consultation.open", object_id=str(data["id"])).exists()


def test_a_draft_without_articles_or_with_the_period_reversed_is_refused(api, yuci):
    client = api.as_user("yc_staff")
    r = client.post("/api/v1/consultations", _body(yuci, text="关于养老服务的几点说明"))
    assert r.status_code == 422
    assert r.json()["field"] == "text"
    assert "第X条" in r.json()["message"]
    body = _body(yuci)
    body["closes_at"], body["opens_at"] = body["opens_at"], body["closes_at"]
    r = client.post("/api/v1/consultations", body)
    assert r.status_code == 422
    assert r.json()["message"] == "截止时间应晚于开始时间。"
    assert not Consultation.objects.exists()


def test_another_countys_staff_cannot_open_for_it_and_does_not_see_it(api, yuci, open_consultation):
    r = api.as_user("tg_staff").post("/api/v1/consultations", _body(yuci))
    assert r.status_code == 403
    c = open_consultation()
    tg = api.as_user("tg_staff")
    assert tg.get(f"/api/v1/consultations/{c.pk}").status_code == 404
    assert tg.get(f"/api/v1/consultations/{c.pk}/summary").status_code == 404
    assert c.pk not in [x["id"] for x in tg.get("/api/v1/consultations").json()["items"]]
    # The city above reads it as a roll-up, but does not decide.
    assert api.as_user("jz_staff").get(f"/api/v1/consultations/{c.pk}").status_code == 200


def test_deputies_submit_opinions_and_see_only_their_own(api, open_consultation, seat_of, users):
    c = open_consultation()
    article = c.articles.get(number=2)
    d = api.as_user("deputy_d")
    r = d.post(
        f"/api/v1/consultations/{c.pk}/opinions",
        {"article": article.pk, "content": "建议明确农村互助养老也适用本条例。"},
    )
    assert r.status_code == 201, r.content
    assert r.json()["group"] == "第二条"
    e = api.as_user("deputy_e")
    r = e.post(
        f"/api/v1/consultations/{c.pk}/opinions",
        {"theme": "资金保障", "content": "建议设立专项资金。"},
    )
    assert r.status_code == 201
    mine = d.get(f"/api/v1/consultations/{c.pk}/opinions").json()
    assert [o["content"] for o in mine] == ["建议明确农村互助养老也适用本条例。"]
    staff = api.as_user("yc_staff").get(f"/api/v1/consultations/{c.pk}/opinions").json()
    assert len(staff) == 2
    event = TrailEvent.objects.get(
        action="consultation.submit_opinion", object_id=str(r.json()["id"])
    )
    assert event.seat_type == "deputy" and event.seat_id == seat_of(users["deputy_e"]).pk


def test_an_empty_opinion_or_an_article_of_another_draft_is_refused(api, open_consultation):
    c = open_consultation()
    other = open_consultation(title="另一部草案")
    d = api.as_user("deputy_d")
    r = d.post(f"/api/v1/consultations/{c.pk}/opinions", {"content": "   "})
    assert r.status_code == 422
    assert r.json()["message"] == "请填写意见内容。"
    r = d.post(
        f"/api/v1/consultations/{c.pk}/opinions",
        {"article": other.articles.first().pk, "content": "意见"},
    )
    assert r.status_code == 422
    assert r.json()["message"] == "所选条文不存在。"
    assert not Opinion.objects.exists()


def test_an_opinion_after_the_period_closed_is_refused_with_a_clear_message(api, open_consultation):
    c = open_consultation(opens_in=dt.timedelta(days=-10), lasting=dt.timedelta(days=9))
    r = api.as_user("deputy_d").post(f"/api/v1/consultations/{c.pk}/opinions", {"content": "意见"})
    assert r.status_code == 409
    assert r.json()["code"] == "closed"
    assert r.json()["message"].startswith("征求意见已于 ")
    assert r.json()["message"].endswith("截止，不再接收意见。")
    assert not Opinion.objects.exists()


def test_a_deputy_outside_the_chosen_fields_neither_sees_nor_submits(
    api, open_consultation, elderly_care
):
    c = open_consultation(audience="fields", expertise=[elderly_care.pk])
    demo = api.as_user("deputy_demo")  # social security and urban construction
    assert demo.get(f"/api/v1/consultations/{c.pk}").status_code == 404
    r = demo.post(f"/api/v1/consultations/{c.pk}/opinions", {"content": "意见"})
    assert r.status_code == 404
    assert api.as_user("deputy_d").get(f"/api/v1/consultations/{c.pk}").status_code == 200
    assert not Opinion.objects.exists()


def test_a_citizen_at_a_contact_point_submits_once_whatever_the_retries(api, open_consultation):
    c = open_consultation()
    link = c.contact_links.get(station__name="榆次区人大代表联络中心")
    url = f"/api/v1/consultations/scan/{link.code}/opinions"
    key = {"Idempotency-Key": "citizen-retry-0001"}
    r = api.post(
        url, {"content": "建议社区食堂向老人优惠。", "citizen_phone": "13800001111"}, headers=key
    )
    assert r.status_code == 201, r.content
    again = api.post(
        url, {"content": "建议社区食堂向老人优惠。", "citizen_phone": "13800001111"}, headers=key
    )
    assert again.status_code == 200 and again.json()["id"] == r.json()["id"]
    changed = api.post(url, {"content": "另一条意见"}, headers=key)
    assert changed.status_code == 409
    assert Opinion.objects.filter(source="citizen").count() == 1
    assert r.json()["station"] == "榆次区人大代表联络中心"
    assert (
        api.post("/api/v1/consultations/scan/nosuchcode/opinions", {"content": "x"}).status_code
        == 404
    )


def test_the_public_intake_is_rate_limited(api, open_consultation):
    c = open_consultation()
    url = f"/api/v1/consultations/scan/{c.contact_links.first().code}/opinions"
    with override_settings(LIANXIN_PUBLIC_SUBMISSIONS_PER_IP=2):
        codes = [api.post(url, {"content": f"意见{i}"}).status_code for i in range(3)]
        assert codes == [201, 201, 429]
        r = api.post(url, {"content": "意见"})
        assert "提交过于频繁" in r.json()["message"] and r["Retry-After"]
    assert Opinion.objects.count() == 2


def test_staff_decide_and_the_deputy_sees_it_and_the_duty_record_counts(
    api, open_consultation, seat_of, users
):
    c = open_consultation()
    seat = seat_of(users["deputy_d"])
    d = api.as_user("deputy_d")
    oid = d.post(
        f"/api/v1/consultations/{c.pk}/opinions", {"content": "建议增加护理补贴。"}
    ).json()["id"]
    entry = DutyEntry.objects.get(deputy=seat, kind="consultation")
    assert entry.outcome == "opinion_given" and entry.source_id == str(c.pk)

    staff = api.as_user("yc_staff")
    r = staff.post(f"/api/v1/consultation-opinions/{oid}/decide", {"decision": "not_adopted"})
    assert r.status_code == 422 and r.json()["field"] == "reason"
    assert (
        d.post(f"/api/v1/consultation-opinions/{oid}/decide", {"decision": "adopted"}).status_code
        == 403
    )
    assert (
        api.as_user("tg_staff")
        .post(f"/api/v1/consultation-opinions/{oid}/decide", {"decision": "adopted"})
        .status_code
        == 404
    )
    r = staff.post(f"/api/v1/consultation-opinions/{oid}/decide", {"decision": "adopted"})
    assert r.status_code == 200 and r.json()["decision_label"] == "采纳"
    mine = d.get(f"/api/v1/consultations/{c.pk}/opinions").json()
    assert mine[0]["decision"] == "adopted"
    outcomes = set(
        DutyEntry.objects.filter(deputy=seat, kind="consultation").values_list("outcome", flat=True)
    )
    assert outcomes == {"opinion_given", "adopted"}

    staff.post(
        f"/api/v1/consultation-opinions/{oid}/decide",
        {"decision": "partly", "reason": "部分已有规定"},
    )
    outcomes = set(
        DutyEntry.objects.filter(deputy=seat, kind="consultation").values_list("outcome", flat=True)
    )
    assert outcomes == {"opinion_given", "partly_adopted"}
    staff.post(
        f"/api/v1/consultation-opinions/{oid}/decide",
        {"decision": "not_adopted", "reason": "超出立法权限"},
    )
    outcomes = set(
        DutyEntry.objects.filter(deputy=seat, kind="consultation").values_list("outcome", flat=True)
    )
    assert outcomes == {"opinion_given"}
    assert (
        TrailEvent.objects.filter(action="consultation.decide_opinion", object_id=str(oid)).count()
        == 3
    )


def test_the_summary_groups_by_article_and_exports_excel_and_pdf(
    api, client, open_consultation, users
):
    c = open_consultation()
    first, third = c.articles.get(number=1), c.articles.get(number=3)
    api.as_user("deputy_d").post(
        f"/api/v1/consultations/{c.pk}/opinions",
        {"article": third.pk, "content": "建议写明财政投入比例。"},
    )
    api.as_user("deputy_e").post(
        f"/api/v1/consultations/{c.pk}/opinions",
        {"article": first.pk, "content": "=建议增加立法目的表述"},
    )
    api.as_user("deputy_demo").post(
        f"/api/v1/consultations/{c.pk}/opinions", {"content": "总体赞成。"}
    )
    link = c.contact_links.first()
    api.post(
        f"/api/v1/consultations/scan/{link.code}/opinions",
        {"article": third.pk, "content": "希望多建社区养老点。"},
    )
    staff = api.as_user("yc_staff")
    s = staff.get(f"/api/v1/consultations/{c.pk}/summary").json()
    assert [g["label"] for g in s["groups"]] == ["第一条", "第三条", "总体意见"]
    assert [len(g["opinions"]) for g in s["groups"]] == [1, 2, 1]
    assert (s["total"], s["deputies"], s["citizens"], s["pending"]) == (4, 3, 1, 4)
    opinion = s["groups"][1]["opinions"][0]
    staff.post(f"/api/v1/consultation-opinions/{opinion['id']}/decide", {"decision": "adopted"})

    client.force_login(users["yc_staff"])
    r = client.get(f"/consultations/{c.pk}/summary.xlsx")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = [[cell.value for cell in row] for row in ws.iter_rows(min_row=4, max_row=7)]
    assert [row[1] for row in rows] == ["第一条", "第三条", "第三条", "总体意见"]
    assert rows[0][3] == "=建议增加立法目的表述" and ws.cell(4, 4).data_type == "s"
    assert rows[1][4] == "采纳"
    assert "群众" in rows[2][2]
    r = client.get(f"/consultations/{c.pk}/summary.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    # The summary names the citizens: both downloads are audited exports.
    from lianxin.core.models import AuditLog

    exports = AuditLog.objects.filter(kind=AuditLog.Kind.EXPORTED, target=f"consultation:{c.pk}")
    assert sorted(e.detail["format"] for e in exports) == ["pdf", "xlsx"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    assert "征求意见汇总" in text
    assert "建议写明财政投入比例" in text and "希望多建社区养老点" in text
    assert "采纳" in text
    client.force_login(users["tg_staff"])
    assert client.get(f"/consultations/{c.pk}/summary.xlsx").status_code == 404
    client.force_login(users["deputy_d"])
    assert client.get(f"/consultations/{c.pk}/summary.pdf").status_code == 403
