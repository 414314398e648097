"""Refusals: a clear Chinese message and a 4xx, nothing half-saved; another congress's office
gets the same 404 as a missing activity."""

import datetime as dt

import pytest

from lianxin.core.errors import Conflict, Forbidden, ValidationFailed
from lianxin.core.models import TrailEvent
from lianxin.duty import actions
from lianxin.duty.models import Activity, Invitation
from lianxin.org.models import Congress, Deputy

pytestmark = pytest.mark.django_db


def test_inviting_a_deputy_of_another_congress_invites_nobody(make_activity, users, seat_of):
    activity = make_activity()
    own = seat_of(users["deputy_d"])
    city_seat = Deputy.objects.get(person=users["deputy_b"].person)
    before = TrailEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        actions.do_send_invitations(activity, [own.pk, city_seat.pk], acting_user=users["yc_staff"])
    assert exc.value.code == "outside_congress"
    assert "晋联代表" in exc.value.message and "榆次区" in exc.value.message
    assert not Invitation.objects.filter(activity=activity).exists()
    assert TrailEvent.objects.count() == before


def test_the_capacity_holds_for_the_whole_batch(make_activity, users, seat_of):
    activity = make_activity(capacity=1)
    ids = [seat_of(users[u]).pk for u in ("deputy_d", "deputy_e")]
    with pytest.raises(ValidationFailed, match="人数上限为 1 人"):
        actions.do_send_invitations(activity, ids, acting_user=users["yc_staff"])
    assert not activity.invitations.exists()


def test_sign_in_outside_the_window_is_refused(make_activity, users, seat_of):
    activity = make_activity(starts_in=dt.timedelta(hours=3))
    inv = actions.do_send_invitations(
        activity, [seat_of(users["deputy_d"]).pk], acting_user=users["yc_staff"]
    )[0]
    with pytest.raises(Conflict) as exc:
        actions.do_sign_in(inv, how=Invitation.SignIn.SCAN, acting_user=users["deputy_d"])
    assert exc.value.code == "outside_window"
    assert "不在签到时间内" in exc.value.message
    inv.refresh_from_db()
    assert inv.signed_in_at is None and inv.attendance == ""


def test_a_second_sign_in_is_the_same_sign_in(make_activity, users, seat_of):
    activity = make_activity()
    inv = actions.do_send_invitations(
        activity, [seat_of(users["deputy_d"]).pk], acting_user=users["yc_staff"]
    )[0]
    first = actions.do_sign_in(inv, how=Invitation.SignIn.SCAN, acting_user=users["deputy_d"])
    assert first.attendance == Invitation.Attendance.PRESENT
    with pytest.raises(Conflict, match="无需重复签到") as exc:
        actions.do_sign_in(inv, how=Invitation.SignIn.LIST, acting_user=users["yc_staff"])
    assert exc.value.code == "already_signed_in"
    inv.refresh_from_db()
    assert inv.signed_in_at == first.signed_in_at and inv.signed_in_by == "scan"
    assert TrailEvent.objects.filter(action="duty.sign_in", object_id=str(inv.pk)).count() == 1


def test_a_deputy_not_invited_cannot_scan_in(make_activity, users):
    activity = make_activity()
    with pytest.raises(Forbidden, match="不在“全区养老服务工作视察”的邀请名单中"):
        actions.invitation_for_scan(activity, users["deputy_e"])
    with pytest.raises(Forbidden, match="只有受邀代表本人"):
        actions.invitation_for_scan(activity, users["yc_staff"])


def test_late_sign_in_and_training_hours(make_activity, users, seat_of, settings):
    settings.DUTY_LATE_AFTER_MINUTES = 5
    activity = make_activity(
        starts_in=-dt.timedelta(minutes=20), kind=Activity.Kind.TRAINING, hours="3"
    )
    # Invited before it began; the list is written as it stood then.
    inv = Invitation.objects.create(activity=activity, deputy=seat_of(users["deputy_d"]))
    row = actions.do_sign_in(inv, how=Invitation.SignIn.SCAN, acting_user=users["deputy_d"])
    assert row.attendance == Invitation.Attendance.LATE
    assert row.hours == 3


@pytest.mark.parametrize(
    "fields,field,message",
    [
        ({"title": ""}, "title", "请填写活动名称。"),
        ({"kind": "party"}, "kind", "请选择活动类别。"),
        ({"kind": "training"}, "hours", "培训须填写学时。"),
        ({"ends_at": "2020-01-01T00:00"}, "ends_at", "结束时间应晚于开始时间。"),
        ({"starts_at": "明天"}, "starts_at", "开始时间格式不正确"),
        ({"capacity": 0}, "capacity", "人数上限应在 1 至 100000 之间。"),
    ],
)
def test_an_activity_with_bad_fields_is_refused(make_activity, fields, field, message):
    before = Activity.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        make_activity(**fields)
    assert exc.value.field == field and message in exc.value.message
    assert Activity.objects.count() == before


def test_declining_needs_a_reason(make_activity, users, seat_of):
    activity = make_activity()
    inv = actions.do_send_invitations(
        activity, [seat_of(users["deputy_d"]).pk], acting_user=users["yc_staff"]
    )[0]
    with pytest.raises(ValidationFailed, match="请填写请假事由"):
        actions.do_answer_invitation(inv, accept=False, reason=" ", acting_user=users["deputy_d"])
    inv.refresh_from_db()
    assert inv.answer == Invitation.Answer.PENDING


def test_another_county_office_gets_404_from_the_api(make_activity, api):
    activity = make_activity()
    for path in (f"/api/v1/duty/activities/{activity.pk}", "/api/v1/duty/activities/999999"):
        r = api.as_user("tg_staff").get(path)
        assert r.status_code == 404 and r.json()["code"] == "not_found"
    r = api.as_user("tg_staff").post(
        f"/api/v1/duty/activities/{activity.pk}/cancel", {"reason": "x"}
    )
    assert r.status_code == 404


def test_a_city_reader_may_not_cancel_a_county_activity(make_activity, api):
    activity = make_activity()
    r = api.as_user("jz_staff").post(
        f"/api/v1/duty/activities/{activity.pk}/cancel", {"reason": "x"}
    )
    assert r.status_code == 403 and r.json()["message"] == "您没有权限进行此操作。"
    activity.refresh_from_db()
    assert activity.status == Activity.Status.PUBLISHED


def test_the_api_speaks_json_errors_for_each_refusal(make_activity, api, users, seat_of):
    activity = make_activity(starts_in=dt.timedelta(hours=5))
    city_seat = Deputy.objects.get(person=users["deputy_b"].person)
    staff = api.as_user("yc_staff")
    r = staff.post(
        f"/api/v1/duty/activities/{activity.pk}/invitations", {"deputies": [city_seat.pk]}
    )
    assert r.status_code == 422 and r.json()["code"] == "outside_congress"
    d = seat_of(users["deputy_d"])
    r = staff.post(f"/api/v1/duty/activities/{activity.pk}/invitations", {"deputies": [d.pk]})
    assert r.status_code == 201
    code = activity.checkin_code
    r = api.as_user("deputy_d").post(f"/api/v1/duty/checkin/{code}")
    assert r.status_code == 409 and r.json()["code"] == "outside_window"
    r = api.as_user("deputy_e").post(f"/api/v1/duty/checkin/{code}")
    assert r.status_code == 403 and r.json()["code"] == "not_invited"
    r = api.as_user("deputy_e").post("/api/v1/duty/checkin/nothing-here")
    assert r.status_code == 404
    assert Congress.objects.filter(pk=activity.congress_id).exists()
