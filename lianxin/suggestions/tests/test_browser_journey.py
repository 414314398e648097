"""The issue's "done when" story in a real Chromium against a real server (gunicorn, its own
database with the demo loaded, where a session of the city congress is in progress):

deputy_demo writes a suggestion on a phone jointly with deputy_b and deputy_c, who confirm; it
passes the three tiers with one return and resubmission; jz_staff assigns it centrally to
晋中市交通运输局 (lead) and 晋中市住房和城乡建设局 (co); the units consult, send their opinion
and reply (B, with a commitment, signed off); the deputy is dissatisfied; it is handled again
and rated satisfied; the commitment is listed; the special report's PDF and Excel count it.
Then motions: one short of co-sponsors is refused, one with enough becomes a suggestion that
keeps its history. And two staff acting at once: one wins, the other is told."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import threading
import urllib.error
import urllib.request

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

pytestmark = pytest.mark.browser
PASSWORD = "lianxin-demo"


class LiveApi:
    """A small JSON client for the live server's /api/v1."""

    def __init__(self, base: str, username: str):
        self.base = base
        status, body = self.call(
            "POST", "/api/v1/auth/token", {"username": username, "password": PASSWORD}, auth=False
        )
        assert status == 200, body
        self.token = body["token"]

    def call(self, method: str, path: str, body=None, *, auth: bool = True):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if auth:
            req.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                raw = r.read()
                return r.status, json.loads(raw) if raw[:1] in (b"{", b"[") else raw
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")


