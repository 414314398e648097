"""The hotline's staff merge one work order into another reporting the same streetlight from
the same-issue card of its page, in a real Chromium against a real server, and unmerge it."""

from __future__ import annotations

import csv
import io

import pytest

from ..demo import MAPPING

pytestmark = pytest.mark.browser

ORDERS = [
    ("M00001", "安宁街路灯不亮", "安宁街18号门前路灯坏了一周，晚上一片漆黑，请尽快维修路灯。"),
    (
        "M00002",
        "安宁街路灯坏了",
        "来电人反映安宁街18号附近路灯不亮好几天，夜间出行不便，要求修理。",
    ),
]


def _file(tmp_path):
    fields = list(MAPPING)
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerow([MAPPING[k] for k in fields])
    for number, title, content in ORDERS:
        values = {
            "number": number,
            "received_at": "2026-12-01 09:00:00",
            "title": title,
            "content": content,
            "channel": "电话",
        }
        writer.writerow([values.get(k, "") for k in fields])
    path = tmp_path / "路灯工单.csv"
    path.write_bytes(buf.getvalue().encode("gbk"))
    return path


def test_a_work_order_is_merged_from_the_same_issue_card_and_unmerged(page, login, tmp_path):
    login(page, "jz_staff")
    page.goto("/work-orders/")
    with page.expect_navigation():
        page.click("#import-orders")
    page.select_option("#id_source", label="晋中市12345热线")
    page.set_input_files("#id_file", str(_file(tmp_path)))
    with page.expect_navigation():
        page.click("#upload")
    with page.expect_navigation():
        page.click("#confirm-import")
    page.wait_for_selector('#import-progress[data-phase="done"]')
    with page.expect_navigation():
        page.click("#first-order")
    number = page.locator("#order-number").inner_text()
    assert number in ("M00001", "M00002")
    # The card offers the other order, with the reason, and a button to merge into it.
    card = page.locator("#possible-duplicates")
    row = card.locator("tr", has_text="安宁街").first
    assert "路灯" in row.locator("[data-reason]").inner_text()
    button = row.locator("a[data-merge-into]")
    code = button.get_attribute("data-merge-into")
    button.click()
    form = page.locator("#action-form-merge")
    form.wait_for()
    assert form.locator('input[name="merge_into"]').input_value() == code
    asked = []

    def accept(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    form.locator("button[type=submit]").click()
    page.locator("#case-state", has_text="已合并").wait_for()
    assert asked == ["确定并入所选案件吗？并入后本工单不再单独办理。"]
    # The hotline number stays.
    assert page.locator("#order-number").inner_text() == number
    # Unmerge: the order is received again, on its own.
    page.locator('a[data-action="unmerge"]').click()
    unform = page.locator("#action-form-unmerge")
    unform.wait_for()
    page.once("dialog", accept)
    unform.locator("button[type=submit]").click()
    page.locator("#case-state", has_text="已接收").wait_for()
    assert asked[-1] == "确定撤销合并吗？本工单将恢复单独办理。"
