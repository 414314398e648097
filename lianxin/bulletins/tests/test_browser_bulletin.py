"""In Chromium: yc_staff sends a bulletin to two deputies; one reads it on a phone; the
office's page shows who has not read it yet."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser
TITLE = "第四季度政情通报"


def _who(pg, login, username: str) -> str:
    pg.context.clear_cookies()
    login(pg, username)
    return pg.locator(".who").inner_text().strip()


def test_a_bulletin_shows_who_has_not_read_it(page, phone_page, login):
    phone = phone_page
    name_d = _who(phone, login, "deputy_d")
    name_e = _who(phone, login, "deputy_e")
    login(page, "yc_staff")
    page.goto("/bulletins/")
    page.get_by_role("link", name="发送通报").click()
    page.select_option("#id_kind", "briefing")
    page.fill("#id_title", TITLE)
    page.fill("#id_body", "区人民政府第四季度重点工作推进情况通报如下。")
    page.get_by_label("指定代表", exact=True).check()
    page.get_by_label(name_d, exact=True).check()
    page.get_by_label(name_e, exact=True).check()
    page.get_by_role("button", name="发送").click()
    page.wait_for_url(re.compile(r"/bulletins/\d+/$"))
    url = page.url
    assert "通报已发送。" in page.locator(".messages").inner_text()
    assert "尚未阅读（2 人）" in page.locator("#unread").inner_text()

    _who(phone, login, "deputy_d")
    phone.goto("/bulletins/")
    assert "未读" in phone.locator("#bulletins li", has_text=TITLE).inner_text()
    phone.get_by_role("link", name=TITLE).click()
    phone.wait_for_url(url)
    assert phone.get_by_role("heading", name=TITLE).count() == 1
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= phone.viewport_size["width"]

    page.reload()
    unread = page.locator("#unread").inner_text()
    assert "尚未阅读（1 人）" in unread and name_e in unread and name_d not in unread
    assert name_d in page.locator("#read").inner_text()
