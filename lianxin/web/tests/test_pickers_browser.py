"""The pickers in a real Chromium (lianxin/core/widgets.py, lianxin/pickers.js): an opinion
assigned to a lead unit and two co-units with the keyboard alone, through the filter boxes; a
township chosen in the case list's filter through the cascade, on a phone."""

from __future__ import annotations

import re

import pytest

from lianxin.opinions.tests.test_browser_journey import LiveApi

pytestmark = pytest.mark.browser


def triaged_opinion(live_app: str, text: str) -> int:
    status, body = LiveApi(live_app).call(
        "POST", "/api/v1/opinions", {"content": text, "region": "140702001"}
    )
    assert status == 201, body
    staff = LiveApi(live_app, "yc_staff")
    status, body = staff.call(
        "POST", f"/api/v1/cases/{body['id']}/actions/triage", {"category": "transport"}
    )
    assert status == 200, body
    return body["id"]


def pick(page, field: str, text: str) -> None:
    """Type into the field's filter box, go down to the first option shown, press Space."""
    page.keyboard.type(text)
    assert page.evaluate("document.activeElement.id") == f"id_{field}_filter"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")


def test_an_opinion_is_assigned_to_a_lead_and_two_co_units_with_the_keyboard(page, login, live_app):
    case_id = triaged_opinion(live_app, "顺城街公交站台破损，雨天无处避雨，请尽快修缮。")
    login(page, "yc_staff")
    page.goto(f"/cases/{case_id}/actions/assign/")
    form = page.locator("#action-form-assign")
    # 52 units to choose from, each by name; the filter box is the way in.
    assert form.locator('input[name="lead_unit"]').count() > 50
    page.locator("#id_lead_unit_filter").focus()

    pick(page, "lead_unit", "交通运输")
    shown = form.locator("#id_lead_unit_options label:visible")
    assert shown.all_inner_texts()[0] == "晋中市交通运输局"
    assert form.get_by_role("radio", name="晋中市交通运输局").is_checked()
    assert form.locator("#id_lead_unit_picker .chip").inner_text().startswith("晋中市交通运输局")

    page.keyboard.press("Tab")  # out of the radio group, into the co-units' filter box
    pick(page, "co_units", "住房和城乡")
    page.keyboard.press("ArrowUp")  # back up to the box
    page.keyboard.press("Escape")  # which clears it
    assert form.locator("#id_co_units_options label:visible").count() > 50
    pick(page, "co_units", "榆次区城市管理")
    chips = form.locator("#id_co_units_picker .chip")
    assert [c.split("×")[0].strip() for c in chips.all_inner_texts()] == [
        "晋中市住房和城乡建设局",
        "榆次区城市管理局",
    ]
    # A typo says so instead of showing an empty box.
    page.keyboard.press("ArrowUp")
    page.keyboard.type("不存在的单位")
    assert form.locator(".picklist-none").last.is_visible()
    page.keyboard.press("Escape")

    for _ in range(60):  # on to the submit button, key by key
        if page.evaluate("document.activeElement.type") == "submit":
            break
        page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/cases/{case_id}/")
    assert page.locator("#case-state").inner_text() == "办理中"
    units = page.locator("#assignments").inner_text()
    for name in ("晋中市交通运输局", "晋中市住房和城乡建设局", "榆次区城市管理局"):
        assert name in units


def test_a_township_is_picked_in_the_case_filter_through_the_cascade_on_a_phone(
    phone_page, login, live_app
):
    triaged_opinion(live_app, "北关街道顺城街路面塌陷，存在安全隐患。")
    login(phone_page, "jz_staff")
    phone_page.goto("/cases/")
    picker = phone_page.locator("[data-region-picker]")
    # The cascade stands in for the list of every region; no code is shown anywhere.
    assert phone_page.locator("#f-region").is_hidden()
    levels = picker.locator("select.region-level")
    assert levels.count() == 1
    assert levels.nth(0).locator("option").all_inner_texts() == ["（不限）", "晋中市"]
    assert phone_page.get_by_label("区划：市", exact=True).count() == 1

    levels.nth(0).select_option(label="晋中市")
    county = phone_page.get_by_label("区划：县（区、市）")
    county.wait_for()
    assert "榆次区" in county.locator("option").all_inner_texts()
    county.select_option(label="榆次区")
    township = phone_page.get_by_label("区划：乡镇（街道）")
    township.wait_for()
    with phone_page.expect_response(lambda r: "region=140702001" in r.url):
        township.select_option(label="北关街道")
    phone_page.wait_for_url(re.compile(r"region=140702001"))
    rows = phone_page.locator("#case-results table.cases tbody tr")
    assert rows.count() > 0
    assert set(phone_page.locator('#case-results td[data-label="区划"]').all_inner_texts()) == {
        "北关街道"
    }
    text = phone_page.locator("main").inner_text()
    assert not re.search(r"(?<!\d)14\d{7}(?!\d)", text)
    # Choosing "no further" at the township level widens the filter back to the county.
    with phone_page.expect_response(
        lambda r: "region=140702&" in r.url or r.url.endswith("region=140702")
    ):
        township.select_option(index=0)
    width = phone_page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= phone_page.viewport_size["width"]

    # Reloaded, the page shows the chosen region by name at every level.
    phone_page.goto("/cases/?region=140702001")
    chosen = [
        s.evaluate("e => e.selectedOptions[0].textContent")
        for s in phone_page.locator("select.region-level").all()
    ]
    assert chosen == ["晋中市", "榆次区", "北关街道"]
