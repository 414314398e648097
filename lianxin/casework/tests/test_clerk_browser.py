"""A clerk's day, as one browser journey: yc_staff finds a citizen's cases by phone, triages
and assigns ten opinions at once, prints the 交办单, exports the filtered list and produces
三薄 for three deputies."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from lianxin.opinions.tests.test_browser_journey import LiveApi

pytestmark = pytest.mark.browser

PHONE = "13900001111"


def test_a_clerks_day(page, login, live_app):
    citizen = LiveApi(live_app)
    for i in range(10):
        status, body = citizen.call(
            "POST",
            "/api/v1/opinions",
            {
                "content": f"一天的工作第{i + 1}件：锦纶路{i + 1}号楼下积水，雨天难以通行。",
                "station": "YC-BGJD",
                "contact_name": "钱市民",
                "contact_phone": PHONE,
            },
        )
        assert status == 201, body

    login(page, "yc_staff")
    # Find the citizen's cases by the phone number; the list shows it masked.
    page.goto(f"/cases/?q={PHONE}")
    results = page.locator("#case-results")
    expect(results).to_contain_text("共 10 件")
    assert PHONE not in results.inner_text() and "139****1111" in results.inner_text()

    # Batch triage, then batch assignment, of all ten.
    def tick_all_and(button: str) -> None:
        boxes = page.locator("#case-batch input[name=ids]")
        assert boxes.count() == 10
        for i in range(10):
            boxes.nth(i).check()
        page.get_by_role("button", name=button).click()
        expect(page.locator("#batch-form")).to_contain_text("已选 10 件")

    tick_all_and("批量梳理")
    page.select_option("#id_category", label="交通运输")
    page.get_by_role("button", name="确定批量梳理").click()
    expect(page.locator("body")).to_contain_text("已批量梳理 10 件")
    assert f"q={PHONE}" in page.url

    tick_all_and("批量交办")
    page.get_by_role("radio", name="晋中市交通运输局").check()
    page.get_by_role("button", name="确定批量交办").click()
    expect(page.locator("body")).to_contain_text("已批量交办 10 件")
    status, listed = LiveApi(live_app, "yc_staff").call(
        "GET", f"/api/v1/cases?q={PHONE}&state=handling"
    )
    assert status == 200 and listed["count"] == 10

    # Print the 交办单 of one of them.
    page.locator("#case-results td.title a").first.click()
    with page.expect_download() as letter:
        page.click("#assignment-letter")
    with open(letter.value.path(), "rb") as fh:
        assert fh.read(4) == b"%PDF"

    # Export exactly the filtered list.
    page.goto(f"/cases/?q={PHONE}&state=handling")
    codes = set(page.locator("#case-results .code").all_inner_texts())
    with page.expect_download() as xlsx:
        page.click("#case-export")
    with open(xlsx.value.path(), "rb") as fh:
        ws = load_workbook(io.BytesIO(fh.read())).active
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert {r[0] for r in rows} == codes and len(rows) == 10
    assert all(r[8] == "139****1111" for r in rows)

    # 三薄 for three different deputies of the district, with their Excel and PDF.
    status, deputies = LiveApi(live_app, "yc_staff").call(
        "GET", "/api/v1/deputies?region=140702&level=county&limit=3"
    )
    assert status == 200 and len(deputies["items"]) == 3, deputies
    for d in deputies["items"]:
        page.goto(f"/logs/?kind=contact&deputy={d['id']}")
        expect(page.locator("main")).to_contain_text(d["name"])
        with page.expect_download() as x:
            page.click("#export-xlsx")
        with open(x.value.path(), "rb") as fh:
            cells = " ".join(
                str(c.value)
                for row in load_workbook(io.BytesIO(fh.read())).active.iter_rows()
                for c in row
                if c.value
            )
        assert d["name"] in cells
        with page.expect_download() as p:
            page.click("#export-pdf")
        with open(p.value.path(), "rb") as fh:
            assert fh.read(4) == b"%PDF"
