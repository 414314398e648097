"""Full-text search in the browser: 榆次区's staff find a three-year-old suggestion and this
month's opinions about street lamps, the words marked, and nothing of 太谷区; 太谷区's staff
searching the same words find only 太谷区's."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_staff_search_street_lamps_within_their_district(page, login, live_server_app):
    live_server_app.manage(
        "shell",
        "-c",
        "from lianxin.testing.search import make_street_lamp_cases; make_street_lamp_cases()",
    )
    login(page, "yc_staff")
    page.goto("/cases/")
    page.locator("#full-text-search").click()
    page.fill("#s-q", "路灯")
    page.get_by_role("button", name="检索").click()
    hits = page.locator("#search-hits")
    expect(hits).to_contain_text("关于在城郊村道增设路灯的建议")
    expect(hits).to_contain_text("幸福街东段")
    expect(hits).to_contain_text("锦纶路")
    assert "胡村镇" not in hits.inner_text() and "太谷区" not in hits.inner_text()
    marks = hits.locator("mark")
    assert marks.count() >= 3
    assert set(marks.all_inner_texts()) == {"路灯"}
    old = hits.locator("li", has_text="关于在城郊村道增设路灯的建议").inner_text()
    three_years_ago = dt.date.today().year - 3
    assert str(three_years_ago) in old, old
    # Narrowed to suggestions, the opinions go.
    page.select_option("#s-kind", "suggestion")
    expect(hits).not_to_contain_text("幸福街东段")
    expect(hits).to_contain_text("关于在城郊村道增设路灯的建议")

    page.context.clear_cookies()
    login(page, "tg_staff")
    page.goto("/search/?q=路灯")
    hits = page.locator("#search-hits")
    expect(hits).to_contain_text("胡村镇")
    text = hits.inner_text()
    assert "幸福街东段" not in text and "城郊村道" not in text and "锦纶路" not in text
