"""Staff pages: the case list, one case, its action forms (plain and htmx), contact reveal,
attachments and notifications."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image

from lianxin.casework.workflow import workflow_for
from lianxin.core.models import AuditLog
from lianxin.testing.files import pdf_bytes

from .helpers import advance, fresh, new_opinion, unit, user

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def test_the_case_list_filters_and_masks_phones():
    case = new_opinion("北关街道垃圾清运不及时")
    client = signed_in("yc_staff")
    html = client.get("/cases/", {"kind": "opinion", "q": "垃圾清运"}).content.decode()
    assert case.tracking_code in html and "138****5678" in html and "13812345678" not in html
    assert client.get("/cases/", {"region": "xx"}).status_code == 422
    partial = client.get(
        "/cases/", {"q": "垃圾清运"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "<html" not in partial and case.tracking_code in partial


def test_the_case_list_page_takes_a_constant_number_of_queries():
    client = signed_in("yc_staff")
    # Each related table is read in one query of its own when the page refers to it at all,
    # so both pages hold triaged (categorised) and untriaged cases.
    for i in range(2):
        advance(new_opinion(f"少量{i}"), "triaged" if i else "registered")
    client.get("/cases/")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/cases/").status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for i in range(60):
        advance(new_opinion(f"大量{i}"), "triaged" if i % 3 == 0 else "registered")
    assert count() == few


def test_the_detail_page_offers_the_available_actions_as_buttons():
    case = advance(new_opinion(), "handling")
    html = signed_in("unit_demo").get(f"/cases/{case.pk}/").content.decode()
    for action in ("return", "consult", "reply"):
        assert f'data-action="{action}"' in html
    assert 'data-action="assign"' not in html
    html = signed_in("jz_staff").get(f"/cases/{case.pk}/").content.decode()
    assert "当前没有您可进行的操作" in html


def test_invisible_cases_are_404_on_every_page():
    case = advance(new_opinion(), "handling")
    for username in ("tg_staff", "unit_other"):
        client = signed_in(username)
        assert client.get(f"/cases/{case.pk}/").status_code == 404
        assert client.get(f"/cases/{case.pk}/actions/reply/").status_code == 404
        assert client.post(f"/cases/{case.pk}/actions/reply/", {"content": "x"}).status_code == 404
        assert client.post(f"/cases/{case.pk}/contact/").status_code == 404


def test_an_action_form_posts_through_the_action_and_redirects():
    case = new_opinion()
    client = signed_in("yc_staff")
    assert client.get(f"/cases/{case.pk}/actions/triage/").status_code == 200
    from lianxin.casework.models import Category

    r = client.post(
        f"/cases/{case.pk}/actions/triage/",
        {"category": Category.objects.get(code="transport").pk, "version": case.version},
    )
    assert r.status_code == 302 and r["Location"] == f"/cases/{case.pk}/"
    assert fresh(case).state == "triaged"
    r = client.post(
        f"/cases/{case.pk}/actions/assign/",
        {"lead_unit": unit().pk, "version": fresh(case).version},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 204 and r["HX-Redirect"] == f"/cases/{case.pk}/"
    assert fresh(case).state == "handling"


def test_a_refused_form_shows_the_reason_in_place():
    case = advance(new_opinion(), "triaged")
    client = signed_in("yc_staff")
    r = client.post(
        f"/cases/{case.pk}/actions/decline/", {"reason": "  "}, headers={"HX-Request": "true"}
    )
    assert r.status_code == 422 and "请填写不予受理的理由" in r.content.decode()
    stale = case.version
    advance(case, "handling")
    r = client.post(f"/cases/{case.pk}/actions/remind/", {"note": "快", "version": stale})
    assert r.status_code == 409 and "已被他人更新" in r.content.decode()
    assert fresh(case).state == "handling"


def test_an_action_not_offered_now_says_why_and_what_can_be_done():
    case = new_opinion()
    staff = signed_in("yc_staff")
    # Assign before triage: not "no permission", but the state, the steps open now, the way back.
    r = staff.get(f"/cases/{case.pk}/actions/assign/")
    assert r.status_code == 409
    page = r.content.decode()
    assert "无权" not in page and 'id="action-form-assign"' not in page
    state = workflow_for(case.kind).state_label(case.state)
    assert f'id="not-now-state">{state}<' in page and "不能进行“交办”" in page
    assert f'href="/cases/{case.pk}/actions/triage/"' in page
    assert 'id="back-to-case"' in page and f'href="/cases/{case.pk}/"' in page
    # The same after the step was taken (Back in the browser, a second tab).
    advance(case, "triaged")
    assert staff.get(f"/cases/{case.pk}/actions/triage/").status_code == 409
    # Never this user's to take: 403; no such action: 404.
    assert signed_in("deputy_demo").get(f"/cases/{case.pk}/actions/assign/").status_code == 403
    assert staff.get(f"/cases/{case.pk}/actions/fly/").status_code == 404


def test_a_reply_with_an_attachment_is_served_only_to_those_who_see_the_case():
    case = advance(new_opinion(), "handling")
    client = signed_in("unit_demo")
    letter = SimpleUploadedFile(
        "答复函.pdf", pdf_bytes("reply letter"), content_type="application/pdf"
    )
    r = client.post(
        f"/cases/{case.pk}/actions/reply/",
        {
            "content": "答复见附件。",
            "category": "B",
            "attachments": [letter],
            "version": fresh(case).version,
        },
    )
    assert r.status_code == 302, r.content.decode()[:400]
    reply = fresh(case).replies.get()
    assert reply.category.code == "B"
    attachment = reply.attachments.get()
    url = f"/cases/{case.pk}/attachments/{attachment.pk}/"
    got = signed_in("yc_staff").get(url)
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF")
    assert signed_in("tg_staff").get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page
    bad = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    r = signed_in("yc_staff").post(
        f"/cases/{case.pk}/actions/consult/",
        {"stage": "during", "form": "phone", "summary": "沟通"},
    )
    assert r.status_code == 302
    r = client.post(f"/cases/{case.pk}/actions/reply/", {"content": "再答复", "attachments": [bad]})
    assert r.status_code in (409, 422)


def test_photos_are_shown_to_staff():
    img = io.BytesIO()
    Image.new("RGB", (20, 20)).save(img, format="PNG")
    case = new_opinion(photos=[SimpleUploadedFile("a.png", img.getvalue(), "image/png")])
    html = signed_in("yc_staff").get(f"/cases/{case.pk}/").content.decode()
    photo = case.attachments.get()
    assert f"/cases/{case.pk}/attachments/{photo.pk}/" in html


def test_revealing_the_phone_on_the_page_is_deliberate_and_logged():
    case = new_opinion()
    client = signed_in("yc_station")
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "138****5678" in html and "13812345678" not in html
    r = client.post(f"/cases/{case.pk}/contact/", headers={"HX-Request": "true"})
    assert r.status_code == 200 and "13812345678" in r.content.decode()
    assert AuditLog.objects.filter(
        kind=AuditLog.Kind.PERSONAL_DATA_VIEWED, username="yc_station", target=f"case:{case.pk}"
    ).exists()
    html = signed_in("jz_staff").get(f"/cases/{case.pk}/").content.decode()
    assert 'id="reveal-phone"' not in html
    assert signed_in("jz_staff").post(f"/cases/{case.pk}/contact/").status_code == 403


def test_notifications_reach_the_inbox_and_are_marked_read(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = advance(new_opinion(), "handling")
    from lianxin.notifications.queries import unread_for

    [note] = [n for n in unread_for(user("unit_demo"), 50) if n.url == f"/cases/{case.pk}/"]
    client = signed_in("unit_demo")
    assert note.title in client.get("/notifications/").content.decode()
    r = client.post(f"/notifications/{note.pk}/read")
    assert r.status_code == 302 and r["Location"] == f"/cases/{case.pk}/"
    assert note.pk not in [n.pk for n in unread_for(user("unit_demo"), 50)]


def test_the_opinion_workflow_document_is_up_to_date():
    """docs/workflows/opinion.md is generated from the table (`manage.py workflow_docs`; the
    other kinds' documents are checked by `manage.py workflow_docs --check`)."""
    from pathlib import Path

    from django.conf import settings

    from lianxin.casework.workflow import workflow_for

    path = Path(settings.BASE_DIR) / "docs" / "workflows" / "opinion.md"
    assert path.read_text(encoding="utf-8") == workflow_for("opinion").markdown(), (
        f"{path} is stale: run manage.py workflow_docs"
    )
    assert "```mermaid\nstateDiagram-v2" in path.read_text(encoding="utf-8")


def test_staff_find_a_citizen_s_cases_by_phone_name_code_place_and_text(api):
    mine = new_opinion(
        "锦纶小区门口的路灯坏了，晚上很黑。",
        contact_name="孙明霞",
        contact_phone="13977776666",
        place="锦纶小区",
    )
    other = new_opinion(
        "安宁小区垃圾清运不及时。", contact_name="周立", contact_phone="13955554444"
    )
    hidden = new_opinion(
        "匿名反映锦纶小区噪音。", contact_phone="13977776666", is_anonymous=True, contact_name=""
    )
    staff = signed_in("yc_staff")

    def found(q) -> set[int]:
        page = staff.get("/cases/", {"q": q}).content.decode()
        return {c.pk for c in (mine, other, hidden) if f'href="/cases/{c.pk}/"' in page}

    before = AuditLog.objects.filter(kind="personal_data_viewed").count()
    assert found("13977776666") == {mine.pk}  # an anonymous case is not found by its phone
    assert found("139 7777 6666") == {mine.pk}
    logged = AuditLog.objects.filter(kind="personal_data_viewed").order_by("-pk")
    assert logged.count() == before + 2
    assert logged.first().detail == {"field": "contact_phone"} and logged.first().username == (
        "yc_staff"
    )
    # Phones are sealed at rest and found by the hash of the whole number: a part of one finds
    # nothing (and is not logged as a lookup).
    assert found("7777666") == set()
    assert logged.count() == before + 2
    assert found("孙明霞") == {mine.pk}
    code = mine.tracking_code
    assert found(f"{code[:3]} {code[3:6]} {code[6:]}".lower()) == {mine.pk}
    assert found("锦纶小区") == {mine.pk, hidden.pk}
    assert found("垃圾清运") == {other.pk}
    # The API answers the same way.
    r = api.as_user("yc_staff").get("/api/v1/cases", {"q": "13977776666"})
    assert r.status_code == 200 and [c["id"] for c in r.json()["items"]] == [mine.pk]
    # Another county's staff find nothing of these.
    assert AuditLog.objects.filter(kind="personal_data_viewed").count() == before + 3
    r = api.as_user("tg_staff").get("/api/v1/cases", {"q": "孙明霞"})
    assert r.status_code == 200 and mine.pk not in [c["id"] for c in r.json()["items"]]


def _primary(page: str) -> list[str]:
    import re

    return re.findall(r'class="button primary" data-action="(\w+)"', page)


def test_the_primary_button_is_the_next_step_and_side_steps_ask_first():
    case = advance(new_opinion(), "triaged")
    staff = signed_in("yc_staff")
    page = staff.get(f"/cases/{case.pk}/").content.decode()
    # After triage the next step is to assign, not to merge or decline.
    assert _primary(page) == ["assign"]
    assert 'data-action="merge"' in page and 'data-action="decline"' in page
    form = staff.get(f"/cases/{case.pk}/actions/decline/").content.decode()
    assert 'hx-confirm="确定不予受理吗？理由将告知群众。"' in form
    assert "hx-confirm" not in staff.get(f"/cases/{case.pk}/actions/assign/").content.decode()
    # After the step, the message names the state the case is in now.
    r = staff.post(
        f"/cases/{case.pk}/actions/assign/",
        {"lead_unit": unit().pk, "version": fresh(case).version},
        follow=True,
    )
    assert "已办理“交办”，当前状态：办理中。" in r.content.decode()


def test_a_draft_s_primary_button_is_never_withdraw():
    from lianxin.suggestions.tests.helpers import new_suggestion

    draft = new_suggestion("关于主按钮的建议", co=("deputy_b",))  # waits for its co-sponsor
    page = signed_in("deputy_demo").get(f"/suggestions/{draft.pk}/").content.decode()
    assert 'data-action="withdraw"' in page and "withdraw" not in _primary(page)
    form = signed_in("deputy_demo").get(f"/suggestions/{draft.pk}/do/withdraw/")
    assert "确定撤回吗？撤回后不再办理。" in form.content.decode()


def test_a_refused_or_missing_page_writes_nothing_to_the_server_log(caplog):
    """409 (not now), 403 (never) and 404 are answers to the user, not faults of the server:
    the request log keeps only server errors (5xx)."""
    case = new_opinion()
    signed_in("yc_staff").get(f"/cases/{case.pk}/actions/assign/")
    signed_in("deputy_demo").get(f"/cases/{case.pk}/actions/assign/")
    signed_in("yc_staff").get("/cases/999999999/")
    assert [r for r in caplog.records if r.name.startswith("django.request")] == []


def test_a_case_page_showing_the_citizens_name_is_an_audited_viewing(users):
    """Level 3: every viewing of a case's personal data is recorded (the name is shown on the
    case page and in the API detail; the phone stays masked until revealed)."""
    from django.test import Client

    from lianxin.accounts.access import visible_to
    from lianxin.casework.models import Case
    from lianxin.core.models import AuditLog

    staff = users["yc_staff"]
    case = (
        visible_to(staff, Case)
        .filter(kind="opinion", is_anonymous=False)
        .exclude(contact_name="")
        .order_by("pk")
        .first()
    )
    client = Client()
    client.force_login(staff)
    before = AuditLog.objects.filter(kind=AuditLog.Kind.PERSONAL_DATA_VIEWED).count()
    page = client.get(f"/cases/{case.pk}/")
    assert page.status_code == 200 and case.contact_name in page.content.decode()
    entry = AuditLog.objects.filter(kind=AuditLog.Kind.PERSONAL_DATA_VIEWED).latest("id")
    assert entry.target == f"case:{case.pk}" and entry.detail == {"field": "contact_name"}
    assert entry.username == "yc_staff" and entry.ip == "127.0.0.1"
    assert AuditLog.objects.filter(kind=AuditLog.Kind.PERSONAL_DATA_VIEWED).count() == before + 1
