"""Extension requests (延期申请): the lead unit asks before its due date, the office approves
(the due date moves, the overdue flag goes, the scan reminds anew) or rejects with a reason —
through the actions, the API and the pages, with the refusals the issue lists."""

from __future__ import annotations

import datetime as dt

import pytest

from lianxin.casework import deadlines
from lianxin.casework.models import Assignment, CaseEvent, ExtensionRequest
from lianxin.casework.scan import scan_deadlines
from lianxin.casework.tests.helpers import at, client_for
from lianxin.core.errors import Conflict, Forbidden, ValidationFailed
from lianxin.notifications.models import Notification

from .. import actions
from .helpers import advance, fresh, new_suggestion, unit, user

pytestmark = pytest.mark.django_db


def handling_since_2_march():
    """A recess suggestion assigned on Monday 2 March 2026: due Tuesday 2 June."""
    with at(2026, 3, 2):
        case = advance(new_suggestion("延期申请用建议", in_session=False), "handling")
    assert case.due_date == dt.date(2026, 6, 2)
    return case


def test_the_lead_unit_asks_for_more_time_and_the_office_approves_it(
    django_capture_on_commit_callbacks,
):
    case = handling_since_2_march()
    with at(2026, 5, 20):
        with django_capture_on_commit_callbacks(execute=True):
            actions.do_request_extension(
                case,
                reason="需协调省级专项资金，答复时间不足。",
                due_date="2026-07-31",
                acting_user=user("unit_demo"),
            )
        row = ExtensionRequest.objects.get(case=case)
        assert (row.status, row.unit.code, row.due_before, row.requested_due) == (
            "pending",
            "JZ-JTYSJ",
            dt.date(2026, 6, 2),
            dt.date(2026, 7, 31),
        )
        assert Notification.objects.filter(
            verb="extension_requested", recipient__username="jz_staff"
        ).exists()
        assert fresh(case).due_date == dt.date(2026, 6, 2)  # unchanged until decided
        with django_capture_on_commit_callbacks(execute=True):
            actions.do_decide_extension(
                fresh(case), decision="approve", note="同意。", acting_user=user("jz_staff")
            )
    case = fresh(case)
    assert case.due_date == dt.date(2026, 7, 31)
    active = Assignment.objects.filter(case=case, status="active")
    assert {a.due_date for a in active} == {dt.date(2026, 7, 31)}
    row = ExtensionRequest.objects.get(pk=row.pk)
    assert (row.status, row.approved_due, row.decided_by.username) == (
        "approved",
        dt.date(2026, 7, 31),
        "jz_staff",
    )
    note = Notification.objects.get(verb="extension_decided", recipient__username="unit_demo")
    assert "2026-07-31" in note.title
    events = list(case.events.filter(action__in=["request_extension", "decide_extension"]))
    assert [e.action for e in events] == ["request_extension", "decide_extension"]
    assert events[1].data["due_date"] == "2026-07-31"
    assert events[1].data["due_date_before"] == "2026-06-02"


def test_the_office_may_approve_another_date_or_reject_with_a_reason(
    django_capture_on_commit_callbacks,
):
    case = handling_since_2_march()
    lead, staff = user("unit_demo"), user("jz_staff")
    with at(2026, 5, 20):
        actions.do_request_extension(case, reason="理由", due_date="2026-08-31", acting_user=lead)
        actions.do_decide_extension(
            fresh(case), decision="approve", due_date="2026-07-15", acting_user=staff
        )
        assert fresh(case).due_date == dt.date(2026, 7, 15)
        actions.do_request_extension(
            fresh(case), reason="仍需时间", due_date="2026-08-31", acting_user=lead
        )
        with pytest.raises(ValidationFailed) as exc:
            actions.do_decide_extension(fresh(case), decision="reject", acting_user=staff)
        assert exc.value.field == "note"
        with django_capture_on_commit_callbacks(execute=True):
            actions.do_decide_extension(
                fresh(case), decision="reject", note="期限已延长一次。", acting_user=staff
            )
    assert fresh(case).due_date == dt.date(2026, 7, 15)
    rejected = ExtensionRequest.objects.filter(case=case).order_by("id").last()
    assert (rejected.status, rejected.decision_note) == ("rejected", "期限已延长一次。")
    assert Notification.objects.filter(
        verb="extension_decided", recipient__username="unit_demo", title__contains="未获同意"
    ).exists()


