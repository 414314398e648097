"""Background work of the hotline (django-tasks; `manage.py run_tasks` runs it)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_import(job_id: int) -> None:
    """Import a confirmed file (hotline.jobs.run)."""
    from .jobs import run

    run(job_id)


@task()
def index_import(job_id: int) -> None:
    """The search and same-issue entries of an import's new cases (hotline.jobs.index)."""
    from .jobs import index

    index(job_id)
