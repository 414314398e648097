"""Due dates in Chinese working days: holidays skipped, make-up Saturdays and Sundays counted."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from lianxin.casework import actions, deadlines
from lianxin.casework.models import DeadlinePolicy, WorkdayOverride

from .helpers import category, fresh, new_opinion, unit, user

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def test_the_national_day_week_is_skipped_and_the_make_up_saturday_counts():
    # 2025: 1–8 October off; Sunday 28 September and Saturday 11 October are workdays.
    assert deadlines.add_workdays(dt.date(2025, 9, 30), 1) == dt.date(2025, 10, 9)
    assert deadlines.add_workdays(dt.date(2025, 9, 30), 3) == dt.date(2025, 10, 11)
    assert deadlines.add_workdays(dt.date(2025, 9, 26), 1) == dt.date(2025, 9, 28)


def test_fifteen_working_days_from_the_eve_of_national_day_end_on_28_october():
    assert deadlines.add_workdays(dt.date(2025, 9, 30), 15) == dt.date(2025, 10, 28)


def test_spring_festival_2026_is_skipped():
    # 2026 Spring Festival: 15–23 February off; 14 and 28 February are make-up workdays.
    assert deadlines.add_workdays(dt.date(2026, 2, 13), 1) == dt.date(2026, 2, 14)
    assert deadlines.add_workdays(dt.date(2026, 2, 14), 1) == dt.date(2026, 2, 24)


def test_years_the_calendar_does_not_know_yet_fall_back_to_weekends():
    # Friday 31 December 2027 → Monday 3 January 2028 … as long as the library has no 2028.
    assert deadlines.add_workdays(dt.date(2028, 1, 7), 1) == dt.date(2028, 1, 10)


def test_months_count_as_the_law_counts_them():
    assert deadlines.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert deadlines.add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert deadlines.add_months(dt.date(2026, 5, 15), 6) == dt.date(2026, 11, 15)


@pytest.mark.django_db
def test_an_administrators_override_wins_over_the_calendar():
    WorkdayOverride.objects.create(date=dt.date(2025, 10, 9), is_workday=False, note="本地停电")
    assert deadlines.add_workdays(dt.date(2025, 9, 30), 1) == dt.date(2025, 10, 10)


@pytest.mark.django_db
def test_an_assignment_on_the_eve_of_national_day_is_due_after_the_holiday():
    with time_machine.travel(dt.datetime(2025, 9, 30, 10, 0, tzinfo=SHANGHAI), tick=False):
        case = new_opinion()
        staff = user("yc_staff")
        # Registered on 30 September: triage is due the next working day, 9 October.
        assert case.due_date == dt.date(2025, 10, 9)
        actions.do_triage_case(case, category=category(), acting_user=staff)
        actions.do_assign_case(case, lead_unit=unit(), acting_user=staff)
    case = fresh(case)
    assignment = case.assignments.get()
    assert assignment.due_date == dt.date(2025, 10, 28)
    assert case.due_date == dt.date(2025, 10, 28)
    # The unit may ask to return it within 3 working days: 9, 10 and 11 October.
    assert assignment.return_deadline == dt.date(2025, 10, 11)


@pytest.mark.django_db
def test_the_deadline_policy_is_data_an_administrator_edits():
    DeadlinePolicy.objects.filter(kind="opinion", step="handle").update(amount=5)
    with time_machine.travel(dt.datetime(2025, 9, 30, 10, 0, tzinfo=SHANGHAI), tick=False):
        case = new_opinion()
        staff = user("yc_staff")
        actions.do_triage_case(case, category=category(), acting_user=staff)
        actions.do_assign_case(case, lead_unit=unit(), acting_user=staff)
    assert fresh(case).due_date == dt.date(2025, 10, 14)


@pytest.mark.django_db
def test_the_seeded_policy_carries_the_numbers_of_the_domain():
    def policy(kind, step):
        row = DeadlinePolicy.objects.get(kind=kind, step=step)
        return row.amount, row.unit

    assert policy("opinion", "triage") == (1, "workdays")
    assert policy("opinion", "handle") == (15, "workdays")
    assert policy("opinion", "feedback") == (2, "workdays")
    assert policy("opinion", "return_window") == (3, "workdays")
    assert policy("opinion", "auto_conclude") == (7, "days")
    assert policy("suggestion", "handle") == (3, "months")
    assert policy("suggestion", "handle_complex") == (6, "months")
    assert policy("suggestion", "return_window") == (7, "workdays")
