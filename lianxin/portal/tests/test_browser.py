"""A citizen on a phone, inside a messaging app's browser: find a station of 榆次区 by drilling
down and by "near me", open it, see the next reception day and a deputy, download the deputy's
card, decode its QR code and open the scan-to-speak page it points to."""

import json
import re
import urllib.request

import pytest

from lianxin.liaison.tests.helpers import decode_qr, needs_poppler

pytestmark = pytest.mark.browser

# 北关街道代表联络站 in the demo (the demo keeps other stations at least 600 m away).
BEIGUAN = {"latitude": 37.6995, "longitude": 112.7365}


def no_horizontal_scroll(page) -> None:
    # The viewport, not window.innerWidth: a phone browser widens its layout to fit what overflows.
    width, inner = (
        page.evaluate("document.scrollingElement.scrollWidth"),
        page.viewport_size["width"],
    )
    assert width <= inner, f"page is {width}px wide in a {inner}px window"


def transferred_bytes(page) -> int:
    return page.evaluate(
        """() => performance.getEntriesByType('navigation').concat(
               performance.getEntriesByType('resource'))
             .reduce((n, e) => n + (e.transferSize || e.encodedBodySize || 0), 0)"""
    )


def see_station(page, live_app) -> None:
    """On the station page: the next reception day and a deputy, then the deputy's card."""
    assert page.locator("h1").inner_text() == "北关街道代表联络站"
    next_day = page.locator("#next-reception")
    assert next_day.is_visible()
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 星期", next_day.inner_text())
    deputies = page.locator("#deputies")
    assert "连心代表" in deputies.inner_text()
    no_horizontal_scroll(page)
    assert transferred_bytes(page) < 50 * 1024


@needs_poppler
def test_a_citizen_finds_a_station_by_drilling_down_and_scans_a_deputy_card(phone_page, live_app):
    page = phone_page
    page.goto("/public/")
    page.get_by_role("link", name=re.compile("^晋中市")).click()
    page.get_by_role("link", name=re.compile("^榆次区")).click()
    page.get_by_role("link", name=re.compile("^北关街道")).click()
    page.get_by_role("link", name="北关街道代表联络站").click()
    page.wait_for_url(re.compile(r"/public/stations/\d+/$"))
    see_station(page, live_app)
    station_id = int(re.search(r"/public/stations/(\d+)/", page.url).group(1))

    card_link = page.locator("#deputies a.card-link").first
    deputy_id = int(
        re.search(r"/deputies/(\d+)/card\.pdf", card_link.get_attribute("href")).group(1)
    )
    with page.expect_download() as download:
        card_link.click()
    data = open(download.value.path(), "rb").read()
    assert data[:5] == b"%PDF-"

    with urllib.request.urlopen(f"{live_app}/api/v1/stations/{station_id}") as r:
        station = json.load(r)
    expected = next(d["scan_url"] for d in station["deputies"] if d["id"] == deputy_id)
    assert expected.startswith(f"{live_app}/s/")
    assert decode_qr(data) == [expected]

    response = page.goto(expected)
    assert response.status == 200
    name = next(d["name"] for d in station["deputies"] if d["id"] == deputy_id)
    assert name in page.locator("body").inner_text()


def test_a_citizen_finds_the_nearest_station_with_the_phone_location(phone_page, live_app):
    page = phone_page
    page.context.grant_permissions(["geolocation"], origin=live_app)
    page.context.set_geolocation(BEIGUAN)
    page.goto("/public/")
    page.get_by_role("button", name="查找我附近的联络站").click()
    page.wait_for_url(re.compile(r"/public/near/\?lat="))
    first = page.locator(".near-list li").first
    assert "北关街道代表联络站" in first.inner_text()
    assert re.search(r"\d+ 米", first.inner_text())
    first.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/public/stations/\d+/$"))
    see_station(page, live_app)


def test_without_location_the_page_says_what_to_do(phone_page, live_app):
    page = phone_page
    page.context.clear_permissions()
    page.goto("/public/")
    page.get_by_role("button", name="查找我附近的联络站").click()
    status = page.locator("#near-status")
    status.filter(has_text="无法获取您的位置").wait_for()
    assert page.url.endswith("/public/")


def test_the_station_page_in_large_text_mode(phone_page, live_app):
    page = phone_page
    page.goto("/public/r/140702001/")
    page.get_by_role("link", name="大字模式").click()
    page.get_by_role("link", name="北关街道代表联络站").click()
    assert "large-text" in page.locator("body").get_attribute("class")
    size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 20
    assert page.locator("#next-reception").is_visible()
    no_horizontal_scroll(page)
