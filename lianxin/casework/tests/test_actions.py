"""The action functions: each writes its change and its timeline event in one transaction."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from lianxin.casework import actions
from lianxin.casework.models import Assignment, Case
from lianxin.core.crypto import lookup_hash
from lianxin.core.errors import Conflict, Forbidden, ValidationFailed
from lianxin.notifications.models import Notification, OutboundMessage

from .helpers import advance, category, fresh, new_opinion, unit, user

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def test_every_change_appends_one_event_with_actor_and_states():
    case = advance(new_opinion(), "fed_back")
    events = list(case.events.order_by("at", "id"))
    assert [e.action for e in events] == ["register", "triage", "assign", "reply", "feedback"]
    assert [e.to_state for e in events] == [
        "registered",
        "triaged",
        "handling",
        "replied",
        "fed_back",
    ]
    assert [e.actor_label for e in events] == [
        "群众",
        "榆次区人大人事代表工委",
        "榆次区人大人事代表工委",
        "晋中市交通运输局经办人",
        "榆次区人大人事代表工委",
    ]
    assert case.version == 4


def test_the_timeline_cannot_be_rewritten():
    case = new_opinion()
    event = case.events.get()
    event.note = "改写"
    with pytest.raises(RuntimeError):
        event.save()


def test_a_refused_action_changes_nothing():
    case = advance(new_opinion(), "replied")
    before = (case.state, case.version, case.events.count())
    with pytest.raises(Conflict) as refused:
        actions.do_assign_case(case, lead_unit=unit(), acting_user=user("yc_staff"))
    assert refused.value.code == "invalid_transition"
    with pytest.raises(ValidationFailed):
        actions.do_feedback_case(case, content="   ", acting_user=user("yc_staff"))
    case = fresh(case)
    assert (case.state, case.version, case.events.count()) == before


def test_a_stale_version_is_refused_and_the_other_change_is_kept():
    case = new_opinion()
    staff = user("yc_staff")
    seen = case.version
    actions.do_triage_case(case, category=category(), acting_user=staff, version=seen)
    with pytest.raises(Conflict) as refused:
        actions.do_supervise_case(case, note="请加快", acting_user=staff, version=seen)
    assert refused.value.code == "stale"
    assert fresh(case).state == "triaged"
    assert not fresh(case).is_key_supervision


def test_a_unit_returns_a_wrong_assignment_and_staff_reassign_it():
    case = advance(new_opinion(), "handling")
    actions.do_return_case(case, reason="路灯属城市管理局职责。", acting_user=user("unit_demo"))
    case = fresh(case)
    returned = case.assignments.get(unit__code="JZ-JTYSJ")
    assert returned.status == Assignment.Status.RETURNED
    assert returned.return_reason == "路灯属城市管理局职责。"
    assert case.state == "handling"
    # unit_demo no longer sees it; staff may assign again now that there is no lead.
    from lianxin.accounts.access import is_visible

    assert not is_visible(user("unit_demo"), case)
    assert "assign" in {t.action for t in case.workflow.available(case, user("yc_staff"))}
    actions.do_assign_case(case, lead_unit=unit("YC-CSGLJ"), acting_user=user("yc_staff"))
    assert fresh(case).assignments.get(status="active").unit.code == "YC-CSGLJ"


def test_a_return_after_the_window_is_refused():
    with time_machine.travel(dt.datetime(2025, 9, 30, 10, tzinfo=SHANGHAI), tick=False):
        case = advance(new_opinion(), "handling")
    # Window: 9, 10, 11 October. On the 13th it is too late.
    with time_machine.travel(dt.datetime(2025, 10, 13, 9, tzinfo=SHANGHAI), tick=False):
        with pytest.raises(Conflict) as refused:
            actions.do_return_case(case, reason="不属我局职责", acting_user=user("unit_demo"))
    assert refused.value.code == "return_window_passed"
    assert fresh(case).assignments.get().status == "active"


def test_a_duplicate_is_merged_and_its_citizen_follows_the_original(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_SMS_BACKEND = "lianxin.notifications.sms.FileBackend"
    settings.NOTIFICATIONS_SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    original = advance(new_opinion("顺城街路灯不亮。"), "triaged")
    duplicate = new_opinion("顺城街的路灯坏了好几天。", contact_phone="13900001111")
    actions.do_merge_case(duplicate, into=original, note="同一问题", acting_user=user("yc_station"))
    duplicate = fresh(duplicate)
    assert duplicate.state == "merged"
    assert duplicate.merged_into_id == original.pk
    assert original.events.filter(action="merged_in").exists()
    # When the original is fed back, the duplicate's citizen is told as well.
    advance(original, "replied")
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_feedback_case(original, content="已修复。", acting_user=user("yc_staff"))
    sent = [json.loads(line) for line in (tmp_path / "sms.jsonl").read_text().splitlines()]
    assert {m["to"] for m in sent} == {"13812345678", "13900001111"}
    assert any(duplicate.tracking_code in m["body"] for m in sent)


def test_merging_into_itself_or_another_kind_is_refused():
    case = new_opinion()
    with pytest.raises(ValidationFailed):
        actions.do_merge_case(case, into=case, acting_user=user("yc_staff"))


def test_a_declined_opinion_keeps_its_reason_public():
    case = actions.do_decline_case(
        new_opinion("测试测试"), reason="无实际诉求内容。", acting_user=user("yc_station")
    )
    assert case.state == "declined"
    event = case.events.get(action="decline")
    assert event.is_public and event.note == "无实际诉求内容。"
    with pytest.raises(ValidationFailed):
        actions.do_decline_case(new_opinion(), reason=" ", acting_user=user("yc_staff"))


def test_dissatisfied_then_rehandled_with_a_new_due_date_and_a_second_round():
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=SHANGHAI), tick=False):
        case = advance(new_opinion(), "evaluated", rating="dissatisfied")
        with pytest.raises(Conflict):
            actions.do_conclude_case(case, acting_user=user("yc_staff"))
        actions.do_rehandle_case(case, reason="路灯仍不亮", acting_user=user("yc_staff"))
    case = fresh(case)
    assert case.state == "handling" and case.round == 2 and case.rating == ""
    # 10 working days from Monday 2 March 2026.
    assert case.due_date == dt.date(2026, 3, 16)
    assert case.assignments.get().due_date == dt.date(2026, 3, 16)
    reply = actions.do_reply_case(case, content="已更换", acting_user=user("unit_demo"))
    assert reply.round == 2


def test_rehandle_is_refused_after_a_satisfied_rating():
    case = advance(new_opinion(), "evaluated", rating="satisfied")
    with pytest.raises(Conflict):
        actions.do_rehandle_case(case, reason="再办", acting_user=user("yc_staff"))
    assert actions.do_conclude_case(case, acting_user=user("yc_staff")).state == "concluded"


def test_a_case_created_from_another_keeps_its_lineage():
    source = new_opinion()
    child, created = actions.do_register_case(
        kind="opinion",
        content="由群众意见转为代表建议前的跟进件",
        channel="staff",
        scope_code=source.scope_code,
        congress=source.congress,
        parent=source,
        acting_user=user("yc_staff"),
    )
    assert created and child.parent_id == source.pk
    assert list(source.children.all()) == [child]


def test_any_kind_registering_a_case_meets_the_one_phone_rule():
    source = new_opinion()
    before = Case.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        actions.do_register_case(
            kind="opinion",
            content="电话有误的件",
            channel="staff",
            scope_code=source.scope_code,
            congress=source.congress,
            contact_phone="12345",
            acting_user=user("yc_staff"),
        )
    assert exc.value.field == "contact_phone" and "联系电话格式不正确" in exc.value.message
    assert Case.objects.count() == before


def test_supervision_records_who_and_why():
    case = advance(new_opinion(), "handling")
    actions.do_supervise_case(
        case, note="群众反映强烈，列为重点督办。", acting_user=user("leader_demo")
    )
    case = fresh(case)
    assert case.is_key_supervision
    assert case.supervised_by.username == "leader_demo"
    with pytest.raises(Forbidden):
        actions.do_supervise_case(case, note="x", acting_user=user("unit_demo"))


def test_notifications_are_sent_only_after_commit(django_capture_on_commit_callbacks):
    case = advance(new_opinion(), "triaged")
    officer = user("unit_demo")
    officer.email = "unit_demo@example.org"
    officer.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.do_assign_case(case, lead_unit=unit(), acting_user=user("yc_staff"))
    mine = Notification.objects.filter(recipient=officer, url=f"/cases/{case.pk}/")
    assert not mine.exists()
    # "Commit": run the callbacks, and the e-mail task they queue in their turn.
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    note = mine.get()
    assert note.verb == "assign" and note.title.endswith(
        f"（{fresh(case).due_date:%Y-%m-%d}前答复）"
    )
    assert [m.to for m in mail.outbox] == [["unit_demo@example.org"]]
    assert (
        OutboundMessage.objects.get(
            to_hash=lookup_hash("unit_demo@example.org", kind="recipient")
        ).status
        == "sent"
    )


def test_remind_tells_the_units_and_a_reminder_is_on_the_timeline(
    django_capture_on_commit_callbacks,
):
    case = advance(new_opinion(), "handling")
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_remind_case(case, note="请于本周内答复。", acting_user=user("yc_staff"))
    assert fresh(case).events.filter(action="remind", note="请于本周内答复。").exists()
    assert Notification.objects.filter(recipient__username="unit_demo", verb="remind").exists()


def test_citizen_feedback_goes_by_sms_through_the_configured_backend(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_SMS_BACKEND = "lianxin.notifications.sms.FileBackend"
    settings.NOTIFICATIONS_SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    case = advance(new_opinion(), "replied")
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_feedback_case(case, content="已修复", acting_user=user("yc_staff"))
    [message] = [json.loads(x) for x in (tmp_path / "sms.jsonl").read_text().splitlines()]
    assert message["to"] == "13812345678"
    assert case.tracking_code in message["body"]
    assert f"/t/{case.tracking_code}" in message["body"]


def test_an_anonymous_citizen_gets_no_sms(settings, tmp_path, django_capture_on_commit_callbacks):
    settings.NOTIFICATIONS_SMS_BACKEND = "lianxin.notifications.sms.FileBackend"
    settings.NOTIFICATIONS_SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    case = advance(new_opinion(is_anonymous=True), "replied")
    assert case.contact_phone == ""
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_feedback_case(case, content="已修复", acting_user=user("yc_staff"))
    assert not (tmp_path / "sms.jsonl").exists()
