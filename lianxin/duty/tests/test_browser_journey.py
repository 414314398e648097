"""The issue's story for activities in a real Chromium against a real server (gunicorn, its own
database with the demo loaded): yc_staff creates an inspection on elderly care; the page
proposes the deputies whose expertise matches, with the reasons; staff adjust the list (adding
one without a match) and the invitations go out; two
deputies accept on a phone and one asks for leave with a reason; both who accepted sign in by
opening the address of the QR code decoded from the printed sign-in sheet, and a second scan
shows the same sign-in."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from lianxin.liaison.tests.helpers import decode_qr, needs_poppler

pytestmark = [pytest.mark.browser, needs_poppler]
SHANGHAI = ZoneInfo("Asia/Shanghai")
TITLE = "全区养老服务机构安全视察"


def _who(pg, login, username: str) -> str:
    pg.context.clear_cookies()
    login(pg, username)
    return pg.locator(".who").inner_text().strip()


def test_an_inspection_on_elderly_care_from_invitation_to_sign_in(page, phone_page, login):
    phone = phone_page
    name_d = _who(phone, login, "deputy_d")
    name_e = _who(phone, login, "deputy_e")
    chosen = {name_d, name_e, "连心代表"}

    login(page, "yc_staff")
    page.get_by_role("link", name="近期履职活动").first.wait_for()
    page.goto("/duty/activities/new/")
    starts = dt.datetime.now(SHANGHAI) + dt.timedelta(minutes=30)
    page.fill("#id_title", TITLE)
    page.select_option("#id_kind", "inspection")
    page.fill("#id_topic", "养老")
    page.get_by_label("养老服务").check()
    page.fill("#id_starts_at", starts.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_ends_at", (starts + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_place", "榆次区社会福利中心")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/duty/activities/\d+/$"))
    assert "活动已创建。" in page.locator(".messages").inner_text()

    proposals = page.locator("#proposals li")
    reasons = {}
    for i in range(proposals.count()):
        item = proposals.nth(i)
        name = item.locator("b").inner_text().strip()
        reasons[name] = item.locator(".muted").inner_text().strip()
    assert reasons[name_d] == "专业领域：养老服务；曾参加 1 次同类视察"
    assert reasons[name_e] == "专业领域：养老服务"
    # deputy_demo (social security) has no match and comes unticked; staff add her by hand.
    assert reasons["连心代表"] == "无匹配项"
    first = proposals.first.locator("b").inner_text().strip()
    assert first == name_d  # the best match leads
    # Staff adjust: only the three.
    for i in range(proposals.count()):
        item = proposals.nth(i)
        box = item.get_by_role("checkbox")
        if item.locator("b").inner_text().strip() in chosen:
            box.check()
        else:
            box.uncheck()
    page.get_by_role("button", name="发送邀请").click()
    assert "已向 3 位代表发出邀请。" in page.locator(".messages").inner_text()
    activity_url = page.url

    for username, accept in (("deputy_d", True), ("deputy_e", True), ("deputy_demo", False)):
        _who(phone, login, username)
        phone.get_by_role("link", name=re.compile(TITLE)).click()
        phone.wait_for_url(re.compile(r"/duty/invitations/\d+/$"))
        if accept:
            phone.get_by_label("参加", exact=True).check()
        else:
            phone.get_by_label("请假", exact=True).check()
            phone.fill("#id_reason", "参加市人大常委会会议")
        phone.get_by_role("button", name="提交答复").click()
        expected = "已答复参加。" if accept else "已请假，组织单位将收到您的请假事由。"
        assert expected in phone.locator(".messages").inner_text()
        width = phone.evaluate("document.scrollingElement.scrollWidth")
        assert width <= phone.viewport_size["width"]

    page.goto(activity_url)
    table = page.locator("#invitations").inner_text()
    assert "请假：参加市人大常委会会议" in table
    assert table.count("参加") >= 3

    sheet = page.context.request.get(activity_url + "sign-in-sheet.pdf")
    assert sheet.headers["content-type"] == "application/pdf"
    [scan_url] = decode_qr(sheet.body())
    assert "/duty/checkin/" in scan_url

    for username, name in (("deputy_d", name_d), ("deputy_e", name_e)):
        _who(phone, login, username)
        phone.goto(scan_url)
        phone.get_by_role("button", name="确认签到").click()
        assert "签到成功。" in phone.locator(".messages").inner_text()
        assert f"{name}已于" in phone.locator("#signed-in").inner_text()
        # A second scan is the same sign-in.
        phone.goto(scan_url)
        assert phone.get_by_role("button", name="确认签到").count() == 0
        assert "（出席）" in phone.locator("#signed-in").inner_text()

    page.goto(activity_url)
    table = page.locator("#invitations").inner_text()
    assert table.count("扫码签到") == 2

    # The deputy's own invitation now shows the attendance (and the phone ends as deputy_d, so
    # the closing accessibility check reopens pages this deputy may see).
    _who(phone, login, "deputy_d")
    phone.goto("/duty/invitations/")
    phone.get_by_role("link", name=TITLE).click()
    assert "出席" in phone.locator("dl").inner_text()
