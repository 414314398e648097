"""The trail: one row per action, naming the seat the actor acted in; readers follow it by
cursor, each event once."""

from __future__ import annotations

import pytest
from django.db import transaction

from lianxin.accounts.actions import grant_role
from lianxin.accounts.models import Role
from lianxin.casework.models import CaseEvent
from lianxin.casework.tests.helpers import category, demo_seat, new_opinion, unit, user
from lianxin.core import trail
from lianxin.core.models import TrailCursor, TrailEvent
from lianxin.liaison import actions as liaison
from lianxin.liaison.models import Station

pytestmark = pytest.mark.django_db


def _after(pk: int) -> list[TrailEvent]:
    return list(TrailEvent.objects.filter(pk__gt=pk).order_by("pk"))


def _last() -> int:
    return TrailEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_a_person_with_a_city_and_a_county_seat_is_told_apart_by_the_seat():
    """deputy_demo holds a seat in 榆次区 and one in 晋中市: the same account, two seats."""
    deputy = user("deputy_demo")
    county, city = demo_seat("county"), demo_seat("city")
    start = _last()
    new_opinion("北关街道顺城街路灯不亮。", deputy=county, acting_user=deputy, channel="deputy")
    new_opinion("晋中市区公交站台缺少遮阳棚。", deputy=city, acting_user=deputy, channel="deputy")
    events = [e for e in _after(start) if e.action == "casework.register"]
    assert [(e.actor_id, e.seat_type, e.seat_id) for e in events] == [
        (deputy.pk, "deputy", county.pk),
        (deputy.pk, "deputy", city.pk),
    ]
    assert events[0].body == f"congress:{county.congress_id}"
    assert events[1].body == f"congress:{city.congress_id}"


def test_each_case_event_has_its_trail_row_with_the_unit_seat_of_the_officer():
    from lianxin.casework import actions

    case = new_opinion()
    actions.do_triage_case(case, category=category(), acting_user=user("yc_staff"))
    actions.do_assign_case(case, lead_unit=unit(), acting_user=user("yc_staff"))
    actions.do_reply_case(case, content="已安排维修。", acting_user=user("unit_demo"))
    events = list(CaseEvent.objects.filter(case=case).select_related("trail").order_by("pk"))
    assert all(e.trail is not None for e in events)
    assert [e.trail.action for e in events] == [f"casework.{e.action}" for e in events]
    triage, reply = events[1].trail, events[-1].trail
    assert (triage.seat_type, triage.seat_id) == (Role.DEPUTY_AFFAIRS_STAFF, case.congress_id)
    assert (reply.seat_type, reply.seat_id, reply.body) == (
        Role.UNIT_OFFICER,
        unit().pk,
        f"unit:{unit().pk}",
    )
    assert reply.object_type == "casework.case" and reply.object_id == str(case.pk)
    assert reply.change["from"] == "handling" and reply.change["to"] == "replied"


def test_liaison_and_accounts_actions_write_their_event():
    staff = user("yc_staff")
    station = Station.objects.get(code="YC-BGJD")
    start = _last()
    liaison.do_add_point(
        station, data={"name": "顺城街社区联络点", "address": "顺城街 1 号"}, acting_user=staff
    )
    grant_role(user("unit_demo"), Role.STATION_MANAGER, station, acting_user=None)
    events = _after(start)
    assert [e.action for e in events] == ["liaison.add_point", "accounts.grant_role"]
    point, grant = events
    assert (point.actor_id, point.seat_type, point.seat_id) == (
        staff.pk,
        Role.DEPUTY_AFFAIRS_STAFF,
        station.congress_id,
    )
    assert point.object_type == "liaison.point" and point.change["fields"]["name"] == (
        "顺城街社区联络点"
    )
    assert grant.seat_type == "system" and grant.change["role"] == Role.STATION_MANAGER


def test_a_refused_action_leaves_no_event():
    station = Station.objects.get(code="YC-BGJD")
    start = _last()
    with pytest.raises(Exception):  # noqa: B017 - any refusal; what matters is what is stored
        liaison.do_add_point(station, data={"name": ""}, acting_user=user("yc_staff"))
    assert _after(start) == []


def test_a_reader_follows_the_trail_by_cursor_and_sees_each_event_once():
    seen: list[int] = []
    trail.follow("test-reader", lambda events: seen.extend(e.pk for e in events))
    try:
        TrailCursor.objects.create(name="test-reader", last_id=_last())
        new_opinion()
        new_opinion("顺城街人行道破损。")
        assert trail.deliver("test-reader", batch=1) == 1
        assert trail.deliver("test-reader") >= 1
        assert trail.deliver("test-reader") == 0
        registered = TrailEvent.objects.filter(pk__in=seen, action="casework.register")
        assert registered.count() == 2 and len(seen) == len(set(seen))
        assert TrailCursor.objects.get(name="test-reader").last_id == max(seen)
    finally:
        trail.unfollow("test-reader")


def test_a_reader_that_fails_does_not_move_its_cursor():
    def broken(events):
        raise ValueError("index unavailable")

    trail.follow("test-broken", broken)
    try:
        TrailCursor.objects.create(name="test-broken", last_id=_last())
        new_opinion()
        with pytest.raises(ValueError):
            trail.deliver("test-broken")
        cursor = TrailCursor.objects.get(name="test-broken")
        assert TrailEvent.objects.filter(pk__gt=cursor.last_id).exists()
    finally:
        trail.unfollow("test-broken")


def test_events_are_append_only():
    with transaction.atomic():
        event = trail.record("test.thing", actor=None, obj=user("yc_staff"))
    with pytest.raises(RuntimeError):
        event.save()


def test_many_events_at_once_get_their_ids_in_order_and_read_back_as_written():
    """record_many writes a batch with INSERT … RETURNING (core.bulk): each prepared event gets
    its own id, in order, and reads back with its actor, seat, time and change; readers on the
    trail hear of each."""
    staff = user("jz_staff")
    heard: list[int] = []
    batches: list[list[int]] = []

    def listen(event):
        heard.append(event.pk)

    def listen_batch(events):
        batches.append([e.pk for e in events])

    trail.on_record(listen, prefix="test.")
    trail.on_record_batch(listen_batch, prefix="test.")
    try:
        before = _last()
        with transaction.atomic():
            rows = trail.record_many(
                trail.event(
                    "test.batch",
                    actor=staff if i % 2 else None,
                    seat=trail.Seat("deputy_affairs_staff", 7, "晋中市人大常委会", "congress:7"),
                    object_type="test.thing",
                    object_id=i,
                    object_label=f"第{i}件",
                    change={"i": i, "names": ["甲", "乙"]} if i % 3 else {},
                )
                for i in range(2500)
            )
    finally:
        trail.off_record(listen)
        trail.off_record(listen_batch)
    assert [r.pk for r in rows] == [r.pk for r in _after(before)]
    assert heard == [r.pk for r in rows]
    assert batches == [heard]  # the batch reader hears the whole call once
    read = {r.object_id: r for r in _after(before)}
    assert len(read) == 2500
    for written in rows[:10] + rows[-10:]:
        got = read[written.object_id]
        i = int(got.object_id)
        assert got.actor_id == (staff.pk if i % 2 else None)
        assert got.actor_label == written.actor_label
        assert (got.seat_type, got.seat_id, got.body) == (
            "deputy_affairs_staff",
            7,
            "congress:7",
        )
        assert got.object_label == f"第{i}件"
        assert got.change == ({"i": i, "names": ["甲", "乙"]} if i % 3 else {})
        assert got.at == written.at
