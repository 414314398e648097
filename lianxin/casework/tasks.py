"""Background work of the loop (django-tasks; `manage.py run_tasks` runs it)."""

from __future__ import annotations

from django_tasks import task


@task()
def notify_event(event_id: int) -> None:
    """Tell whoever a timeline event concerns (casework.notify.on_event)."""
    from .notify import on_event

    on_event(event_id)


@task()
def notify_events(event_ids: list[int]) -> None:
    """Tell whoever events written together concern (casework.notify.on_events)."""
    from .notify import on_events

    on_events(event_ids)