def test_requests_are_refused_out_of_turn_and_bad_input_stores_nothing():
    case = handling_since_2_march()
    lead = user("unit_demo")
    with at(2026, 5, 20):
        version = fresh(case).version
        for reason, due, field in [
            ("", "2026-07-31", "reason"),
            ("理由", "", "due_at"),
            ("理由", "2026-13-01", "due_at"),
            ("理由", "2026-06-02", "due_at"),  # not after the current due date
            ("理由", "2027-12-31", "due_at"),  # more than a year past it
        ]:
            with pytest.raises(ValidationFailed) as exc:
                actions.do_request_extension(
                    fresh(case), reason=reason, due_date=due, acting_user=lead
                )
            assert exc.value.field == field, (reason, due)
        assert not ExtensionRequest.objects.filter(case=case).exists()
        assert fresh(case).version == version
        with pytest.raises(Forbidden):  # a co-handling unit does not ask
            actions.do_request_extension(
                fresh(case), reason="理由", due_date="2026-07-31", acting_user=user("unit_other")
            )
        with pytest.raises(Conflict) as exc:  # nothing to decide yet
            actions.do_decide_extension(
                fresh(case), decision="approve", acting_user=user("jz_staff")
            )
        assert exc.value.code == "invalid_transition"
        actions.do_request_extension(
            fresh(case), reason="理由", due_date="2026-07-31", acting_user=lead
        )
        with pytest.raises(Conflict) as exc:  # one pending request at a time
            actions.do_request_extension(
                fresh(case), reason="再次", due_date="2026-08-31", acting_user=lead
            )
        assert exc.value.code == "invalid_transition"
        with pytest.raises(Forbidden):  # the unit does not decide its own request
            actions.do_decide_extension(fresh(case), decision="approve", acting_user=lead)
    assert ExtensionRequest.objects.filter(case=case).count() == 1


def test_no_request_after_the_due_date_has_passed():
    case = handling_since_2_march()
    with at(2026, 6, 3):
        with pytest.raises(Conflict) as exc:
            actions.do_request_extension(
                case, reason="理由", due_date="2026-07-31", acting_user=user("unit_demo")
            )
    assert exc.value.code == "invalid_transition"
    assert "已过" in exc.value.message


def test_approval_lifts_the_overdue_flag_and_the_scan_reminds_before_the_new_date():
    case = handling_since_2_march()
    with at(2026, 6, 1):
        actions.do_request_extension(
            case, reason="理由", due_date="2026-06-30", acting_user=user("unit_demo")
        )
    with at(2026, 6, 3):  # decided after the old due date: the scan marked it overdue meanwhile
        scan_deadlines()
        assert fresh(case).is_overdue
        actions.do_decide_extension(fresh(case), decision="approve", acting_user=user("jz_staff"))
        assert not fresh(case).is_overdue
        scan_deadlines()
        assert not fresh(case).is_overdue
    remind = deadlines.remind_from("suggestion", dt.date(2026, 6, 30))
    url = f"/suggestions/{case.pk}/"
    with at(remind.year, remind.month, remind.day):
        scan_deadlines()
        scan_deadlines()
    soon = Notification.objects.filter(url=url, verb="due_soon", recipient__username="unit_demo")
    assert soon.count() == 1
    assert soon.get().dedupe_key.endswith(":2026-06-30")


def test_a_reply_signed_off_lapses_a_request_still_pending():
    case = advance(new_suggestion("答复后延期失效"), "handling")
    due = fresh(case).due_date
    actions.do_request_extension(
        case,
        reason="理由",
        due_date=(due + dt.timedelta(days=30)).isoformat(),
        acting_user=user("unit_demo"),
    )
    case = advance(fresh(case), "replied")
    assert ExtensionRequest.objects.get(case=case).status == "lapsed"


