"""Central assignment (集中交办) costs a fixed number of queries per batch, however many
suggestions it assigns, and still leaves each suggestion its own timeline event and trail row
naming the office's seat, its assignments and its co-handling deadline; the units' officers are
told once per batch, in a fixed number of queries too."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianxin.casework.models import Assignment, CaseEvent
from lianxin.casework.notify import unit_users
from lianxin.core.models import TrailEvent
from lianxin.notifications.models import Notification

from ..models import CoOpinionDeadline
from .helpers import advance, city, fresh, new_suggestion

pytestmark = pytest.mark.django_db

AUTHORS = ("deputy_demo", "deputy_b", "deputy_c")
UNITS = ("JZ-JTYSJ", "JZ-ZFCXJSJ")


def accepted(n: int, tag: str) -> list:
    return [
        advance(
            new_suggestion(f"集中交办第{tag}{i}件", author=AUTHORS[i % 3], in_session=False),
            "accepted",
        )
        for i in range(n)
    ]


def assign(api, cases, django_capture_on_commit_callbacks) -> tuple[int, int]:
    """Assign `cases` through the API as jz_staff; the queries of the request and of the
    notification routing queued with it (run here as the worker would run it)."""
    # Both batches start with the same caches (deadline policy, working days) empty.
    cache.clear()
    staff = api.as_user("jz_staff")
    body = {
        "items": [
            {
                "case": c.pk,
                "lead_unit": UNITS[i % 2],
                "co_units": [UNITS[(i + 1) % 2]],
                "complex": i % 2 == 0,
            }
            for i, c in enumerate(cases)
        ],
        "note": "集中交办。",
    }
    with django_capture_on_commit_callbacks() as queued:
        with CaptureQueriesContext(connection) as writing:
            r = staff.post("/api/v1/suggestions/assign", body)
    assert r.status_code == 200, r.json()
    assert r.json()["assigned"] == len(cases)
    assert queued, "the notification task is queued with the assignment"
    with CaptureQueriesContext(connection) as routing:
        for callback in queued:
            callback()
    return len(writing.captured_queries), len(routing.captured_queries)


def test_central_assignment_queries_do_not_grow_with_the_batch(
    api, django_capture_on_commit_callbacks
):
    small, large = accepted(5, "甲"), accepted(20, "乙")
    write_5, route_5 = assign(api, small, django_capture_on_commit_callbacks)
    Notification.objects.all().delete()
    write_20, route_20 = assign(api, large, django_capture_on_commit_callbacks)
    # Every statement of the action works on a whole batch (rows inserted a thousand at a time,
    # ids looked up 5,000 at a time, one UPDATE per due date), the seat is found once per
    # distinct case context (three authors here, in both batches) and the officers of the two
    # units are found once per batch and told once each: below a thousand cases no count may
    # depend on the number of cases, so the allowance per extra case is zero.
    assert write_20 == write_5, (write_5, write_20)
    assert route_20 == route_5, (route_5, route_20)
    # A bound, not only a comparison: a few dozen statements for the whole batch.
    assert write_20 <= 40 and route_20 <= 40, (write_20, route_20)

    office = city()
    for case in small + large:
        case = fresh(case)
        assert case.state == "assigned"
        events = list(CaseEvent.objects.filter(case=case, action="assign"))
        assert len(events) == 1
        row = events[0].trail
        assert row is not None
        assert (row.action, row.object_type, row.object_id) == (
            "casework.assign",
            "casework.case",
            str(case.pk),
        )
        assert (row.actor.username, row.seat_type, row.seat_id, row.body) == (
            "jz_staff",
            "deputy_affairs_staff",
            office.pk,
            f"congress:{office.pk}",
        )
        assert row.change["from"] == "accepted" and row.change["to"] == "assigned"
        assert row.change["data"]["due_date"] == case.due_date.isoformat()
        assert (
            TrailEvent.objects.filter(
                action="casework.assign", object_type="casework.case", object_id=str(case.pk)
            ).count()
            == 1
        )
        assert sorted(Assignment.objects.filter(case=case).values_list("role", flat=True)) == [
            "co",
            "lead",
        ]
        assert CoOpinionDeadline.objects.filter(case=case).count() == 1
    # Each officer of both units (as the loop finds them for one case) heard once of the
    # second batch, its twenty suggestions.
    officers = {u.username for case in large for u in unit_users(case)}
    assert {"unit_demo", "unit_other"} <= officers
    told = Notification.objects.filter(verb="assign")
    assert sorted(told.values_list("recipient__username", flat=True)) == sorted(officers)
    assert all("20" in n.title for n in told)


def test_central_assignment_moves_the_figures_at_once_as_a_rebuild_would(
    api, django_capture_on_commit_callbacks
):
    from django.core.management import call_command
    from django.db.models import Sum

    from lianxin.casework.models import MetricCell

    def assigned() -> int:
        cells = MetricCell.objects.filter(kind="suggestion")
        return cells.aggregate(n=Sum("assigned"))["n"] or 0

    def cells() -> set:
        return set(
            MetricCell.objects.exclude(collected=0).values_list(
                "kind", "region_code", "unit_id", "deputy_id", "month", "collected", "assigned"
            )
        )

    cases = accepted(6, "丙")
    before = assigned()
    assign(api, cases, django_capture_on_commit_callbacks)
    assert assigned() == before + 6
    kept = cells()
    call_command("rebuild_metrics", stdout=io.StringIO())
    assert cells() == kept
