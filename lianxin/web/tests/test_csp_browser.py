"""The Content-Security-Policy in a real browser: the watch every browser test carries notes a
violation, and the API's documentation page works under the policy with nothing fetched from
another site."""

from __future__ import annotations

import pytest

from lianxin.testing.csp import PREFIX, CspWatch

pytestmark = pytest.mark.browser


@pytest.fixture
def bare_context(_browser, live_app):
    """A context without the page fixture's checks (these pages are checked here instead)."""
    context = _browser.new_context(base_url=live_app, locale="zh-CN")
    context.set_default_timeout(15000)
    yield context
    context.close()


def test_the_watch_of_every_browser_test_notes_an_inline_handler(bare_context):
    page = bare_context.new_page()  # as in the page fixture: the page first, then the watch
    watch = CspWatch(bare_context)
    page.goto("/login/")
    assert page.evaluate("() => window.__lianxinCspWatch === true")
    assert watch.found == []
    with bare_context.expect_console_message(lambda m: m.text.startswith(PREFIX)):
        page.evaluate(
            """() => { const b = document.createElement("div");
                       b.innerHTML = '<img src="/static/lianxin/favicon.svg" onload="1">';
                       document.body.append(b); }"""
        )
    assert any("script-src" in line and "/login/" in line for line in watch.found), watch.found


def test_the_api_documentation_works_under_the_policy_from_our_own_files(bare_context, live_app):
    watch = CspWatch(bare_context)
    page = bare_context.new_page()
    elsewhere = []
    page.on("request", lambda r: None if r.url.startswith(live_app) else elsewhere.append(r.url))
    page.goto("/api/v1/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "连心 Lianxin API" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator(".opblock").first.wait_for()
    assert elsewhere == []
    assert watch.found == []
