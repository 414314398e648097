"""码上说事 on a phone near the per-address limit: the page asks its question, labelled, the
person answers it and the opinion is registered. The suite's live server runs with the limits
off (lianxin/testing/browser.py), so this test starts one of its own with them on."""

from __future__ import annotations

import re

import pytest

from lianxin.conftest import _require_browser, _watched
from lianxin.opinions.tests.test_browser_journey import LiveApi, county_seat_of_deputy_demo

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def limited_app(tmp_path_factory):
    _require_browser()
    from lianxin.testing.browser import LiveApp

    app = LiveApp(tmp_path_factory.mktemp("limited"))
    app.env.update(
        LIANXIN_PUBLIC_SUBMISSIONS_PER_IP="5",
        LIANXIN_PUBLIC_SUBMISSION_WINDOW_SECONDS="3600",
        LIANXIN_PUBLIC_CHALLENGE_AT="0.8",  # from the 4th submission of this address on
    )
    app.workers = 1  # the counts live in the worker's memory (no Redis in the suite)
    app.start()
    try:
        yield app.url
    finally:
        app.stop()


@pytest.fixture
def limited_phone(_browser, limited_app, request):
    from lianxin.testing.browser import PHONE_USER_AGENT

    context = _browser.new_context(
        base_url=limited_app,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        user_agent=PHONE_USER_AGENT,
    )
    context.set_default_timeout(15000)
    yield from _watched(context.new_page(), limited_app, request)


def test_near_the_limit_the_phone_page_asks_a_labelled_question_and_takes_the_answer(
    limited_phone, limited_app
):
    staff = LiveApi(limited_app, "yc_staff")
    path = re.sub(r"^https?://[^/]+", "", county_seat_of_deputy_demo(staff)["scan_url"])
    public = LiveApi(limited_app)
    for i in range(4):  # from this machine's address, like the phone's
        body = {"content": f"挑战测试：第 {i} 处路灯不亮", "station": "YC-BGJD"}
        status, answer = public.call("POST", "/api/v1/opinions", body)
        assert status == 201, answer

    limited_phone.goto(path)
    question = limited_phone.locator("label[for=id_challenge_answer]").inner_text()
    match = re.match(r"(\d) 加 (\d) 等于多少？", question)
    assert match, question
    limited_phone.fill("#id_content", "挑战测试：顺城街 3 号井盖松动，请尽快处理。")
    # Answered through its label, as a screen reader user would find the field.
    limited_phone.get_by_label(re.compile(r"\d 加 \d 等于多少")).fill(
        str(int(match[1]) + int(match[2]))
    )
    with limited_phone.expect_navigation(url="**/t/*"):
        limited_phone.click("form.citizen-form button[type=submit]")
    code = limited_phone.locator("#tracking-code").inner_text().strip()
    assert code
    status, body = staff.call("GET", "/api/v1/cases?q=%E4%BA%95%E7%9B%96%E6%9D%BE%E5%8A%A8")
    assert status == 200 and [c["tracking_code"] for c in body["items"]] == [code]
