"""Key proposals led and supervised by a chair (重点提案, 主席会议成员领办督办) and the lead
unit's extension requests (申请延期), through the API and the pages: who may, bad input, the
trail, the list filter and the figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from openpyxl import load_workbook

from lianxin.casework import metrics
from lianxin.casework.models import ExtensionRequest
from lianxin.core import dates
from lianxin.core.models import TrailEvent

from ..models import KeyMeeting, Proposal
from ..workflow import PROPOSAL_WORKFLOW
from .helpers import advance, fresh, new_proposal, other_cppcc, user


def act(client, case_id, action, body=None):
    return client.post(f"/api/v1/cases/{case_id}/actions/{action}", body or {})


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def last_trail(case):
    return TrailEvent.objects.filter(object_id=str(case.pk)).order_by("-id").first()


# --- Key proposals ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_mark_a_key_proposal_record_meetings_and_circulate_the_result(api):
    case = advance(new_proposal(), "assigned", co=())
    staff = api.as_user("cppcc_staff")
    r = act(
        staff,
        case.pk,
        "mark_key",
        {"leader_user": user("leader_demo").pk, "note": "请市政协副主席领办。"},
    )
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["is_key"] is True and out["is_key_supervision"] is True
    assert out["key"]["leader"] == user("leader_demo").display_name
    assert last_trail(case).action == "casework.mark_key"
    # Once key: meetings are offered, marking again is not.
    offered = {a["action"] for a in out["available_actions"]}
    assert "key_meeting" in offered and "mark_key" not in offered
    assert act(staff, case.pk, "mark_key", {"leader": "某某"}).status_code == 409

    r = act(
        staff,
        case.pk,
        "key_meeting",
        {
            "held_on": dates.today().isoformat(),
            "place": "市政协三楼会议室",
            "participants": "市政协副主席、市交通运输局局长、提案者",
            "summary": "现场调研慢行系统，明确年内完成两条示范路段。",
        },
    )
    assert r.status_code == 200, r.content
    meetings = r.json()["key"]["meetings"]
    assert [m["place"] for m in meetings] == ["市政协三楼会议室"]
    assert last_trail(case).action == "casework.key_meeting"

    # The result is circulated after the reply, once.
    assert act(staff, case.pk, "key_result", {"text": "已办结。"}).status_code == 409
    case = advance_from_assigned(case)
    r = act(staff, case.pk, "key_result", {"text": "两条示范路段已建成。"})
    assert r.status_code == 200, r.content
    assert r.json()["key"]["result"] == "两条示范路段已建成。"
    assert r.json()["key"]["result_on"] == dates.today().isoformat()
    assert act(staff, case.pk, "key_result", {"text": "再次通报。"}).status_code == 409
    assert Proposal.objects.get(pk=case.pk).key_result == "两条示范路段已建成。"

    # The list filter 重点提案 and the loop's figure.
    other = advance(new_proposal("关于另一件事的提案"), "registered", co=())
    listed = staff.get("/api/v1/proposals", {"key": True}).json()
    assert [row["id"] for row in listed["items"]] == [case.pk]
    assert other.pk not in [row["id"] for row in listed["items"]]
    counts = metrics.counts_of([case.pk, other.pk])
    assert counts["key_supervision"] == 1


def advance_from_assigned(case):
    from lianxin.casework import actions as loop

    from .. import actions

    loop.do_consult_case(
        fresh(case), stage="before", form="visit", summary="面商。", acting_user=user("unit_demo")
    )
    actions.do_reply_proposal(
        fresh(case), content="已列入计划。", category="A", acting_user=user("unit_demo")
    )
    actions.do_sign_off_proposal(fresh(case), approve=True, acting_user=user("unit_signer"))
    return fresh(case)


@pytest.mark.django_db
def test_a_member_or_a_unit_cannot_mark_key_and_another_cppcc_gets_404(api):
    other_cppcc()
    case = advance(new_proposal(), "assigned", co=())
    version = fresh(case).version
    for username in ("member_demo", "unit_demo"):
        r = act(api.as_user(username), case.pk, "mark_key", {"leader": "张某某（副主席）"})
        assert r.status_code == 403, (username, r.content)
    r = act(api.as_user("yc_cppcc_staff"), case.pk, "mark_key", {"leader": "张某某"})
    assert r.status_code == 404
    assert api.as_user("yc_cppcc_staff").get(f"/api/v1/proposals/{case.pk}").status_code == 404
    assert fresh(case).version == version and not fresh(case).is_key_supervision


@pytest.mark.django_db
def test_bad_key_input_gives_chinese_messages_and_saves_nothing(api):
    other_cppcc()
    case = advance(new_proposal(), "registered", co=())
    staff = api.as_user("cppcc_staff")
    version = fresh(case).version
    r = act(staff, case.pk, "mark_key", {"leader": "   "})
    assert r.status_code == 422 and "领办督办的主席会议成员" in r.json()["message"]
    # A user who is not a leader of this CPPCC's region cannot be named.
    r = act(staff, case.pk, "mark_key", {"leader_user": user("yc_cppcc_staff").pk})
    assert r.status_code == 422 and r.json()["field"] == "leader_user"
    assert fresh(case).version == version and not fresh(case).is_key_supervision
    # A meeting is for key proposals only, and not in the future.
    assert (
        act(
            staff,
            case.pk,
            "key_meeting",
            {"held_on": "2020-01-01", "place": "甲", "participants": "乙", "summary": "丙"},
        ).status_code
        == 409
    )
    assert act(staff, case.pk, "mark_key", {"leader": "张某某（市政协副主席）"}).status_code == 200
    tomorrow = (dates.today() + dt.timedelta(days=1)).isoformat()
    r = act(
        staff,
        case.pk,
        "key_meeting",
        {"held_on": tomorrow, "place": "甲", "participants": "乙", "summary": "丙"},
    )
    assert r.status_code == 422 and "会议日期不能晚于今天" in r.json()["message"]
    r = act(
        staff,
        case.pk,
        "key_meeting",
        {"held_on": "2020-01-01", "place": "", "participants": "乙", "summary": "丙"},
    )
    assert r.status_code == 422
    assert not KeyMeeting.objects.exists()


@pytest.mark.django_db
def test_key_proposals_on_the_pages_list_filter_and_figures_excel():
    case = advance(new_proposal("关于建设口袋公园的提案"), "registered", co=())
    plain = advance(new_proposal("关于增设公交线路的提案"), "registered", co=())
    staff = signed_in("cppcc_staff")
    page = staff.get(f"/proposals/{case.pk}/actions/mark_key/").content.decode()
    assert user("leader_demo").display_name in page  # offered as the leading chair
    r = staff.post(
        f"/proposals/{case.pk}/actions/mark_key/",
        {"leader": "王某某（市政协主席）", "note": "主席领办。", "version": fresh(case).version},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    r = staff.post(
        f"/proposals/{case.pk}/actions/key_meeting/",
        {
            "held_on": dates.today().isoformat(),
            "place": "口袋公园选址现场",
            "participants": "王某某、市住建局",
            "summary": "确定三处选址。",
            "version": fresh(case).version,
        },
    )
    assert r.status_code == 302
    page = staff.get(f"/proposals/{case.pk}/").content.decode()
    assert 'id="key-tag"' in page and "王某某（市政协主席）" in page
    assert "口袋公园选址现场" in page and "确定三处选址。" in page
    listed = staff.get("/proposals/", {"key": "1"}).content.decode()
    assert "关于建设口袋公园的提案" in listed and "关于增设公交线路的提案" not in listed
    assert "关于增设公交线路的提案" in staff.get("/proposals/").content.decode()
    # A member sees the key mark, but no action to mark another one.
    member = signed_in("member_demo")
    assert 'id="key-tag"' in member.get(f"/proposals/{case.pk}/").content.decode()
    assert member.get(f"/proposals/{plain.pk}/actions/mark_key/").status_code == 403

    r = signed_in("cppcc_staff").get(
        "/proposals/figures/", {"year": dates.today().year, "format": "xlsx"}
    )
    assert r.status_code == 200
    import io

    book = load_workbook(io.BytesIO(b"".join(r.streaming_content) if r.streaming else r.content))
    cells = {
        str(row[0]): row[1]
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        if row and row[0]
    }
    assert str(cells["重点提案"]) == "1", cells


# --- Extension requests -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_lead_unit_asks_for_more_time_and_staff_approve_or_refuse(api):
    case = advance(new_proposal(), "assigned", co=())
    due = fresh(case).due_date
    lead, staff = api.as_user("unit_demo"), api.as_user("cppcc_staff")
    # The co-handling unit may not ask; a date not after the due date is refused.
    r = act(
        api.as_user("unit_other"),
        case.pk,
        "request_extension",
        {"reason": "需要调研。", "due_at": (due + dt.timedelta(days=30)).isoformat()},
    )
    assert r.status_code == 403
    r = act(lead, case.pk, "request_extension", {"reason": "需要调研。", "due_at": due.isoformat()})
    assert r.status_code == 422 and "应晚于现答复期限" in r.json()["message"]
    r = act(lead, case.pk, "request_extension", {"reason": "", "due_at": None})
    assert r.status_code == 422
    assert not ExtensionRequest.objects.exists()

    wanted = due + dt.timedelta(days=30)
    r = act(
        lead,
        case.pk,
        "request_extension",
        {"reason": "涉及多部门协调。", "due_at": wanted.isoformat()},
    )
    assert r.status_code == 200, r.content
    assert [x["status"] for x in r.json()["extension_requests"]] == ["pending"]
    assert last_trail(case).action == "casework.request_extension"
    # One at a time; the staff see the decision to take.
    assert (
        act(
            lead, case.pk, "request_extension", {"reason": "再次。", "due_at": wanted.isoformat()}
        ).status_code
        == 409
    )
    offered = {
        a["action"] for a in staff.get(f"/api/v1/proposals/{case.pk}").json()["available_actions"]
    }
    assert "decide_extension" in offered
    assert act(lead, case.pk, "decide_extension", {"decision": "approve"}).status_code == 403
    assert act(staff, case.pk, "decide_extension", {"decision": "reject"}).status_code == 422
    r = act(staff, case.pk, "decide_extension", {"decision": "approve", "note": "同意。"})
    assert r.status_code == 200, r.content
    assert r.json()["due_date"] == wanted.isoformat()
    assert fresh(case).due_date == wanted
    assert ExtensionRequest.objects.get().status == "approved"
    assert last_trail(case).action == "casework.decide_extension"

    # A second request refused with a reason keeps the date.
    later = wanted + dt.timedelta(days=10)
    act(lead, case.pk, "request_extension", {"reason": "仍需时间。", "due_at": later.isoformat()})
    r = act(staff, case.pk, "decide_extension", {"decision": "reject", "note": "时间已足够。"})
    assert r.status_code == 200
    assert fresh(case).due_date == wanted
    statuses = [x["status"] for x in r.json()["extension_requests"]]
    assert statuses == ["approved", "rejected"]


@pytest.mark.django_db
def test_another_cppccs_staff_cannot_decide_and_a_return_withdraws_the_request(api):
    other_cppcc()
    case = advance(new_proposal(), "assigned", co=())
    wanted = fresh(case).due_date + dt.timedelta(days=20)
    lead = api.as_user("unit_demo")
    assert (
        act(
            lead,
            case.pk,
            "request_extension",
            {"reason": "需要调研。", "due_at": wanted.isoformat()},
        ).status_code
        == 200
    )
    r = act(api.as_user("yc_cppcc_staff"), case.pk, "decide_extension", {"decision": "approve"})
    assert r.status_code == 404
    r = act(lead, case.pk, "return", {"reason": "不属于本单位职责。"})
    assert r.status_code == 200, r.content
    assert ExtensionRequest.objects.get().status == "withdrawn"
    assert "decide_extension" not in {
        t.action for t in PROPOSAL_WORKFLOW.available(fresh(case), user("cppcc_staff"))
    }


@pytest.mark.django_db
def test_extension_on_the_pages():
    case = advance(new_proposal(), "handling", co=())
    wanted = fresh(case).due_date + dt.timedelta(days=15)
    lead = signed_in("unit_demo")
    r = lead.post(
        f"/proposals/{case.pk}/actions/request_extension/",
        {
            "reason": "需征求多部门意见。",
            "due_at": wanted.isoformat(),
            "version": fresh(case).version,
        },
    )
    assert r.status_code == 302
    staff = signed_in("cppcc_staff")
    form = staff.get(f"/proposals/{case.pk}/actions/decide_extension/").content.decode()
    assert "需征求多部门意见。" in form
    r = staff.post(
        f"/proposals/{case.pk}/actions/decide_extension/",
        {"decision": "reject", "note": "", "version": fresh(case).version},
    )
    assert r.status_code == 422 and "理由" in r.content.decode()
    r = staff.post(
        f"/proposals/{case.pk}/actions/decide_extension/",
        {"decision": "approve", "note": "", "version": fresh(case).version},
    )
    assert r.status_code == 302
    page = staff.get(f"/proposals/{case.pk}/").content.decode()
    assert 'id="extensions"' in page and "已同意" in page
    assert fresh(case).due_date == wanted