@pytest.fixture
def session_for(_browser, live_app):
    """A signed-in browser context per account (phone-sized for deputies when asked)."""
    contexts = []

    def open_as(username: str, *, phone: bool = False):
        from lianxin.testing.browser import PHONE_USER_AGENT

        options = {"base_url": live_app, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
        if phone:
            options.update(
                viewport={"width": 390, "height": 844},
                is_mobile=True,
                has_touch=True,
                user_agent=PHONE_USER_AGENT,
            )
        context = _browser.new_context(**options)
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


def act(pg, url: str, action: str, fill=None) -> None:
    """Open the suggestion, press the action's button (htmx loads its form), fill it, submit,
    and wait for the suggestion's page to come back."""
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
    return pg.locator("#case-state").get_attribute("data-state")


def no_sideways_scroll(pg) -> None:
    # The viewport, not window.innerWidth: a phone browser widens its layout to fit what overflows.
    width, inner = pg.evaluate("document.scrollingElement.scrollWidth"), pg.viewport_size["width"]
    assert width <= inner, (width, inner)


def figure(report: dict, label: str):
    return next(f["value"] for f in report["figures"] if f["label"] == label)


def cell(report: dict, key: str, first: str):
    section = next(s for s in report["sections"] if s["key"] == key)
    return next(row[1] for row in section["rows"] if str(row[0]).startswith(first))


def test_a_joint_suggestion_goes_round_the_whole_loop(session_for, live_app):
    staff_api = LiveApi(live_app, "jz_staff")
    status, listed = staff_api.call("GET", "/api/v1/suggestions?limit=1")
    assert status == 200, listed
    city = listed["items"][0]["congress"]
    assert city["name"] == "晋中市人民代表大会"
    status, before = staff_api.call("GET", f"/api/v1/suggestions/report?congress={city['id']}")
    assert status == 200, before

    # 1. deputy_demo writes on a phone, as a city deputy, inviting deputy_b and deputy_c.
    deputy = session_for("deputy_demo", phone=True)
    deputy.goto("/suggestions/new/")
    no_sideways_scroll(deputy)
    with deputy.expect_navigation():
        deputy.get_by_label("晋中市人民代表大会").check()
    deputy.fill("#id_title", "关于在晋中城区主干道增设公交专用道的建议")
    deputy.fill(
        "#id_content", "早晚高峰公交车与社会车辆混行，准点率低，建议在主干道增设公交专用道。"
    )
    deputy.locator("#similar").wait_for(state="attached")
    for name in ("晋联代表", "中和代表"):
        deputy.fill(".sg-filter", name)
        deputy.locator(".sg-people label", has_text=name).locator("input").check()
    deputy.fill(".sg-filter", "")
    no_sideways_scroll(deputy)
    with deputy.expect_navigation():
        deputy.click("#save-draft")
    url = re.sub(r"^https?://[^/]+", "", deputy.url)
    case_id = int(re.search(r"/suggestions/(\d+)/", url).group(1))
    assert state(deputy) == "draft"
    assert not deputy.locator('#available-actions [data-action="submit"]').count()

    # 2. Both co-sponsors confirm on their side; then the deputy submits.
    for name in ("deputy_b", "deputy_c"):
        act(session_for(name), url, "cosign")
    act(deputy, url, "submit")
    assert state(deputy) == "submitted"
    authors = deputy.locator("#authors").inner_text().split("、")
    assert authors[0] == "连心代表" and set(authors[1:]) == {"晋联代表", "中和代表"}
    no_sideways_scroll(deputy)

    # 3. Three tiers: accepted at the delegation, returned by the session group, revised,
    #    accepted by the group and by the committee.
    staff = session_for("jz_staff")
    act(staff, url, "review")
    assert state(staff) == "in_review"

    def give_back(f):
        f.get_by_label("退回修改").check()
        f.locator("#id_note").fill("请写明拟设专用道的具体路段。")

    act(staff, url, "review", give_back)
    assert state(staff) == "returned"
    deputy.goto(url)
    assert "请写明拟设专用道的具体路段" in deputy.locator("#return-reason").inner_text()
    act(
        deputy,
        url,
        "resubmit",
        lambda f: f.locator("#id_content").fill(
            "早晚高峰公交车与社会车辆混行，建议在迎宾街、顺城街增设公交专用道。"
        ),
    )
    assert state(deputy) == "in_review"
    act(staff, url, "review")
    act(staff, url, "review")
    assert state(staff) == "accepted"

    # 4. Central assignment: a lead and a co-handling unit.
    staff.goto("/suggestions/assign/")
    row = staff.locator(f'tr[data-case="{case_id}"]')
    row.get_by_role("radio", name="晋中市交通运输局").check()
    row.get_by_role("checkbox", name="晋中市住房和城乡建设局").check()
    with staff.expect_navigation():
        staff.click("#assign-batch-submit")
    assert "已集中交办" in staff.locator(".messages").inner_text()
    staff.goto(url)
    assert state(staff) == "assigned"
    assert "晋中市交通运输局" in staff.locator("#assignments").inner_text()

    # 5. The co-handling unit's opinion, a consultation with the deputy, the lead unit's reply
    #    (B, with a commitment) signed off by another officer of the unit, its signer.
    act(
        session_for("unit_other"),
        url,
        "co_opinion",
        lambda f: f.locator("#id_content").fill("同意设置，配合做好道路标线施工。"),
    )
    lead = session_for("unit_demo")
    act(
        lead,
        url,
        "consult",
        lambda f: (
            f.locator("#id_with_whom").fill("连心代表"),
            f.locator("#id_summary").fill("电话沟通，代表同意先行试点迎宾街。"),
        ),
    )
    assert state(lead) == "handling"
    promised_by = (dt.date.today() + dt.timedelta(days=150)).isoformat()

    def reply_b(f):
        f.locator("#id_category").select_option(value="B")
        f.locator("#id_content").fill("已列入年度计划，年内在迎宾街试点设置公交专用道。")
        f.locator("#id_commitment").fill("年内在迎宾街建成公交专用道")
        f.locator("#id_commitment_due").fill(promised_by)
        f.locator("#id_public").check()

    act(lead, url, "reply", reply_b)
    assert state(lead) == "reply_pending_signoff"
    lead.goto(url)
    assert lead.locator('#available-actions [data-action="sign_off"]').count() == 0
    signer = session_for("unit_signer")
    act(signer, url, "sign_off")
    assert state(signer) == "replied"

    # 6. The deputy is dissatisfied; handled again; a second reply; satisfied.
    act(
        deputy,
        url,
        "evaluate",
        lambda f: (
            f.get_by_label("不满意", exact=True).check(),
            f.locator("#id_comment").fill("只试点一条路，力度不够。"),
        ),
    )
    assert state(deputy) == "evaluated"
    act(staff, url, "rehandle", lambda f: f.locator("#id_reason").fill("请扩大试点范围。"))
    assert state(staff) == "handling"

    def reply_a(f):
        f.locator("#id_category").select_option(value="A")
        f.locator("#id_content").fill("迎宾街、顺城街公交专用道均已施划完成并投入使用。")

    act(lead, url, "reply", reply_a)
    act(signer, url, "sign_off")
    act(deputy, url, "evaluate", lambda f: f.get_by_label("满意", exact=True).check())
    assert deputy.locator("#rating").inner_text() == "满意"
    act(
        staff,
        url,
        "determine",
        lambda f: (
            f.get_by_label("好", exact=True).check(),
            f.locator("#id_outcome").select_option(value="solved"),
        ),
    )
    act(staff, url, "conclude")
    assert state(staff) == "concluded"

    # 7. The commitment is in the commitments list.
    staff.goto("/suggestions/commitments/?status=open")
    assert "年内在迎宾街建成公交专用道" in staff.locator("#commitment-rows").inner_text()

    # 8. The special report, downloaded as PDF and Excel, counts it.
    status, after = staff_api.call("GET", f"/api/v1/suggestions/report?congress={city['id']}")
    assert figure(after, "收到建议") == figure(before, "收到建议") + 1
    assert cell(after, "reply_category", "A") == cell(before, "reply_category", "A") + 1
    assert cell(after, "satisfaction", "满意") == cell(before, "satisfaction", "满意") + 1
    assert cell(after, "commitments", "待兑现") == cell(before, "commitments", "待兑现") + 1
    staff.goto(f"/suggestions/report/?congress={city['id']}")
    with staff.expect_download() as pdf_download:
        staff.click("#report-pdf")
    pdf = PdfReader(pdf_download.value.path())
    text = "".join(p.extract_text() for p in pdf.pages)
    assert "关于代表建议办理情况的专项报告" in text
    assert f"收到建议 {figure(after, '收到建议')}" in text.replace("\n", " ")
    with staff.expect_download() as xlsx_download:
        staff.click("#report-xlsx")
    with open(xlsx_download.value.path(), "rb") as fh:
        wb = load_workbook(io.BytesIO(fh.read()))
    figures = {r[0]: r[1] for r in wb["总体情况"].iter_rows(min_row=6, values_only=True)}
    assert figures["收到建议"] == figure(after, "收到建议")
    by_reply = {r[0][:1]: r[1] for r in wb["按答复类别"].iter_rows(min_row=2, values_only=True)}
    assert by_reply["A"] == cell(after, "reply_category", "A")

    # 9. The public page shows the public replies with the deputies' names.
    anon = session_for("deputy_c")
    anon.goto("/public/suggestions/")
    public = anon.locator("main").inner_text()
    assert "关于在晋中城区主干道增设公交专用道的建议" in public
    card = anon.locator("article", has_text="关于在晋中城区主干道增设公交专用道的建议").first
    names = re.search(r"提出代表：(\S+)", card.inner_text()).group(1).split("、")
    assert names[0] == "连心代表" and set(names[1:]) == {"晋联代表", "中和代表"}


def test_motions_short_of_cosponsors_are_refused_and_one_with_enough_is_converted(
    session_for, live_app
):
    lead = session_for("deputy_b")
    lead.goto("/motions/new/")
    lead.fill("#id_title", "关于制定《晋中市公交专用道管理规定》的议案")
    lead.fill("#id_content", "为保障公交优先，建议制定本规定。")
    people = lead.locator(".sg-people label")
    for name in ("连心代表", "中和代表"):
        people.filter(has_text=name).locator("input").check()
    others = [
        i
        for i in range(people.count())
        if people.nth(i).inner_text().strip()[:4] not in ("连心代表", "中和代表")
    ]
    for i in others[:8]:
        people.nth(i).locator("input").check()
    with lead.expect_navigation():
        lead.click("#motion-form button[type=submit]")
    url = re.sub(r"^https?://[^/]+", "", lead.url)
    motion_id = int(re.search(r"/suggestions/(\d+)/", url).group(1))
    act(session_for("deputy_demo"), url, "cosign")
    act(session_for("deputy_c"), url, "cosign")

    # Two of the ten needed have confirmed: the submission is refused, in place.
    lead.goto(url)
    lead.click('#available-actions [data-action="submit"]')
    form = lead.locator("#action-form-submit")
    form.wait_for()
    form.locator("button[type=submit]").click()
    lead.locator("#action-form-submit .notice.error").wait_for()
    assert "议案须有 10 名以上代表附议" in form.inner_text()
    lead.goto(url)
    assert state(lead) == "draft"

    # The office records the other eight signatures given on paper; the motion is submitted.
    staff_api = LiveApi(live_app, "jz_staff")
    status, body = staff_api.call("GET", f"/api/v1/suggestions/{motion_id}")
    assert status == 200, body
    pending = [c["deputy"]["id"] for c in body["cosponsors"] if c["status"] == "invited"]
    assert len(pending) == 8
    status, refused = LiveApi(live_app, "deputy_c").call(
        "POST", f"/api/v1/motions/{motion_id}/cosign", {"deputy": pending[0]}
    )
    assert status == 403, refused  # a deputy never signs for another
    for deputy_id in pending:
        status, body = staff_api.call(
            "POST", f"/api/v1/motions/{motion_id}/cosign", {"deputy": deputy_id}
        )
        assert status == 200, body
    act(lead, url, "submit")
    assert state(lead) == "submitted"

    # The presidium converts it into a suggestion, which keeps the motion's history.
    staff = session_for("jz_staff")
    act(staff, url, "decide", lambda f: f.get_by_label("作为建议处理").check())
    assert state(staff) == "converted"
    status, body = staff_api.call(
        "GET",
        "/api/v1/suggestions?state=accepted&q=%E5%85%AC%E4%BA%A4%E4%B8%93%E7%94%A8%E9%81%93%E7%AE%A1%E7%90%86",
    )
    assert status == 200, body
    new_id = body["items"][0]["id"]
    staff.goto(f"/suggestions/{new_id}/")
    assert state(staff) == "accepted"
    assert staff.locator("#parent-link").inner_text().strip()
    history = staff.locator(f"#history-{motion_id} li")
    events = [history.nth(i).get_attribute("data-event") for i in range(history.count())]
    assert events[0] == "register" and events.count("cosign") == 10
    assert events[-2:] == ["submit", "decide"]
    assert len(staff.locator("#authors").inner_text().split("、")) == 11
    assert "assign" in [
        a.get_attribute("data-action") for a in staff.locator("#available-actions a").all()
    ]


def test_two_staff_reviewing_at_once_one_wins_and_the_other_is_told(live_app):
    deputy = LiveApi(live_app, "deputy_b")
    status, body = deputy.call(
        "POST",
        "/api/v1/suggestions",
        {"title": "并发审查用建议", "content": "内容", "in_session": False, "submit": True},
    )
    assert status == 201, body
    case_id = body["id"]
    status, body = deputy.call("GET", f"/api/v1/suggestions/{case_id}")
    version = body["version"]
    clients = [LiveApi(live_app, "jz_staff"), LiveApi(live_app, "jz_staff")]
    barrier = threading.Barrier(2)
    results = []

    def review(client, decision):
        barrier.wait()
        note = "请补充材料。" if decision == "return" else ""
        results.append(
            client.call(
                "POST",
                f"/api/v1/cases/{case_id}/actions/review",
                {"decision": decision, "note": note, "version": version},
            )
        )

    threads = [
        threading.Thread(target=review, args=(clients[0], "accept")),
        threading.Thread(target=review, args=(clients[1], "return")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(r[0] for r in results)
    assert statuses == [200, 409], results
    loser = next(r[1] for r in results if r[0] == 409)
    assert loser["code"] == "stale"
    status, body = deputy.call("GET", f"/api/v1/suggestions/{case_id}")
    reviews = [e for e in body["timeline"] if e["action"] == "review"]
    assert len(reviews) == 1
    winner = next(r[1] for r in results if r[0] == 200)
    assert body["state"] == winner["state"]


def test_an_extension_is_asked_and_approved_and_a_key_suggestion_is_surveyed(session_for, live_app):
    """The lead unit asks for more time on the suggestion's page; the office finds the request
    on its workbench and approves it; the suggestion is put under key supervision, its deputy
    answers the survey on a phone from the workbench, the office closes it and the special
    report carries the result."""
    title = "关于整治老旧小区停车难问题的建议"
    deputy_api, staff_api = LiveApi(live_app, "deputy_b"), LiveApi(live_app, "jz_staff")
    status, made = deputy_api.call(
        "POST",
        "/api/v1/suggestions",
        {"title": title, "content": "老旧小区车位不足。", "in_session": False, "submit": True},
    )
    assert status == 201, made
    case_id, url = made["id"], f"/suggestions/{made['id']}/"
    status, body = staff_api.call(
        "POST", f"/api/v1/cases/{case_id}/actions/review", {"decision": "accept"}
    )
    assert body["state"] == "accepted", body
    status, body = staff_api.call(
        "POST",
        f"/api/v1/cases/{case_id}/actions/assign",
        {"lead_unit": "JZ-JTYSJ", "co_units": ["JZ-ZFCXJSJ"]},
    )
    assert status == 200, body
    status, body = staff_api.call("GET", f"/api/v1/suggestions/{case_id}")
    assert body["co_opinion_deadlines"][0]["status"] == "waiting"
    wanted = dt.date.fromisoformat(body["due_date"]) + dt.timedelta(days=30)

    # The lead unit asks on the page (the htmx form); the office decides from its workbench.
    unit = session_for("unit_demo")
    unit.goto(url)
    assert "晋中市住房和城乡建设局应于" in unit.locator("#co-opinion-deadlines").inner_text()

    def ask(f):
        f.locator("#id_due_at").fill(wanted.isoformat())
        f.locator("#id_reason").fill("需协调停车场建设用地，答复时间不足。")

    act(unit, url, "request_extension", ask)
    assert "待审批" in unit.locator("#extension-requests").inner_text()
    staff = session_for("jz_staff")
    staff.goto("/workbench/")
    with staff.expect_navigation():
        staff.locator("#worklist-extensions a", has_text=title).click()
    act(staff, url, "decide_extension")
    assert wanted.isoformat() in staff.locator("#due-date").inner_text()
    assert "已同意" in staff.locator("#extension-requests").inner_text()

    # Key supervision and its survey.
    def supervise(f):
        f.locator("#id_leader").fill("王副主任")
        f.locator("#id_note").fill("列为重点督办。")

    act(staff, url, "supervise", supervise)
    act(staff, url, "open_survey")
    deputy = session_for("deputy_b", phone=True)
    deputy.goto("/workbench/")
    deputy.goto(deputy.locator("#worklist-surveys a", has_text=title).get_attribute("href"))
    no_sideways_scroll(deputy)
    deputy.get_by_label("基本满意", exact=True).check()
    deputy.locator("#id_comment").fill("进展较快，尚需加快建设。")
    with deputy.expect_navigation():
        deputy.locator("#action-form-answer_survey button[type=submit]").click()
    assert "已填写 1 人，应填写 1 人" in deputy.locator("#survey-1").inner_text()
    no_sideways_scroll(deputy)
    act(staff, url, "close_survey")
    assert staff.locator("#survey-1").get_attribute("data-open") == "0"
    status, report = staff_api.call(
        "GET", f"/api/v1/suggestions/report?congress={made_congress(staff_api, case_id)}"
    )
    assert status == 200, report
    section = next(s for s in report["sections"] if s["key"] == "key_supervision")
    row = next(r for r in section["rows"] if r[0] == title)
    cells = dict(zip(section["columns"], row, strict=True))
    assert cells["满意度测评（已填/应填）"] == "1/1"
    assert (cells["满意"], cells["基本满意"], cells["不满意"]) == (0, 1, 0)


def made_congress(client: LiveApi, case_id: int) -> int:
    status, body = client.call("GET", f"/api/v1/suggestions/{case_id}")
    assert status == 200, body
    return body["congress"]["id"]
