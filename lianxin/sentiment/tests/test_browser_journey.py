"""A sentiment report from a phone to a leader's instruction, in a real Chromium against a real
server (gunicorn, its own database with the demo loaded):

member_demo writes and submits a report on a phone; cppcc_staff finds it on the workbench
(待编辑), edits and condenses it, compiles it into a new issue, reads the issue's PDF, sends the
issue up to the higher CPPCC and the party committee, records the adoption and a leader's
instruction; member_demo, back on the phone, is notified, opens the notification and reads the
instruction beside the edited text. Every page each context visits is checked with axe when the
test ends (the `page` and `phone_page` fixtures)."""

from __future__ import annotations

import re

import pytest

from lianxin.liaison.tests.helpers import pdf_text

pytestmark = pytest.mark.browser

TITLE = "关于城区老旧小区雨污管网堵塞的情况反映"
EDITED = "老旧小区雨污管网堵塞问题亟待解决"
LEADER = "晋中市副市长"
INSTRUCTION = "请市住建局会同榆次区政府，汛期前完成老旧小区管网清淤。"


def no_sideways_scroll(pg) -> None:
    width, inner = pg.evaluate("document.scrollingElement.scrollWidth"), pg.viewport_size["width"]
    assert width <= inner, (width, inner)


def path_of(pg) -> str:
    return re.sub(r"^https?://[^/]+", "", pg.url)


def act(pg, verb: str, fill=None) -> None:
    """On a report's page, open the action's page, fill its form, submit, and come back."""
    with pg.expect_navigation():
        pg.click(f'#available-actions [data-action="{verb}"]')
    form = pg.locator(f"#action-form-{verb}")
    if fill:
        fill(form)
    with pg.expect_navigation():
        form.locator("button[type=submit]").click()


def test_a_report_written_on_a_phone_is_edited_compiled_sent_adopted_and_instructed(
    page, phone_page, login
):
    # 1. member_demo writes the report on a phone and submits it.
    phone = phone_page
    login(phone, "member_demo")
    phone.goto("/sentiment/")
    no_sideways_scroll(phone)
    with phone.expect_navigation():
        phone.click("#write-report")
    no_sideways_scroll(phone)
    phone.fill("#id_title", TITLE)
    phone.select_option("#id_category", label="城乡建设")
    phone.fill(
        "#id_content",
        "锦纶小区等老旧小区雨污管网年久失修，每逢降雨污水倒灌，居民出行困难。\n"
        "建议摸清老旧小区管网底数，汛期前完成清淤改造。",
    )
    with phone.expect_navigation():
        phone.click("#save-report")
    url = path_of(phone)
    assert re.fullmatch(r"/sentiment/\d+/", url), url
    assert "已保存为草稿" in phone.locator(".messages").inner_text()
    assert phone.locator("#report-state").inner_text() == "草稿"
    act(phone, "submit")
    assert phone.locator("#report-state").inner_text() == "已报送"
    no_sideways_scroll(phone)

    # 2. cppcc_staff find it on the workbench among the reports to edit, and edit it.
    login(page, "cppcc_staff")
    to_edit = page.locator("#worklist-sentiment_to_edit")
    with page.expect_navigation():
        to_edit.get_by_role("link", name=TITLE).click()
    assert path_of(page) == url

    def condense(f):
        f.locator("#id_edited_title").fill(EDITED)
        f.locator("#id_edited_content").fill(
            "老旧小区雨污管网年久失修，降雨时污水倒灌。建议汛期前完成清淤改造。"
        )

    act(page, "edit", condense)
    assert page.locator("#report-state").inner_text() == "已编辑"
    assert EDITED in page.locator("#edited").inner_text()
    assert "锦纶小区" in page.locator("#original").inner_text()  # the original is kept

    # 3. Compile a new issue with it, read its PDF, and send it up.
    page.goto("/sentiment/issues/new/")
    page.fill("#id_title", "城市建设专辑")
    page.locator("#field-reports").get_by_label(EDITED).check()
    with page.expect_navigation():
        page.get_by_role("button", name="编成本期").click()
    assert "期刊已编成。" in page.locator(".messages").inner_text()
    heading = page.locator("#issue-title").inner_text()
    assert re.match(r"\d{4}年第\d+期 城市建设专辑", heading), heading
    assert EDITED in page.locator("#issue-reports").inner_text()
    pdf = page.request.get(page.locator("#issue-pdf").get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert EDITED in "".join(pdf_text(pdf.body()).split())
    send = page.locator("#send-form")
    send.get_by_label("上级政协").check()
    send.get_by_label("党委").check()
    with page.expect_navigation():
        send.get_by_role("button", name="报送").click()
    assert "上级政协、党委" in page.locator("#issue-sent").inner_text()

    # 4. Record the adoption and the leader's instruction on the report.
    page.goto(url)
    assert page.locator("#report-state").inner_text() == "已报送上级"

    def adopted(f):
        f.locator("#id_adopted_by").fill("山西省政协")
        f.locator("#id_level").select_option(label="省级")
        f.get_by_label("采用", exact=True).check()

    act(page, "adopt", adopted)
    assert "山西省政协 · 省级 · 采用" in page.locator("#adoption").inner_text()

    def instructed(f):
        f.locator("#id_leader").fill(LEADER)
        f.locator("#id_level").select_option(label="市级")
        f.locator("#id_text").fill(INSTRUCTION)

    act(page, "instruct", instructed)
    assert page.locator("#report-state").inner_text() == "已获批示"
    assert INSTRUCTION in page.locator("#instructions").inner_text()

    # 5. member_demo, on the phone, is notified and reads the instruction and the edited text.
    phone.goto("/notifications/")
    notice = phone.get_by_role("button", name=re.compile(f"{LEADER}对社情民意信息作出批示"))
    with phone.expect_navigation():
        notice.first.click()
    assert path_of(phone) == url
    assert INSTRUCTION in phone.locator("#instructions").inner_text()
    assert EDITED in phone.locator("#edited").inner_text()
    assert phone.locator("#original").count() == 0  # the author reads the edited version
    no_sideways_scroll(phone)
