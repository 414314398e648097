"""The issue's story for consultations in a real Chromium against a real server: yc_staff
opens an agenda topic to every deputy of 榆次区; three deputies give opinions (one on a
phone); a citizen scans the QR code of the legislative contact point (decoded from the page)
and gives one on a phone; staff mark each and export the summary, read back as Excel and PDF;
the deputy sees what became of his opinion and it counts in his duty record."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
import zxingcpp
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

pytestmark = pytest.mark.browser
SHANGHAI = ZoneInfo("Asia/Shanghai")
TITLE = "关于全区养老服务体系建设情况的报告"
TEXT = (
    "常委会第十二次会议拟听取和审议区人民政府关于全区养老服务体系建设情况的报告，现征求代表意见。"
)


def _who(pg, login, username: str) -> str:
    pg.context.clear_cookies()
    login(pg, username)
    return pg.locator(".who").inner_text().strip()


def _decode(data_url: str) -> str:
    png = base64.b64decode(data_url.split(",", 1)[1])
    image = Image.open(io.BytesIO(png)).convert("L")
    image = image.resize((image.width * 8, image.height * 8), Image.NEAREST)
    [code] = [r.text for r in zxingcpp.read_barcodes(image)]
    return code


def _opinion(pg, content: str, theme: str = "") -> None:
    if theme:
        pg.fill("#id_theme", theme)
    pg.fill("#id_content", content)
    pg.get_by_role("button", name="提交意见").click()
    assert "您的意见已提交。" in pg.locator(".messages").inner_text()


def test_an_agenda_consultation_from_opening_to_the_summary(page, phone_page, login):
    phone = phone_page
    login(page, "yc_staff")
    page.goto("/consultations/")
    page.get_by_role("link", name="发起征求意见").click()
    page.select_option("#id_kind", "agenda")
    page.fill("#id_title", TITLE)
    page.fill("#id_text", TEXT)
    opens = dt.datetime.now(SHANGHAI) - dt.timedelta(minutes=5)
    page.fill("#id_opens_at", opens.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_closes_at", (opens + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="发起").click()
    page.wait_for_url(re.compile(r"/consultations/\d+/$"))
    assert "征求意见已发起。" in page.locator(".messages").inner_text()
    url = page.url
    point = page.locator("#contact-points .qr", has_text="榆次区人大代表联络中心")
    scan_url = _decode(point.locator("img").get_attribute("src"))
    assert "/lc/" in scan_url

    # Three deputies: deputy_d on a phone, deputy_e and deputy_demo on a desktop.
    name_d = _who(phone, login, "deputy_d")
    phone.get_by_role("link", name=re.compile(TITLE)).click()
    phone.wait_for_url(url)
    _opinion(phone, "建议增加农村互助养老点的建设内容。", theme="农村养老")
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= phone.viewport_size["width"]
    _who(page, login, "deputy_e")
    page.goto(url)
    _opinion(page, "建议明确护理人员培训补贴标准。", theme="人才队伍")
    _who(page, login, "deputy_demo")
    page.goto(url)
    if page.locator("#id_seat").count() and page.locator("#id_seat").is_visible():
        page.select_option("#id_seat", label="榆次区人民代表大会代表")
    _opinion(page, "总体赞成，建议加快进度。")

    # A citizen scans the contact point's code on a phone.
    phone.context.clear_cookies()
    phone.goto(scan_url)
    assert phone.get_by_role("heading", name=TITLE).count() == 1
    phone.fill("#id_content", "希望社区食堂延长供餐时间。")
    phone.fill("#id_citizen_name", "赵女士")
    phone.get_by_role("button", name="提交").click()
    assert "您的意见已收到" in phone.locator("#thanks").inner_text()
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= phone.viewport_size["width"]

    # Staff mark each and export the summary.
    _who(page, login, "yc_staff")
    page.goto(url)
    assert "共 4 条：代表意见 3 条，群众意见 1 条" in page.locator("#counts").inner_text()
    groups = [h.strip() for h in page.locator(".opinion-group h2").all_inner_texts()]
    assert groups[:2] == ["人才队伍", "农村养老"] and groups[-1].startswith("总体意见")
    marks = [
        ("建议增加农村互助养老点", "采纳", ""),
        ("建议明确护理人员培训补贴标准", "部分采纳", "补贴标准由区政府另行制定"),
        ("总体赞成", "未采纳", "进度安排已在报告中说明"),
        ("希望社区食堂延长供餐时间", "采纳", ""),
    ]
    for text, decision, reason in marks:
        item = page.locator("li.opinion", has_text=text)
        item.get_by_label(decision, exact=True).check()
        if reason:
            item.get_by_label("理由").fill(reason)
        item.get_by_role("button", name="保存").click()
        assert "研究意见已保存。" in page.locator(".messages").inner_text()
        assert (
            page.locator("li.opinion", has_text=text).locator(".decision-label").inner_text()
            == decision
        )
    assert (
        "采纳 2 条，部分采纳 1 条，未采纳 1 条，待研究 0 条" in page.locator("#counts").inner_text()
    )

    xlsx = page.context.request.get(url + "summary.xlsx")
    assert xlsx.status == 200
    ws = load_workbook(io.BytesIO(xlsx.body())).active
    rows = {row[3]: row for row in ws.iter_rows(min_row=4, values_only=True) if row[0]}
    assert rows["建议增加农村互助养老点的建设内容。"][2] == f"{name_d}代表"
    assert rows["建议增加农村互助养老点的建设内容。"][4] == "采纳"
    assert rows["建议明确护理人员培训补贴标准。"][4:] == ("部分采纳", "补贴标准由区政府另行制定")
    assert rows["希望社区食堂延长供餐时间。"][2] == "榆次区人大代表联络中心群众"
    pdf = page.context.request.get(url + "summary.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert TITLE in text.replace("\n", "")
    for needle in ("征求意见汇总", "希望社区食堂延长供餐时间", "进度安排已在报告中说明"):
        assert needle in text.replace("\n", "")

    # deputy_d sees what became of his opinion, and it counts in his record.
    _who(phone, login, "deputy_d")
    phone.goto(url)
    assert "采纳" in phone.locator("#mine .decision").inner_text()
    phone.goto("/duty/record/")
    entry = phone.locator(".entries li", has_text=TITLE)
    assert entry.count() == 2
    assert (
        "立法和议题征求意见 · 提出意见" in entry.all_inner_texts()[0] + entry.all_inner_texts()[1]
    )
    assert "意见被采纳" in " ".join(entry.all_inner_texts())