def test_the_lead_units_return_withdraws_its_pending_request(django_capture_on_commit_callbacks):
    from lianxin.accounts.actions import grant_role
    from lianxin.accounts.models import Role, User

    case = handling_since_2_march()
    lead, staff = user("unit_demo"), user("jz_staff")
    with at(2026, 3, 5):  # within the return window (7 working days)
        row = actions.do_request_extension(
            case, reason="需协调资金。", due_date="2026-07-31", acting_user=lead
        )
        # A co-handling unit's return leaves the lead unit's request pending.
        actions.do_return_suggestion(
            fresh(case), reason="非本单位职责。", acting_user=user("unit_other")
        )
        assert ExtensionRequest.objects.get(pk=row.pk).status == "pending"
        with django_capture_on_commit_callbacks(execute=True):
            actions.do_return_suggestion(fresh(case), reason="应由水利局主办。", acting_user=lead)
        row = ExtensionRequest.objects.get(pk=row.pk)
        assert row.status == "withdrawn"
        assert row.get_status_display() == "已撤回（交办已退回）"
        assert row.decided_at is not None and row.approved_due is None
        events = list(fresh(case).events.order_by("-id")[:2])
        assert [e.action for e in reversed(events)] == ["return", "extension_withdrawn"]
        assert events[0].data == {
            "extension": row.pk,
            "unit": "晋中市交通运输局",
            "requested_due": "2026-07-31",
        }
        assert "申请延至2026-07-31" in events[0].note
        assert fresh(case).due_date == dt.date(2026, 6, 2)  # nothing was extended
        # Nothing is left to decide.
        with pytest.raises(Conflict) as exc:
            actions.do_decide_extension(fresh(case), decision="approve", acting_user=staff)
        assert exc.value.code == "invalid_transition"
        # The unit the office assigns next may ask for itself.
        actions.do_assign_suggestion(fresh(case), lead_unit=unit("JZ-SLJ"), acting_user=staff)
        new_lead = User.objects.create_user(username="slj_officer", password="x")
        grant_role(new_lead, Role.UNIT_OFFICER, unit("JZ-SLJ"))
        again = actions.do_request_extension(
            fresh(case), reason="刚接手，需时间调研。", due_date="2026-08-31", acting_user=new_lead
        )
    assert again.status == "pending" and again.unit.code == "JZ-SLJ"
    assert [r.status for r in ExtensionRequest.objects.filter(case=case).order_by("id")] == [
        "withdrawn",
        "pending",
    ]


def test_a_request_withdrawn_by_the_return_leaves_the_staff_lists(api):
    case = handling_since_2_march()
    staff = client_for("jz_staff")
    with at(2026, 3, 5):
        actions.do_request_extension(
            case, reason="需协调资金。", due_date="2026-07-31", acting_user=user("unit_demo")
        )
        workbench = staff.get("/workbench/").content.decode()
        block = workbench[workbench.index('id="worklist-extensions"') :][:2000]
        assert "延期申请用建议" in block
        api.as_user("unit_demo").post(
            f"/api/v1/cases/{case.pk}/actions/return", {"reason": "应由水利局主办。"}
        )  # (answered 404: once returned, the case is no longer the unit's to see)
        assert Assignment.objects.get(case=case, role="lead").status == "returned"
        body = api.as_user("jz_staff").get(f"/api/v1/suggestions/{case.pk}").json()
        assert body["extension_requests"][0]["status"] == "withdrawn"
        assert body["extension_requests"][0]["status_label"] == "已撤回（交办已退回）"
        labels = {e["action"]: e["action_label"] for e in body["timeline"]}
        assert labels["extension_withdrawn"] == "延期申请撤回"
        workbench = staff.get("/workbench/").content.decode()
        block = workbench[workbench.index('id="worklist-extensions"') :][:2000]
        assert "延期申请用建议" not in block
        listing = staff.get("/suggestions/").content.decode()
        assert "延期申请用建议" not in listing[listing.find('id="extension-requests"') :][:2000]
        page = staff.get(f"/suggestions/{case.pk}/").content.decode()
        assert 'data-status="withdrawn"' in page and "已撤回（交办已退回）" in page
        assert 'data-action="decide_extension"' not in page


def test_the_return_on_the_suggestion_page_withdraws_the_request_too():
    case = handling_since_2_march()
    with at(2026, 3, 5):
        actions.do_request_extension(
            case, reason="需协调资金。", due_date="2026-07-31", acting_user=user("unit_demo")
        )
        r = client_for("unit_demo").post(
            f"/suggestions/{case.pk}/do/return/",
            {"reason": "应由水利局主办。", "version": fresh(case).version},
        )
        assert r.status_code == 302
    assert Assignment.objects.get(case=case, role="lead").status == "returned"
    assert ExtensionRequest.objects.get(case=case).status == "withdrawn"


