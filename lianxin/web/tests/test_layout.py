"""Desktop pages use the width: a record's text takes most of a 1280 px window, a long text folds
with 「展开全文」, the station manager's work lists sit side by side."""

import json
import urllib.request

import pytest

pytestmark = pytest.mark.browser

PARAGRAPH = (
    "我们小区北门外的人行道自去年夏天起多处砖块松动、塌陷，雨后积水没过脚踝，"
    "老人和接送孩子的家长只能绕到机动车道上行走，早晚高峰十分危险。"
    "物业说这段路归市政管理，市政热线答复已登记但至今没有人来看过。\n"
)


def submit(live_app, content: str) -> int:
    with urllib.request.urlopen(f"{live_app}/api/v1/stations?page_size=100") as r:
        station = next(s for s in json.load(r)["items"] if s["name"] == "北关街道代表联络站")
    body = json.dumps(
        {"content": content, "title": "北门外人行道塌陷积水", "station": station["id"]}
    ).encode()
    request = urllib.request.Request(
        f"{live_app}/api/v1/opinions",
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as r:
        return json.load(r)["id"]


def test_a_long_opinion_uses_the_width_and_folds(page, live_app, login):
    content = PARAGRAPH * 50  # about 5,000 characters
    assert 4500 < len(content) <= 5000
    case_id = submit(live_app, content)
    login(page, "yc_staff")
    page.goto(f"/cases/{case_id}/")
    text = page.locator("#case-content")
    assert text.bounding_box()["width"] >= 700
    toggle = page.locator("#case-content .fold-toggle")
    assert toggle.is_visible() and toggle.inner_text().startswith("展开全文")
    folded_height = page.evaluate("document.scrollingElement.scrollHeight")
    assert folded_height < 2600, f"a folded 5,000-character opinion makes a {folded_height}px page"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true" and toggle.inner_text() == "收起全文"
    assert page.evaluate("document.scrollingElement.scrollHeight") > folded_height + 300
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false"


def test_the_station_work_lists_sit_side_by_side(page, login):
    login(page, "yc_station")
    card = page.locator("section[id^='work-station-']").first
    assert card.bounding_box()["width"] >= 1000
    lists = card.locator(".worklist")
    assert lists.count() >= 2
    tops = {round(lists.nth(i).bounding_box()["y"]) for i in range(lists.count())}
    assert len(tops) < lists.count(), "every work list sits on a row of its own"
