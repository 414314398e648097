"""Queueing background work so that it is part of the change that caused it."""

from __future__ import annotations

from functools import partial

from django.db import transaction


def enqueue_with_transaction(task, *args) -> None:
    """Queue `task(*args)` for the background worker so that it exists exactly when the current
    transaction commits.

    With the database backend (django-tasks-db, what `make run` uses) the task row is written in
    the current transaction: it is committed with the change that caused it, or rolled back with
    it, and the worker cannot see it before the commit. Backends outside the database (and the
    immediate backend the tests use) are handed the task after the commit instead."""
    from django_tasks_db.backend import DatabaseBackend

    if (
        isinstance(task.get_backend(), DatabaseBackend)
        and transaction.get_connection().in_atomic_block
    ):
        task.enqueue(*args)
    else:
        transaction.on_commit(partial(task.enqueue, *args))


def reclaim_stale_tasks(timeout: float | None = None) -> int:
    """Queue again the tasks left RUNNING longer than LIANXIN_TASK_RUNNING_TIMEOUT seconds: their
    worker was killed mid-task and nothing else would ever run them. Returns how many. Every
    task must bear a second run (deliveries claim their message before sending, so a message
    is still sent at most once)."""
    import datetime as dt

    from django.conf import settings
    from django.utils import timezone
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    timeout = settings.LIANXIN_TASK_RUNNING_TIMEOUT if timeout is None else timeout
    cutoff = timezone.now() - dt.timedelta(seconds=timeout)
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=cutoff
    ).update(status=TaskResultStatus.READY)


def oldest_ready_task_age() -> float | None:
    """Seconds the oldest task waiting to run has waited (None: none waits)."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    oldest = (
        DBTaskResult.objects.ready()
        .order_by("enqueued_at")
        .values_list("enqueued_at", flat=True)[:1]
    )
    for at in oldest:
        return (timezone.now() - at).total_seconds()
    return None


def run_pending_tasks() -> dict[str, int]:
    """Run here and now every task left waiting or running (after a restore: those of the
    recovery point), as the worker would, each marked done or failed; returns the counts. The
    caller decides what they may send (notifications holds their messages)."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    done = failed = 0
    pending = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ).order_by("enqueued_at")
    for result in list(pending):
        try:
            task = result.task
            if task.takes_context:  # none of ours does; the worker runs it with its context
                result.status = TaskResultStatus.READY
                result.save(update_fields=["status"])
                continue
            value = task.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
            result.set_successful(value)
            done += 1
        except Exception as exc:  # noqa: BLE001 - recorded on the task, as the worker does
            result.set_failed(exc)
            failed += 1
    return {"tasks_rerun": done, "tasks_failed": failed}
