"""The axe check that every browser test runs over the pages it visits (lianxin/testing/
accessibility.py, wired into the `page` and `phone_page` fixtures): that it finds what it should,
that it notes every page, and the public pages a citizen sees in large-text mode on a phone."""

import json
import urllib.request

import pytest

from lianxin.testing.accessibility import AxeWatch, violations

pytestmark = pytest.mark.browser


def test_the_check_finds_serious_and_critical_violations(page):
    page.set_content(
        '<html lang="zh-hans"><head><title>t</title></head><body><main>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<p style="color:#bbb;background:#fff">浅灰色的字</p>'
        "<ul><li>一</li><p>二</p></ul></main></body></html>"
    )
    found = {v["id"]: v["impact"] for v in violations(page)}
    assert found == {"image-alt": "critical", "color-contrast": "serious", "list": "serious"}


def test_the_watch_notes_each_page_and_checks_it_again(page, live_app, login):
    watch = AxeWatch(page, live_app)
    login(page, "yc_staff")
    page.goto("/cases/")
    page.goto("/logs/")
    visited = [u.removeprefix(live_app) for u in watch.visited]
    assert visited[0] == "/login/" and "/cases/" in visited and visited[-1] == "/logs/"
    assert watch.finish() == []


def test_a_citizen_in_large_text_mode_on_a_phone(phone_page, live_app):
    """The public pages and the scan-to-speak page, in large-text mode, fit a 390 px phone."""
    page = phone_page
    with urllib.request.urlopen(f"{live_app}/api/v1/stations?page_size=1") as r:
        station = json.load(r)["items"][0]
    scan_url = station["scan_url"]
    page.goto(f"/display/large-text?on=1&next=/public/stations/{station['id']}/")
    page.wait_for_selector("body.large-text")
    for path in (f"/public/stations/{station['id']}/", scan_url.removeprefix(live_app), "/public/"):
        page.goto(path)
        assert "large-text" in page.locator("body").get_attribute("class")
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 390, f"{path} is {width}px wide in a 390px window"


@pytest.mark.parametrize("username", ["yc_staff", "yc_station", "deputy_demo", "unit_demo"])
def test_each_page_of_the_top_navigation_and_its_first_record(page, login, username):
    """Every page of the role's top navigation, and the first record each list links to (the
    fixture's axe check runs over all of them when the test ends)."""
    login(page, username)
    nav = [
        a.get_attribute("href")
        for a in page.locator("nav.top-nav a").all()
        if not a.get_attribute("href").startswith("/admin/")
    ]
    assert len(nav) >= 3
    for href in nav:
        response = page.goto(href)
        assert response.status == 200, href
        first = page.locator("main table tbody tr a[href^='/']").first
        if first.count():
            target = first.get_attribute("href")
            assert page.goto(target).status == 200, target


def test_the_error_pages(page, login):
    """A page that is not there, signed out and signed in (the fixture's axe check runs over
    both: the big status code must be readable too)."""
    assert page.goto("/public/stations/999999999/").status == 404
    login(page, "yc_staff")
    assert page.goto("/cases/999999999/").status == 404
    assert page.locator(".error-page .code").count() == 1
