"""/api/v1/xieshang: events, speeches, results and studios with the same actions and rules as
the pages; refusals are {"code", "message"} 4xx with nothing saved; "not yours" is a 404."""

from __future__ import annotations

import pytest

from lianxin.core.models import TrailEvent
from lianxin.proposals.tests.helpers import other_cppcc

from ..models import ConsultationEvent, ConsultationResult, Speech, Studio
from .helpers import new_event, seat, unit

pytestmark = pytest.mark.django_db
ROOT = "/api/v1/xieshang"


def test_an_event_records_two_speeches_and_a_result_followed_to_adoption(api):
    staff = api.as_user("cppcc_staff")
    demo, b = seat("member_demo"), seat("member_b")
    r = staff.post(
        f"{ROOT}/events",
        {
            "kind": "counterpart",
            "title": "老旧小区改造对口协商会",
            "topic": "老旧小区加装电梯的资金和审批。",
            "held_on": "2026-06-10",
            "agenda": ["住建局通报", "委员发言"],
            "participants": [demo.pk, b.pk],
            "invited_units": [unit().pk],
        },
    )
    assert r.status_code == 201, r.content
    event = r.json()
    assert event["kind_label"] == "对口协商"
    assert {p["id"] for p in event["participants"]} == {demo.pk, b.pk}
    assert event["invited_units"][0]["name"] == unit().name
    eid = event["id"]
    r1 = staff.post(
        f"{ROOT}/events/{eid}/speeches", {"member": demo.pk, "text": "建议设立加装电梯专项补助。"}
    )
    r2 = staff.post(
        f"{ROOT}/events/{eid}/speeches",
        {"unit": unit().pk, "speaker_name": "王局长", "text": "今年计划改造小区二十个。"},
    )
    assert r1.status_code == 201 and r2.status_code == 201, (r1.content, r2.content)
    assert r1.json()["speaker"] == demo.person.name
    assert r1.json()["sector"] == (demo.sector.name if demo.sector_id else None)
    assert r2.json()["unit"]["id"] == unit().pk and r2.json()["member"] is None
    r = staff.post(
        f"{ROOT}/events/{eid}/results",
        {"title": "关于加快老旧小区加装电梯的建议", "content": "设立专项补助，简化审批。"},
    )
    assert r.status_code == 201 and r.json()["state"] == "recorded"
    rid = r.json()["id"]
    r = staff.post(f"{ROOT}/results/{rid}/send", {"units": [unit().pk], "on": "2026-06-15"})
    assert r.status_code == 200 and r.json()["state"] == "sent", r.content
    assert r.json()["sent_to"] == [{"id": unit().pk, "name": unit().name}]
    r = staff.post(f"{ROOT}/results/{rid}/adopt", {"on": "2026-07-01"})
    assert (
        r.status_code == 200
        and r.json()["state"] == "adopted"
        and r.json()["adopted_on"] == "2026-07-01"
    )
    r = staff.post(
        f"{ROOT}/results/{rid}/carried-out",
        {
            "kind": "livelihood",
            "document": "2027年市政府民生实事",
            "number": "市政发〔2027〕1号",
            "issued_on": "2027-01-10",
        },
    )
    assert r.status_code == 201, r.content
    assert r.json()["carried_out"][0]["number"] == "市政发〔2027〕1号"
    # The member sees the event with both speeches and the result's state.
    mine = api.as_user("member_demo").get(f"{ROOT}/events", {"mine": "true"}).json()
    got = next(e for e in mine["items"] if e["id"] == eid)
    assert len(got["speeches"]) == 2 and got["results"][0]["state"] == "adopted"
    actions = list(
        TrailEvent.objects.filter(action__startswith="xieshang.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "xieshang.create_event",
        "xieshang.record_speech",
        "xieshang.record_speech",
        "xieshang.record_result",
        "xieshang.send_result",
        "xieshang.adopt_result",
        "xieshang.record_carried_out",
    ]
    speech = TrailEvent.objects.filter(action="xieshang.record_speech").order_by("id").first()
    assert speech.change["member"] == demo.pk and speech.change["cppcc"] == demo.cppcc_id
    # Acted in the staff's seat over their own CPPCC, by the staff account.
    assert (speech.seat_type, speech.body) == ("cppcc_staff", f"cppcc:{demo.cppcc_id}")
    assert speech.actor_label


def test_another_cppccs_staff_and_an_outside_member_get_404(api):
    other_cppcc()
    event = new_event()
    result = ConsultationResult.objects.create(event=event, title="t", content="c")
    for name in ("yc_cppcc_staff", "yc_member", "unit_demo"):
        client = api.as_user(name)
        assert client.get(f"{ROOT}/events/{event.pk}").status_code == 404, name
        assert (
            client.post(
                f"{ROOT}/events/{event.pk}/speeches",
                {"member": seat("member_demo").pk, "text": "x"},
            ).status_code
            == 404
        )
        assert (
            client.post(f"{ROOT}/results/{result.pk}/send", {"units": [unit().pk]}).status_code
            == 404
        )
    # member_b is not a participant: the event is not theirs.
    assert api.as_user("member_b").get(f"{ROOT}/events/{event.pk}").status_code == 404
    # A participant reads it but may not record speeches.
    member = api.as_user("member_demo")
    assert member.get(f"{ROOT}/events/{event.pk}").status_code == 200
    r = member.post(
        f"{ROOT}/events/{event.pk}/speeches", {"member": seat("member_demo").pk, "text": "x"}
    )
    assert r.status_code == 403 and r.json()["code"]
    assert Speech.objects.count() == 0


def test_bad_input_is_a_chinese_4xx_and_saves_nothing(api):
    other_cppcc()
    staff = api.as_user("cppcc_staff")
    before = ConsultationEvent.objects.count()
    yc = seat("yc_member")
    r = staff.post(
        f"{ROOT}/events",
        {
            "kind": "topical",
            "title": "t",
            "topic": "x",
            "held_on": "2026-06-10",
            "participants": [yc.pk],
        },
    )
    assert r.status_code == 422 and "在任委员" in r.json()["message"]
    r = staff.post(
        f"{ROOT}/events", {"kind": "joint", "title": "t", "topic": "x", "held_on": "2026-06-10"}
    )
    assert r.status_code == 422 and r.json()["message"] == "联动协商须填写联动的政协。"
    r = staff.post(
        f"{ROOT}/events", {"kind": "nonsense", "title": "t", "topic": "x", "held_on": "2026-06-10"}
    )
    assert r.status_code == 422
    assert ConsultationEvent.objects.count() == before
    event = new_event()
    r = staff.post(f"{ROOT}/events/{event.pk}/speeches", {"text": "无发言人"})
    assert r.status_code == 422 and "二者选一" in r.json()["message"]
    r = staff.post(f"{ROOT}/events/{event.pk}/speeches", {"member": yc.pk, "text": "外地委员"})
    assert r.status_code == 422
    assert Speech.objects.count() == 0
    result = staff.post(
        f"{ROOT}/events/{event.pk}/results", {"title": "成果", "content": "内容"}
    ).json()
    r = staff.post(f"{ROOT}/results/{result['id']}/adopt", {})
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"
    assert "不能登记采纳" in r.json()["message"]
    r = staff.post(f"{ROOT}/results/{result['id']}/send", {})
    assert r.status_code == 422 and r.json()["message"] == "请选择报送交办的单位。"
    r = staff.post(
        f"{ROOT}/results/{result['id']}/carried-out",
        {"kind": "policy", "document": "文件", "issued_on": "2026-07-01"},
    )
    assert r.status_code == 409
    assert ConsultationResult.objects.get(pk=result["id"]).state == "recorded"
    assert staff.post(f"{ROOT}/results/{result['id']}/nonsense", {}).status_code == 404


def test_a_studio_with_members_activities_and_a_scan_code(api):
    other_cppcc()
    staff = api.as_user("cppcc_staff")
    demo = seat("member_demo")
    r = staff.post(
        f"{ROOT}/studios",
        {
            "kind": "studio",
            "name": "北关街道委员工作室",
            "region": "140702001",
            "address": "北关街道办事处二楼",
            "members": [demo.pk],
        },
    )
    assert r.status_code == 201, r.content
    studio = r.json()
    assert studio["kind_label"] == "委员工作室" and studio["scan_url"].endswith(
        f"/s/{studio['scan_code']}"
    )
    r = staff.post(
        f"{ROOT}/studios/{studio['id']}/activities",
        {
            "held_on": "2026-05-01",
            "title": "委员接待日",
            "notes": "接待群众八人次。",
            "members": [demo.pk],
        },
    )
    assert r.status_code == 201 and r.json()["activities"][0]["title"] == "委员接待日"
    assert TrailEvent.objects.filter(action="xieshang.record_activity").get().change["members"] == [
        demo.pk
    ]
    # The studio's member sees it; another member and another CPPCC's staff do not.
    assert api.as_user("member_demo").get(f"{ROOT}/studios/{studio['id']}").status_code == 200
    assert api.as_user("member_b").get(f"{ROOT}/studios/{studio['id']}").status_code == 404
    assert api.as_user("yc_cppcc_staff").get(f"{ROOT}/studios/{studio['id']}").status_code == 404
    # Only the studio's own members take part in its activities; a region outside is refused.
    r = staff.post(
        f"{ROOT}/studios/{studio['id']}/activities",
        {"held_on": "2026-05-02", "title": "x", "members": [seat("member_b").pk]},
    )
    assert r.status_code == 422
    r = staff.post(f"{ROOT}/studios", {"kind": "studio", "name": "外地", "region": "110101"})
    assert r.status_code == 422 and r.json()["message"] == "所在区域须在本政协的行政区划内。"
    assert Studio.objects.count() == 1
