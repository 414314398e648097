"""An import, step by step: upload (read and check the file, keep it with its report and
preview), confirm (queue the background task) and run (check again, then write in one
transaction). The progress of a running import is kept in the cache (shared by the server and
the worker when `REDIS_URL` is set) and, at each phase's end, on the job row."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.accounts.access import can
from lianxin.core import trail
from lianxin.core.errors import Conflict, Forbidden, ValidationFailed
from lianxin.core.queue import enqueue_with_transaction

from . import importing
from .models import ImportJob, Source

S = ImportJob.Status


def _progress_key(job_id: int) -> str:
    return f"lianxin:hotline:import:{job_id}"


def set_progress(job_id: int, phase: str, done: int, total: int) -> None:
    cache.set(_progress_key(job_id), {"phase": phase, "done": done, "total": total}, 3600)


def progress(job: ImportJob) -> dict:
    """{"phase": checking/writing/done/…, "done", "total", "percent"} of a job."""
    live = cache.get(_progress_key(job.pk)) if job.status in (S.QUEUED, S.RUNNING) else None
    if live is None:
        phase = {S.DONE: "done", S.FAILED: "failed"}.get(job.status, job.status)
        done = job.total if job.status in (S.DONE, S.FAILED) else job.processed
        live = {"phase": phase, "done": done, "total": job.total}
    total = live["total"] or 0
    # Checking counts for the first half of the bar, writing for the second.
    if live["phase"] == "checking":
        percent = 50 * live["done"] // total if total else 0
    elif live["phase"] == "writing":
        percent = 50 + 50 * live["done"] // total if total else 50
    elif live["phase"] in ("done", "failed"):
        percent = 100
    else:
        percent = 0
    return {**live, "percent": min(100, percent)}


def upload(source: Source, data: bytes, name: str, *, acting_user) -> ImportJob:
    """Check a file against `source` and keep it as a job awaiting confirmation. An unreadable
    file is refused (422) and nothing is kept."""
    if not can(acting_user, "work_order.import", source):
        raise Forbidden(_("您没有权限导入该来源的工单。"))
    checked = importing.check(source, data, name)
    job = ImportJob.objects.create(
        source=source,
        uploaded_by=acting_user,
        file_name=name[:200],
        content=data,
        file_format=checked.file_format,
        encoding=checked.encoding,
        total=checked.total,
        error_count=len(checked.bad_rows),
        existing_count=len(checked.existing),
        report=checked.report(),
    )
    return job


@transaction.atomic
def confirm(job: ImportJob, *, valid_rows_only: bool, acting_user) -> ImportJob:
    """Queue the import of a checked file. A file with errors is refused unless only its valid
    rows are wanted; a job already confirmed is 409."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if not can(acting_user, "work_order.import", job.source):
        raise Forbidden(_("您没有权限导入该来源的工单。"))
    if job.status != S.CHECKED:
        raise Conflict(_("该文件已确认导入，不能重复确认。"), code="already_confirmed")
    report = job.report or {}
    if report.get("file_errors"):
        raise ValidationFailed(
            _("文件有误，不能导入：%(e)s") % {"e": "；".join(report["file_errors"])},
            code="import_invalid",
        )
    if report.get("issue_count") and not valid_rows_only:
        raise ValidationFailed(
            _("有 %(n)s 行有误，未导入任何工单；可修改后重新上传，或选择“仅导入有效行”。")
            % {"n": report.get("error_rows", 0)},
            code="import_invalid",
        )
    job.status = S.QUEUED
    job.valid_rows_only = bool(valid_rows_only)
    job.save(update_fields=["status", "valid_rows_only"])
    set_progress(job.pk, "queued", 0, job.total)
    from .tasks import run_import

    enqueue_with_transaction(run_import, job.pk)
    return job


