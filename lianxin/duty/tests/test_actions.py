"""Each action writes its trail row (with the seat acted in) and tells whom it should."""

import datetime as dt

import pytest
from django.utils import timezone

from lianxin.casework.scan import scan_deadlines
from lianxin.core.models import TrailEvent
from lianxin.duty import actions
from lianxin.duty.models import Activity, Invitation
from lianxin.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_sending_invitations_writes_one_trail_row_each_and_tells_each_deputy(
    make_activity, users, seat_of, yuci, django_capture_on_commit_callbacks
):
    activity = make_activity()
    seats = [seat_of(users[u]) for u in ("deputy_d", "deputy_e")]
    with django_capture_on_commit_callbacks(execute=True):
        made = actions.do_send_invitations(
            activity,
            [s.pk for s in seats],
            reasons={seats[0].pk: "专业领域：养老服务"},
            acting_user=users["yc_staff"],
        )
    assert {i.deputy_id for i in made} == {s.pk for s in seats}
    rows = TrailEvent.objects.filter(
        action="duty.invite", object_type="duty.invitation", object_id__in=[str(i.pk) for i in made]
    )
    assert rows.count() == 2
    assert {r.seat_type for r in rows} == {"deputy_affairs_staff"}
    assert {r.body for r in rows} == {f"congress:{yuci.pk}"}
    assert Invitation.objects.get(deputy=seats[0], activity=activity).match_reason == (
        "专业领域：养老服务"
    )
    for username in ("deputy_d", "deputy_e"):
        note = Notification.objects.get(recipient=users[username], verb="duty_invited")
        assert note.title == "活动邀请：全区养老服务工作视察"


def test_a_deputy_answers_in_the_seat_invited(make_activity, users, seat_of):
    activity = make_activity()
    seat = seat_of(users["deputy_demo"])
    inv = actions.do_send_invitations(activity, [seat.pk], acting_user=users["yc_staff"])[0]
    row = actions.do_answer_invitation(
        inv, accept=False, reason="参加市人大会议", acting_user=users["deputy_demo"]
    )
    assert row.answer == Invitation.Answer.DECLINED
    assert row.attendance == Invitation.Attendance.ON_LEAVE
    event = TrailEvent.objects.get(action="duty.decline_invitation", object_id=str(inv.pk))
    assert (event.seat_type, event.seat_id) == ("deputy", seat.pk)
    assert event.change["reason"] == "参加市人大会议"


def test_the_office_approves_a_units_proposal_before_inviting(users):
    proposed = Activity.objects.get(title="交通运输局开放日")
    with pytest.raises(actions.Conflict, match="只有已发布的活动才能发出邀请"):
        actions.do_send_invitations(proposed, [1], acting_user=users["jz_staff"])
    actions.do_decide_activity(proposed, approve=True, acting_user=users["jz_staff"])
    proposed.refresh_from_db()
    assert proposed.status == Activity.Status.PUBLISHED
    assert TrailEvent.objects.filter(
        action="duty.approve_activity", object_id=str(proposed.pk)
    ).exists()
    with pytest.raises(actions.Conflict):
        actions.do_decide_activity(
            proposed, approve=False, reason="x", acting_user=users["jz_staff"]
        )


def test_the_scan_reminds_once_the_day_before(make_activity, users, seat_of):
    activity = make_activity(starts_in=dt.timedelta(days=1))
    seats = [seat_of(users[u]) for u in ("deputy_d", "deputy_e")]
    invs = actions.do_send_invitations(
        activity, [s.pk for s in seats], acting_user=users["yc_staff"]
    )
    actions.do_answer_invitation(
        invs[1], accept=False, reason="出差", acting_user=users["deputy_e"]
    )
    eve = timezone.localdate(activity.starts_at) - dt.timedelta(days=1)
    assert scan_deadlines(eve).extra["duty_reminders"] == 1
    assert scan_deadlines(eve).extra["duty_reminders"] == 0
    assert (
        Notification.objects.filter(recipient=users["deputy_d"], verb="duty_reminder").count() == 1
    )
    assert not Notification.objects.filter(
        recipient=users["deputy_e"], verb="duty_reminder"
    ).exists()
    assert TrailEvent.objects.filter(action="duty.remind", seat_type="system").count() == 1


def test_cancelling_tells_the_invited(
    make_activity, users, seat_of, django_capture_on_commit_callbacks
):
    activity = make_activity()
    actions.do_send_invitations(
        activity, [seat_of(users["deputy_d"]).pk], acting_user=users["yc_staff"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_cancel_activity(activity, reason="因天气原因取消", acting_user=users["yc_staff"])
    note = Notification.objects.get(recipient=users["deputy_d"], verb="duty_cancelled")
    assert note.body == "因天气原因取消"
    with pytest.raises(actions.Conflict):
        actions.do_answer_invitation(
            activity.invitations.get(), accept=True, acting_user=users["deputy_d"]
        )


def test_leave_and_absence_are_recorded_by_the_office(make_activity, users, seat_of):
    activity = make_activity(starts_in=-dt.timedelta(minutes=5))
    inv = Invitation.objects.create(activity=activity, deputy=seat_of(users["deputy_e"]))
    with pytest.raises(actions.ValidationFailed, match="请填写说明"):
        actions.do_record_attendance(inv, attendance="on_leave", acting_user=users["yc_staff"])
    row = actions.do_record_attendance(inv, attendance="absent", acting_user=users["yc_staff"])
    assert row.attendance == Invitation.Attendance.ABSENT
    assert TrailEvent.objects.filter(action="duty.record_attendance").count() == 1
