"""The pages: the office opens a consultation with an attachment, sees the contact points'
codes and decides; the deputy submits on the page and sees the decision; the citizen's form
behind a contact point's code (once per form, refused after the period); the refusals."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from lianxin.consultation.models import Consultation, Opinion
from lianxin.core.forms import new_form_key

from .conftest import DRAFT

pytestmark = pytest.mark.django_db


def _pdf() -> bytes:
    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.write(out)
    return out.getvalue()


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_the_office_opens_a_draft_with_an_attachment_on_the_page(client, users):
    client.force_login(users["yc_staff"])
    now = timezone.now()
    r = client.post(
        "/consultations/new/",
        {
            "kind": "draft",
            "title": "榆次区养老服务条例（草案）",
            "text": DRAFT,
            "opens_at": _local(now - dt.timedelta(minutes=5)),
            "closes_at": _local(now + dt.timedelta(days=7)),
            "audience": "all",
            "documents": [
                SimpleUploadedFile("起草说明.pdf", _pdf(), content_type="application/pdf")
            ],
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    c = Consultation.objects.get()
    assert r["Location"] == f"/consultations/{c.pk}/"
    assert c.articles.count() == 3
    assert [d.original_name for d in c.documents.all()] == ["起草说明.pdf"]
    page = client.get(r["Location"]).content.decode()
    assert "起草说明.pdf" in page
    document = c.documents.get()
    download = client.get(f"/consultations/{c.pk}/documents/{document.pk}")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    client.force_login(users["tg_staff"])
    assert client.get(f"/consultations/{c.pk}/documents/{document.pk}").status_code == 404
    assert "榆次区人大代表联络中心" in page
    assert re.search(r'href="http://testserver/lc/[\w-]+"', page)
    assert "导出汇总（Excel）" in page


def test_a_bad_attachment_or_an_empty_title_saves_nothing(client, users):
    client.force_login(users["yc_staff"])
    form = client.get("/consultations/new/").content.decode()
    assert 'id="id_kind"' in form and 'type="datetime-local"' in form
    now = timezone.now()
    data = {
        "kind": "agenda",
        "title": "关于全区养老服务工作情况的报告",
        "text": "常委会第十次会议听取和审议区政府关于养老服务工作情况的报告。",
        "opens_at": _local(now),
        "closes_at": _local(now + dt.timedelta(days=7)),
        "audience": "all",
        "documents": [
            SimpleUploadedFile("说明.exe", b"MZ\x90\x00", content_type="application/octet-stream")
        ],
    }
    r = client.post("/consultations/new/", data)
    assert r.status_code == 422
    assert not Consultation.objects.exists()
    r = client.post("/consultations/new/", {**data, "documents": [], "title": " "})
    assert r.status_code == 422
    assert "请填写标题。" in r.content.decode()
    assert not Consultation.objects.exists()


def test_a_deputy_submits_on_the_page_and_sees_what_became_of_it(client, users, open_consultation):
    c = open_consultation()
    client.force_login(users["deputy_d"])
    page = client.get(f"/consultations/{c.pk}/").content.decode()
    assert "提出意见" in page and "第二条" in page
    r = client.post(f"/consultations/{c.pk}/", {"article": "", "content": ""})
    assert r.status_code == 422
    assert "请填写意见内容。" in r.content.decode()
    seat = str(c.congress.deputies.get(person=users["deputy_d"].person).pk)
    article = c.articles.get(number=2)
    r = client.post(
        f"/consultations/{c.pk}/",
        {
            "seat": seat,
            "article": str(article.pk),
            "content": "建议将农村互助幸福院纳入。",
            "files": [SimpleUploadedFile("补充材料.pdf", _pdf(), content_type="application/pdf")],
        },
    )
    assert r.status_code == 302
    opinion = Opinion.objects.get()
    assert opinion.article == article
    attachment = opinion.files.get()
    assert attachment.original_name == "补充材料.pdf"
    assert client.get(f"/consultations/opinion-files/{attachment.pk}").status_code == 200
    client.force_login(users["deputy_e"])
    assert client.get(f"/consultations/opinion-files/{attachment.pk}").status_code == 404
    client.force_login(users["yc_staff"])
    r = client.post(
        f"/consultations/opinions/{opinion.pk}/decide/",
        {"decision": "partly", "reason": "已在第十二条中体现"},
    )
    assert r.status_code == 302
    client.force_login(users["deputy_d"])
    page = client.get(f"/consultations/{c.pk}/").content.decode()
    assert "部分采纳" in page and "已在第十二条中体现" in page
    client.force_login(users["tg_staff"])
    assert client.get(f"/consultations/{c.pk}/").status_code == 404
    assert (
        client.post(
            f"/consultations/opinions/{opinion.pk}/decide/", {"decision": "adopted"}
        ).status_code
        == 404
    )


def test_after_the_period_the_deputy_page_and_the_citizen_form_say_it_is_closed(
    client, users, open_consultation
):
    c = open_consultation(opens_in=dt.timedelta(days=-10), lasting=dt.timedelta(days=9))
    client.force_login(users["deputy_d"])
    page = client.get(f"/consultations/{c.pk}/").content.decode()
    assert "不在征求意见期限内" in page and "提交意见" not in page
    seat = str(c.congress.deputies.get(person=users["deputy_d"].person).pk)
    r = client.post(f"/consultations/{c.pk}/", {"seat": seat, "content": "迟到的意见"})
    assert r.status_code == 422
    assert "截止，不再接收意见。" in r.content.decode()
    client.logout()
    link = c.contact_links.first()
    assert "不再接收意见" in client.get(f"/lc/{link.code}").content.decode()
    r = client.post(
        f"/lc/{link.code}", {"content": "迟到的意见", "idempotency_key": new_form_key()}
    )
    assert r.status_code == 422
    assert "截止，不再接收意见。" in r.content.decode()
    assert not Opinion.objects.exists()


def test_the_citizen_form_registers_once_per_form(client, open_consultation):
    c = open_consultation()
    link = c.contact_links.get(station__name="榆次区人大代表联络中心")
    page = client.get(f"/lc/{link.code}").content.decode()
    assert "榆次区人大代表联络中心" in page and c.title in page
    key = new_form_key()
    data = {
        "content": "建议社区食堂对高龄老人免费。",
        "citizen_name": "赵女士",
        "idempotency_key": key,
    }
    r = client.post(f"/lc/{link.code}", data)
    assert r.status_code == 200 and "您的意见已收到" in r.content.decode()
    r = client.post(f"/lc/{link.code}", data)
    assert "此前已经提交过，未重复登记" in r.content.decode()
    r = client.post(f"/lc/{link.code}", {**data, "content": "改过的意见"})
    assert r.status_code == 409
    assert Opinion.objects.filter(source="citizen").count() == 1
    r = client.post(f"/lc/{link.code}", {"content": "", "idempotency_key": new_form_key()})
    assert r.status_code == 422 and "请填写意见内容。" in r.content.decode()
    assert client.get("/lc/nosuchcode").status_code == 404
