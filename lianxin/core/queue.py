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