def run(job_id: int) -> ImportJob:
    """The background task's body: check the file again (other imports may have run since the
    upload), then write its new rows in one transaction, or nothing."""
    job = ImportJob.objects.select_related("source__congress__region", "uploaded_by").get(pk=job_id)
    # Claimed once: a second worker (or the command and the worker) finds it taken.
    if not ImportJob.objects.filter(pk=job.pk, status=S.QUEUED).update(status=S.RUNNING):
        return job
    job.status = S.RUNNING
    total = job.total
    set_progress(job.pk, "checking", 0, total)
    started = time.monotonic()
    try:
        checked = importing.check(
            job.source,
            bytes(job.content),
            job.file_name,
            progress=lambda n: set_progress(job.pk, "checking", n, total),
        )
    except ValidationFailed as exc:
        return _fail(job, str(exc.message))
    if checked.file_errors or (checked.issues and not job.valid_rows_only):
        return _fail(
            job,
            _("有 %(n)s 行有误，未导入任何工单。") % {"n": len(checked.bad_rows)},
            checked,
        )
    checked_at = time.monotonic()
    rows = len(checked.rows)
    set_progress(job.pk, "writing", 0, rows or 1)
    ImportJob.objects.filter(pk=job.pk).update(processed=total)
    ids = importing.write(
        job,
        checked,
        acting_user=job.uploaded_by,
        progress=lambda n: set_progress(job.pk, "writing", n, rows),
    )
    written_at = time.monotonic()
    job.report = checked.report()
    job.report["seconds"] = {
        "check": round(checked_at - started, 2),
        "write": round(written_at - checked_at, 2),
    }
    job.status = S.DONE
    job.total = checked.total
    job.processed = checked.total
    job.created_count = len(ids)
    job.existing_count = len(checked.existing)
    job.error_count = len(checked.bad_rows)
    job.finished_at = timezone.now()
    job.message = _("新导入 %(created)s 件，已导入过 %(existing)s 件，有误未导入 %(bad)s 行。") % {
        "created": len(ids),
        "existing": len(checked.existing),
        "bad": len(checked.bad_rows),
    }
    with transaction.atomic():
        job.save()
        if ids:
            # Searchable within moments: the search and same-issue entries of the new cases
            # are written by a task of their own (rjieba's segmentation takes longer than the
            # write itself: 66 s against 19 s for 10,000 messages).
            from .tasks import index_import

            enqueue_with_transaction(index_import, job.pk)
    set_progress(job.pk, "done", total, total)
    return job


def index(job_id: int) -> int:
    """Write the search and same-issue entries of the cases a job imported."""
    ids = list(
        ImportJob.objects.get(pk=job_id)
        .orders.order_by("case_id")
        .values_list("case_id", flat=True)
    )
    importing.index(ids)
    return len(ids)


def _fail(job: ImportJob, message: str, checked=None) -> ImportJob:
    with transaction.atomic():
        job.status = S.FAILED
        job.message = message
        job.finished_at = timezone.now()
        if checked is not None:
            job.report = checked.report()
            job.total = checked.total
            job.error_count = len(checked.bad_rows)
        job.processed = job.total
        job.save()
        trail.record(
            "hotline.import_failed",
            actor=job.uploaded_by,
            obj=job,
            change={"source": job.source.name, "file": job.file_name, "message": message},
        )
    set_progress(job.pk, "failed", job.total, job.total)
    return job


