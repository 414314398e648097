"""Co-handling units owe the lead unit their opinion within one calendar month of assignment:
the due date (rolled to a working day), where it shows, and the deadline scan's reminders and
overdue mark — each once, however often the scan runs."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from lianxin.casework.scan import scan_deadlines
from lianxin.casework.tests.helpers import at, client_for
from lianxin.notifications.models import Notification
from lianxin.org.models import HandlingUnit

from .. import actions
from ..models import CoOpinionDeadline
from .helpers import advance, fresh, new_suggestion, unit, user

pytestmark = pytest.mark.django_db


def assigned_on(y, m, d, title="会办期限用建议"):
    with at(y, m, d):
        return advance(new_suggestion(title, in_session=False), "assigned")


def test_each_co_unit_owes_its_opinion_one_calendar_month_after_assignment():
    # 1 September + 1 month = 1 October, National Day: the period ends on Thursday 8 October.
    case = assigned_on(2026, 9, 1)
    row = CoOpinionDeadline.objects.get(case=case)
    assert (row.unit.code, row.due_on, row.assignment.role) == (
        "JZ-ZFCXJSJ",
        dt.date(2026, 10, 8),
        "co",
    )
    # The lead unit owes no co-handling opinion.
    assert not CoOpinionDeadline.objects.filter(case=case, unit__code="JZ-JTYSJ").exists()
    # Counted like the 3/6-month periods: 31 January + 1 month = 28 February 2026 (a make-up
    # working Saturday); 31 October → 30 November.
    assert actions.co_opinion_due(dt.date(2026, 1, 31)) == dt.date(2026, 2, 28)
    assert actions.co_opinion_due(dt.date(2026, 10, 31)) == dt.date(2026, 11, 30)


def test_central_assignment_sets_the_co_units_deadlines_too():
    with at(2026, 3, 2):
        case = advance(new_suggestion("集中交办会办期限", in_session=False), "accepted")
        actions.do_assign_suggestions(
            [actions.AssignItem(case_id=case.pk, lead_unit=unit(), co_units=[unit("JZ-ZFCXJSJ")])],
            acting_user=user("jz_staff"),
        )
    row = CoOpinionDeadline.objects.get(case=case)
    assert (row.unit.code, row.due_on) == ("JZ-ZFCXJSJ", dt.date(2026, 4, 2))


def test_the_scan_reminds_before_and_on_the_due_date_and_marks_it_overdue_once(
    django_capture_on_commit_callbacks,
):
    case = assigned_on(2026, 3, 2)  # co-handling opinion due Thursday 2 April
    row = CoOpinionDeadline.objects.get(case=case)
    assert row.due_on == dt.date(2026, 4, 2)
    url = f"/suggestions/{case.pk}/"
    to_co = Notification.objects.filter(url=url, recipient__username="unit_other")

    with at(2026, 3, 27):  # four working days before: nothing yet
        assert scan_deadlines().extra["co_opinion_soon"] == 0
    assert not to_co.filter(verb="co_opinion_soon").exists()
    with at(2026, 3, 30):  # three working days before
        first, second = scan_deadlines(), scan_deadlines()
    assert (first.extra["co_opinion_soon"], second.extra["co_opinion_soon"]) == (1, 0)
    assert to_co.filter(verb="co_opinion_soon").count() == 1
    with at(2026, 4, 2):
        first, second = scan_deadlines(), scan_deadlines()
    assert (first.extra["co_opinion_today"], second.extra["co_opinion_today"]) == (1, 0)
    assert to_co.filter(verb="co_opinion_today").count() == 1
    assert not CoOpinionDeadline.objects.get(pk=row.pk).is_overdue  # due today is not late

    with at(2026, 4, 3):
        with django_capture_on_commit_callbacks(execute=True):
            first, second = scan_deadlines(), scan_deadlines()
        out = io.StringIO()
        call_command("scan_deadlines", stdout=out)
    assert (first.extra["co_opinion_overdue"], second.extra["co_opinion_overdue"]) == (1, 0)
    assert "会办意见逾期 0 件" in out.getvalue()
    assert CoOpinionDeadline.objects.get(pk=row.pk).is_overdue
    events = fresh(case).events.filter(action="co_opinion_overdue")
    assert events.count() == 1
    late = HandlingUnit.objects.get(name="晋中市住房和城乡建设局")
    assert events.get().data == {"unit": late.name, "unit_id": late.pk, "due_date": "2026-04-02"}
    told = set(
        Notification.objects.filter(url=url, verb="co_opinion_overdue").values_list(
            "recipient__username", flat=True
        )
    )
    # Every officer of the late unit and of the lead unit (each has a clerk and a signer).
    assert told == {"unit_other", "unit_other_signer", "unit_demo", "unit_signer"}
    # The suggestion's own due date is untouched.
    assert not fresh(case).is_overdue


def test_an_opinion_sent_in_time_stops_the_reminders():
    case = assigned_on(2026, 3, 2)
    with at(2026, 3, 10):
        actions.do_co_opinion(case, content="同意，纳入改造计划。", acting_user=user("unit_other"))
    with at(2026, 3, 30):
        assert scan_deadlines().extra["co_opinion_soon"] == 0
    with at(2026, 4, 3):
        assert scan_deadlines().extra["co_opinion_overdue"] == 0
    row = CoOpinionDeadline.objects.get(case=case)
    assert row.opinion is not None and not row.is_overdue
    assert not Notification.objects.filter(verb__startswith="co_opinion_").exists()


def test_the_deadline_shows_on_the_page_the_api_and_the_co_units_work_list(api):
    case = assigned_on(2026, 3, 2, title="会办期限展示用建议")
    co = client_for("unit_other")
    with at(2026, 3, 5):
        page = co.get(f"/suggestions/{case.pk}/").content.decode()
        assert "晋中市住房和城乡建设局应于 2026-04-02 前向主办单位提出会办意见" in page
        assert 'data-status="waiting"' in page
        workbench = co.get("/workbench/").content.decode()
        block = workbench[workbench.index('id="worklist-co_opinions"') :][:1500]
        assert "会办期限展示用建议" in block and "2026-04-02" in block
        listing = co.get("/suggestions/").content.decode()
        assert 'id="co-opinions-due"' in listing
        r = api.as_user("unit_demo").get(f"/api/v1/suggestions/{case.pk}")
        assert r.json()["co_opinion_deadlines"] == [
            {
                "unit": "晋中市住房和城乡建设局",
                "due_on": "2026-04-02",
                "status": "waiting",
                "status_label": "待提出",
                "is_overdue": False,
                "sent_at": None,
            }
        ]
    with at(2026, 4, 3):
        scan_deadlines()
        block = co.get("/workbench/").content.decode()
        block = block[block.index('id="worklist-co_opinions"') :][:1500]
        assert "已逾期" in block
        r = api.as_user("unit_other").post(
            f"/api/v1/cases/{case.pk}/actions/co_opinion", {"content": "同意。"}
        )
        assert r.status_code == 200
        assert r.json()["co_opinion_deadlines"][0]["status"] == "sent"
        assert r.json()["co_opinion_deadlines"][0]["status_label"] == "逾期后已提出"
        workbench = co.get("/workbench/").content.decode()
        block = workbench[workbench.index('id="worklist-co_opinions"') :][:1500]
        assert "会办期限展示用建议" not in block


def test_rehandling_gives_the_co_units_a_new_deadline_and_the_scan_watches_it_again(
    api, django_capture_on_commit_callbacks
):
    case = assigned_on(2026, 3, 2, title="重新办理会办期限")  # first opinion due 2 April
    to_co = Notification.objects.filter(
        url=f"/suggestions/{case.pk}/", recipient__username="unit_other"
    )
    with at(2026, 3, 30):
        scan_deadlines()
    with at(2026, 4, 3):
        with django_capture_on_commit_callbacks(execute=True):
            scan_deadlines()
        # The opinion comes late; the lead unit replies and the deputy is dissatisfied.
        case = advance(fresh(case), "evaluated", rating="dissatisfied")
    row = CoOpinionDeadline.objects.get(case=case)
    assert row.is_overdue and row.opinion is not None
    assert to_co.filter(verb="co_opinion_soon").count() == 1

    with at(2026, 5, 11):  # Monday: a month later is Thursday 11 June
        actions.do_rehandle_suggestion(
            fresh(case), reason="请会同住建局重新研究。", acting_user=user("jz_staff")
        )
    row = CoOpinionDeadline.objects.get(pk=row.pk)
    assert (row.due_on, row.opinion, row.is_overdue) == (dt.date(2026, 6, 11), None, False)
    with at(2026, 5, 12):
        r = api.as_user("unit_demo").get(f"/api/v1/suggestions/{case.pk}")
        assert r.json()["co_opinion_deadlines"][0]["due_on"] == "2026-06-11"
        assert r.json()["co_opinion_deadlines"][0]["status"] == "waiting"
        workbench = client_for("unit_other").get("/workbench/").content.decode()
        block = workbench[workbench.index('id="worklist-co_opinions"') :][:1500]
        assert "重新办理会办期限" in block and "2026-06-11" in block

    with at(2026, 6, 5):  # four working days before: nothing yet
        assert scan_deadlines().extra["co_opinion_soon"] == 0
    with at(2026, 6, 8):  # three working days before
        first, second = scan_deadlines(), scan_deadlines()
    assert (first.extra["co_opinion_soon"], second.extra["co_opinion_soon"]) == (1, 0)
    soon = to_co.filter(verb="co_opinion_soon").order_by("id")
    assert soon.count() == 2
    assert soon.last().dedupe_key == f"co_opinion_due_soon:{row.pk}:2026-06-11:2"
    with at(2026, 6, 11):
        assert scan_deadlines().extra["co_opinion_today"] == 1
    with at(2026, 6, 12):
        assert scan_deadlines().extra["co_opinion_overdue"] == 1
    overdue = fresh(case).events.filter(action="co_opinion_overdue").order_by("id")
    assert [e.data["due_date"] for e in overdue] == ["2026-04-02", "2026-06-11"]


def test_a_second_round_opinion_meets_the_new_deadline():
    case = assigned_on(2026, 3, 2, title="重新办理会办意见")
    with at(2026, 3, 10):
        case = advance(case, "evaluated", rating="dissatisfied")
        first = CoOpinionDeadline.objects.get(case=case).opinion
        assert first.round == 1
    with at(2026, 5, 11):
        actions.do_rehandle_suggestion(
            fresh(case), reason="请重新研究。", acting_user=user("jz_staff")
        )
    with at(2026, 5, 20):
        second = actions.do_co_opinion(
            fresh(case), content="同意调整选址。", acting_user=user("unit_other")
        )
    row = CoOpinionDeadline.objects.get(case=case)
    assert (row.opinion, second.round, row.due_on) == (second, 2, dt.date(2026, 6, 11))
    with at(2026, 6, 8):
        assert scan_deadlines().extra["co_opinion_soon"] == 0
    with at(2026, 6, 12):
        assert scan_deadlines().extra["co_opinion_overdue"] == 0


def test_the_reminder_lead_time_is_a_policy_administrators_edit():
    from lianxin.casework.models import DeadlinePolicy

    policy = DeadlinePolicy.objects.get(kind="suggestion", step="co_opinion_remind")
    assert (policy.amount, policy.unit) == (3, "workdays")  # seeded: the former constant
    policy.amount = 5
    policy.save()
    case = assigned_on(2026, 3, 2)  # opinion due Thursday 2 April
    soon = Notification.objects.filter(url=f"/suggestions/{case.pk}/", verb="co_opinion_soon")
    with at(2026, 3, 25):  # six working days before
        scan_deadlines()
    assert not soon.exists()
    with at(2026, 3, 26):  # five working days before
        scan_deadlines()
    assert soon.filter(recipient__username="unit_other").count() == 1

    policy.amount, policy.unit = 10, "days"
    policy.save()
    other = assigned_on(2026, 3, 3, title="会办期限用建议二")  # due Friday 3 April
    soon = Notification.objects.filter(url=f"/suggestions/{other.pk}/", verb="co_opinion_soon")
    with at(2026, 3, 23):  # eleven days before
        scan_deadlines()
    assert not soon.exists()
    with at(2026, 3, 24):  # ten days before
        scan_deadlines()
    assert soon.filter(recipient__username="unit_other").count() == 1


def test_a_central_assignment_tells_each_unit_once_by_the_kind_s_rule(
    django_capture_on_commit_callbacks,
):
    cases = [
        advance(new_suggestion(f"集中交办通知 {n}", in_session=False), "accepted") for n in (1, 2)
    ]
    lead, co = unit(), unit("JZ-ZFCXJSJ")
    start = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_assign_suggestions(
            [
                actions.AssignItem(case_id=cases[0].pk, lead_unit=lead, co_units=[co]),
                actions.AssignItem(case_id=cases[1].pk, lead_unit=lead),
            ],
            acting_user=user("jz_staff"),
        )
    new = Notification.objects.filter(pk__gt=start, verb="assign")
    told = new.filter(recipient__username="unit_demo")
    assert [(n.title, n.url) for n in told] == [
        ("集中交办：本单位收到 2 件代表建议", f"/suggestions/?unit={lead.pk}")
    ]
    other = new.get(recipient__username="unit_other")
    assert other.title == "集中交办：本单位收到 1 件代表建议"
    # The staff member who assigned is not told of their own action.
    assert not new.filter(recipient__username="jz_staff").exists()
