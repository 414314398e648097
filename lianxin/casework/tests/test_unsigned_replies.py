"""A reply letter awaiting its unit's sign-off, and a draft, are nobody's to read outside the
unit and the office: not on the public tracking page, not by the deputies or members who
proposed the case (pages and API)."""

from __future__ import annotations

import pytest
from django.test import Client

from lianxin.casework.models import Case, Reply
from lianxin.casework.tests.helpers import client_for

pytestmark = pytest.mark.django_db


def pending(title: str) -> tuple[Case, Reply]:
    case = Case.objects.get(title=title)
    assert case.state == "reply_pending_signoff"
    reply = Reply.objects.filter(case=case, signoff__isnull=True).get()
    return case, reply


SUGGESTION = "关于改造榆次老城区排水管网的建议"  # deputy_b's, its reply awaiting sign-off
PROPOSAL = "关于推进农村客运公交化改造的提案"  # member_demo's, likewise


def test_the_tracking_page_shows_no_reply_awaiting_sign_off(api):
    for title in (SUGGESTION, PROPOSAL):
        case, reply = pending(title)
        Reply.objects.filter(pk=reply.pk).update(content="尚未签发的答复正文", is_public=True)
        page = Client().get(f"/t/{case.tracking_code}")
        assert page.status_code == 200
        assert "尚未签发的答复正文" not in page.content.decode()
        body = api.anon().get(f"/api/v1/opinions/track/{case.tracking_code}").json()
        assert body["replies"] == [], title
        assert Client().get(f"/t/{case.tracking_code}/reply-{reply.pk}.pdf").status_code == 404


def test_a_signed_reply_is_on_the_tracking_page():
    case = Case.objects.get(title="关于完善农村公路养护机制的建议")  # replied and signed off
    reply = Reply.objects.get(case=case, signoff__approved=True)
    Reply.objects.filter(pk=reply.pk).update(content="已签发的答复正文", is_public=True)
    assert "已签发的答复正文" in Client().get(f"/t/{case.tracking_code}").content.decode()


def test_a_draft_is_not_on_the_tracking_page(api):
    draft = Case.objects.get(title="关于加快发展晋中职业教育的提案")
    assert draft.state == "draft"
    assert Client().get(f"/t/{draft.tracking_code}").status_code == 404
    assert api.anon().get(f"/api/v1/opinions/track/{draft.tracking_code}").status_code == 404
    assert Client().get("/t/", {"code": draft.tracking_code}).status_code == 404


def test_the_proposers_do_not_read_a_reply_before_it_is_signed_off(api):
    for title, kind, author in (
        (SUGGESTION, "suggestions", "deputy_b"),
        (PROPOSAL, "proposals", "member_demo"),
    ):
        case, reply = pending(title)
        Reply.objects.filter(pk=reply.pk).update(content="尚未签发的答复正文")
        html = client_for(author).get(f"/{kind}/{case.pk}/").content.decode()
        assert f'id="reply-{reply.pk}"' not in html and "尚未签发的答复正文" not in html, title
        body = api.as_user(author).get(f"/api/v1/{kind}/{case.pk}").json()
        assert reply.pk not in [r["id"] for r in body["replies"]], title
        assert all(c.get("status") != "pending" for c in body.get("commitments", []))
        # The unit that wrote it reads it, to sign it off.
        writer = reply.author.username
        body = api.as_user(writer).get(f"/api/v1/{kind}/{case.pk}").json()
        assert reply.pk in [r["id"] for r in body["replies"]], (title, writer)


def test_the_files_of_a_reply_awaiting_sign_off_stay_with_the_unit(api, settings, tmp_path):
    from django.core.files.base import ContentFile

    from lianxin.casework.models import Attachment

    settings.MEDIA_ROOT = str(tmp_path)
    case, reply = pending(SUGGESTION)
    item = Attachment.objects.create(
        case=case,
        reply=reply,
        kind=Attachment.Kind.DOCUMENT,
        file=ContentFile(b"%PDF-1.4 draft", name="letter.pdf"),
        original_name="签发前的答复函.pdf",
        content_type="application/pdf",
        size=14,
    )
    author, writer = client_for("deputy_b"), client_for(reply.author.username)
    assert "签发前的答复函.pdf" not in author.get(f"/suggestions/{case.pk}/").content.decode()
    assert "签发前的答复函.pdf" in writer.get(f"/suggestions/{case.pk}/").content.decode()
    url = f"/cases/{case.pk}/attachments/{item.pk}/"
    assert author.get(url).status_code == 404
    assert writer.get(url).status_code == 200
    api_url = f"/api/v1/cases/{case.pk}/attachments/{item.pk}"
    assert api.as_user("deputy_b").get(api_url).status_code == 404
    assert api.as_user(reply.author.username).get(api_url).status_code == 200
