"""One broken streetlight reported five times — two scans (the public page and the public
API), a station desk entry, a 12345 work order imported from the hotline's file and an Open311
request — merged into one case; the reply reaches every submitter (tracking page and exactly
one SMS each), and unmerging one restores it as its own case, which no longer hears of the
main case. Then what is refused: itself, a closed case, another office, twice."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lianxin.casework.actions import complete_intake
from lianxin.casework.models import Case, CaseEvent
from lianxin.casework.tests.helpers import advance, demo_seat, fresh, new_opinion, station, user
from lianxin.core.models import TrailEvent
from lianxin.hotline.models import Source, WorkOrder
from lianxin.hotline.tests import helpers as hotline
from lianxin.open311.models import Open311Request
from lianxin.open311.tests.test_open311 import body as open311_body
from lianxin.open311.tests.test_open311 import post as open311_post
from lianxin.opinions.tests.test_intake import form_key, scan_url

pytestmark = pytest.mark.django_db

PHONES = {
    "page": "13800000001",
    "api": "13800000002",
    "desk": "13800000003",
    "hotline": "13800000004",
    "open311": "13800000005",
}
REPLY_SMS = "已有办理结果"


@pytest.fixture
def sms(settings, tmp_path):
    settings.NOTIFICATIONS_SMS_BACKEND = "lianxin.notifications.sms.FileBackend"
    settings.NOTIFICATIONS_SMS_FILE_PATH = str(tmp_path / "sms.jsonl")

    def sent() -> list[dict]:
        path = tmp_path / "sms.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines()]

    return sent


@pytest.fixture
def key(db):
    from lianxin.open311.actions import issue_key

    _client, clear = issue_key(name="晋中市民通", contact="市大数据中心", acting_user=user("admin"))
    return clear


def _yuci_hotline() -> Source:
    """榆次区's own 12345 branch: its orders belong to 榆次区's congress (staff yc_staff)."""
    from lianxin.org.models import Region

    src = hotline.source("榆次区12345热线（测试）")
    src.congress = demo_seat().congress
    src.default_region = Region.objects.get(code="140702")
    src.save()
    return src


def _five_reports(api, key, capture) -> dict[str, Case]:
    made: dict[str, Case] = {}
    # 1. Scan-to-speak, the public page.
    client = Client()
    html = client.get(scan_url()).content.decode()
    r = client.post(
        scan_url(),
        {
            "content": "顺城街 12 号门前的路灯坏了，一周都不亮，晚上行人看不清路。",
            "contact_phone": PHONES["page"],
            "idempotency_key": form_key(html),
        },
    )
    assert r.status_code == 302, r.content
    made["page"] = Case.objects.get(tracking_code=r["Location"].split("/")[2].split("?")[0])
    # 2. Scan-to-speak, the public API.
    r = api.anon().post(
        "/api/v1/opinions",
        {
            "content": "顺城街12号附近路灯不亮好几天了，夜里很黑，希望尽快修好路灯。",
            "deputy": demo_seat().scan_code,
            "contact_phone": PHONES["api"],
        },
        headers={"Idempotency-Key": "streetlight-api-0001"},
    )
    assert r.status_code == 201, r.content
    made["api"] = Case.objects.get(tracking_code=r.json()["tracking_code"])
    # 3. The station's desk, entered by the station's staff.
    desk = Client()
    desk.force_login(user("yc_station"))
    page = desk.get("/opinions/new/")
    r = desk.post(
        "/opinions/new/",
        {
            "channel": "station_desk",
            "station": station().pk,
            "deputy": demo_seat().pk,
            "content": "接待日群众反映：顺城街12号门前路灯坏了，晚上一片漆黑。",
            "contact_phone": PHONES["desk"],
            "idempotency_key": form_key(page.content.decode()),
        },
    )
    assert r.status_code == 302, r.content
    made["desk"] = Case.objects.get(pk=int(r["Location"].strip("/").split("/")[-1]))
    # 4. A work order from 榆次区's 12345 file, through the import API.
    src = _yuci_hotline()
    row = [
        "YC12345-0001",
        "2026-12-01 08:30:00",
        "顺城街路灯不亮",
        "来电人反映顺城街12号门口路灯损坏不亮，夜间出行不便，要求维修路灯。",
        "电话",
        "",
        "",
        "待处理",
        "孙来电",
        PHONES["hotline"],
    ]
    with capture(execute=True):
        r = api.as_user("yc_staff").post_multipart(
            "/api/v1/work-orders/imports",
            {"file": SimpleUploadedFile("w.csv", hotline.csv_bytes([row])), "source": src.name},
        )
    assert r.status_code == 202, r.content
    from lianxin.hotline.models import ImportJob

    job = ImportJob.objects.latest("pk")
    assert WorkOrder.objects.filter(source=src).exists(), (job.__dict__, r.json())
    order = WorkOrder.objects.select_related("case").get(source=src, number="YC12345-0001")
    made["hotline"] = order.case
    # 5. Open311, with a posting client's key.
    r = open311_post(
        open311_body(
            key,
            description="顺城街12号路灯坏了不亮，晚上路过很危险，请派人修理路灯。",
            phone=PHONES["open311"],
            service_code="transport",
        )
    )
    assert r.status_code == 200, r.content
    made["open311"] = Open311Request.objects.get(pk=int(r.json()[0]["service_request_id"])).case
    with capture(execute=True):
        complete_intake()
    return {k: fresh(c) for k, c in made.items()}


def _act(client, case: Case, action: str, data: dict):
    return client.post(f"/api/v1/cases/{case.pk}/actions/{action}", data)


def _track(code: str) -> str:
    r = Client().get(f"/t/{code}")
    assert r.status_code == 200
    return r.content.decode()


def test_five_reports_of_one_streetlight_become_one_case_and_unmerge_restores_one(
    api, key, sms, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    cases = _five_reports(api, key, capture)
    assert {c.kind for c in cases.values()} == {"opinion", "work_order"}
    assert {c.channel for c in cases.values()} >= {"scan", "station_desk", "open311"}
    main = cases["page"]
    staff = api.as_user("yc_staff")

    # The same-issue card of the main case offers the work order and the others, with the
    # reason, and says each may be merged.
    similar = staff.get(f"/api/v1/cases/{cases['hotline'].pk}/similar").json()
    offered = {s["tracking_code"]: s for s in similar}
    assert main.tracking_code in offered
    assert offered[main.tracking_code]["mergeable"] is True
    assert "路灯" in offered[main.tracking_code]["reason"]

    with capture(execute=True):
        for name in ("api", "desk", "hotline", "open311"):
            r = _act(staff, cases[name], "merge", {"merge_into": main.tracking_code})
            assert r.status_code == 200, (name, r.content)
    for name in ("api", "desk", "hotline", "open311"):
        c = fresh(cases[name])
        assert c.state == "merged" and c.merged_into_id == main.pk
    # The work order keeps its hotline number.
    assert WorkOrder.objects.get(case=cases["hotline"]).number == "YC12345-0001"
    assert main.events.filter(action="merged_in").count() == 4
    merge_trail = TrailEvent.objects.filter(
        object_id=str(cases["hotline"].pk), action="casework.merge"
    )
    assert merge_trail.count() == 1

    before = len(sms())
    officer = api.as_user("unit_demo")
    with capture(execute=True):
        assert _act(staff, main, "triage", {"category": "transport"}).status_code == 200
        assert _act(staff, main, "assign", {"lead_unit": "JZ-JTYSJ"}).status_code == 200
        r = _act(
            officer,
            main,
            "reply",
            {"content": "顺城街12号路灯已更换灯具，恢复照明。", "public": True},
        )
        assert r.status_code == 200, r.content
        r = _act(staff, main, "feedback", {"content": "路灯已修复，请您评价。"})
        assert r.status_code == 200, r.content
    replies = [m for m in sms()[before:] if REPLY_SMS in m["body"]]
    assert sorted(m["to"] for m in replies) == sorted(PHONES.values())
    for name, c in cases.items():
        (mine,) = [m for m in replies if m["to"] == PHONES[name]]
        assert c.tracking_code in mine["body"]
        assert "顺城街12号路灯已更换灯具" in _track(c.tracking_code)

    # Unmerge the Open311 request: its own case again, in the state it had before the merge.
    gone = cases["open311"]
    with capture(execute=True):
        r = _act(staff, gone, "unmerge", {"note": "经核实为另一处路灯"})
    assert r.status_code == 200, r.content
    gone = fresh(gone)
    assert gone.merged_into_id is None and gone.state == cases["open311"].state == "registered"
    actions_of = list(gone.events.order_by("at", "id").values_list("action", flat=True))
    assert actions_of[-2:] == ["merge", "unmerge"]
    assert main.events.filter(action="unmerged_out").count() == 1
    assert TrailEvent.objects.filter(object_id=str(gone.pk), action="casework.unmerge").count() == 1
    main_trail = TrailEvent.objects.filter(object_id=str(main.pk))
    assert main_trail.filter(action="casework.merged_in").count() == 4
    assert main_trail.filter(action="casework.unmerged_out").count() == 1
    page = _track(gone.tracking_code)
    assert "合并办理" not in page and "顺城街12号路灯已更换灯具" not in page

    # The main case's next reply reaches the four still merged, not the one restored.
    before = len(sms())
    with capture(execute=True):
        r = Client().post(f"/t/{main.tracking_code}/evaluate", {"rating": "dissatisfied"})
        assert r.status_code in (200, 302), r.content
        assert _act(staff, main, "rehandle", {"reason": "群众不满意"}).status_code == 200
        r = _act(officer, main, "reply", {"content": "已全面更换整条街的灯具。", "public": True})
        assert r.status_code == 200, r.content
        assert _act(staff, main, "feedback", {"content": "已全面更换。"}).status_code == 200
    replies = [m for m in sms()[before:] if REPLY_SMS in m["body"]]
    assert sorted(m["to"] for m in replies) == sorted(
        v for k, v in PHONES.items() if k != "open311"
    )
    assert "已全面更换整条街的灯具" not in _track(gone.tracking_code)
    assert "已全面更换整条街的灯具" in _track(cases["hotline"].tracking_code)
    # The main case's evaluation is on every merged submitter's page.
    assert "不满意" in _track(cases["desk"].tracking_code)


def test_bad_merges_are_refused_and_change_nothing(api):
    staff = api.as_user("yc_staff")
    main = advance(new_opinion("顺城街路灯不亮。"), "triaged")
    dup = new_opinion("顺城街的路灯坏了。", contact_phone="13900001111")

    def count():
        return CaseEvent.objects.count(), fresh(dup).state, fresh(dup).version

    closed = advance(new_opinion("顺城街路灯不亮了。"), "concluded", rating="satisfied")
    from lianxin.org.models import Congress

    # A case of another office (晋中市's own): answered as a case that does not exist.
    other = new_opinion("顺城街路灯不亮，市人大收到。")
    other.congress = Congress.objects.get(region__code="1407", level="city")
    other.station = None
    other.save(update_fields=["congress", "station"])
    before = count()
    r = _act(staff, dup, "merge", {"merge_into": dup.tracking_code})
    assert r.status_code == 422 and r.json()["code"]
    r = _act(staff, dup, "merge", {"merge_into": closed.tracking_code})
    assert r.status_code == 422 and "已办结" in r.json()["message"]
    r = _act(staff, dup, "merge", {"merge_into": other.tracking_code})
    assert r.status_code == 422 and "不存在" in r.json()["message"]
    assert count() == before

    assert _act(staff, dup, "merge", {"merge_into": main.tracking_code}).status_code == 200
    # Twice: the merged case can no longer be merged.
    r = _act(staff, dup, "merge", {"merge_into": main.tracking_code})
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"
    # Unmerging: the city office (which may read 榆次区's cases) and the station get the same
    # 404 as for a case that does not exist; nothing changes.
    for who in ("jz_staff", "yc_station"):
        r = _act(api.as_user(who), dup, "unmerge", {})
        assert r.status_code == 404, (who, r.content)
    assert fresh(dup).merged_into_id == main.pk
    # A case never merged cannot be unmerged.
    r = _act(staff, main, "unmerge", {})
    assert r.status_code == 409
