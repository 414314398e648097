"""The dashboard in Chromium: 晋中市's leader opens it, clicks 晋中市 on the map and then
榆次区's tile, and sees the townships' figures, the same in the data table, the chart's data
and the Excel file (axe and the CSP checks run after the test, as for every page)."""

from __future__ import annotations

import io
import json

import pytest
from django.conf import settings
from openpyxl import load_workbook
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_leader_drills_down_from_the_map_to_the_townships(page, login):
    login(page, "leader_demo")
    page.goto("/dashboard/")
    expect(page.locator("h1")).to_contain_text("晋中市")
    page.locator("#city-map").get_by_role("link", name="晋中市").click()
    tiles = page.locator("#county-tiles")
    expect(tiles.get_by_role("link", name="榆次区")).to_be_visible()
    tiles.get_by_role("link", name="榆次区").focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("榆次区")
    table = page.locator("#dashboard-table")
    expect(table).to_contain_text("北关街道")
    header = table.locator("thead th").all_inner_texts()
    rows = [
        [c.strip() for c in tr.locator("th, td").all_inner_texts()]
        for tr in table.locator("tbody tr, tfoot tr").all()
    ]
    assert header[0] == "区划" and len(rows) >= 2
    # The chart draws the table's own numbers (collected, the default figure).
    chart = json.loads(page.locator("#dashboard-chart-data").text_content())
    assert chart["labels"] == [r[0] for r in rows[:-1]]
    assert [str(v) for v in chart["values"]] == [r[header.index("收集")] for r in rows[:-1]]
    if (settings.VENDOR_DIR / "echarts.min.js").exists():  # `make install` fetched ECharts
        expect(page.locator("#dashboard-chart canvas")).to_have_count(1)
    else:  # without it the table alone stands
        expect(page.locator("#dashboard-chart")).to_be_hidden()
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    ws = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).worksheets[0]
    cells = [["" if v is None else str(v) for v in r] for r in ws.iter_rows(values_only=True)]
    assert cells[2] == header and cells[3:] == rows
