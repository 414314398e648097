"""Background work of the hotline (django-tasks; `manage.py run_tasks` runs it)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_import(job_id: int) -> None:
    """Import a confirmed file (hotline.jobs.run)."""
    from .jobs import run

    run(job_id)
