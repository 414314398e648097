"""Pulling a hotline's work orders from its HTTP endpoint (`Source.pull_url`), on a schedule
(`manage.py pull_work_orders --every SECONDS`) or at once (`--source NAME`, the source page).

A pull fetches the endpoint (hotline/http.py: http(s) only, timeout, size limit, TLS
verified, no redirects), reads the answer as a JSON list of work orders (or `{"rows": …}`) or
as CSV, and imports it through the file import (`jobs.run`: checked again, written in one
transaction or not at all, idempotent by the hotline's number — the same answer twice adds
nothing). Each pull leaves a `PullRun` (time, status, counts, error) shown on the source's
page, and a trail entry `hotline.pull`. A failed pull (timeout, an HTTP error, a body that is
not JSON, a row with an error) imports nothing; the next pull starts afresh."""

from __future__ import annotations

import datetime as dt
import json
import logging

from django.db import DatabaseError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.core import trail

from . import http, jobs
from .models import ImportJob, PullRun, Source

logger = logging.getLogger("lianxin.hotline")


def auth_headers(source: Source) -> dict[str, str]:
    name, sep, value = (source.pull_auth_header or "").partition(":")
    if not sep or not name.strip():
        return {}
    return {name.strip(): value.strip()}


def _fetch(source: Source) -> bytes:
    accept = "application/json" if source.pull_format == "json" else "text/csv"
    answer = http.call(source.pull_url, headers={"Accept": accept, **auth_headers(source)})
    if answer.status != 200:
        raise http.CallFailed(_("对方返回 HTTP %(code)s。") % {"code": answer.status})
    return answer.body


def pull(source: Source) -> PullRun:
    """Fetch and import one source's endpoint now; returns the run's record."""
    source = Source.objects.select_related("congress__region").get(pk=source.pk)
    run = PullRun(source=source, started_at=timezone.now(), status=PullRun.Status.FAILED)
    if not source.pull_url:
        return _finish(run, error=_("该来源未设置拉取地址。"))
    try:
        data = _fetch(source)
    except http.CallFailed as exc:
        return _finish(run, error=exc.message)
    run.bytes = len(data)
    suffix = source.pull_format
    if suffix == "json":
        try:
            parsed = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return _finish(run, error=_("返回内容不是有效的 JSON：%(e)s") % {"e": exc})
        rows = parsed.get("rows") if isinstance(parsed, dict) else parsed
        if not isinstance(rows, list):
            return _finish(run, error=_('返回的 JSON 应为工单列表或 {"rows": [...]}。'))
        if not rows:
            run.status = PullRun.Status.DONE
            return _finish(run)
    elif not data.strip():
        run.status = PullRun.Status.DONE
        return _finish(run)
    job = ImportJob.objects.create(
        source=source,
        uploaded_by=None,
        file_name=f"pull-{run.started_at:%Y%m%d-%H%M%S}.{suffix}",
        content=data,
        file_format=suffix,
        status=ImportJob.Status.QUEUED,
    )
    try:
        job = jobs.run(job.pk)
    except DatabaseError:
        raise  # the loop's back-off handles the database going away
    except Exception as exc:  # noqa: BLE001 - the run log says what went wrong, the loop goes on
        logger.exception("pull of %s: the import failed", source.name)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, finished_at=timezone.now(), message=str(exc)[:500]
        )
        run.job = job
        return _finish(run, error=_("导入时出错：%(e)s") % {"e": exc.__class__.__name__})
    run.job = job
    run.total = job.total
    run.created_count = job.created_count
    run.existing_count = job.existing_count
    run.error_count = job.error_count
    if job.status == ImportJob.Status.DONE:
        run.status = PullRun.Status.DONE
        return _finish(run)
    errors = (job.report or {}).get("file_errors") or []
    return _finish(run, error="；".join([job.message, *errors]))


def _finish(run: PullRun, *, error: str = "") -> PullRun:
    run.error = error
    run.finished_at = timezone.now()
    with transaction.atomic():
        run.save()
        trail.record(
            "hotline.pull",
            actor=None,
            obj=run.source,
            change={
                "status": run.status,
                "created": run.created_count,
                "existing": run.existing_count,
                "errors": run.error_count,
                "error": error[:500],
            },
        )
    return run


def due(now: dt.datetime | None = None) -> list[Source]:
    """Sources with a pull URL whose interval has passed since their last pull."""
    now = now or timezone.now()
    out = []
    for source in Source.objects.exclude(pull_url="").annotate(last=Max("pull_runs__started_at")):
        interval = dt.timedelta(minutes=max(1, source.pull_interval_minutes))
        if source.last is None or source.last + interval <= now:
            out.append(source)
    return out


def pull_due() -> list[PullRun]:
    return [pull(source) for source in due()]
