"""The duty record's story in a real Chromium against a real server: deputy_demo posts a duty
with two photos on a phone; the station manager (yc_station) approves it; the deputy's points
in the county seat's record grow by exactly the rule's points, the rank follows (the office's
ranking agrees) and the new entry links to the post. Then an activity the deputy is signed in
to by the office appears in the record by itself, with its points and a link to it."""

from __future__ import annotations

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

pytestmark = pytest.mark.browser
SHANGHAI = ZoneInfo("Asia/Shanghai")
COUNTY = "榆次区人民代表大会代表"
POST_TITLE = "走访北关街道独居老人"
ACTIVITY_TITLE = "背街小巷改造情况调研"
POST_POINTS = 2  # the demo's rule for a post (履职登记), cap 6 a quarter
ACTIVITY_POINTS = 3  # the demo's rule for attending an activity


def _seat(phone):
    return phone.locator("section.seat-record", has=phone.get_by_role("heading", name=COUNTY))


def _standing(phone) -> tuple[int, int]:
    phone.goto("/duty/record/")
    seat = _seat(phone)
    points = int(seat.locator(".points").inner_text())
    rank = int(re.search(r"第 (\d+) 名", seat.locator(".rank").inner_text()).group(1))
    return points, rank


def _photos(tmp_path) -> list[str]:
    paths = []
    for i, colour in enumerate([(200, 30, 30), (30, 30, 200)]):
        out = io.BytesIO()
        Image.new("RGB", (64, 48), colour).save(out, format="PNG")
        path = tmp_path / f"visit-{i}.png"
        path.write_bytes(out.getvalue())
        paths.append(str(path))
    return paths


def _ranking_row(page, name: str) -> tuple[int, int, list[int]]:
    page.goto("/duty/scores/")
    rows = page.locator("#ranking tbody tr")
    points = [int(rows.nth(i).locator("td").nth(4).inner_text()) for i in range(rows.count())]
    row = page.locator("#ranking tbody tr", has=page.get_by_role("link", name=name, exact=True))
    cells = row.first.locator("td")
    return int(cells.nth(0).inner_text()), int(cells.nth(4).inner_text()), points


def test_a_post_approved_and_an_attended_activity_move_the_score(page, phone_page, login, tmp_path):
    phone = phone_page
    login(phone, "deputy_demo")
    name = phone.locator(".who").inner_text().strip()
    points0, rank0 = _standing(phone)

    phone.get_by_role("link", name="登记履职").click()
    phone.select_option("#id_seat", label=COUNTY)
    phone.fill("#id_title", POST_TITLE)
    phone.fill("#id_date", dt.datetime.now(SHANGHAI).date().isoformat())
    phone.fill("#id_content", "走访三位独居老人，了解助餐和紧急呼叫需求。")
    phone.set_input_files("#id_photos", _photos(tmp_path))
    phone.get_by_role("button", name="提交审核").click()
    phone.wait_for_url(re.compile(r"/duty/posts/\d+/$"))
    post_url = phone.url
    assert "履职登记已提交，待联络站或代表工作机构审核。" in phone.locator(".messages").inner_text()
    assert phone.locator("#post-status").inner_text() == "待审核"
    assert phone.locator(".photos img").count() == 2
    assert _standing(phone) == (points0, rank0)  # a pending post does not count

    login(page, "yc_station")
    page.goto("/duty/posts/")
    page.get_by_role("link", name=POST_TITLE).click()
    page.get_by_label("通过").check()
    page.get_by_role("button", name="提交").click()
    assert "审核意见已保存。" in page.locator(".messages").inner_text()
    assert page.locator("#post-status").inner_text() == "已通过"
    assert page.get_by_role("button", name="提交").count() == 0  # decided once

    points1, rank1 = _standing(phone)
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= phone.viewport_size["width"]
    assert points1 == points0 + POST_POINTS
    assert rank1 <= rank0
    entry = _seat(phone).locator(".entries li", has_text=POST_TITLE)
    assert f"{POST_POINTS} 分" in entry.inner_text()
    entry.get_by_role("link", name=POST_TITLE).click()
    phone.wait_for_url(post_url)
    assert phone.locator("#post-status").inner_text() == "已通过"

    page.context.clear_cookies()
    login(page, "yc_staff")
    rank, points, everyone = _ranking_row(page, name)
    assert (rank, points) == (rank1, points1)
    assert rank == 1 + sum(p > points for p in everyone)

    # An activity: the office creates it, invites deputy_demo and signs her in by the list.
    page.goto("/duty/activities/new/")
    # Under way and ending soon, so that it overlaps no other test's activity for the deputy.
    starts = dt.datetime.now(SHANGHAI) - dt.timedelta(minutes=30)
    page.fill("#id_title", ACTIVITY_TITLE)
    page.select_option("#id_kind", "investigation")  # not the other journey's kind
    page.fill("#id_starts_at", starts.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_ends_at", (starts + dt.timedelta(minutes=45)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_place", "北关街道")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/duty/activities/\d+/$"))
    activity_url = page.url
    proposals = page.locator("#proposals li")
    for i in range(proposals.count()):
        item = proposals.nth(i)
        box = item.get_by_role("checkbox")
        if item.locator("b").inner_text().strip() == name:
            box.check()
        else:
            box.uncheck()
    page.get_by_role("button", name="发送邀请").click()
    assert "已向 1 位代表发出邀请。" in page.locator(".messages").inner_text()
    page.get_by_role("button", name=f"{name}签到").click()
    page.wait_for_url(activity_url)

    points2, _rank2 = _standing(phone)
    assert points2 == points1 + ACTIVITY_POINTS
    entry = _seat(phone).locator(".entries li", has_text=ACTIVITY_TITLE)
    assert f"{ACTIVITY_POINTS} 分" in entry.inner_text()
    assert "参加活动 · 出席" in entry.inner_text()
    entry.get_by_role("link", name=ACTIVITY_TITLE).click()
    phone.wait_for_url(re.compile(r"/duty/invitations/\d+/$"))
    assert phone.get_by_role("heading", name=ACTIVITY_TITLE).count() == 1
    fits = phone.evaluate("document.scrollingElement.scrollWidth")
    assert fits <= phone.viewport_size["width"]
