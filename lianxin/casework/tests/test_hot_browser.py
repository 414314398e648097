"""A hot issue in a real Chromium against the live server: three citizens scan deputy_demo's
code about the same broken street lights; `manage.py hot_issues` finds the issue and pushes it;
deputy_demo, on a phone, opens the notice (民意诉求), the hot issue, turns it into a suggestion
(转为建议) and submits it."""

from __future__ import annotations

import re

import pytest

from lianxin.suggestions.tests.test_browser_journey import (  # noqa: F401 - fixture
    act,
    no_sideways_scroll,
    session_for,
    state,
)

from .test_lineage_browser import LiveApi, city_seat_of_deputy_demo, submit_by_scan

pytestmark = pytest.mark.browser

REPORTS = [
    "榆次区锦纶小区门口路灯全部不亮，晚上出行很不安全，请尽快维修路灯。",
    "锦纶小区门口一带路灯坏了好几天，夜里一片漆黑，路灯需要维修。",
    "反映锦纶小区门口路灯不亮的问题，晚上走路看不清，希望修好路灯。",
]


def test_a_deputy_turns_a_pushed_hot_issue_into_a_suggestion_on_a_phone(
    phone_page,
    session_for,  # noqa: F811 - the fixture imported above
    live_app,
    live_server_app,
):
    seat = city_seat_of_deputy_demo(LiveApi(live_app, "jz_staff"))
    scan_path = re.sub(r"^https?://[^/]+", "", seat["scan_url"])
    codes = [
        submit_by_scan(phone_page, scan_path, text, f"1380000{i:04d}")
        for i, text in enumerate(REPORTS, 71)
    ]
    live_server_app.manage("hot_issues")

    deputy = session_for("deputy_demo", phone=True)
    deputy.goto("/notifications/")
    notice = deputy.get_by_role("button", name=re.compile("^民意诉求：.*锦纶小区")).first
    with deputy.expect_navigation():
        notice.click()
    assert re.search(r"/cases/hot/\d+/$", deputy.url), deputy.url
    no_sideways_scroll(deputy)
    cases = deputy.locator("#hot-cases").inner_text()
    assert all(code in cases for code in codes)
    assert "热度" in deputy.locator("#hot-formula").inner_text()

    with deputy.expect_navigation():
        deputy.click("#hot-suggest")
    form = deputy.locator("#hot-suggest-form")
    assert codes[0] in form.locator("#id_problem").input_value()  # prefilled from the cluster
    seat_value = form.locator("#id_seat option", has_text="晋中市").first.get_attribute("value")
    form.locator("#id_seat").select_option(value=seat_value)
    no_sideways_scroll(deputy)
    with deputy.expect_navigation():
        form.locator("button[type=submit]").click()
    assert state(deputy) == "draft"
    draft_url = re.sub(r"^https?://[^/]+", "", deputy.url)
    act(deputy, draft_url, "submit")
    assert state(deputy) in ("submitted", "in_review")

    # Each citizen's tracking page says their report is carried by a suggestion.
    for code in codes:
        phone_page.goto(f"/t/{code}")
        assert "已转为代表建议" in phone_page.locator("main").inner_text()
