"""The issue's done-when for consultation, in a real Chromium against a real server: cppcc_staff
creates a consultation event with member_demo (同心委员) taking part, records two speeches (the
member's and a unit representative's) and a result, sends it to a unit and later marks it adopted;
member_demo, on a phone, finds the event among their own with both speeches and the adopted
result. Every page is checked with axe when the test ends (the `page` and `phone_page` fixtures)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

TITLE = "城区慢行交通系统建设专题协商会"
RESULT = "关于打通城区慢行交通断点的协商意见"


def test_an_event_records_two_speeches_and_a_result_later_marked_adopted(page, phone_page, login):
    login(page, "cppcc_staff")
    page.goto("/xieshang/")
    with page.expect_navigation():
        page.click("#new-event")
    page.select_option("#id_kind", label="专题协商")
    page.fill("#id_title", TITLE)
    page.fill("#id_topic", "补齐城区自行车道和人行道的断点。")
    page.fill("#id_held_on", "2026-05-20")
    page.fill("#id_place", "市政协三楼会议室")
    page.fill("#id_agenda", "市交通运输局通报情况\n委员发言")
    page.select_option("#id_participants", label="同心委员")
    page.select_option("#id_invited_units", label="晋中市交通运输局")
    with page.expect_navigation():
        page.click("#save-event")
    assert re.search(r"/xieshang/\d+/$", page.url), page.url
    assert page.locator("#event-title").inner_text() == TITLE
    assert "同心委员" in page.locator("#participants").inner_text()

    speech = page.locator("#speech-form")
    speech.locator("#id_member").select_option(label="同心委员")
    speech.locator("#id_text").fill("建议把断点改造列入年度计划。")
    with page.expect_navigation():
        speech.get_by_role("button", name="登记发言").click()
    speech = page.locator("#speech-form")
    speech.locator("#id_unit").select_option(label="晋中市交通运输局")
    speech.locator("#id_speaker_name").fill("王局长")
    speech.locator("#id_text").fill("今年完成十处断点改造。")
    with page.expect_navigation():
        speech.get_by_role("button", name="登记发言").click()
    assert page.locator("#speech-count").inner_text() == "2"

    form = page.locator("#result-form")
    form.locator("#id_title").fill(RESULT)
    form.locator("#id_content").fill("将断点改造列入年度计划，年内完成十处。")
    with page.expect_navigation():
        form.get_by_role("button", name="登记协商成果").click()
    result = page.locator("#results article.result")
    assert result.locator("[data-state]").inner_text() == "已形成"

    send = result.locator('form[data-verb="send"]')
    send.locator("select").select_option(label="晋中市交通运输局")
    with page.expect_navigation():
        send.get_by_role("button", name="报送交办").click()
    assert result.locator("[data-state]").inner_text() == "已报送交办"
    # Later: the unit adopts it.
    with page.expect_navigation():
        result.locator('form[data-verb="adopt"]').get_by_role("button", name="登记采纳").click()
    assert result.locator("[data-state]").inner_text() == "已采纳"

    phone = phone_page
    login(phone, "member_demo")
    phone.goto("/xieshang/")
    with phone.expect_navigation():
        phone.get_by_role("link", name=TITLE).click()
    speeches = phone.locator("#speeches").inner_text()
    assert "建议把断点改造列入年度计划。" in speeches and "王局长" in speeches
    assert phone.locator("#results [data-state]").inner_text() == "已采纳"
    assert phone.locator("#speech-form").count() == 0
    width = phone.evaluate("document.scrollingElement.scrollWidth")
    assert width <= phone.viewport_size["width"]
