"""The hotline's staff set a source's pull endpoint in a real Chromium against a real server
(gunicorn, the demo loaded), pull it at once and read the run log; the auth header is shown
masked; a file:// address is refused with a message on the field."""

from __future__ import annotations

import pytest

from ..demo import MAPPING
from . import helpers
from .httpserver import Server

pytestmark = pytest.mark.browser


@pytest.fixture
def server():
    s = Server().start()
    yield s
    s.stop()


def _rows(n: int) -> list[dict]:
    out = []
    for i, m in enumerate(helpers.messages()[:n]):
        values = {
            "number": f"BP{i + 1:05d}",
            "received_at": "2020-04-01 09:00:00",
            "title": m["title"],
            "content": m["detail"].strip(),
            "category": m["label"],
            "channel": "网络",
        }
        out.append({MAPPING[k]: values.get(k, "") for k in MAPPING})
    return out


def test_set_the_endpoint_pull_now_and_read_the_run_log(page, login, server):
    server.script = [("json", _rows(12))]
    server.require_header = ("X-Api-Key", "browser-key-98765")
    login(page, "jz_staff")
    page.goto("/work-orders/imports/")
    with page.expect_navigation():
        page.click("#sources a")
    # A file:// address: refused, the message on the field.
    page.fill("#id_pull_url", "file:///etc/passwd")
    with page.expect_navigation():
        page.click("#save-source")
    assert "http:// 或 https://" in page.locator(".field.has-error").inner_text()
    page.fill("#id_pull_url", server.url + "/orders")
    page.fill("#id_pull_auth_header", "X-Api-Key: browser-key-98765")
    with page.expect_navigation():
        page.click("#save-source")
    assert "X-Api-Key: bro••••••" in page.locator("#auth-masked").inner_text()
    assert "browser-key-98765" not in page.content()
    with page.expect_navigation():
        page.click("#pull-now")
    assert "新导入 12 件" in page.content()
    first = page.locator("#pull-runs tbody tr").first
    assert "成功" in first.inner_text() and "12" in first.inner_text()
    # Again: nothing new.
    with page.expect_navigation():
        page.click("#pull-now")
    assert "新导入 0 件，已导入过 12 件" in page.content()
    assert page.locator("#pull-runs tbody tr.run-done").count() == 2
    assert len(server.received) == 2
