"""The loop over /api/v1: list, detail, actions, and the refusals each promises."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianxin.core.models import AuditLog

from .helpers import advance, client_for, demo_seat, fresh, new_opinion

pytestmark = pytest.mark.django_db


def post(api, username, case, action, body=None):
    return api.as_user(username).post(f"/api/v1/cases/{case.pk}/actions/{action}", body or {})


def test_the_whole_loop_runs_through_the_api(api):
    case = new_opinion()
    r = post(api, "yc_staff", case, "triage", {"category": "transport", "region": "140702001"})
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "triaged" and r.json()["category"] == "交通运输"
    r = post(api, "yc_staff", case, "assign", {"lead_unit": "JZ-JTYSJ", "co_units": ["JZ-CSGLJ"]})
    assert r.status_code == 200, r.json()
    body = r.json()
    assert [(a["unit"]["code"], a["role"]) for a in body["assignments"]] == [
        ("JZ-JTYSJ", "lead"),
        ("JZ-CSGLJ", "co"),
    ]
    r = post(
        api,
        "unit_demo",
        case,
        "consult",
        {"stage": "before", "form": "phone", "summary": "电话联系群众了解位置"},
    )
    assert r.status_code == 200
    r = post(
        api,
        "unit_demo",
        case,
        "reply",
        {"content": "已修复路灯。", "category": "A", "public": True},
    )
    assert r.status_code == 200 and r.json()["state"] == "replied"
    assert r.json()["replies"][0]["category"] == "A"
    r = post(api, "yc_staff", case, "feedback", {"content": "路灯已修复。"})
    assert r.json()["state"] == "fed_back"
    r = api.anon().post(
        f"/api/v1/opinions/track/{case.tracking_code}/evaluation", {"rating": "dissatisfied"}
    )
    assert r.status_code == 200 and r.json()["state"] == "evaluated"
    r = post(api, "yc_staff", case, "rehandle", {"reason": "群众反映仍不亮"})
    assert r.json()["state"] == "handling" and r.json()["round"] == 2
    post(api, "unit_demo", case, "reply", {"content": "已更换灯具。"})
    post(api, "yc_staff", case, "feedback", {"content": "已更换。"})
    api.anon().post(
        f"/api/v1/opinions/track/{case.tracking_code}/evaluation", {"rating": "satisfied"}
    )
    r = post(api, "yc_staff", case, "conclude")
    assert r.status_code == 200 and r.json()["state"] == "concluded"
    actions = [e["action"] for e in r.json()["timeline"]]
    assert actions == [
        "register",
        "triage",
        "assign",
        "consult",
        "reply",
        "feedback",
        "evaluate",
        "rehandle",
        "reply",
        "feedback",
        "evaluate",
        "conclude",
    ]
    assert all(e["actor"] and e["at"] for e in r.json()["timeline"])


def test_an_action_not_allowed_now_is_409_invalid_transition(api):
    case = new_opinion()
    r = post(api, "yc_staff", case, "feedback", {"content": "提前反馈"})
    assert r.status_code == 409
    assert r.json()["code"] == "invalid_transition"
    assert fresh(case).state == "registered"


def test_a_case_the_caller_cannot_see_is_404_for_reads_and_actions(api):
    case = advance(new_opinion(), "handling")
    for username in ("tg_staff", "unit_other"):
        assert api.as_user(username).get(f"/api/v1/cases/{case.pk}").status_code == 404
        r = post(api, username, case, "reply", {"content": "x"})
        assert r.status_code == 404 and r.json()["code"] == "not_found"
        listed = api.as_user(username).get("/api/v1/cases", {"q": case.tracking_code}).json()
        assert listed["count"] == 0
    assert api.as_user("tg_staff").get("/api/v1/cases/999999999").status_code == 404


def test_a_visible_case_the_caller_may_not_act_on_is_403(api):
    case = new_opinion()
    r = post(api, "jz_staff", case, "triage", {"category": "transport"})
    assert r.status_code == 403 and r.json()["code"] == "forbidden"


def test_an_unknown_action_is_404(api):
    case = new_opinion()
    r = post(api, "yc_staff", case, "approve")
    assert r.status_code == 404 and r.json()["code"] == "unknown_action"


def test_bad_action_input_is_422_naming_the_field(api):
    case = advance(new_opinion(), "triaged")
    r = post(api, "yc_staff", case, "assign", {"lead_unit": "NO-SUCH"})
    assert r.status_code == 422 and r.json()["field"] == "lead_unit"
    r = post(api, "yc_staff", case, "assign", {"lead_unit": "JZ-JTYSJ", "due_at": "2001-01-01"})
    assert r.status_code == 422 and r.json()["field"] == "due_at"
    r = post(api, "yc_staff", case, "consult", {"stage": "soon", "form": "phone", "summary": "x"})
    assert r.status_code == 422 and r.json()["field"] == "stage"
    r = post(api, "yc_staff", case, "reply", {"content": "   "})
    assert r.status_code == 422 and r.json()["field"] == "content"
    r = post(api, "yc_staff", case, "reply", {"content": "x", "category": "D"})
    assert r.status_code == 422 and r.json()["field"] == "category"
    r = api.as_user("yc_staff").post(f"/api/v1/cases/{case.pk}/actions/assign", raw="{not json")
    assert r.status_code == 400
    assert fresh(case).state == "triaged"


def test_a_stale_version_is_409_stale(api):
    case = new_opinion()
    version = api.as_user("yc_staff").get(f"/api/v1/cases/{case.pk}").json()["version"]
    assert (
        post(api, "yc_staff", case, "supervise", {"note": "督办", "version": version}).status_code
        == 200
    )
    r = post(api, "yc_staff", case, "remind", {"note": "催办", "version": version})
    assert r.status_code == 409 and r.json()["code"] == "stale"


def test_available_actions_tell_each_caller_what_they_may_do(api):
    case = advance(new_opinion(), "handling")

    def available(username):
        r = api.as_user(username).get(f"/api/v1/cases/{case.pk}")
        return {a["action"] for a in r.json()["available_actions"]}

    assert available("unit_demo") == {"return", "consult", "reply"}
    assert available("yc_staff") == {"consult", "supervise", "remind"}
    assert available("jz_staff") == set()


def test_the_list_filters_and_counts(api):
    a = new_opinion("甲：顺城街路灯")
    b = advance(new_opinion("乙：北关菜市场占道"), "triaged")
    client = api.as_user("yc_staff")
    r = client.get("/api/v1/cases", {"kind": "opinion", "state": "triaged", "q": "北关菜市场"})
    assert r.status_code == 200
    assert [i["id"] for i in r.json()["items"]] == [b.pk] and r.json()["count"] == 1
    r = client.get("/api/v1/cases", {"q": a.tracking_code})
    assert [i["id"] for i in r.json()["items"]] == [a.pk]
    assert r.json()["items"][0]["contact_phone"] == "138****5678"
    assert client.get("/api/v1/cases", {"region": "99"}).status_code == 422
    assert client.get("/api/v1/cases", {"kind": "petition"}).status_code == 422


def test_the_list_takes_the_same_number_of_queries_for_few_and_many_rows(api):
    client = api.as_user("yc_staff")
    # Each related table (category, region, station, deputy, …) is read in one query of its
    # own when the page has any row that refers to it; so both pages hold every kind of row.
    advance(new_opinion("第0件", deputy=demo_seat()), "handling")
    for i in range(1, 3):
        new_opinion(f"第{i}件")
    client.get("/api/v1/cases", {"limit": 2})  # warm up (token, grants)

    def count(limit):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/cases", {"limit": limit}).status_code == 200
        return len(ctx.captured_queries)

    few = count(3)
    for i in range(30):
        c = new_opinion(f"再来第{i}件", deputy=demo_seat())
        if i % 3 == 0:
            advance(c, "handling")
    assert count(30) == few


def test_revealing_the_contact_is_audited(api):
    case = new_opinion()
    before = AuditLog.objects.filter(kind=AuditLog.Kind.PERSONAL_DATA_VIEWED).count()
    r = api.as_user("yc_staff").post(f"/api/v1/cases/{case.pk}/reveal-contact")
    assert r.status_code == 200 and r.json()["phone"] == "13812345678"
    log = AuditLog.objects.filter(kind=AuditLog.Kind.PERSONAL_DATA_VIEWED).latest("at")
    assert AuditLog.objects.filter(kind=AuditLog.Kind.PERSONAL_DATA_VIEWED).count() == before + 1
    assert log.username == "yc_staff" and log.target == f"case:{case.pk}"
    assert (
        api.as_user("jz_staff").post(f"/api/v1/cases/{case.pk}/reveal-contact").status_code == 403
    )
    assert (
        api.as_user("tg_staff").post(f"/api/v1/cases/{case.pk}/reveal-contact").status_code == 404
    )


def test_the_assigned_units_officer_may_call_the_citizen_back(api):
    case = new_opinion()
    assert (
        api.as_user("unit_demo").post(f"/api/v1/cases/{case.pk}/reveal-contact").status_code == 404
    )
    advance(case, "handling")  # assigned to unit_demo's unit as lead
    r = api.as_user("unit_demo").post(f"/api/v1/cases/{case.pk}/reveal-contact")
    assert r.status_code == 200 and r.json()["phone"] == "13812345678"
    log = AuditLog.objects.filter(kind=AuditLog.Kind.PERSONAL_DATA_VIEWED).latest("at")
    assert log.username == "unit_demo" and log.target == f"case:{case.pk}"
    page = client_for("unit_demo").get(f"/cases/{case.pk}/").content.decode()
    assert 'id="reveal-phone"' in page
    # Another unit, not assigned, does not even see the case.
    assert (
        api.as_user("unit_other").post(f"/api/v1/cases/{case.pk}/reveal-contact").status_code == 404
    )


def test_every_action_body_is_documented_in_openapi(api):
    schema = api.anon().get("/api/v1/openapi.json").json()
    for action in [
        "triage",
        "assign",
        "return",
        "consult",
        "reply",
        "feedback",
        "rehandle",
        "supervise",
        "conclude",
        "decline",
        "merge",
        "remind",
        "evaluate",
    ]:
        op = schema["paths"][f"/api/v1/cases/{{case_id}}/actions/{action}"]["post"]
        assert "requestBody" in op, action
    assert "/api/v1/opinions" in schema["paths"]
    assert "/api/v1/logs/{kind}" in schema["paths"]


def test_a_unit_returning_its_only_assignment_gets_the_case_as_it_left_it(api):
    """The return takes the case out of the unit's sight; the answer to the action is still
    the case (not a 404 for a change that was made), and afterwards the unit gets 404."""
    case = advance(new_opinion(), "handling")
    r = post(api, "unit_demo", case, "return", {"reason": "不属于本单位职责，应由城管部门办理。"})
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["id"] == case.pk and body["available_actions"] == []
    assert [a["status"] for a in body["assignments"]] == ["returned"]
    assert api.as_user("unit_demo").get(f"/api/v1/cases/{case.pk}").status_code == 404
