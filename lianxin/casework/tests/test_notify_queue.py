"""Notifications of an action are queued as a background task in the action's own transaction
when the database task backend is in use (as under `make run`), and the worker delivers them."""

from __future__ import annotations

import pytest
from django.db import transaction
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from lianxin.casework import actions
from lianxin.notifications.models import Notification

from .helpers import advance, new_opinion, unit, user

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _notify_tasks():
    return DBTaskResult.objects.filter(task_path="lianxin.casework.tasks.notify_event")


def run_worker() -> None:
    """What `manage.py db_worker --batch` does for each ready task (its loop also closes the
    database connection between tasks, which would end the test's transaction)."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    for result in DBTaskResult.objects.ready():
        result.claim(worker.worker_id)
        worker.run_task(result)


def test_the_task_row_is_written_with_the_change_and_the_worker_tells_the_unit(settings):
    settings.TASKS = DB_TASKS
    case = advance(new_opinion(), "triaged")
    before = _notify_tasks().count()
    actions.do_assign_case(case, lead_unit=unit(), acting_user=user("yc_staff"))
    assert _notify_tasks().count() == before + 1
    mine = Notification.objects.filter(recipient__username="unit_demo", url=f"/cases/{case.pk}/")
    assert not mine.exists()  # not yet: the worker has not run
    run_worker()
    assert mine.get().verb == "assign"
    assert not _notify_tasks().filter(status="READY").exists()


def test_a_rolled_back_change_leaves_no_task(settings):
    settings.TASKS = DB_TASKS
    case = advance(new_opinion(), "triaged")
    before = _notify_tasks().count()
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.do_assign_case(case, lead_unit=unit(), acting_user=user("yc_staff"))
        raise RuntimeError("rolled back")
    assert _notify_tasks().count() == before
    assert not case.events.filter(action="assign").exists()


def test_a_suggestions_own_notification_goes_through_the_worker_too(settings):
    """Co-sponsors are invited when a joint suggestion is written: the draft's `invite` entry,
    told by the suggestion kind's rule (suggestions.notices) through the worker."""
    from lianxin.suggestions.tests.helpers import new_suggestion

    settings.TASKS = DB_TASKS
    invites = Notification.objects.filter(recipient__username="deputy_b", verb="cosign_invite")
    before = invites.count()
    tasks = DBTaskResult.objects.filter(task_path="lianxin.casework.tasks.notify_event")
    queued = tasks.count()
    new_suggestion("关于联名邀请通知的建议", co=("deputy_b",))
    assert tasks.count() > queued
    assert invites.count() == before  # not before the worker runs
    run_worker()
    assert invites.count() == before + 1
