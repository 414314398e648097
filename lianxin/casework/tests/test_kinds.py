"""The contract of a kind: declared in its own files, served by the generic mechanism (the one
action route, the OpenAPI document, the trail, the access rules, the workbench), and gone
everywhere when its declaration is removed. The kind under test is lianxin/testing/drill.py."""

from __future__ import annotations

import pytest

from lianxin.accounts import access
from lianxin.casework import kinds
from lianxin.casework.api import ReplyIn
from lianxin.casework.models import Case, CaseEvent
from lianxin.org.models import Congress
from lianxin.suggestions.api import SuggestionReplyIn
from lianxin.testing import drill

from .helpers import client_for, new_opinion, user

pytestmark = pytest.mark.django_db


def _open(title="演练：北关街道消防通道检查") -> Case:
    staff = user("yc_staff")
    congress = Congress.objects.get(pk=next(iter(access.grants(staff).staff_congresses)))
    return drill.do_open_drill(congress, title=title, acting_user=staff)


def test_a_kind_s_own_action_runs_on_the_one_route_with_its_body_validated(api, drill_kind):
    case = _open()
    staff = api.as_user("yc_staff")
    missing = staff.post(f"/api/v1/cases/{case.pk}/actions/inspect", {})
    assert missing.status_code == 422 and missing.json()["fields"] == ["finding"]
    r = staff.post(f"/api/v1/cases/{case.pk}/actions/inspect", {"finding": "通道畅通"})
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "inspected"
    assert Case.objects.get(pk=case.pk).supervision_note == "通道畅通"


def test_a_shared_action_takes_the_kind_s_richer_body(api, drill_kind):
    case = _open()
    staff = api.as_user("yc_staff")
    staff.post(f"/api/v1/cases/{case.pk}/actions/inspect", {"finding": "通道畅通"})
    # The loop's body for `reply` is not enough for a drill: its own schema wants a score.
    plain = staff.post(f"/api/v1/cases/{case.pk}/actions/reply", {"content": "已整改"})
    assert plain.status_code == 422 and plain.json()["fields"] == ["score"]
    assert Case.objects.get(pk=case.pk).state == "inspected"
    r = staff.post(f"/api/v1/cases/{case.pk}/actions/reply", {"content": "已整改", "score": 4})
    assert r.status_code == 200 and r.json()["state"] == "replied"
    event = CaseEvent.objects.filter(case=case).latest("pk")
    assert event.action == "reply" and event.data == {"score": 4}


def test_registering_reply_for_two_kinds_keeps_both(api, drill_kind):
    assert kinds.action_for("opinion", "reply").schema is ReplyIn
    assert kinds.action_for("suggestion", "reply").schema is SuggestionReplyIn
    assert kinds.action_for("drill", "reply").schema is drill.DrillReplyIn
    # An opinion is still replied with the loop's body while the drill's reply is declared.
    case = new_opinion()
    staff = api.as_user("yc_staff")
    assert (
        staff.post(f"/api/v1/cases/{case.pk}/actions/triage", {"category": "transport"})
    ).status_code == 200
    r = staff.post(f"/api/v1/cases/{case.pk}/actions/reply", {"content": "已答复群众"})
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "replied"


def test_the_openapi_document_lists_the_kind_s_actions_and_bodies(api, drill_kind):
    doc = api.anon().get("/api/v1/openapi.json").json()
    inspect = doc["paths"]["/api/v1/cases/{case_id}/actions/inspect"]["post"]
    assert inspect["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/InspectIn",
        "title": "drill",
    }
    assert doc["components"]["schemas"]["InspectIn"]["required"] == ["finding"]
    reply = doc["paths"]["/api/v1/cases/{case_id}/actions/reply"]["post"]
    bodies = reply["requestBody"]["content"]["application/json"]["schema"]["anyOf"]
    assert {"$ref": "#/components/schemas/DrillReplyIn", "title": "drill"} in bodies
    assert {"$ref": "#/components/schemas/SuggestionReplyIn", "title": "suggestion"} in bodies
    assert any(b["$ref"] == "#/components/schemas/ReplyIn" for b in bodies)


