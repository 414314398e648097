"""Staff pages of the loop: the case list, one case with its action forms (htmx, and plain
forms without JavaScript), contact reveal, attachments and figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from lianxin.accounts.access import get_visible_or_404, grants, mask_phone, visible_to
from lianxin.core import dates
from lianxin.core.audit import record as audit_record
from lianxin.core.errors import LianxinError, ValidationFailed
from lianxin.core.forms import show_error
from lianxin.core.models import AuditLog

from . import (
    actions,
    attachments,
    dashboard,
    forms,
    kinds,
    metrics,
    queries,
    resolve,
    rules,
    saved_filters,
    search,
    serialize,
    similar,
    stats,
    texts,
    viewing,
)
from .models import Case, Category, Kind, ReplyCategory
from .workflow import workflow_for

PAGE_SIZE = 50


# --- The list -----------------------------------------------------------------------------------


def _bool(value: str | None) -> bool | None:
    return {"1": True, "true": True, "0": False, "false": False}.get((value or "").lower())


def _filtered(request):
    """The cases of the list's filters (the query string), and the refusal of a bad filter."""
    g = request.GET
    try:
        qs = queries.cases_for(
            request.user,
            kind=g.get("kind") or None,
            state=g.get("state") or None,
            region=g.get("region") or None,
            overdue=_bool(g.get("overdue")),
            q=g.get("q") or None,
            supervised=_bool(g.get("supervised")),
            mine=g.get("mine") == "1",
            request=request,
        )
    except LianxinError as exc:
        return Case.objects.none(), exc.message
    return qs, None


@login_required
def case_list(request):
    qs, error = _filtered(request)
    return _list_page(request, qs, error)


def _list_page(request, qs, error):
    g = request.GET
    paginator = Paginator(queries.for_list(qs), PAGE_SIZE)
    page = paginator.get_page(g.get("page"))
    kind = g.get("kind") if g.get("kind") in Kind.values else Kind.OPINION
    context = {
        "page": page,
        "rows": [serialize.case_row(c) for c in page.object_list],
        "kinds": Kind.choices,
        "states": workflow_for(kind).states.choices if _has_workflow(kind) else [],
        "filters": g,
        "error": error,
        "query": _without(g, "page"),
        "saved_filters": saved_filters.of(request.user),
        "filter_query": saved_filters.clean_query(g.urlencode()),
    }
    if not request.htmx:
        context["region_picker"] = _region_picker(request.user, _("（不限）")).render(
            "region", g.get("region") or "", attrs={"id": "f-region"}
        )
    template = "casework/case_list.html#results" if request.htmx else "casework/case_list.html"
    return render(request, template, context, status=422 if error else 200)


def _has_workflow(kind: str) -> bool:
    try:
        workflow_for(kind)
    except LookupError:
        return False
    return True


def _without(querydict, key: str) -> str:
    q = querydict.copy()
    q.pop(key, None)
    return q.urlencode()


@login_required
@require_POST
def save_filter(request):
    """Keep the list's present filters under a name of the user's own."""
    try:
        row = saved_filters.save(
            request.user, name=request.POST.get("name", ""), query=request.POST.get("query", "")
        )
    except LianxinError as exc:
        messages.error(request, exc.message)
        return redirect(_list_url(request.POST.get("query", "")))
    messages.success(request, _("已保存常用筛选“%(name)s”。") % {"name": row.name})
    return redirect(_list_url(row.query))


@login_required
@require_POST
def delete_filter(request, pk: int):
    try:
        name = saved_filters.delete(request.user, pk)
    except LianxinError as exc:
        raise Http404 from exc
    messages.success(request, _("已删除常用筛选“%(name)s”。") % {"name": name})
    return redirect("case_list")


def _list_url(query: str) -> str:
    query = saved_filters.clean_query(query)
    return reverse("case_list") + (f"?{query}" if query else "")


@login_required
def case_export(request):
    """Exactly the filtered list as an Excel file, phones masked; written to the security trail."""
    from . import export

    qs, error = _filtered(request)
    if error is None:
        try:
            content, n = export.cases_xlsx(qs)
        except LianxinError as exc:
            error = exc.message
    if error is not None:
        return _list_page(request, Case.objects.none(), error)
    return _xlsx_download(request, content, rows=n, target="cases")


