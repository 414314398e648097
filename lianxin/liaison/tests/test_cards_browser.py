"""The batch printing page in a real Chromium: while a county's cards are being made the button
says so and takes no second click, the file then arrives as a download, and a batch that
cannot be printed is said so on the page."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

pytestmark = pytest.mark.browser


def test_a_county_batch_of_cards_is_shown_busy_until_its_pdf_arrives(page, login):
    login(page, "yc_staff")
    page.goto("/liaison/cards/")
    form = page.locator("form").filter(has=page.locator("#c-region"))
    button = form.get_by_role("button")
    expect(button).to_have_text("生成 PDF")
    form.locator("#c-region").select_option("140702")
    seen = []

    def at_the_server(route):
        # What the page shows while the server is making the file.
        seen.append((button.inner_text(), button.is_disabled(), button.get_attribute("aria-busy")))
        route.continue_()

    page.route("**/liaison/cards/?*", at_the_server)
    with page.expect_download() as download:
        button.click()
    assert seen == [("正在生成…", True, "true")]
    assert download.value.suggested_filename == "deputy-cards-region-140702.pdf"
    with open(download.value.path(), "rb") as fh:
        reader = PdfReader(io.BytesIO(fh.read()))
    assert "代表连心卡" in reader.pages[0].extract_text()
    expect(button).to_have_text("生成 PDF")
    expect(button).to_be_enabled()
    assert button.get_attribute("aria-busy") is None
    assert page.url.endswith("/liaison/cards/")


def test_a_station_without_deputies_is_said_so_on_the_page(page, login):
    login(page, "yc_staff")
    page.goto("/liaison/cards/")
    form = page.locator("form").filter(has=page.locator("#c-station"))
    form.locator("#c-station").select_option(label="榆次区 · 榆次区人大代表联络中心")
    form.get_by_role("button").click()
    expect(page.locator("#cards-error")).to_have_text("所选联络站暂无进站代表。")
    expect(form.get_by_role("button")).to_have_text("生成 PDF")
