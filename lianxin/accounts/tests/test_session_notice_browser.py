"""The idle warning in a real Chromium: the page's clock runs forward (Playwright's clock), the
server is the real one."""

import pytest

pytestmark = pytest.mark.browser


def test_the_idle_notice_appears_before_the_end_and_continue_keeps_the_session(page):
    page.clock.install()
    page.goto("/login/")
    page.get_by_label("账号").fill("yc_staff")
    page.get_by_label("密码").fill("lianxin-demo")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/workbench/")
    notice = page.get_by_role("alertdialog")
    assert notice.is_hidden()
    page.clock.fast_forward("27:00")
    assert notice.is_hidden()
    page.clock.fast_forward("01:30")
    notice.wait_for(state="visible")
    assert "约两分钟后将自动退出" in notice.inner_text()
    button = notice.get_by_role("button", name="继续")
    assert page.evaluate("document.activeElement.textContent") == "继续"
    with page.expect_response("**/account/ping/") as ping:
        button.click()
    assert ping.value.status == 200
    notice.wait_for(state="hidden")
    page.clock.fast_forward("27:00")
    assert notice.is_hidden()