def _xlsx_download(request, content: bytes, *, rows: int, target: str) -> HttpResponse:
    """An exported list as a download, written to the security trail with its filters."""
    from django.utils.http import content_disposition_header

    from lianxin.core.audit import record

    from . import export

    record(
        AuditLog.Kind.EXPORTED,
        request=request,
        user=request.user,
        target=target,
        format="xlsx",
        filters=_without(request.GET, "page")[:500],
        rows=rows,
    )
    filename = f"{target}-{dt.date.today():%Y%m%d}.xlsx"
    response = HttpResponse(content, content_type=export.XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# --- Batch triage and assignment from the list -------------------------------------------------

BATCH_FORMS = {"triage": forms.BatchTriageForm, "assign": forms.BatchAssignForm}


def _batch_ids(data) -> list[int]:
    try:
        return [int(v) for v in data.getlist("ids") if v.strip()]
    except ValueError:
        return []


def _batch_units(cases, user):
    """The units every selected case may go to: those of each case's region and above."""
    from lianxin.org.models import HandlingUnit

    prefixes = {code[:n] for c in cases for code in [c.scope_code] for n in (2, 4, 6, 9, 12)}
    return (
        visible_to(user, HandlingUnit)
        .filter(is_active=True, region__code__in=[p for p in prefixes if p])
        .select_related("region")
        .order_by("region__code", "code")
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_batch(request, action: str):
    """The ticked cases of the list and the one form of a batch action; POST runs it for every
    case at once (casework.batch), or, when any case cannot take it, changes nothing and says
    which and why (409)."""
    from . import batch

    form_class = BATCH_FORMS.get(action)
    if form_class is None:
        raise Http404
    data = request.POST if request.method == "POST" else request.GET
    back = data.get("back", "")
    back = back if back.startswith("/cases/") and "//" not in back else reverse("case_list")
    status, refusals, cases = 200, [], []
    error = None
    try:
        cases = batch.cases_of(request.user, _batch_ids(data))
    except LianxinError as exc:
        error, status = exc.message, exc.status
    form = form_class(
        request.POST if request.method == "POST" and not error else None,
        units=_batch_units(cases, request.user),
    )
    if request.method == "POST" and not error:
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            try:
                if action == "triage":
                    done = batch.do_triage_cases(
                        cases, category=d["category"], note=d["note"], acting_user=request.user
                    )
                else:
                    done = batch.do_assign_cases(
                        cases,
                        lead_unit=d["lead_unit"],
                        co_units=d["co_units"],
                        due_date=d["due_at"],
                        note=d["note"],
                        acting_user=request.user,
                    )
            except batch.BatchRefused as exc:
                refusals, error, status = exc.refusals, exc.message, exc.status
            except LianxinError as exc:
                show_error(form, exc)
                status = exc.status
            else:
                messages.success(
                    request,
                    _("已%(action)s %(n)s 件。") % {"action": batch.LABELS[action], "n": len(done)},
                )
                return redirect(back)
    rows = [
        serialize.case_row(c)
        for c in queries.for_list(Case.objects.filter(pk__in=[c.pk for c in cases]))
    ]
    refused = {r.case.pk: r.reason for r in refusals}
    for row in rows:
        row["refusal"] = refused.get(row["id"], "")
    return render(
        request,
        "casework/batch.html",
        {
            "action": action,
            "label": batch.LABELS[action],
            "form": form,
            "rows": rows,
            "error": error,
            "back": back,
        },
        status=status,
    )


# --- One case -----------------------------------------------------------------------------------


def _load(request, pk: int) -> Case:
    return get_visible_or_404(request.user, queries.for_detail(Case.objects.all()), pk=pk)


@login_required
def case_detail(request, pk: int):
    case = _load(request, pk)
    if workflow_for(case.kind).detail_url_name != "case_detail":
        # A kind with a page of its own (suggestions, motions) is handled there.
        return redirect(case.get_absolute_url())
    return render(request, "casework/case_detail.html", _detail_context(request, case))


def _detail_context(request, case: Case, **extra) -> dict:
    from lianxin.accounts.access import can

    wf = workflow_for(case.kind)
    view = serialize.case_detail(case, request.user)
    if view.get("contact_name"):
        viewing.shown(request, case)
    # Whoever may merge this case sees the open cases probably about the same issue.
    may_merge = any(a["action"] == "merge" for a in view["available_actions"])
    duplicates = similar.possible_duplicates(request.user, case) if may_merge else []
    return {
        "derived": _derived(request.user, case),
        "case": case,
        "view": view,
        "duplicates": [similar.as_row(m, of=case) for m in duplicates],
        "state_label": wf.state_label(case.state),
        "masked_phone": mask_phone(case.contact_phone),
        "can_reveal": bool(case.contact_phone)
        and not case.is_anonymous
        and can(request.user, "case.view_contact", case),
        "files": attachments.for_page(case, request.user),
        "has_letter": bool(queries.active_assignments(case)),
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def derive_many(request):
    """The deputy's (or the office's) work list of opinions that may still be turned into a
    suggestion: tick several, give a title, and one draft carries them all."""
    from lianxin.core.forms import run_form_page

    from . import lineage

    candidates = lineage.candidates(request.user, limit=50)
    targets = lineage.targets()
    form = forms.DeriveManyForm(
        request.POST or None,
        targets=targets,
        candidates=candidates,
        initial={"kind": targets[0].kind} if targets else None,
    )

    def act(d):
        origins = lineage.resolve_origins(request.user, d["origins"])
        fields = {"title": d["title"]} if d["title"] else {}
        return lineage.derive(origins, kind=d["kind"], acting_user=request.user, **fields)

    return run_form_page(
        request,
        form,
        act,
        success=_("已转为草稿，请完善后提交。"),
        on_success=lambda case: redirect(case.get_absolute_url()),
        template="casework/derive_many.html",
        context={"candidates": candidates},
    )


def _derived(user, case: Case) -> list[dict]:
    """The cases made from this one that `user` may open (a deputy's draft shows to them and
    the office, not to a unit): kind, title, state and address of each."""
    from lianxin.accounts.access import visible_to

    from . import lineage

    made = {c.pk: c for c in lineage.derived_from(case)}
    if not made:
        return []
    shown = set(visible_to(user, Case).filter(pk__in=made).values_list("pk", flat=True))
    return [
        {
            "kind_label": c.get_kind_display(),
            "title": c.display_title,
            "state_label": workflow_for(c.kind).state_label(c.state),
            "url": c.get_absolute_url(),
        }
        for pk, c in made.items()
        if pk in shown
    ]


@dataclass
class ActionSpec:
    form: type
    run: Callable  # (case, data, user, request) → None
    kwargs: Callable | None = None  # (case, user) → form kwargs
    initial: Callable | None = None  # (case) → initial data besides the version
    # Fields a link may pre-fill through its query string (?merge_into=…), on GET only.
    from_query: tuple[str, ...] = ()
    # A template (given `case`) of what the actor reads before acting, shown above the form
    # when the action's page is opened on its own (a co-sponsor's invitation: the suggestion).
    subject: str | None = None
    # (case, user) → the context of casework/_triage_proposal.html (the learned triage's
    # proposal with its one-click "adopt" link), shown above the form; None: no such card.
    proposal: Callable | None = None


@dataclass(frozen=True)
class ActionPage:
    """Where a kind's action pages sit: its list and detail pages and its action address."""

    list_url_name: str
    list_label: Any
    detail_url_name: str
    action_url_name: str
    stylesheets: tuple[str, ...] = ("casework/casework.css",)


def run_action_page(
    request, case: Case, action: str, *, specs: dict[str, ActionSpec], workflow, page: ActionPage
):
    """The page of one action on a case, for every kind: GET shows the form (403 unless the
    user may take the action now), POST runs it and goes back to the case; with htmx the form
    is swapped in place and a refusal shows on it."""
    spec = specs.get(action)
    if spec is None or action not in workflow.actions:
        raise Http404
    kwargs = spec.kwargs(case, request.user) if spec.kwargs else {}
    label = workflow.action_label(action)
    if request.method == "POST":
        form = spec.form(request.POST, request.FILES, **kwargs)
        error_status = 422
        if form.is_valid():
            try:
                spec.run(case, form.cleaned_data, request.user, request)
            except LianxinError as exc:
                show_error(form, exc)
                error_status = exc.status
            else:
                state = Case.objects.filter(pk=case.pk).values_list("state", flat=True).first()
                messages.success(
                    request,
                    _("已办理“%(action)s”，当前状态：%(state)s。")
                    % {"action": label, "state": workflow.state_label(state)},
                )
                url = reverse(page.detail_url_name, args=[case.pk])
                if request.htmx:
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = url
                    return response
                return redirect(url)
        # htmx swaps only 2xx and 422 (see base.html): every refusal shows in place.
        status = 422 if request.htmx else error_status
    else:
        if action not in {t.action for t in workflow.available(case, request.user)}:
            return _not_now(request, case, action, workflow=workflow, page=page, label=label)
        initial = {"version": case.version, **(spec.initial(case) if spec.initial else {})}
        initial.update({k: request.GET[k] for k in spec.from_query if request.GET.get(k)})
        form = spec.form(initial=initial, **kwargs)
        status = 200
    t = next((t for t in workflow.transitions if t.action == action), None)
    context = {
        "case": case,
        "form": form,
        "action": action,
        "label": label,
        "confirm": str(t.confirm) if t is not None and t.confirm else "",
        "page": page,
        "action_url": reverse(page.action_url_name, args=[case.pk, action]),
        "detail_url": reverse(page.detail_url_name, args=[case.pk]),
        "subject": spec.subject,
        "proposal": spec.proposal(case, request.user) if spec.proposal else None,
        **_reply_quality_context(request, case, action),
    }
    template = "casework/action_form.html#form" if request.htmx else "casework/action_form.html"
    return render(request, template, context, status=status)


def _reply_quality_context(request, case: Case, action: str) -> dict:
    """The reply-quality check on the pages of writing a reply (a button that checks the text
    being written) and of signing one off (the check of the reply awaiting sign-off, with its
    issues listed). Advisory: it blocks nothing."""
    from lianxin.accounts.access import can

    from . import reply_quality

    if action not in ("reply", "sign_off") or not can(request.user, "case.check_reply", case):
        return {}
    if action == "reply":
        return {"reply_check_url": reverse("case_reply_check", args=[case.pk])}
    pending = queries.pending_reply(case)
    if pending is None or not pending.content:
        return {}
    return {"signoff_check": reply_quality.check(case, pending.content)}


@login_required
@require_POST
def reply_check(request, pk: int):
    """The reply-quality check of the text being written (`content`), as a fragment of the
    reply page ("检查答复质量"). Only to whoever may reply or sign off: 404 otherwise."""
    from lianxin.accounts.access import can

    from . import reply_quality

    case = get_visible_or_404(request.user, Case.objects.all(), pk=pk)
    if not can(request.user, "case.check_reply", case):
        raise Http404
    text = request.POST.get("content", "").strip()[: reply_quality.MAX_CHARS * 2]
    result = reply_quality.check(case, text) if text else None
    return render(request, "casework/_reply_quality.html", {"rq": result, "rq_empty": not text})


def _not_now(request, case: Case, action: str, *, workflow, page: ActionPage, label: str):
    """An action the user may take on such a case, but not in the state it is in now (assign
    before triage, a second tab, Back after the step was taken): say so, with the state, what
    can be done now and the way back; 409. Never allowed to this user at all: 403."""
    from lianxin.core.errors import Conflict

    try:
        workflow.check(case, action, request.user)
    except Conflict as exc:
        message = exc.message
    except LianxinError:
        raise PermissionDenied from None
    else:  # allowed by the rule and the state, yet not offered (a system step)
        raise PermissionDenied
    now = [
        {"label": t.label, "url": reverse(page.action_url_name, args=[case.pk, t.action])}
        for t in workflow.available(case, request.user)
    ]
    context = {
        "case": case,
        "page": page,
        "label": label,
        "message": message,
        "state_label": workflow.state_label(case.state),
        "available": now,
        "detail_url": reverse(page.detail_url_name, args=[case.pk]),
    }
    return render(request, "casework/action_not_now.html", context, status=409)


def _stations_for(case: Case, user):
    from lianxin.liaison.models import Station

    qs = visible_to(user, Station).filter(is_active=True)
    if case.congress_id:
        qs = qs.filter(congress_id=case.congress_id)
    return qs.order_by("region__code", "code")


def _deputies_for(case: Case, user):
    from lianxin.org.models import Deputy

    qs = visible_to(user, Deputy).select_related("person", "congress")
    q = Q(pk=case.deputy_id) if case.deputy_id else Q(pk__in=[])
    if case.station_id:
        q |= Q(station_membership__station_id=case.station_id)
    return qs.filter(q).order_by("person__name", "id")


def _units_for(case: Case, user):
    from lianxin.org.models import HandlingUnit

    qs = visible_to(user, HandlingUnit).filter(is_active=True).select_related("region")
    # The units of the case's own region and those above it (a county opinion may go to a
    # city department, never to another county's).
    code = case.scope_code
    prefixes = [code[:n] for n in (2, 4, 6, 9, 12) if n <= len(code)]
    return qs.filter(region__code__in=prefixes).order_by("region__code", "code")


def _region_picker(user, blank_label):
    from lianxin.org.pickers import region_picker

    return region_picker(user, blank_label=blank_label)


def _proposal(case, user, adopt: str) -> dict:
    """The learned triage's proposal for the triage page (`adopt="category"`: the link fills
    the category) or the assignment page (`"lead_unit"`: it fills the lead unit)."""
    from django.utils.http import urlencode

    from . import triage

    p = triage.propose(case, units=_units_for(case, user))
    if p is None:
        return {"model": False}
    chosen = p.category if adopt == "category" else p.unit
    return {
        "model": True,
        "p": p,
        "category_percent": round(p.category_confidence * 100),
        "unit_percent": round(p.unit_confidence * 100),
        "threshold_percent": round(p.threshold * 100),
        "adopt": f"?{urlencode({adopt: chosen.pk})}" if chosen is not None else "",
    }


def _triage(case, d, user, request):
    actions.do_triage_case(
        case,
        category=d["category"],
        region=resolve.region(d["region"]),
        station=d["station"],
        deputy=d["deputy"],
        title=d["title"] or None,
        note=d["note"],
        acting_user=user,
        version=d["version"],
    )


def _merge(case, d, user, request):
    actions.do_merge_case(
        case,
        into=resolve.case(user, d["merge_into"]),
        note=d["note"],
        acting_user=user,
        version=d["version"],
    )


def _unmerge(case, d, user, request):
    actions.do_unmerge_case(case, note=d["note"], acting_user=user, version=d["version"])


def _decline(case, d, user, request):
    actions.do_decline_case(case, reason=d["reason"], acting_user=user, version=d["version"])


def _assign(case, d, user, request):
    actions.do_assign_case(
        case,
        lead_unit=d["lead_unit"],
        co_units=list(d["co_units"]),
        due_date=d["due_at"],
        note=d["note"],
        acting_user=user,
        version=d["version"],
    )


def _return(case, d, user, request):
    actions.do_return_case(case, reason=d["reason"], acting_user=user, version=d["version"])


def _consult(case, d, user, request):
    actions.do_consult_case(
        case,
        stage=d["stage"],
        form=d["form"],
        summary=d["summary"],
        held_on=d["held_on"],
        with_whom=d["with_whom"],
        acting_user=user,
        version=d["version"],
    )


def _reply(case, d, user, request):
    files = request.FILES.getlist("attachments")
    actions.do_reply_case(
        case,
        content=d["content"],
        category=d["category"],
        is_public=d["public"],
        attachments=attachments.clean_uploads(files),
        acting_user=user,
        version=d["version"],
    )


def _feedback(case, d, user, request):
    actions.do_feedback_case(
        case, content=d["content"], method=d["method"], acting_user=user, version=d["version"]
    )


def _evaluate(case, d, user, request):
    actions.do_evaluate_case(
        case, rating=d["rating"], comment=d["comment"], acting_user=user, version=d["version"]
    )


def _rehandle(case, d, user, request):
    actions.do_rehandle_case(
        case, reason=d["reason"], due_date=d["due_at"], acting_user=user, version=d["version"]
    )


def _supervise(case, d, user, request):
    actions.do_supervise_case(case, note=d["note"], acting_user=user, version=d["version"])


def _remind(case, d, user, request):
    actions.do_remind_case(case, note=d["note"], acting_user=user, version=d["version"])


def _conclude(case, d, user, request):
    actions.do_conclude_case(case, note=d["note"], acting_user=user, version=d["version"])


def _derive(case, d, user, request):
    from . import lineage

    origins = lineage.resolve_origins(user, [case.pk, *d["also"]])
    fields = {"title": d["title"]} if d["title"] else {}
    lineage.derive(origins, kind=d["kind"], acting_user=user, **fields)


def _derive_choices(case, user) -> dict:
    from . import lineage

    others = [c for c in lineage.candidates(user, limit=31) if c.pk != case.pk][:30]
    return {"targets": lineage.targets(), "others": others}


ACTIONS: dict[str, ActionSpec] = {
    "triage": ActionSpec(
        forms.TriageForm,
        _triage,
        lambda case, user: {
            "stations": _stations_for(case, user),
            "deputies": _deputies_for(case, user),
            "region_picker": _region_picker(user, _("（沿用登记时的区划）")),
        },
        lambda case: {
            "category": case.category_id,
            "station": case.station_id,
            "deputy": case.deputy_id,
            "title": case.title,
            "region": case.region.code if case.region_id else "",
        },
        from_query=("category",),
        proposal=lambda case, user: _proposal(case, user, "category"),
    ),
    "merge": ActionSpec(forms.MergeForm, _merge, from_query=("merge_into",)),
    "unmerge": ActionSpec(forms.OptionalNoteForm, _unmerge),
    "derive": ActionSpec(forms.DeriveForm, _derive, _derive_choices),
    "decline": ActionSpec(forms.ReasonForm, _decline),
    "assign": ActionSpec(
        forms.AssignForm,
        _assign,
        lambda case, user: {"units": _units_for(case, user)},
        from_query=("lead_unit",),
        proposal=lambda case, user: _proposal(case, user, "lead_unit"),
    ),
    "return": ActionSpec(forms.ReasonForm, _return),
    "consult": ActionSpec(
        forms.ConsultForm, _consult, initial=lambda case: {"stage": "during", "form": "phone"}
    ),
    "reply": ActionSpec(forms.ReplyForm, _reply),
    "feedback": ActionSpec(forms.FeedbackForm, _feedback),
    "evaluate": ActionSpec(forms.EvaluateForm, _evaluate),
    "rehandle": ActionSpec(forms.RehandleForm, _rehandle),
    "supervise": ActionSpec(forms.NoteForm, _supervise),
    "remind": ActionSpec(forms.NoteForm, _remind),
    "conclude": ActionSpec(forms.NoteForm, _conclude),
}


ACTION_PAGE = ActionPage(
    list_url_name="case_list",
    list_label=gettext_lazy("办理事项"),
    detail_url_name="case_detail",
    action_url_name="case_action",
)


@login_required
@require_http_methods(["GET", "POST"])
def case_action(request, pk: int, action: str):
    case = _load(request, pk)
    if workflow_for(case.kind).detail_url_name != "case_detail":
        # A kind with pages of its own (suggestions, motions) runs its actions there, with its
        # own steps (an extension request ends with a return): nothing is done here.
        if request.method != "GET":
            raise Http404
        return redirect(case.get_absolute_url())
    return run_action_page(
        request, case, action, specs=ACTIONS, workflow=workflow_for(case.kind), page=ACTION_PAGE
    )


@login_required
def assignment_letter(request, pk: int, form: str = "sheet"):
    """The 交办单 (or, `form="referral"`, the 转办函) of an assigned case as a PDF, one per
    unit; before assignment, the case page says there is none yet (409)."""
    from django.utils.http import content_disposition_header

    from . import letters

    case = _load(request, pk)
    try:
        content = letters.assignment_letter_pdf(case, form)
    except LianxinError as exc:
        messages.error(request, exc.message)
        return render(
            request, "casework/case_detail.html", _detail_context(request, case), status=exc.status
        )
    # The letter carries the citizen's name: printing it is an export of personal data.
    from lianxin.core.audit import record

    record(AuditLog.Kind.EXPORTED, request=request, target=f"case:{case.pk}", format=form)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        False, f"{letters.FORMS[form]}-{case.tracking_code}.pdf"
    )
    return response


@login_required
@require_POST
def follow_case(request, pk: int):
    """Follow (or stop following) a case one may see: its progress comes as news."""
    from django.utils.http import url_has_allowed_host_and_scheme

    from .models import CaseFollow

    case = get_visible_or_404(request.user, Case.objects.all(), pk=pk)
    if request.POST.get("on") == "1":
        CaseFollow.objects.get_or_create(case=case, user=request.user)
        messages.success(request, _("已关注。此事项有新进展时会通知您（按您的通知方式）。"))
    else:
        CaseFollow.objects.filter(case=case, user=request.user).delete()
        messages.success(request, _("已取消关注。"))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=False):
        back = reverse("case_detail", args=[case.pk])
    return redirect(back)


@login_required
@require_POST
def reveal_contact(request, pk: int):
    case = get_visible_or_404(request.user, Case.objects.all(), pk=pk)
    if case.is_anonymous or not case.contact_phone:
        raise Http404
    try:
        phone = actions.reveal_contact(case, acting_user=request.user, request=request)
    except LianxinError:
        raise PermissionDenied from None
    if request.htmx:
        return render(request, "casework/case_detail.html#phone", {"phone": phone})
    case = _load(request, pk)
    return render(request, "casework/case_detail.html", _detail_context(request, case, phone=phone))


@login_required
def attachment(request, pk: int, attachment_id: int):
    """One file of a case, to whoever may see the case (anyone else: 404, as for no file)."""
    case = get_visible_or_404(request.user, Case.objects.all(), pk=pk)
    return attachments.file_response(attachments.get_for_case(case, attachment_id, request.user))


# --- Figures ------------------------------------------------------------------------------------


@login_required
def figures(request):
    g = grants(request.user)
    if not (g.is_admin or g.staff_congresses or g.leader_regions or g.station_ids):
        raise PermissionDenied
    by = request.GET.get("by", "month")
    error = start = end = None
    declared = kinds.with_figures()
    kind = request.GET.get("kind") or (declared[0].kind if declared else "")
    spec = kinds.kind_spec(kind)
    try:
        start = dates.parse_day(request.GET.get("from"), field="from")
        end = dates.parse_day(request.GET.get("to"), field="to")
        rows, total = stats.figures(request.user, by=by, kind=kind, start=start, end=end)
    except LianxinError as exc:
        error, rows, total = exc.message, [], None
    peak = max([r.collected for r in rows] or [1])
    return render(
        request,
        "casework/figures.html",
        {
            "rows": rows,
            "total": total,
            "by": by,
            "groups": [(k, v[0]) for k, v in stats.GROUPS.items()],
            "peak": peak,
            "error": error,
            "start": start,
            "end": end,
            "kind": kind,
            "kinds": [(k.kind, k.figures) for k in declared],
            "heading": spec.figures if spec and spec.figures else _("统计"),
        },
        status=422 if error else 200,
    )


# --- Dashboards (casework.dashboard) ------------------------------------------------------------
DASHBOARD_PARAMS = frozenset({"kind", "region", "by", "figure", "from", "to", "wall", "format"})


@login_required
def dashboard_page(request):
    """The dashboard for staff, units and leaders: tables first (the truth), a chart beside
    each, the map and tiles, Excel and PDF of what is shown, and a wall-display mode."""
    g = grants(request.user)
    if not rules.may_see_figures(g):
        raise PermissionDenied
    q = request.GET
    region = dashboard.region_for(g, q.get("region", "").strip())
    sections = dashboard.sections(g)
    kind = q.get("kind") or sections[0][0]
    fmt = q.get("format", "")
    board, error = None, None
    try:
        unknown = sorted(set(q) - DASHBOARD_PARAMS)
        if unknown:
            raise ValidationFailed(
                _("不支持的筛选条件：%(names)s。") % {"names": "、".join(unknown)[:100]},
                field=unknown[0],
            )
        if fmt not in ("", "xlsx", "pdf"):
            raise ValidationFailed(_("格式应为 xlsx 或 pdf。"), field="format")
        start, end = dashboard.parse_period(q.get("from"), q.get("to"))
        board = dashboard.build(
            g,
            kind=kind,
            region=region,
            by=q.get("by") or "region",
            figure=q.get("figure", ""),
            start=start,
            end=end,
        )
    except LianxinError as exc:
        error = exc.message
    if board is not None and fmt:
        if fmt == "xlsx":
            content, content_type = dashboard.to_xlsx(board), dashboard.XLSX
        else:
            content, content_type = dashboard.to_pdf(board), "application/pdf"
        audit_record(
            AuditLog.Kind.EXPORTED,
            request=request,
            user=request.user,
            target=f"dashboard:{board.kind}:{board.region.code if board.region else ''}"[:200],
            format=fmt,
        )
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(True, f"{board.slug}.{fmt}")
        return response
    params = {k: v for k, v in q.items() if k in DASHBOARD_PARAMS - {"format", "region"}}
    here = {**params, **({"region": region.code} if region else {})}
    figure_choices = (
        [(k, v[0]) for k, v in dashboard.network_figures().items()]
        if kind == dashboard.NETWORK
        else [(f.key, f.label) for f in metrics.figures_for(kind)]
        if kinds.kind_spec(kind)
        else []
    )
    return render(
        request,
        "casework/dashboard.html",
        {
            "board": board,
            "error": error,
            "sections": sections,
            "kind": kind,
            "region": region,
            "groups": list(
                (dashboard.NETWORK_GROUPS if kind == dashboard.NETWORK else metrics.GROUPS).items()
            ),
            "figure_choices": figure_choices,
            "by": q.get("by") or "region",
            "figure": board.figure if board else q.get("figure", ""),
            "start": q.get("from", ""),
            "end": q.get("to", ""),
            "wall": q.get("wall") == "1",
            "refresh": dashboard.WALL_REFRESH_SECONDS,
            "base_query": urlencode(params),
            "here_query": urlencode(here),
            "exit_wall_query": urlencode({k: v for k, v in here.items() if k != "wall"}),
            "echarts": _echarts_available(),
        },
        status=422 if error else 200,
    )


def _echarts_available() -> bool:
    """Whether `make install` fetched ECharts (var/vendor, from npm); the page works without."""
    from django.contrib.staticfiles import finders

    return finders.find("vendor/echarts.min.js") is not None


# --- Full-text search ---------------------------------------------------------------------------


def _search_args(request) -> tuple[str, dict, str, bool, int]:
    g = request.GET
    filters = {name: g.get(name, "").strip()[:40] for name in search.FILTERS if g.get(name)}
    page = g.get("page", "1")
    return (
        g.get("q", ""),
        filters,
        g.get("sort") or "relevance",
        g.get("older") == "1",
        int(page) if page.isdigit() and len(page) < 6 else 1,
    )


def _run_search(request):
    q, filters, sort, older, page = _search_args(request)
    try:
        if filters.get("kind") in texts.KINDS:
            # A kind of text other than cases (casework.texts): a duty story, a post…
            return texts.search_filtered(request.user, q, filters, sort=sort, page=page), None
        return search.search(
            request.user, q, filters, sort=sort, page=page, older=older, request=request
        ), None
    except LianxinError as exc:
        return search.Results(query=q, terms=[]), exc.message


@login_required
def search_page(request):
    """Full-text search of every kind of case and its replies (the last five years unless
    asked), within what the user may see."""
    results, error = _run_search(request)
    return _search_page(request, results, error)


def _search_page(request, results, error):
    g = request.GET
    kind = g.get("kind") if g.get("kind") in Kind.values else None
    context = {
        "results": results,
        "error": error,
        "filters": g,
        "kinds": [*search.kind_choices(), *texts.kind_choices()],
        "states": workflow_for(kind).states.choices if kind and _has_workflow(kind) else [],
        "categories": Category.objects.filter(is_active=True).values_list("code", "name"),
        "reply_classes": ReplyCategory.objects.values_list("code", "label"),
        "units": search.unit_choices(request.user),
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 11, -1)),
        "query": _without(g, "page"),
    }
    if not request.htmx:
        context["region_picker"] = _region_picker(request.user, _("（不限）")).render(
            "region", g.get("region") or "", attrs={"id": "s-region"}
        )
    template = "casework/search.html#results" if request.htmx else "casework/search.html"
    return render(request, template, context, status=422 if error else 200)


@login_required
def search_export(request):
    """The hits of a search as an Excel file (the case list's export), written to the trail."""

    from . import export

    results, error = _run_search(request)
    if error is None and results.queryset is None:
        error = results.message
    if error is None:
        try:
            content, n = export.cases_xlsx(results.queryset)
        except LianxinError as exc:
            error = exc.message
    if error is not None:
        return _search_page(request, search.Results(query=results.query, terms=[]), error)
    return _xlsx_download(request, content, rows=n, target="search")
