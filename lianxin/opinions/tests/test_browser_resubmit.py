"""码上说事 on a phone: Back after submitting, or a reload, and submitting again leads to the case
the first submission made, never a second one; a genuinely new form is a new submission. Cases
are counted through the live app's staff API (yc_staff sees the station's opinions)."""

from __future__ import annotations

import re
import urllib.parse

import pytest

from lianxin.opinions.tests.test_browser_journey import LiveApi, county_seat_of_deputy_demo

pytestmark = pytest.mark.browser


def scan_path(live_app: str) -> tuple[LiveApi, str]:
    staff = LiveApi(live_app, "yc_staff")
    seat = county_seat_of_deputy_demo(staff)
    return staff, re.sub(r"^https?://[^/]+", "", seat["scan_url"])


def cases_mentioning(staff: LiveApi, text: str) -> list[str]:
    status, body = staff.call("GET", f"/api/v1/cases?q={urllib.parse.quote(text)}&limit=50")
    assert status == 200, body
    return [c["tracking_code"] for c in body["items"]]


def submit(pg, text: str) -> str:
    """Fill the form (the text only: a restored form may already hold it) and submit; the
    tracking code shown on the page that follows."""
    pg.fill("#id_content", text)
    with pg.expect_navigation(url="**/t/*"):
        pg.click("form.citizen-form button[type=submit]")
    return pg.locator("#tracking-code").inner_text().strip()


def test_back_then_submit_again_leads_to_the_first_case(phone_page, live_app):
    staff, path = scan_path(live_app)
    text = "回退重提测试：迎宾街 8 号路灯不亮已有一周。"
    phone_page.goto(path)
    first = submit(phone_page, text)

    phone_page.go_back()
    phone_page.wait_for_url(f"**{path}")
    second = submit(phone_page, text)

    assert second == first
    assert phone_page.locator("#submitted-before").is_visible()
    assert cases_mentioning(staff, "迎宾街 8 号路灯") == [first]

    # A genuinely new form (opened afresh, not restored) is a new submission.
    phone_page.goto(path)
    third = submit(phone_page, text)
    assert third != first
    assert sorted(cases_mentioning(staff, "迎宾街 8 号路灯")) == sorted([first, third])


def test_a_reload_of_the_form_keeps_its_key(phone_page, live_app):
    staff, path = scan_path(live_app)
    text = "刷新重提测试：新建北路 3 号井盖松动。"
    phone_page.goto(path)
    phone_page.fill("#id_content", text)
    phone_page.reload()
    first = submit(phone_page, text)

    phone_page.go_back()
    phone_page.wait_for_url(f"**{path}")
    phone_page.reload()
    second = submit(phone_page, text)

    assert second == first
    assert cases_mentioning(staff, "新建北路 3 号井盖") == [first]


def test_back_and_a_changed_text_asks_before_registering_a_second_opinion(phone_page, live_app):
    staff, path = scan_path(live_app)
    text = "回退改写测试：文苑街 5 号垃圾无人清运。"
    phone_page.goto(path)
    first = submit(phone_page, text)

    phone_page.go_back()
    phone_page.wait_for_url(f"**{path}")
    phone_page.fill("#id_content", text + "已有三天。")
    with phone_page.expect_navigation():
        phone_page.click("form.citizen-form button[type=submit]")
    notice = phone_page.locator("#resubmitted")
    assert "您修改了内容" in notice.inner_text()
    assert notice.get_by_role("link").get_attribute("href") == f"/t/{first}"
    assert cases_mentioning(staff, "文苑街 5 号垃圾") == [first]

    second = submit(phone_page, text + "已有三天。")
    assert second != first
    assert sorted(cases_mentioning(staff, "文苑街 5 号垃圾")) == sorted([first, second])
