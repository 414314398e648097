"""A joint proposal round the whole loop in a real Chromium against a real server (gunicorn, its
own database with the demo loaded), each account in its own browser context:

member_demo writes a proposal naming member_b (协力委员) as co-sponsor and saves it; member_b
confirms on a phone; member_demo submits; cppcc_staff registers it and assigns it to
晋中市交通运输局; the unit's officer (unit_demo) replies and the unit's signer (unit_signer)
signs it off; then the blind two-way evaluation: member_demo rates the handling and the unit's
officer rates the proposal's quality, each reading the other's rating only after giving its own.

Every page each context visits is checked with axe when the test ends (lianxin.testing.
accessibility), as the `page` and `phone_page` fixtures do."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

TITLE = "关于在晋中城区中小学周边增设护学岗的提案"
BLIND = "尚无可查看的评价"


@pytest.fixture
def session_for(_browser, live_app, login, request):
    """A signed-in browser context per account (phone-sized when asked), each axe-watched."""
    from lianxin.testing.accessibility import AxeWatch
    from lianxin.testing.browser import PHONE_USER_AGENT

    watches = []

    def open_as(username: str, *, phone: bool = False):
        options = {"base_url": live_app, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
        if phone:
            options.update(
                viewport={"width": 390, "height": 844},
                device_scale_factor=2,
                is_mobile=True,
                has_touch=True,
                user_agent=PHONE_USER_AGENT,
            )
        else:
            options["viewport"] = {"width": 1280, "height": 900}
        context = _browser.new_context(**options)
        context.set_default_timeout(15000)
        pg = context.new_page()
        watches.append(AxeWatch(pg, live_app))
        login(pg, username)
        return pg

    yield open_as
    problems = []
    try:
        call = getattr(request.node, "rep_call", None)
        if call is not None and call.passed:
            for watch in watches:
                problems += watch.finish()
    finally:
        for watch in watches:
            watch.page.context.close()
    if problems:
        pytest.fail("axe: serious or critical accessibility violations\n" + "\n".join(problems))


def act(pg, url: str, action: str, fill=None) -> None:
    """Open the proposal, press the action's button (htmx loads its form), fill it, submit,
    and wait for the proposal's page to come back."""
    pg.goto(url)
    pg.click(f'#available-actions [data-action="{action}"]')
    form = pg.locator(f"#action-form-{action}")
    form.wait_for()
    if fill:
        fill(form)
    with pg.expect_navigation():
        form.locator("button[type=submit]").click()
    assert pg.url.rstrip("/").endswith(url.rstrip("/")), pg.url


def state(pg) -> str:
    return pg.locator("#case-state").inner_text()


def actions_of(pg) -> list[str]:
    return [a.get_attribute("data-action") for a in pg.locator("#available-actions a").all()]


def no_sideways_scroll(pg) -> None:
    width, inner = pg.evaluate("document.scrollingElement.scrollWidth"), pg.viewport_size["width"]
    assert width <= inner, (width, inner)


