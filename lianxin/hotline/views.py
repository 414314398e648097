"""Pages of 12345 work orders: the list, one order with its actions (each action's page is the
loop's `casework.views.run_action_page`), and the import: upload, preview with the check's
report, confirm, and the progress of the import (an htmx-polled fragment)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_http_methods

from lianxin.accounts.access import can, get_visible_or_404, visible_to
from lianxin.casework import attachments, similar
from lianxin.casework.models import Case, Kind
from lianxin.casework.views import ACTIONS as LOOP_SPECS
from lianxin.casework.views import ActionPage, run_action_page
from lianxin.core import trail
from lianxin.core.errors import LianxinError
from lianxin.core.forms import show_error

from . import export, forms, importing, jobs, pull, push, queries, serialize
from .http import mask
from .models import Delivery, ImportJob, PullRun, Source
from .workflow import WORK_ORDER_WORKFLOW, WorkOrderState

PAGE_SIZE = 50


@login_required
def order_list(request):
    if not can(request.user, "work_order.list"):
        raise PermissionDenied
    g = request.GET
    qs = queries.orders_for(request.user, state=g.get("state") or None)
    page = Paginator(qs, PAGE_SIZE).get_page(g.get("page"))
    return render(
        request,
        "hotline/list.html",
        {
            "page": page,
            "rows": [serialize.row(c) for c in page.object_list],
            "states": WorkOrderState.choices,
            "filters": g,
            "may_import": can(request.user, "work_order.import"),
        },
    )


def _load(request, pk: int) -> Case:
    return get_visible_or_404(
        request.user, queries.for_detail(Case.objects.filter(kind=Kind.WORK_ORDER)), pk=pk
    )


@login_required
def order_detail(request, pk: int):
    case = _load(request, pk)
    view = serialize.detail(case, request.user)
    # Whoever may triage it sees the open cases (any kind) probably about the same issue.
    may_triage = any(
        a["action"] in ("triage", "assign", "merge") for a in view["available_actions"]
    )
    may_merge = any(a["action"] == "merge" for a in view["available_actions"])
    duplicates = similar.possible_duplicates(request.user, case) if may_triage else []
    return render(
        request,
        "hotline/detail.html",
        {
            "case": case,
            "view": view,
            "duplicates": [similar.as_row(m, of=case) for m in duplicates],
            "may_merge": may_merge,
            "files": attachments.for_page(case, request.user),
        },
    )


SPECS = {
    action: LOOP_SPECS[action]
    for action in (
        "triage",
        "merge",
        "unmerge",
        "assign",
        "return",
        "consult",
        "reply",
        "evaluate",
        "rehandle",
        "remind",
        "supervise",
        "conclude",
    )
}

ACTION_PAGE = ActionPage(
    list_url_name="work_order_list",
    list_label=gettext_lazy("12345 工单"),
    detail_url_name="work_order_detail",
    action_url_name="work_order_action",
)


@login_required
@require_http_methods(["GET", "POST"])
def order_action(request, pk: int, action: str):
    case = _load(request, pk)
    return run_action_page(
        request, case, action, specs=SPECS, workflow=WORK_ORDER_WORKFLOW, page=ACTION_PAGE
    )


# --- Import -------------------------------------------------------------------------------------


def _sources(user):
    return [
        s
        for s in visible_to(user, Source).select_related("congress")
        if can(user, "work_order.import", s)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    if not can(request.user, "work_order.import"):
        raise PermissionDenied
    sources = Source.objects.filter(pk__in=[s.pk for s in _sources(request.user)])
    form = forms.UploadForm(request.POST or None, request.FILES or None, sources=sources)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = jobs.upload(
                    form.cleaned_data["source"],
                    upload.read(importing.MAX_FILE_BYTES + 1),
                    upload.name,
                    acting_user=request.user,
                )
            except LianxinError as exc:
                show_error(form, exc)
                status = exc.status
            else:
                return redirect("work_order_import_job", job.pk)
    recent = visible_to(request.user, ImportJob).select_related("source")[:10]
    return render(
        request,
        "hotline/import_upload.html",
        {"form": form, "recent": recent, "sources": sources},
        status=status,
    )


def _job(request, pk: int) -> ImportJob:
    return get_visible_or_404(request.user, ImportJob.objects.select_related("source"), pk=pk)


def _field_labels() -> dict:
    return {name: str(label) for name, (label, _required) in importing.FIELDS.items()}


@login_required
@require_http_methods(["GET", "POST"])
def import_job(request, pk: int):
    job = _job(request, pk)
    form = forms.ConfirmForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            jobs.confirm(
                job,
                valid_rows_only=form.cleaned_data["valid_rows_only"],
                acting_user=request.user,
            )
        except LianxinError as exc:
            messages.error(request, exc.message)
            status = exc.status
        else:
            return redirect("work_order_import_job", job.pk)
        job.refresh_from_db()
    report = job.report or {}
    labels = _field_labels()
    columns = [
        (name, labels[name]) for name in importing.FIELDS if name in report.get("columns", {})
    ]
    return render(
        request,
        "hotline/import_job.html",
        {
            "job": job,
            "report": report,
            "columns": columns,
            "preview": [
                (row.get("row"), [row.get(name, "") for name, _label in columns])
                for row in report.get("preview", [])
            ],
            "issues": [
                {**i, "field_label": labels.get(i["field"], i["field"])}
                for i in report.get("issues", [])
            ],
            "progress": jobs.progress(job),
            "form": form,
            "first_order": job.orders.order_by("case_id").first(),
        },
        status=status,
    )


@login_required
def import_progress(request, pk: int):
    job = _job(request, pk)
    return render(
        request,
        "hotline/_progress.html",
        {
            "job": job,
            "progress": jobs.progress(job),
            "first_order": job.orders.order_by("case_id").first(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def source_edit(request, pk: int):
    """The column mapping (our field → the hotline's header) and the state mapping of a source,
    edited by the staff who import its files."""
    from lianxin.core.forms import run_form_page

    source = get_visible_or_404(request.user, Source, pk=pk)
    if not can(request.user, "work_order.import", source):
        raise PermissionDenied
    labels = [(name, label) for name, (label, _required) in importing.FIELDS.items()]
    initial = {
        "name": source.name,
        "pull_url": source.pull_url,
        "pull_format": source.pull_format,
        "pull_interval_minutes": source.pull_interval_minutes,
        "webhook_url": source.webhook_url,
        "states": "\n".join(f"{k} = {v}" for k, v in (source.state_mapping or {}).items()),
        **{f"col_{k}": v for k, v in (source.mapping or {}).items()},
    }
    form = forms.SourceForm(
        request.POST if request.method == "POST" else None, initial=initial, fields=labels
    )

    def act(d):
        return jobs.save_source(
            source,
            name=d["name"],
            mapping={name: d.get(f"col_{name}", "") for name, _label in labels},
            states_text=d["states"],
            acting_user=request.user,
            connection=d,
        )

    return run_form_page(
        request,
        form,
        act,
        success=gettext("工单来源已保存。"),
        on_success=lambda saved: redirect("work_order_source", saved.pk),
        template="hotline/source_edit.html",
        context={
            "source": source,
            "auth_masked": mask(source.pull_auth_header),
            "secret_masked": mask(source.webhook_secret),
            "runs": source.pull_runs.select_related("job")[:20],
        },
    )


def _staff_source(request, pk: int) -> Source:
    source = get_visible_or_404(request.user, Source, pk=pk)
    if not can(request.user, "work_order.import", source):
        raise Http404
    return source


@login_required
@require_http_methods(["POST"])
def source_pull(request, pk: int):
    """Pull the source's endpoint now (the run is shown in the source's run log)."""
    source = _staff_source(request, pk)
    if not source.pull_url:
        messages.error(request, gettext("该来源未设置拉取地址。"))
    else:
        run = pull.pull(source)
        if run.status == PullRun.Status.DONE:
            messages.success(
                request,
                gettext("拉取成功：新导入 %(c)s 件，已导入过 %(e)s 件。")
                % {"c": run.created_count, "e": run.existing_count},
            )
        else:
            messages.error(request, gettext("拉取失败：%(e)s") % {"e": run.error})
    return redirect("work_order_source", source.pk)


@login_required
def source_export(request, pk: int):
    """The source's work orders of a period as .xlsx or CSV (`?from=&to=&format=`)."""
    source = _staff_source(request, pk)
    g = request.GET
    if "format" not in g:
        return render(request, "hotline/source_export.html", {"source": source, "filters": g})
    try:
        start, end = export.period(g.get("from", ""), g.get("to", ""))
        content, content_type, filename, rows = export.build(
            source, start, end, g.get("format", "xlsx")
        )
    except LianxinError as exc:
        return render(
            request,
            "hotline/source_export.html",
            {"source": source, "filters": g, "error": exc.message},
            status=exc.status,
        )
    with transaction.atomic():
        trail.record(
            "hotline.export",
            actor=request.user,
            obj=source,
            change={"from": str(start or ""), "to": str(end or ""), "rows": rows},
        )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def source_deliveries(request, pk: int):
    """The webhook delivery log of a source, with "retry now" for a pending or failed one."""
    source = _staff_source(request, pk)
    status = 200
    if request.method == "POST":
        delivery = get_object_or_404(Delivery, pk=request.POST.get("delivery") or 0, source=source)
        try:
            done = push.retry_now(delivery, acting_user=request.user)
        except LianxinError as exc:
            messages.error(request, exc.message)
            status = exc.status
        else:
            if done.status == Delivery.Status.DELIVERED:
                messages.success(request, gettext("已送达。"))
            else:
                messages.error(
                    request,
                    gettext("未送达：%(e)s") % {"e": done.last_error or done.get_status_display()},
                )
            return redirect("work_order_source_deliveries", source.pk)
    page = Paginator(source.deliveries.all(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "hotline/source_deliveries.html",
        {"source": source, "page": page},
        status=status,
    )
