"""A duty report's story in a real Chromium against a real server: deputy_demo drafts the
report of her city seat on a phone from her record, edits its title and submits it; the city
office (jz_staff) approves and publishes it; its PDF, read back, holds the record's suggestion;
the deputy's public page links it and a voter's comment opens the scan-to-speak form with the
report named."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.browser
CITY = "晋中市人民代表大会代表"
TITLE = "连心代表年度述职报告（浏览器）"


def test_a_deputy_drafts_submits_and_the_office_publishes_a_duty_report(page, phone_page, login):
    phone = phone_page
    login(phone, "deputy_demo")
    phone.goto("/duty/record/")
    phone.get_by_role("link", name="述职报告", exact=True).click()
    phone.get_by_role("link", name="起草述职报告").click()
    phone.select_option("#id_seat", label=CITY)
    phone.get_by_role("button", name="生成草稿").click()
    phone.wait_for_url(re.compile(r"/duty/reports/\d+/$"))
    report_url = phone.url
    assert "述职报告草稿已由履职记录生成" in phone.locator(".messages").inner_text()
    body = phone.locator("#id_body").input_value()
    assert body.startswith("各位选民")
    assert "二、提出议案、建议及办理情况" in body
    suggestion_line = next(
        line for line in body.splitlines() if "代表建议（领衔提出）" in line
    )  # the demo's city seat raised suggestions
    suggestion_title = suggestion_line.split("：", 1)[1].rsplit("（", 1)[0]
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= phone.viewport_size["width"]
    phone.fill("#id_title", TITLE)
    phone.get_by_label("保存后提交审核").check()
    phone.get_by_role("button", name="保存").click()
    phone.wait_for_url(report_url)
    assert phone.locator("#report-status").inner_text() == "待审核"
    assert phone.locator("#id_body").count() == 0  # no longer editable

    login(page, "jz_staff")
    page.goto("/duty/reports/")
    page.locator("#reports-pending").get_by_role("link", name=re.compile(TITLE)).click()
    page.wait_for_url(report_url)
    page.get_by_label("通过").check()
    page.get_by_role("button", name="提交").click()
    assert page.locator("#report-status").inner_text() == "已通过"
    page.get_by_role("button", name="在代表公开页面发布").click()
    assert page.locator("#report-status").inner_text() == "已公开"
    pdf = page.request.get(report_url + "report.pdf")
    assert pdf.status == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages).replace(
        "\n", ""
    )
    assert TITLE in text and suggestion_title[:10] in text

    # Anyone: the deputy's public page links the report; a voter comments on it.
    page.context.clear_cookies()
    page.get_by_role("link", name="公开页面").click()
    page.wait_for_url(re.compile(r"/public/deputies/\d+/reports/\d+/$"))
    assert page.get_by_role("heading", name=TITLE).count() == 1
    page.get_by_role("link", name="连心代表").click()
    page.wait_for_url(re.compile(r"/public/deputies/\d+/$"))
    page.locator("#public-reports").get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="对本述职报告提出意见").click()
    page.wait_for_url(re.compile(r"/s/"))
    assert page.locator("#id_title").input_value() == f"对《{TITLE}》的意见"
