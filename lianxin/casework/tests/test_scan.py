"""The deadline scan: overdue flags, reminders before and on the due date, auto-conclusion —
and nothing new when it runs again."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from lianxin.casework.scan import scan_deadlines
from lianxin.notifications.models import Notification

from .helpers import advance, at, fresh, new_opinion

pytestmark = pytest.mark.django_db


def test_an_assignment_past_its_due_date_is_marked_overdue_once(django_capture_on_commit_callbacks):
    with at(2026, 3, 2):  # Monday; 15 working days → Monday 23 March
        case = advance(new_opinion(), "handling")
    assert case.due_date == dt.date(2026, 3, 23)
    with at(2026, 3, 23, 18):
        with django_capture_on_commit_callbacks(execute=True):
            scan_deadlines()
        assert not fresh(case).is_overdue  # due today is not late yet
    with at(2026, 3, 24):
        with django_capture_on_commit_callbacks(execute=True):
            first = scan_deadlines()
            second = scan_deadlines()
    case = fresh(case)
    assert case.is_overdue
    assert first.overdue >= 1 and second.overdue == 0
    assert case.events.filter(action="overdue").count() == 1
    overdue_notes = Notification.objects.filter(verb="overdue", url=f"/cases/{case.pk}/")
    # Only the unit can still reply (its clerk and its signer); the office finds the case in its
    # 超期 work list.
    assert {n.recipient.username for n in overdue_notes} == {"unit_demo", "unit_signer"}


def test_reminders_go_out_before_and_on_the_due_date_once_each(django_capture_on_commit_callbacks):
    with at(2026, 3, 2):
        case = advance(new_opinion(), "handling")
    url = f"/cases/{case.pk}/"
    # Two working days before 23 March: Thursday 19 March.
    with at(2026, 3, 18):
        scan_deadlines()
    assert not Notification.objects.filter(url=url, verb="due_soon").exists()
    with at(2026, 3, 19):
        scan_deadlines()
        scan_deadlines()
    assert (
        Notification.objects.filter(
            url=url, verb="due_soon", recipient__username="unit_demo"
        ).count()
        == 1
    )
    with at(2026, 3, 23):
        scan_deadlines()
        scan_deadlines()
    assert (
        Notification.objects.filter(
            url=url, verb="due_today", recipient__username="unit_demo"
        ).count()
        == 1
    )


def test_a_case_fed_back_without_a_rating_is_concluded_after_seven_days():
    with at(2026, 3, 2):
        case = advance(new_opinion(), "fed_back")
    with at(2026, 3, 8):
        scan_deadlines()
    assert fresh(case).state == "fed_back"
    with at(2026, 3, 9, 10):
        result = scan_deadlines()
        again = scan_deadlines()
    case = fresh(case)
    assert case.state == "concluded"
    assert result.concluded >= 1 and again.concluded == 0
    event = case.events.get(action="conclude")
    assert event.actor is None and event.actor_label == "系统" and event.data["auto"] is True


def test_staff_cannot_conclude_an_unrated_case_before_the_waiting_time():
    from lianxin.casework import actions
    from lianxin.core.errors import Conflict

    from .helpers import user

    with at(2026, 3, 2):
        case = advance(new_opinion(), "fed_back")
        with pytest.raises(Conflict):
            actions.do_conclude_case(case, acting_user=user("yc_staff"))
    with at(2026, 3, 10):
        assert actions.do_conclude_case(case, acting_user=user("yc_staff")).state == "concluded"


def test_the_command_reports_what_it_did():
    with at(2026, 3, 2):
        advance(new_opinion(), "handling")
    out = io.StringIO()
    with at(2026, 4, 1):
        call_command("scan_deadlines", stdout=out)
    assert "逾期" in out.getvalue()
