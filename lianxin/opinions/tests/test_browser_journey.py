"""The issue's "done when" story in a real Chromium against a real server (gunicorn, its own
database with the demo loaded): a citizen on a phone, yc_staff, unit_demo, and the three logs.
Also two races against the same server: a double submission and two staff acting at once."""

from __future__ import annotations

import io
import json
import os
import re
import threading
import time
import urllib.error
import urllib.request

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

pytestmark = pytest.mark.browser
PASSWORD = "lianxin-demo"
SHOTS = os.environ.get("LIANXIN_SCREENSHOTS")  # a directory, to look at the pages by eye


def shot(page, name: str) -> None:
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


class LiveApi:
    """A small JSON client for the live server's /api/v1."""

    def __init__(self, base: str, username: str | None = None):
        self.base = base
        self.token = None
        if username:
            status, body = self.call(
                "POST", "/api/v1/auth/token", {"username": username, "password": PASSWORD}
            )
            assert status == 200, body
            self.token = body["token"]

    def call(self, method: str, path: str, body=None, headers: dict | None = None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if self.token:
            req.add_header("Authorization", f"Bearer {self.token}")
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")


def county_seat_of_deputy_demo(api: LiveApi) -> dict:
    status, body = api.call(
        "GET", "/api/v1/deputies?q=%E8%BF%9E%E5%BF%83%E4%BB%A3%E8%A1%A8&limit=10"
    )
    assert status == 200, body
    return next(d for d in body["items"] if d["name"] == "连心代表" and d["level"] == "county")


@pytest.fixture
def session_for(_browser, live_app):
    """A signed-in desktop browser context per account."""
    contexts = []

    def open_as(username: str):
        context = _browser.new_context(
            base_url=live_app, locale="zh-CN", timezone_id="Asia/Shanghai"
        )
        context.set_default_timeout(15000)
        contexts.append(context)
        pg = context.new_page()
        pg.goto("/login/")
        pg.fill("#id_username", username)
        pg.fill("#id_password", PASSWORD)
        pg.click("button[type=submit]")
        pg.wait_for_url("**/workbench/**")
        return pg

    yield open_as
    for context in contexts:
        context.close()


def act(pg, case_url: str, action: str, fill=None) -> None:
    """Open the case, press the action's button (htmx loads its form), fill it, submit, and wait
    for the case page to come back."""
    pg.goto(case_url)
    pg.click(f'#available-actions [data-action="{action}"]')
    form = pg.locator(f"#action-form-{action}")
    form.wait_for()
    if fill:
        fill(form)
    with pg.expect_navigation():
        form.locator("button[type=submit]").click()
    assert pg.url.rstrip("/").endswith(case_url.rstrip("/")), pg.url


def rate(phone_page, code: str, label: str) -> None:
    phone_page.goto(f"/t/{code}")
    phone_page.get_by_label(label, exact=True).check()
    with phone_page.expect_navigation():
        phone_page.click("#evaluate button[type=submit]")
    assert phone_page.locator("#case-rating").inner_text() == label


def test_a_citizens_opinion_goes_round_the_whole_loop(phone_page, session_for, live_app, tmp_path):
    api = LiveApi(live_app, "yc_staff")
    seat = county_seat_of_deputy_demo(api)
    scan_path = re.sub(r"^https?://[^/]+", "", seat["scan_url"])

    # 1. The citizen scans the deputy's code on a phone and submits.
    phone_page.goto(scan_path)
    assert "连心代表" in phone_page.locator("main").inner_text()
    shot(phone_page, "opinion-scan-phone")
    # The viewport, not window.innerWidth: a phone browser widens its layout to fit what overflows.
    width, inner = (
        phone_page.evaluate("document.scrollingElement.scrollWidth"),
        phone_page.viewport_size["width"],
    )
    assert width <= inner
    phone_page.fill("#id_content", "顺城街 12 号门前的公交站没有站牌，外地人找不到车站。")
    phone_page.fill("#id_contact_phone", "13812345678")
    phone_page.click("button[type=submit]")
    phone_page.wait_for_url("**/t/*")
    code = phone_page.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"[2-9A-Z]{10}", code)
    assert "13812345678" not in phone_page.content()
    shot(phone_page, "opinion-submitted-phone")

    # 2. yc_staff triages and assigns to 晋中市交通运输局.
    staff = session_for("yc_staff")
    staff.goto(f"/cases/?q={code}")
    with staff.expect_navigation():
        staff.locator("tr", has_text=code).locator("td.title a").first.click()
    case_url = re.sub(r"^https?://[^/]+", "", staff.url)
    case_id = int(re.search(r"/cases/(\d+)/", case_url).group(1))
    staff.click('#available-actions [data-action="triage"]')
    staff.locator("#action-form-triage").wait_for()
    shot(staff, "case-triage-form")
    act(
        staff,
        case_url,
        "triage",
        lambda f: f.locator("#id_category").select_option(label="交通运输"),
    )
    assert staff.locator("#case-state").inner_text() == "已梳理"
    act(
        staff,
        case_url,
        "assign",
        lambda f: f.get_by_role("radio", name="晋中市交通运输局").check(),
    )
    assert staff.locator("#case-state").inner_text() == "办理中"
    assert "晋中市交通运输局" in staff.locator("#assignments").inner_text()

    # 3. unit_demo replies; staff feed back; the citizen is not satisfied.
    officer = session_for("unit_demo")

    def reply(text):
        def fill(f):
            f.locator("#id_content").fill(text)
            f.locator("#id_public").check()

        return fill

    act(officer, case_url, "reply", reply("已联系公交公司，本周内补设站牌。"))
    assert officer.locator("#case-state").inner_text() == "已答复"
    act(
        staff,
        case_url,
        "feedback",
        lambda f: f.locator("#id_content").fill("交通运输局答复本周内补设站牌。"),
    )
    rate(phone_page, code, "不满意")

    # 4. Re-handled, replied again, fed back, rated satisfied, concluded.
    act(
        staff,
        case_url,
        "rehandle",
        lambda f: f.locator("#id_reason").fill("群众反映站牌仍未设置。"),
    )
    assert staff.locator("#case-state").inner_text() == "办理中"
    act(officer, case_url, "reply", reply("站牌已于今日设置完毕，并增设线路图。"))
    act(
        staff,
        case_url,
        "feedback",
        lambda f: f.locator("#id_content").fill("站牌已设置，请再评价。"),
    )
    rate(phone_page, code, "满意")
    act(staff, case_url, "conclude")
    assert staff.locator("#case-state").inner_text() == "已办结"

    # 5. The timeline shows every step with who and when.
    items = staff.locator("#timeline li")
    events = [items.nth(i).get_attribute("data-event") for i in range(items.count())]
    assert events == [
        "register",
        "triage",
        "assign",
        "reply",
        "feedback",
        "evaluate",
        "rehandle",
        "reply",
        "feedback",
        "evaluate",
        "conclude",
    ]
    actors = staff.locator("#timeline li .actor").all_inner_texts()
    assert actors == [
        "群众",
        "榆次区人大人事代表工委",
        "榆次区人大人事代表工委",
        "晋中市交通运输局经办人",
        "榆次区人大人事代表工委",
        "群众",
        "榆次区人大人事代表工委",
        "晋中市交通运输局经办人",
        "榆次区人大人事代表工委",
        "群众",
        "榆次区人大人事代表工委",
    ]
    shot(staff, "case-concluded")
    times = staff.locator("#timeline li time").all_inner_texts()
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", t) for t in times)

    # The citizen's page shows the same progress and the public replies, no personal data.
    phone_page.goto(f"/t/{code}")
    public = phone_page.locator("main").inner_text()
    assert "已办结" in public and "站牌已于今日设置完毕" in public
    shot(phone_page, "opinion-track-phone")
    assert "13812345678" not in public and "经办人" not in public

    # 6. tg_staff and unit_other never see it.
    for username in ("tg_staff", "unit_other"):
        other = session_for(username)
        assert other.goto(case_url).status == 404
        other.goto(f"/cases/?q={code}")
        results = other.locator("#case-results").inner_text()
        assert code not in results and "共 0 件" in results
        status, _ = LiveApi(live_app, username).call("GET", f"/api/v1/cases/{case_id}")
        assert status == 404

    # 7. The three logs of that deputy export to Excel and PDF.
    staff.goto(f"/logs/?kind=contact&deputy={seat['id']}")
    assert code in staff.locator("#log-results").inner_text()
    shot(staff, "log-contact")
    for kind, title in [
        ("contact", "联系和接待走访群众记录簿"),
        ("suggestion", "提出建议意见情况记录簿"),
        ("feedback", "反馈群众意见和诉求情况记录簿"),
    ]:
        staff.goto(f"/logs/?kind={kind}&deputy={seat['id']}")
        with staff.expect_download() as xlsx:
            staff.click("#export-xlsx")
        assert xlsx.value.suggested_filename.endswith(".xlsx")
        with open(xlsx.value.path(), "rb") as fh:
            ws = load_workbook(io.BytesIO(fh.read())).active
        cells = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
        assert ws["A1"].value == title and "连心代表" in cells
        with staff.expect_download() as pdf:
            staff.click("#export-pdf")
        with open(pdf.value.path(), "rb") as fh:
            text = re.sub(
                r"\s+",
                "",
                "".join(p.extract_text() for p in PdfReader(io.BytesIO(fh.read())).pages),
            )
        assert title in text and "连心代表" in text
    text = cells  # the last (feedback) log names the citizen's rating
    assert "满意" in text


