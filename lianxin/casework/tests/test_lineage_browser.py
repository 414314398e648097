"""Lineage in a real Chromium against the live server: two citizens scan deputy_demo's code on
their phones; the deputy, on a phone, turns both opinions into one suggestion and submits it; the
office reviews and assigns it, the unit replies and its head signs off; both citizens see the
reply on their tracking pages and in a text message, rate it, and their opinions conclude."""

from __future__ import annotations

import re

import pytest

from lianxin.opinions.tests.test_browser_journey import LiveApi, rate
from lianxin.suggestions.tests.test_browser_journey import (  # noqa: F401 - fixture
    act,
    no_sideways_scroll,
    session_for,
    state,
)

pytestmark = pytest.mark.browser

REPLY = "经研究，年内在顺城街两处公交站增设站牌和遮雨棚。"


def city_seat_of_deputy_demo(api: LiveApi) -> dict:
    status, body = api.call(
        "GET", "/api/v1/deputies?q=%E8%BF%9E%E5%BF%83%E4%BB%A3%E8%A1%A8&limit=10"
    )
    assert status == 200, body
    return next(d for d in body["items"] if d["name"] == "连心代表" and d["level"] == "city")


def submit_by_scan(phone_page, scan_path: str, content: str, phone: str) -> str:
    phone_page.goto(scan_path)
    phone_page.fill("#id_content", content)
    phone_page.fill("#id_contact_phone", phone)
    phone_page.click("button[type=submit]")
    phone_page.wait_for_url("**/t/*")
    return phone_page.locator("#tracking-code").inner_text().strip()


def test_two_citizens_opinions_become_a_suggestion_whose_reply_reaches_both(
    phone_page,
    session_for,  # noqa: F811 - the fixture imported above
    live_app,
    live_sms,
):
    seat = city_seat_of_deputy_demo(LiveApi(live_app, "jz_staff"))
    scan_path = re.sub(r"^https?://[^/]+", "", seat["scan_url"])

    # 1. Two citizens scan the deputy's code and submit.
    citizens = {
        "13812345601": submit_by_scan(
            phone_page, scan_path, "顺城街北口公交站没有站牌，外地人找不到车站。", "13812345601"
        ),
        "13812345602": submit_by_scan(
            phone_page,
            scan_path,
            "顺城街北口公交站台没有遮雨棚，下雨天候车很不方便。",
            "13812345602",
        ),
    }
    first, second = citizens.values()

    # 2. deputy_demo, on a phone, opens the first opinion and turns both into a suggestion.
    deputy = session_for("deputy_demo", phone=True)
    deputy.goto(f"/cases/?q={first}")
    with deputy.expect_navigation():
        deputy.locator("tr", has_text=first).locator("td.title a").first.click()
    opinion_url = re.sub(r"^https?://[^/]+", "", deputy.url)
    no_sideways_scroll(deputy)

    def both(form):
        form.get_by_role("checkbox", name=re.compile(f"^{second} ")).check()
        form.locator("#id_title").fill("关于完善顺城街北口公交站设施的建议")

    act(deputy, opinion_url, "derive", both)
    assert deputy.locator("#case-state").inner_text() == "已转为代表建议"
    link = deputy.locator("#derived a", has_text="关于完善顺城街北口公交站设施的建议")
    with deputy.expect_navigation():
        link.click()
    draft_url = re.sub(r"^https?://[^/]+", "", deputy.url)
    assert state(deputy) == "draft"
    no_sideways_scroll(deputy)

    # The citizens' tracking pages say so, without the draft's title.
    for code in citizens.values():
        phone_page.goto(f"/t/{code}")
        text = phone_page.locator("main").inner_text()
        assert "已转为代表建议" in text and "代表正在撰写代表建议" in text
        assert "关于完善顺城街北口公交站设施的建议" not in text

    act(deputy, draft_url, "submit")
    assert state(deputy) in ("submitted", "in_review")

    # 3. The office reviews (every tier) and assigns it; the unit replies; its signer signs off.
    staff = session_for("jz_staff")
    staff.goto(draft_url)
    for _tier in range(4):  # as many tiers as the congress reviews in
        if state(staff) == "accepted":
            break
        act(staff, draft_url, "review")
    assert state(staff) == "accepted"
    case_id = int(re.search(r"/suggestions/(\d+)/", draft_url).group(1))
    staff.goto("/suggestions/assign/")
    row = staff.locator(f'tr[data-case="{case_id}"]')
    row.get_by_role("radio", name="晋中市交通运输局").check()
    with staff.expect_navigation():
        staff.click("#assign-batch-submit")
    lead = session_for("unit_demo")

    def reply_a(form):
        form.locator("#id_category").select_option(value="A")
        form.locator("#id_content").fill(REPLY)
        form.locator("#id_public").check()  # the citizens read it on their tracking pages

    act(lead, draft_url, "reply", reply_a)
    assert state(lead) == "reply_pending_signoff"
    # Not signed off: the citizens see no reply yet.
    phone_page.goto(f"/t/{first}")
    assert REPLY not in phone_page.locator("main").inner_text()
    signer = session_for("unit_signer")
    act(signer, draft_url, "sign_off")
    assert state(signer) == "replied"

    # 4. Each citizen reads the reply, has a text message, rates it; the opinion concludes.
    sent = live_sms()
    for phone, code in citizens.items():
        mine = [m["body"] for m in sent if m["to"] == phone]
        assert any("已有答复" in body and code in body for body in mine), mine
        phone_page.goto(f"/t/{code}")
        assert REPLY in phone_page.locator("main").inner_text()
        no_sideways_scroll(phone_page)
    rate(phone_page, first, "满意")
    rate(phone_page, second, "基本满意")
    for code in citizens.values():
        phone_page.goto(f"/t/{code}")
        assert phone_page.locator("#case-state").inner_text() == "已办结"
    # The suggestion itself goes on its own way: the deputy rates it, the office concludes it.
    deputy.goto(draft_url)
    assert state(deputy) == "replied"