@transaction.atomic
def save_source(
    source: Source,
    *,
    name: str,
    mapping: dict,
    states_text: str,
    acting_user,
    connection: dict | None = None,
):
    """Save a source's name, column mapping and state mapping (`theirs = ours` a line; ours is
    a state value or label of the work order's workflow) and, when `connection` is given, its
    pull and webhook settings (`_connection`); written to the trail, secrets masked."""
    from .workflow import W

    if not can(acting_user, "work_order.import", source):
        raise Forbidden(_("您没有权限修改该工单来源。"))
    known = {v: v for v in W.values} | {str(label): v for v, label in W.choices}
    states = {}
    for number, line in enumerate(states_text.splitlines(), start=1):
        if not line.strip():
            continue
        theirs, sep, ours = line.partition("=")
        if not sep or not theirs.strip() or ours.strip() not in known:
            raise ValidationFailed(
                _(
                    "状态对应关系第 %(n)s 行有误：应为“对方状态 = 本系统状态”，本系统状态为 %(states)s 之一。"
                )
                % {"n": number, "states": "、".join(W.values)},
                field="states",
            )
        states[theirs.strip()] = known[ours.strip()]
    locked = Source.objects.select_for_update().get(pk=source.pk)
    before = {
        "name": locked.name,
        "mapping": locked.mapping,
        "state_mapping": locked.state_mapping,
        **_connection_view(locked),
    }
    if connection is not None:
        _connection(locked, connection)
    locked.name = name.strip()
    locked.mapping = {k: v.strip() for k, v in mapping.items() if v and v.strip()}
    locked.state_mapping = states
    if Source.objects.exclude(pk=locked.pk).filter(name=locked.name).exists():
        raise ValidationFailed(_("已有同名的工单来源。"), field="name")
    locked.save(update_fields=["name", "mapping", "state_mapping", *CONNECTION_FIELDS])
    trail.record(
        "hotline.source_change",
        actor=acting_user,
        obj=locked,
        change={
            "before": before,
            "after": {
                "name": locked.name,
                "mapping": locked.mapping,
                "state_mapping": locked.state_mapping,
                **_connection_view(locked),
            },
        },
    )
    return locked


CONNECTION_FIELDS = (
    "pull_url",
    "pull_format",
    "pull_auth_header",
    "pull_interval_minutes",
    "webhook_url",
    "webhook_secret",
    "webhook_since",
)


def _connection_view(source: Source) -> dict:
    """The pull and webhook settings as the trail keeps them: secrets masked."""
    from .http import mask

    return {
        "pull_url": source.pull_url,
        "pull_format": source.pull_format,
        "pull_auth_header": mask(source.pull_auth_header),
        "pull_interval_minutes": source.pull_interval_minutes,
        "webhook_url": source.webhook_url,
        "webhook_secret": mask(source.webhook_secret),
    }


def _connection(source: Source, d: dict) -> None:
    """Check and set the pull and webhook settings: http(s) URLs (hotline/http.py refuses
    other schemes, and private addresses when the setting forbids them); an auth header of
    the form `Name: value`; a secret of 16 characters or more whenever a webhook is set. An
    empty secret or header keeps the stored one."""
    from .http import check_url

    pull_url = (d.get("pull_url") or "").strip()
    webhook_url = (d.get("webhook_url") or "").strip()
    if pull_url:
        check_url(pull_url, field="pull_url")
    if webhook_url:
        check_url(webhook_url, field="webhook_url")
    header = (d.get("pull_auth_header") or "").strip()
    if d.get("clear_pull_auth"):
        source.pull_auth_header = ""
    elif header:
        header_name, sep, value = header.partition(":")
        if not sep or not header_name.strip() or not value.strip() or " " in header_name.strip():
            raise ValidationFailed(
                _("认证头应为“名称: 值”，如“Authorization: Bearer abc”。"),
                field="pull_auth_header",
            )
        source.pull_auth_header = header
    secret = (d.get("webhook_secret") or "").strip()
    if secret:
        if len(secret) < 16:
            raise ValidationFailed(_("签名密钥至少 16 个字符。"), field="webhook_secret")
        source.webhook_secret = secret
    if webhook_url and not source.webhook_secret:
        raise ValidationFailed(_("设置回推地址时须同时设置签名密钥。"), field="webhook_secret")
    source.pull_url = pull_url
    source.pull_format = d.get("pull_format") or "json"
    source.pull_interval_minutes = int(d.get("pull_interval_minutes") or 60)
    if webhook_url and webhook_url != source.webhook_url:
        # Events from now on: a webhook set today does not replay the orders' past replies.
        source.webhook_since = timezone.now()
    source.webhook_url = webhook_url
