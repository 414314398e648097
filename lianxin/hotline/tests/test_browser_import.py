"""The hotline's staff import a GBK CSV of real citizen messages in a real Chromium against a
real server (gunicorn, its own database with the demo loaded): upload, read the preview and
the report, confirm, watch the progress reach its end, open an imported work order."""

from __future__ import annotations

import csv
import io

import pytest

from ..demo import MAPPING
from . import helpers

pytestmark = pytest.mark.browser


def _file(tmp_path, n: int = 200):
    """Every column the demo source maps (a mapped column missing is a file error), the
    optional ones left empty."""
    fields = list(MAPPING)
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerow([MAPPING[k] for k in fields])
    board = helpers.messages()[:n]
    for i, m in enumerate(board):
        values = {
            "number": f"B{i + 1:05d}",
            "received_at": "2020-03-01 09:00:00",
            "title": m["title"],
            "content": m["detail"].strip(),
            "category": m["label"],
            "channel": "网络",
        }
        writer.writerow([values.get(k, "") for k in fields])
    path = tmp_path / "热线工单.csv"
    path.write_bytes(buf.getvalue().encode("gbk", errors="replace"))
    return path, board


def test_upload_preview_confirm_progress_and_open_an_order(page, login, tmp_path):
    path, board = _file(tmp_path)
    login(page, "jz_staff")
    page.goto("/work-orders/")
    with page.expect_navigation():
        page.click("#import-orders")
    page.select_option("#id_source", label="晋中市12345热线")
    page.set_input_files("#id_file", str(path))
    with page.expect_navigation():
        page.click("#upload")
    # The preview: the first rows read with the source's mapping.
    assert page.locator("#file-format").inner_text().startswith("csv")
    assert "gb18030" in page.locator("#file-format").inner_text()
    assert page.locator("#row-count").inner_text() == "200"
    preview = page.locator("#preview")
    assert "B00001" in preview.inner_text()
    assert board[0]["title"][:10] in preview.inner_text()
    with page.expect_navigation():
        page.click("#confirm-import")
    progress = page.locator("#import-progress")
    progress.wait_for()
    page.wait_for_selector('#import-progress[data-phase="done"]')
    assert progress.get_attribute("data-percent") == "100"
    assert page.locator("progress").get_attribute("value") == "100"
    assert "新导入 200 件" in progress.inner_text()
    with page.expect_navigation():
        page.click("#first-order")
    assert page.locator("#order-number").inner_text() == "B00001"
    # A category and no state: received (已接收), the category kept for the triage.
    assert page.locator("#case-state").inner_text() == "已接收"
    assert board[0]["detail"].strip()[:20] in page.locator("#case-content").inner_text()
    assert page.locator('#available-actions [data-action="triage"]').count() == 1
