"""The reply-quality check in the browser: the unit officer writes a reply of formulae only,
presses "检查答复质量" and reads why it needs attention; he writes a real answer, checks again and
reads 良好; the reply is sent all the same either way (the check is advisory)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lianxin.casework.tests.test_reply_quality import FORMULA_REPLY, GOOD_REPLY, MESSAGE

pytestmark = pytest.mark.browser


def test_the_officer_checks_his_reply_as_he_writes(page, login, live_server_app):
    out = live_server_app.workdir / "reply_quality_case.txt"
    live_server_app.manage(
        "shell",
        "-c",
        "from lianxin.casework.tests.helpers import advance, new_opinion; "
        f"c = advance(new_opinion({MESSAGE!r}), 'handling'); "
        f"open({str(out)!r}, 'w').write(str(c.pk))",
    )
    pk = out.read_text()
    login(page, "unit_demo")
    page.goto(f"/cases/{pk}/actions/reply/")
    page.fill("#action-form-reply textarea[name=content]", FORMULA_REPLY)
    page.get_by_role("button", name="检查答复质量").click()
    panel = page.locator("#reply-quality")
    expect(panel).to_contain_text("需要注意")
    expect(panel).to_contain_text("答复只有客套话或“已收悉”“已转交相关部门”等套语，没有实质内容。")
    expect(panel.locator("li.unanswered")).to_have_count(2)
    page.fill("#action-form-reply textarea[name=content]", GOOD_REPLY)
    page.get_by_role("button", name="检查答复质量").click()
    expect(panel).to_contain_text("良好")
    expect(panel.locator("li.answered")).to_have_count(2)
    # The reply text was not lost by checking it; the reply goes out.
    expect(page.locator("#action-form-reply textarea[name=content]")).to_have_value(GOOD_REPLY)
    page.get_by_role("button", name="确定答复").click()
    expect(page).to_have_url(f"{page.url.split('/cases/')[0]}/cases/{pk}/")
    expect(page.locator(f"#reply-quality-{_reply_id(page)}")).to_contain_text("良好")


def _reply_id(page) -> str:
    return page.locator("article.reply").first.get_attribute("id").removeprefix("reply-")