def test_extension_requests_over_the_api(api):
    case = handling_since_2_march()
    lead, staff, co = api.as_user("unit_demo"), api.as_user("jz_staff"), api.as_user("unit_other")
    path = f"/api/v1/cases/{case.pk}/actions"
    with at(2026, 5, 20):
        detail = lead.get(f"/api/v1/suggestions/{case.pk}").json()
        assert "request_extension" in {a["action"] for a in detail["available_actions"]}
        assert "decide_extension" not in {
            a["action"]
            for a in staff.get(f"/api/v1/suggestions/{case.pk}").json()["available_actions"]
        }
        events = CaseEvent.objects.filter(case=case).count()
        r = lead.post(f"{path}/request_extension", {"reason": " ", "due_at": "2026-07-31"})
        assert r.status_code == 422 and r.json()["message"] == "请填写延期理由。"
        r = lead.post(f"{path}/request_extension", {"reason": "理由", "due_at": "2026-05-01"})
        assert r.status_code == 422 and "应晚于现答复期限" in r.json()["message"]
        r = lead.post(f"{path}/request_extension", {"reason": "理由", "due_at": "下个月"})
        assert r.status_code == 422 and "格式有误" in r.json()["message"]
        assert CaseEvent.objects.filter(case=case).count() == events
        assert not ExtensionRequest.objects.filter(case=case).exists()
        r = co.post(f"{path}/request_extension", {"reason": "理由", "due_at": "2026-07-31"})
        assert r.status_code == 403
        r = staff.post(f"{path}/decide_extension", {"decision": "approve"})
        assert r.status_code == 409 and r.json()["code"] == "invalid_transition"

        r = lead.post(
            f"{path}/request_extension", {"reason": "需协调资金。", "due_at": "2026-07-31"}
        )
        assert r.status_code == 200, r.json()
        body = r.json()
        assert body["extension_requests"][0]["status"] == "pending"
        assert "request_extension" not in {a["action"] for a in body["available_actions"]}
        r = lead.post(f"{path}/request_extension", {"reason": "再次", "due_at": "2026-08-31"})
        assert r.status_code == 409 and r.json()["code"] == "invalid_transition"

        detail = staff.get(f"/api/v1/suggestions/{case.pk}").json()
        assert "decide_extension" in {a["action"] for a in detail["available_actions"]}
        r = staff.post(f"{path}/decide_extension", {"decision": "maybe"})
        assert r.status_code == 422 and "approve" in r.json()["message"]
        r = staff.post(f"{path}/decide_extension", {"decision": "reject"})
        assert r.status_code == 422 and "理由" in r.json()["message"]
        r = staff.post(f"{path}/decide_extension", {"decision": "approve", "due_at": "2026-06-01"})
        assert r.status_code == 422
        assert ExtensionRequest.objects.get(case=case).status == "pending"
        r = staff.post(
            f"/api/v1/suggestions/{case.pk}/actions/decide_extension",
            {"decision": "approve", "due_at": "2026-07-20"},
        )
        assert r.status_code == 200, r.json()
        assert r.json()["due_date"] == "2026-07-20"
        assert r.json()["extension_requests"][0]["status"] == "approved"
        labels = {e["action"]: e["action_label"] for e in r.json()["timeline"]}
        assert labels["request_extension"] == "申请延期"
        assert labels["decide_extension"] == "审批延期申请"


def test_extension_requests_on_the_pages_and_the_staff_work_lists():
    case = handling_since_2_march()
    lead, staff = client_for("unit_demo"), client_for("jz_staff")
    with at(2026, 5, 20):
        assert lead.get(f"/suggestions/{case.pk}/do/request_extension/").status_code == 200
        assert staff.get(f"/suggestions/{case.pk}/do/request_extension/").status_code == 403
        r = lead.post(
            f"/suggestions/{case.pk}/do/request_extension/",
            {"due_at": "2026-07-31", "reason": "", "version": fresh(case).version},
            HTTP_HX_REQUEST="true",
        )
        assert r.status_code == 422 and "请填写延期理由" in r.content.decode()
        assert not ExtensionRequest.objects.filter(case=case).exists()
        r = lead.post(
            f"/suggestions/{case.pk}/do/request_extension/",
            {"due_at": "2026-07-31", "reason": "需协调资金。", "version": fresh(case).version},
        )
        assert r.status_code == 302
        page = staff.get(f"/suggestions/{case.pk}/").content.decode()
        assert 'id="extension-requests"' in page
        assert "申请将答复期限由 2026-06-02 延至 2026-07-31" in page
        assert 'data-action="decide_extension"' in page
        workbench = staff.get("/workbench/").content.decode()
        block = workbench[workbench.index('id="worklist-extensions"') :][:2000]
        assert "延期申请用建议" in block and "2026-07-31" in block
        listing = staff.get("/suggestions/").content.decode()
        assert 'id="extension-requests"' in listing and "延期申请用建议" in listing
        form = staff.get(f"/suggestions/{case.pk}/do/decide_extension/").content.decode()
        assert "需协调资金" in form
        r = staff.post(
            f"/suggestions/{case.pk}/do/decide_extension/",
            {"decision": "approve", "version": fresh(case).version},
            HTTP_HX_REQUEST="true",
        )
        assert r.status_code == 204 and r["HX-Redirect"] == f"/suggestions/{case.pk}/"
        assert fresh(case).due_date == dt.date(2026, 7, 31)
        workbench = staff.get("/workbench/").content.decode()
        block = workbench[workbench.index('id="worklist-extensions"') :][:2000]
        assert "延期申请用建议" not in block
        assert (
            "已同意，答复期限延至 2026-07-31"
            in staff.get(f"/suggestions/{case.pk}/").content.decode()
        )