def test_a_double_submission_racing_to_the_server_makes_one_case(live_app):
    api = LiveApi(live_app)
    staff = LiveApi(live_app, "yc_staff")
    body = {"content": "并发重复提交测试：锦纶路井盖缺失。", "station": "YC-BGJD"}
    results = []
    barrier = threading.Barrier(4)

    def submit():
        barrier.wait()
        results.append(
            api.call("POST", "/api/v1/opinions", body, {"Idempotency-Key": "race-key-0001"})
        )

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [s for s, _ in results] == [201] * 4
    assert len({b["tracking_code"] for _, b in results}) == 1
    status, listed = staff.call(
        "GET", "/api/v1/cases?q=%E9%94%A6%E7%BA%B6%E8%B7%AF%E4%BA%95%E7%9B%96"
    )
    assert status == 200 and listed["count"] == 1


def test_two_staff_acting_at_once_one_wins_and_the_other_is_told(live_app):
    citizen = LiveApi(live_app)
    status, created = citizen.call(
        "POST", "/api/v1/opinions", {"content": "并发梳理测试", "station": "YC-BGJD"}
    )
    assert status == 201
    path = f"/api/v1/cases/{created['id']}/actions/triage"
    clients = [LiveApi(live_app, "yc_staff"), LiveApi(live_app, "yc_station")]
    results = []
    barrier = threading.Barrier(2)

    def triage(client, category):
        barrier.wait()
        results.append(client.call("POST", path, {"category": category}))

    threads = [
        threading.Thread(target=triage, args=(clients[0], "transport")),
        threading.Thread(target=triage, args=(clients[1], "environment")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(s for s, _ in results)
    assert statuses == [200, 409], results
    loser = next(b for s, b in results if s == 409)
    assert loser["code"] == "invalid_transition"
    winner = next(b for s, b in results if s == 200)
    # The intake loop writes the registration entry (dated at the submission) shortly after.
    deadline = time.monotonic() + 10
    while True:
        status, case = clients[0].call("GET", f"/api/v1/cases/{created['id']}")
        actions = [e["action"] for e in case["timeline"]]
        if "register" in actions or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert case["category"] == winner["category"]
    assert actions == ["register", "triage"]