def test_each_action_writes_one_timeline_entry_naming_the_actor(api, drill_kind):
    case = _open()
    before = CaseEvent.objects.filter(case=case).count()
    api.as_user("yc_staff").post(f"/api/v1/cases/{case.pk}/actions/inspect", {"finding": "好"})
    events = list(CaseEvent.objects.filter(case=case).order_by("pk")[before:])
    assert [(e.action, e.actor.username) for e in events] == [("inspect", "yc_staff")]


def test_the_trail_and_the_kind_s_notification_rule_follow_its_action(
    api, drill_kind, django_capture_on_commit_callbacks
):
    from lianxin.accounts.actions import grant_role
    from lianxin.accounts.models import Role, User
    from lianxin.core.models import TrailEvent
    from lianxin.notifications.models import Notification

    case = _open()
    colleague = User.objects.create_user("yc_staff_2", display_name="榆次区代表工委干部")
    grant_role(colleague, Role.DEPUTY_AFFAIRS_STAFF, case.congress)
    with django_capture_on_commit_callbacks(execute=True):
        r = api.as_user("yc_staff").post(
            f"/api/v1/cases/{case.pk}/actions/inspect", {"finding": "通道畅通"}
        )
    assert r.status_code == 200
    event = CaseEvent.objects.filter(case=case).latest("pk")
    row = TrailEvent.objects.get(case_event=event)
    assert (row.action, row.object_id, row.change["kind"]) == (
        "casework.inspect",
        str(case.pk),
        "drill",
    )
    assert (row.seat_type, row.seat_id) == (Role.DEPUTY_AFFAIRS_STAFF, case.congress_id)
    # The drill's own rule: the office hears of an inspection (the actor does not).
    told = set(
        Notification.objects.filter(verb="inspect").values_list("recipient__username", flat=True)
    )
    assert "yc_staff_2" in told and "yc_staff" not in told


@pytest.mark.parametrize(
    ("username", "status"),
    [("yc_staff", 200), ("jz_staff", 403), ("tg_staff", 404), ("unit_demo", 404)],
)
def test_the_kind_s_rule_decides_who_acts(api, drill_kind, username, status):
    case = _open()
    r = api.as_user(username).post(f"/api/v1/cases/{case.pk}/actions/inspect", {"finding": "好"})
    assert r.status_code == status, r.content


def test_the_kind_s_work_list_is_on_the_office_s_workbench(drill_kind):
    _open(title="演练：顺城街消防栓检查")
    page = client_for("yc_staff").get("/workbench/").content.decode()
    assert "待检查的演练件" in page and "演练：顺城街消防栓检查" in page


def test_removing_the_declaration_removes_the_kind_everywhere(api, db):
    drill.install()
    case = _open(title="演练：撤销后")
    drill.uninstall()
    r = api.as_user("yc_staff").post(f"/api/v1/cases/{case.pk}/actions/inspect", {"finding": "x"})
    assert r.status_code == 404 and r.json()["code"] == "unknown_action"
    doc = api.anon().get("/api/v1/openapi.json").json()
    assert "/api/v1/cases/{case_id}/actions/inspect" not in doc["paths"]
    assert "DrillReplyIn" not in doc["components"]["schemas"]
    assert "待检查的演练件" not in client_for("yc_staff").get("/workbench/").content.decode()
    with pytest.raises(LookupError):
        access.can(user("yc_staff"), "drill.inspect", case)
    from lianxin.casework.notify import rule_for

    assert rule_for("drill", "inspect") is None


def test_a_kind_declares_its_searchable_text(drill_kind):
    from lianxin.casework.tests.helpers import new_opinion

    case = _open(title="演练：消防通道")
    assert kinds.search_text(case) == "演练：消防通道\n演练：消防通道"
    opinion = new_opinion("顺城街路灯不亮。", place="顺城街 12 号")
    assert "顺城街 12 号" in kinds.search_text(opinion)
