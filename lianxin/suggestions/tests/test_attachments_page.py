"""A suggestion's files on its page: the material the deputy sent with it and the files added
while it is handled, shown to everyone who may see the suggestion (the deputy, the office, the
assigned units) with their type, size and a preview of photos, and served only to them."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from lianxin.casework.models import Case
from lianxin.casework.tests.helpers import client_for
from lianxin.testing.files import pdf_bytes

from .helpers import advance, city, open_session

pytestmark = pytest.mark.django_db

TITLE = "关于整治顺城街占道经营的建议"
REPORT_BYTES = 1_260_000  # shown as 1.2 MB


def report() -> SimpleUploadedFile:
    data = pdf_bytes("survey", size=REPORT_BYTES)
    assert len(data) == REPORT_BYTES
    return SimpleUploadedFile("调研报告.pdf", data, "application/pdf")


def photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 60, 20)).save(out, format="PNG")
    return SimpleUploadedFile("占道现场.png", out.getvalue(), "image/png")


def written_with_material() -> Case:
    """The deputy writes the suggestion on the page, with a report and a photo, and submits."""
    open_session()
    r = client_for("deputy_demo").post(
        "/suggestions/new/",
        {
            "congress": city().pk,
            "title": TITLE,
            "content": "顺城街早晚占道经营严重，行人只能走机动车道。",
            "in_session": "auto",
            "submit_now": "1",
            "attachments": [report(), photo()],
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    case = Case.objects.get(title=TITLE)
    assert case.attachments.count() == 2
    return case


def test_the_deputy_office_and_assigned_units_see_the_files_with_type_size_and_preview():
    case = advance(written_with_material(), "handling")
    pdf = case.attachments.get(kind="document")
    picture = case.attachments.get(kind="photo")
    for username in ("deputy_demo", "jz_staff", "unit_demo", "unit_other"):
        page = client_for(username).get(f"/suggestions/{case.pk}/")
        assert page.status_code == 200, username
        html = page.content.decode()
        section = html[html.index('id="attachments"') :]
        row = re.search(rf'<tr data-attachment="{pdf.pk}".*?</tr>', section, re.S).group(0)
        assert f'<a href="/cases/{case.pk}/attachments/{pdf.pk}/">调研报告.pdf</a>' in row
        # Django's filesizeformat: "1.2 MB", kept on one line by a no-break space.
        assert "PDF 文档" in row and "1.2\u00a0MB" in row and "随件提交" in row, username
        row = re.search(rf'<tr data-attachment="{picture.pk}".*?</tr>', section, re.S).group(0)
        assert f'<img src="/cases/{case.pk}/attachments/{picture.pk}/"' in row, username
        assert "占道现场.png" in row and "JPEG 图片" in row
        # The addresses on the page serve the files.
        got = client_for(username).get(f"/cases/{case.pk}/attachments/{pdf.pk}/")
        assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF")
        got = client_for(username).get(f"/cases/{case.pk}/attachments/{picture.pk}/")
        assert got.status_code == 200 and got["Content-Type"] == "image/jpeg"


def test_whoever_may_not_see_the_suggestion_gets_404_for_its_files():
    case = written_with_material()
    files = list(case.attachments.values_list("pk", flat=True))
    # Before the assignment the unit is not involved; other offices, a CPPCC member and a
    # deputy who did not sign it never are.
    for username in ("unit_demo", "tg_staff", "cppcc_staff", "member_demo"):
        client = client_for(username)
        assert client.get(f"/suggestions/{case.pk}/").status_code == 404, username
        for pk in files:
            assert client.get(f"/cases/{case.pk}/attachments/{pk}/").status_code == 404, username


def test_a_draft_shows_its_material_to_its_deputy_only():
    open_session()
    r = client_for("deputy_demo").post(
        "/suggestions/new/",
        {
            "congress": city().pk,
            "title": TITLE,
            "content": "顺城街早晚占道经营严重。",
            "in_session": "auto",
            "attachments": [report()],
        },
    )
    assert r.status_code == 302
    case = Case.objects.get(title=TITLE)
    assert case.state == "draft"
    item = case.attachments.get()
    html = client_for("deputy_demo").get(f"/suggestions/{case.pk}/").content.decode()
    assert f'href="/cases/{case.pk}/attachments/{item.pk}/">调研报告.pdf</a>' in html
    for username in ("jz_staff", "deputy_b"):
        client = client_for(username)
        assert client.get(f"/cases/{case.pk}/attachments/{item.pk}/").status_code == 404


@pytest.mark.browser
def test_on_a_phone_the_deputy_sends_a_photo_and_sees_it_previewed(
    phone_page, login, _browser, live_app, tmp_path
):
    files = []
    for upload in (report(), photo()):
        path = tmp_path / upload.name
        path.write_bytes(upload.read())
        files.append(path)
    pg = phone_page
    login(pg, "deputy_demo")
    pg.goto("/suggestions/new/")
    with pg.expect_navigation():
        pg.get_by_label("晋中市人民代表大会").check()
    pg.fill("#id_title", TITLE)
    pg.fill("#id_content", "顺城街早晚占道经营严重，行人只能走机动车道。")
    pg.set_input_files("#id_attachments", files)
    with pg.expect_navigation():
        pg.click("#submit-now")
    section = pg.locator("#attachments")
    assert section.locator("tbody tr").count() == 2
    text = section.inner_text()
    assert "调研报告.pdf" in text and "PDF 文档" in text and "1.2 MB" in text.replace("\xa0", " ")
    preview = section.locator("img")
    preview.scroll_into_view_if_needed()
    img = preview.element_handle()
    pg.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img)
    assert pg.evaluate("img => [img.naturalWidth, img.naturalHeight]", img) == [64, 48]
    width = pg.evaluate("document.scrollingElement.scrollWidth")
    assert width <= pg.viewport_size["width"], width
    href = section.locator("a", has_text="调研报告.pdf").get_attribute("href")
    assert pg.request.get(href).status == 200
    # A deputy who did not sign the suggestion gets the same 404 as for no file at all.
    other = _browser.new_context(base_url=live_app)
    try:
        other_page = other.new_page()
        login(other_page, "deputy_b")
        assert other.request.get(href).status == 404
    finally:
        other.close()