def test_a_joint_proposal_goes_round_the_loop_and_is_evaluated_blind(session_for):
    # 1. member_demo writes a joint proposal naming member_b and saves the draft.
    member = session_for("member_demo")
    member.goto("/proposals/")
    with member.expect_navigation():
        member.click("#write-proposal")
    member.fill("#id_title", TITLE)
    member.fill(
        "#id_content",
        "上下学时段校门口车流人流交织，存在安全隐患。建议在中小学周边设立护学岗，"
        "由交警、学校和家长志愿者共同值守。",
    )
    member.locator("#field-co_sponsors").get_by_label("协力委员", exact=True).check()
    with member.expect_navigation():
        member.click("#save-proposal")
    url = re.sub(r"^https?://[^/]+", "", member.url)
    assert re.fullmatch(r"/proposals/\d+/", url), url
    assert "联名委员确认后即可提交" in member.locator(".messages").inner_text()
    assert state(member) == "草稿"
    assert member.locator("#case-title").inner_text() == TITLE
    assert "协力委员 · 待确认" in member.locator("#co-sponsors").inner_text()
    assert "submit" not in actions_of(member)

    # 2. member_b, on a phone, opens the invitation's page (the link of the notice), reads what
    #    is asked and confirms.
    co_sponsor = session_for("member_b", phone=True)
    co_sponsor.goto(url)
    assert "cosign" in actions_of(co_sponsor)
    no_sideways_scroll(co_sponsor)
    co_sponsor.goto(url + "actions/cosign/")
    assert TITLE in co_sponsor.locator("#action-subject").inner_text()
    assert "同心委员" in co_sponsor.locator("#action-subject").inner_text()
    no_sideways_scroll(co_sponsor)
    form = co_sponsor.locator("#action-form-cosign")
    form.get_by_label("确认联名").check()
    with co_sponsor.expect_navigation():
        form.locator("button[type=submit]").click()
    assert co_sponsor.url.endswith(url)
    assert "协力委员 · 已确认" in co_sponsor.locator("#co-sponsors").inner_text()
    assert state(co_sponsor) == "草稿"

    # 3. member_demo submits.
    act(member, url, "submit")
    assert state(member) == "已提交"

    # 4. cppcc_staff registers it (registration review) and assigns it to the transport bureau.
    staff = session_for("cppcc_staff")
    staff.goto("/proposals/?state=submitted")
    with staff.expect_navigation():
        staff.locator("#proposal-rows a", has_text=TITLE).click()
    act(staff, url, "register", lambda f: f.get_by_label("立案", exact=True).check())
    assert state(staff) == "已立案"
    assert "立案时间" in staff.locator(".kv").inner_text()

    def to_transport(f):
        f.locator("#id_lead_unit_filter").fill("交通运输")
        f.get_by_role("radio", name="晋中市交通运输局").check()
        f.locator("#id_note").fill("请会同公安交警部门研究办理。")

    act(staff, url, "assign", to_transport)
    assert state(staff) == "已交办"
    assert "晋中市交通运输局 · 主办" in staff.locator("#assignments").inner_text()

    # 5. The unit's officer replies; the reply waits for the unit's signer, who signs it off.
    officer = session_for("unit_demo")
    reply = "已会同市公安局交警支队在城区 12 所中小学周边设立护学岗，上下学时段安排专人值守。"

    def reply_a(f):
        f.locator("#id_category").select_option(value="A")
        f.locator("#id_content").fill(reply)

    act(officer, url, "reply", reply_a)
    assert state(officer) == "答复待签发"
    assert "sign_off" not in actions_of(officer)
    signer = session_for("unit_signer")
    act(signer, url, "sign_off", lambda f: f.get_by_label("同意签发").check())
    assert state(signer) == "已答复"

    # 6. Blind two-way evaluation. member_demo reads the reply and rates the handling; the
    #    unit's side has not rated yet.
    member.goto(url)
    assert reply in member.locator("main").inner_text()
    assert BLIND in member.locator("#quality-ratings").inner_text()

    def satisfied(f):
        f.locator("#id_rating").select_option(label="满意")
        f.locator("#id_comment").fill("办理及时，效果明显。")

    act(member, url, "evaluate", satisfied)
    assert state(member) == "已评价"
    assert "满意：办理及时，效果明显。" in member.locator("#handling-ratings").inner_text()

    # The unit's officer does not see the member's rating until the unit rates the quality.
    officer.goto(url)
    assert BLIND in officer.locator("#handling-ratings").inner_text()
    assert "办理及时" not in officer.locator("main").inner_text()

    def good(f):
        f.locator("#id_quality").select_option(label="良好")
        f.locator("#id_comment").fill("调研扎实，建议具体可行。")

    act(officer, url, "rate_submission", good)
    assert "良好：调研扎实，建议具体可行。" in officer.locator("#quality-ratings").inner_text()
    assert "满意：办理及时，效果明显。" in officer.locator("#handling-ratings").inner_text()

    # member_demo, who has rated, now sees the unit's quality rating; member_b, a proposer who
    # has not rated, still does not.
    member.goto(url)
    assert "良好：调研扎实，建议具体可行。" in member.locator("#quality-ratings").inner_text()
    co_sponsor.goto(url)
    assert BLIND in co_sponsor.locator("#quality-ratings").inner_text()
    assert "调研扎实" not in co_sponsor.locator("main").inner_text()
    assert "evaluate" in actions_of(co_sponsor)
    no_sideways_scroll(co_sponsor)

    # The CPPCC's staff read both sides.
    staff.goto(url)
    assert "满意：办理及时" in staff.locator("#handling-ratings").inner_text()
    assert "良好：调研扎实" in staff.locator("#quality-ratings").inner_text()
