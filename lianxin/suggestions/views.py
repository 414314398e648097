"""Pages of suggestions and motions: writing (phone-first, for deputies), one suggestion with
the actions the caller may take now (htmx forms, plain forms without JavaScript), the work
list, central assignment, commitments, the special report, and the public replies."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from lianxin.accounts.access import can, get_visible_or_404, grants, visible_to
from lianxin.casework import actions as loop
from lianxin.casework import attachments, reportdoc, resolve
from lianxin.casework.attachments import clean_uploads
from lianxin.casework.models import (
    Case,
    Commitment,
    CoSponsor,
    ExtensionRequest,
    Kind,
    SurveyAnswer,
)
from lianxin.casework.views import ActionPage, ActionSpec, run_action_page
from lianxin.core import dates
from lianxin.core.errors import LianxinError
from lianxin.core.forms import show_error
from lianxin.org.models import Body, Congress, Deputy, HandlingUnit, SeatStatus

from . import actions, forms, queries, report, serialize, similar
from .workflow import MOTION_WORKFLOW, SUGGESTION_WORKFLOW, SuggestionState

PAGE_SIZE = 50


def _workflow(case: Case):
    return SUGGESTION_WORKFLOW if case.kind == Kind.SUGGESTION else MOTION_WORKFLOW


# --- Work list ----------------------------------------------------------------------------------


@login_required
def suggestion_list(request):
    g = grants(request.user)
    p = request.GET
    error = None
    mine = p.get("mine") == "1" or (
        g.is_deputy
        and not (g.staff_congresses or g.unit_ids or g.leader_regions)
        and "mine" not in p
    )
    try:
        qs = queries.suggestions_for(
            request.user,
            kind=p.get("kind") or Kind.SUGGESTION,
            state=p.get("state") or None,
            mine=mine,
            key={"1": True, "0": None}.get(p.get("key", ""), None),
            overdue=True if p.get("overdue") == "1" else None,
            q=p.get("q") or None,
        )
    except LianxinError as exc:
        error, qs = exc.message, Case.objects.none()
    page = Paginator(queries.for_list(qs), PAGE_SIZE).get_page(p.get("page"))
    context = {
        "page": page,
        "rows": [serialize.row(c) for c in page.object_list],
        "filters": p,
        "mine": mine,
        "error": error,
        "states": SUGGESTION_WORKFLOW.states.choices
        if (p.get("kind") or Kind.SUGGESTION) == Kind.SUGGESTION
        else MOTION_WORKFLOW.states.choices,
        "invitations": list(queries.pending_invitations(request.user)[:20]) if g.deputy_ids else [],
        "extension_requests": (
            list(queries.pending_extensions(request.user)[:50])
            if g.staff_congresses and not request.htmx
            else []
        ),
        "co_opinions_due": (
            list(queries.co_opinions_due(request.user)[:50])
            if g.unit_ids and not request.htmx
            else []
        ),
        "surveys_to_answer": (
            list(queries.surveys_to_answer(request.user)[:20])
            if g.deputy_ids and not request.htmx
            else []
        ),
        "unit_figures": queries.unit_figures(request.user) if not request.htmx else [],
        "can_write": bool(g.deputy_ids),
        "is_staff": bool(g.staff_congresses),
        "can_report": bool(g.congress_read_regions) or g.is_admin,
        "query": _without(p, "page"),
    }
    template = "suggestions/list.html#results" if request.htmx else "suggestions/list.html"
    return render(request, template, context, status=422 if error else 200)


def _without(querydict, key: str) -> str:
    q = querydict.copy()
    q.pop(key, None)
    return q.urlencode()


# --- Writing ------------------------------------------------------------------------------------


def _seats(user) -> list[Deputy]:
    g = grants(user)
    return list(
        Deputy.objects.filter(pk__in=g.deputy_ids, status=SeatStatus.SERVING)
        .select_related("congress__region", "person")
        .order_by("congress__region__code")
    )


def _chosen_seat(request, seats: list[Deputy]) -> Deputy | None:
    wanted = request.POST.get("congress") or request.GET.get("congress")
    if len(seats) == 1:
        return seats[0]
    for seat in seats:
        if str(seat.congress_id) == str(wanted):
            return seat
    return None


def _fellows(seat: Deputy | None):
    if seat is None:
        return Deputy.objects.none()
    return (
        Deputy.objects.filter(congress=seat.congress, status=SeatStatus.SERVING)
        .exclude(pk=seat.pk)
        .select_related("person", "delegation", "congress")
        .order_by("delegation__name", "person__name")
    )


@login_required
@require_http_methods(["GET", "POST"])
def suggestion_new(request):
    """Write a suggestion: choose the congress when the deputy sits in two, invite co-sponsors,
    see similar suggestions of the last five years while writing."""
    seats = _seats(request.user)
    if not seats:
        raise PermissionDenied
    seat = _chosen_seat(request, seats)
    form = forms.SuggestionForm(request.POST or None, request.FILES or None, fellows=_fellows(seat))
    status = 200
    if request.method == "POST":
        if seat is None:
            form.is_valid()
            form.add_error(None, _("请选择以哪一级人大代表的身份提出。"))
            status = 422
        elif form.is_valid():
            d = form.cleaned_data
            try:
                case = actions.do_create_suggestion(
                    author=seat,
                    title=d["title"],
                    content=d["content"],
                    problem=d["problem"],
                    measures=d["measures"],
                    category=d["category"],
                    in_session=d.get("in_session"),
                    co_sponsors=list(d["co_sponsors"]),
                    attachments=clean_uploads(request.FILES.getlist("attachments")),
                    acting_user=request.user,
                )
                if request.POST.get("submit_now") and not d["co_sponsors"]:
                    actions.do_submit_suggestion(case, acting_user=request.user)
            except LianxinError as exc:
                show_error(form, exc)
                status = 422
            else:
                if d["co_sponsors"]:
                    messages.success(request, _("建议已保存为草稿，已邀请联名代表确认。"))
                elif request.POST.get("submit_now"):
                    messages.success(request, _("建议已提交。"))
                else:
                    messages.success(request, _("建议已保存为草稿。"))
                return redirect("suggestion_detail", case.pk)
        else:
            status = 422
    return render(
        request,
        "suggestions/write.html",
        {"form": form, "seats": seats, "seat": seat, "kind": "suggestion"},
        status=status,
    )


@login_required
def similar_suggestions(request):
    """The guidance box of the writing page (htmx): suggestions of the last five years on a
    similar topic that the deputy may see, with how they were answered."""
    text = f"{request.GET.get('title', '')} {request.GET.get('content', '')}"[:4000]
    found = similar.similar_to(request.user, text)
    return render(
        request, "suggestions/_similar.html", {"found": found, "asked": bool(text.strip())}
    )


@login_required
@require_http_methods(["GET", "POST"])
def suggestion_edit(request, pk: int):
    case = _load(request, pk)
    if case.state != SuggestionState.DRAFT or not can(request.user, "suggestion.submit", case):
        raise PermissionDenied
    seat = case.raised_by_deputy
    initial = {
        "title": case.title,
        "content": case.content,
        "category": case.category_id,
        "co_sponsors": [c.deputy_id for c in case.cosponsors.all()],
    }
    if case.kind == Kind.SUGGESTION:
        initial.update(problem=case.suggestion.problem, measures=case.suggestion.measures)
    form = forms.SuggestionForm(
        request.POST or None, initial=initial, fellows=_fellows(seat), draft=True
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                actions.do_update_draft(
                    case,
                    title=d["title"],
                    content=d["content"],
                    problem=d["problem"],
                    measures=d["measures"],
                    category=d["category"],
                    co_sponsors=list(d["co_sponsors"]),
                    acting_user=request.user,
                )
            except LianxinError as exc:
                show_error(form, exc)
                status = 422
            else:
                messages.success(request, _("草稿已保存。"))
                return redirect("suggestion_detail", case.pk)
        else:
            status = 422
    return render(
        request,
        "suggestions/write.html",
        {"form": form, "seats": [seat], "seat": seat, "case": case, "kind": case.kind},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def motion_new(request):
    seats = _seats(request.user)
    if not seats:
        raise PermissionDenied
    seat = _chosen_seat(request, seats)
    form = forms.MotionForm(request.POST or None, fellows=_fellows(seat))
    status = 200
    if request.method == "POST":
        if seat is None:
            form.is_valid()
            form.add_error(None, _("请选择以哪一级人大代表的身份提出。"))
            status = 422
        elif form.is_valid():
            d = form.cleaned_data
            try:
                case = actions.do_create_motion(
                    author=seat,
                    title=d["title"],
                    content=d["content"],
                    co_sponsors=list(d["co_sponsors"]),
                    delegation=seat.delegation if d["by_delegation"] else None,
                    acting_user=request.user,
                )
            except LianxinError as exc:
                show_error(form, exc)
                status = 422
            else:
                messages.success(request, _("议案已保存为草稿，已邀请附议代表确认。"))
                return redirect("suggestion_detail", case.pk)
        else:
            status = 422
    return render(
        request,
        "suggestions/write_motion.html",
        {"form": form, "seats": seats, "seat": seat},
        status=status,
    )


# --- One suggestion -----------------------------------------------------------------------------


def _load(request, pk: int) -> Case:
    return get_visible_or_404(
        request.user,
        queries.for_detail(Case.objects.filter(kind__in=queries.KINDS)),
        pk=pk,
    )


@login_required
def suggestion_detail(request, pk: int):
    case = _load(request, pk)
    view = serialize.detail(case, request.user)
    return render(
        request,
        "suggestions/detail.html",
        {
            "case": case,
            "view": view,
            "history": serialize.history(case),
            "files": attachments.for_page(case, request.user),
            "can_edit": case.state == "draft" and can(request.user, "suggestion.submit", case),
        },
    )


def _units_for(case: Case, user):
    qs = visible_to(user, HandlingUnit).filter(is_active=True).select_related("region")
    code = case.scope_code
    prefixes = [code[:n] for n in (2, 4, 6, 9, 12) if n <= len(code)]
    return qs.filter(region__code__in=prefixes).order_by("region__code", "code")


def _committees(case: Case, user):
    return Body.objects.filter(congress_id=case.congress_id, kind=Body.Kind.COMMITTEE).order_by(
        "name"
    )


def _pending_cosigners(case: Case):
    return Deputy.objects.filter(
        cosponsor_rows__case=case, cosponsor_rows__status=CoSponsor.Status.INVITED
    ).select_related("person")


def _passes(function, *fields: str, **renamed: str):
    """The `run` of an action whose form only passes its fields on: `function(case, …)` with
    each field in `fields` under its own name, each keyword in `renamed` from the field it
    names, and the acting user and the version the form carried (as `api._calls` does for the
    API's bodies)."""

    def run(case, d, user, request):
        kwargs = {name: d[name] for name in fields}
        kwargs.update({name: d[field] for name, field in renamed.items()})
        function(case, **kwargs, acting_user=user, version=d["version"])

    return run


def _cosign_kwargs(case: Case, user) -> dict:
    g = grants(user)
    own = CoSponsor.objects.filter(
        case=case, deputy_id__in=g.deputy_ids, status=CoSponsor.Status.INVITED
    ).exists()
    return {
        "pending": _pending_cosigners(case),
        "on_behalf": not own,
        "motion": case.kind == Kind.MOTION,
    }


def _run_cosign(case, d, user, request):
    actions.do_cosign(
        case, accept=d["accept"], deputy=d.get("deputy"), acting_user=user, version=d["version"]
    )


def _run_submit(case, d, user, request):
    if case.kind == Kind.MOTION:
        actions.do_submit_motion(case, acting_user=user, version=d["version"])
    else:
        actions.do_submit_suggestion(case, acting_user=user, version=d["version"])


def _run_review(case, d, user, request):
    into = (
        resolve.case(user, d["merge_into"])
        if d["decision"] == "merge" and d["merge_into"]
        else None
    )
    actions.do_review_suggestion(
        case,
        decision=d["decision"],
        note=d["note"],
        merge_into=into,
        category=d["category"],
        complex=d["complex"] or None,
        acting_user=user,
        version=d["version"],
    )


def _run_resubmit(case, d, user, request):
    actions.do_resubmit_suggestion(
        case,
        title=d["title"] or None,
        content=d["content"] or None,
        note=d["note"],
        acting_user=user,
        version=d["version"],
    )


def _run_assign(case, d, user, request):
    actions.do_assign_suggestion(
        case,
        lead_unit=d["lead_unit"],
        co_units=list(d["co_units"]),
        complex=d["complex"],
        note=d["note"],
        acting_user=user,
        version=d["version"],
    )


def _run_reply(case, d, user, request):
    commitment = None
    if d["commitment"] or d["commitment_due"]:
        commitment = {"content": d["commitment"], "due_on": d["commitment_due"]}
    actions.do_reply_suggestion(
        case,
        content=d["content"],
        category=d["category"],
        commitment=commitment,
        is_public=d["public"],
        attachments=clean_uploads(request.FILES.getlist("attachments")),
        acting_user=user,
        version=d["version"],
    )


def _pending_extension(case: Case, user) -> dict:
    return {
        "pending": ExtensionRequest.objects.filter(
            case=case, status=ExtensionRequest.Status.PENDING
        )
        .select_related("unit")
        .first()
    }


def _my_survey_answer(case: Case, user) -> dict:
    return {
        "current": SurveyAnswer.objects.filter(
            round__case=case,
            round__closed_at__isnull=True,
            deputy_id__in=grants(user).deputy_ids,
        )
        .order_by("id")
        .first()
    }


ACTION_PAGE = ActionPage(
    list_url_name="suggestion_list",
    list_label=gettext_lazy("代表建议和议案"),
    detail_url_name="suggestion_detail",
    action_url_name="suggestion_action",
    stylesheets=("casework/casework.css", "suggestions/suggestions.css"),
)

ACTIONS: dict[str, ActionSpec] = {
    # The invited deputy reads what he is asked to co-sign on the page where he answers.
    "cosign": ActionSpec(
        forms.CosignForm, _run_cosign, _cosign_kwargs, subject="suggestions/_subject.html"
    ),
    "submit": ActionSpec(forms.Versioned, _run_submit),
    "withdraw": ActionSpec(forms.ReasonForm, _passes(actions.do_withdraw, "reason")),
    "review": ActionSpec(forms.ReviewForm, _run_review),
    "resubmit": ActionSpec(
        forms.ResubmitForm,
        _run_resubmit,
        initial=lambda case: {"title": case.title, "content": case.content},
    ),
    "assign": ActionSpec(
        forms.AssignForm,
        _run_assign,
        lambda case, user: {"units": _units_for(case, user)},
        initial=lambda case: {"complex": case.suggestion.is_complex},
    ),
    "return": ActionSpec(forms.ReasonForm, _passes(actions.do_return_suggestion, "reason")),
    "co_opinion": ActionSpec(forms.ContentForm, _passes(actions.do_co_opinion, "content")),
    "request_extension": ActionSpec(
        forms.ExtensionRequestForm,
        _passes(actions.do_request_extension, "reason", due_date="due_at"),
    ),
    "decide_extension": ActionSpec(
        forms.ExtensionDecisionForm,
        _passes(actions.do_decide_extension, "decision", "note", due_date="due_at"),
        _pending_extension,
    ),
    "open_survey": ActionSpec(forms.NoteForm, _passes(actions.do_open_survey, "note")),
    "answer_survey": ActionSpec(
        forms.SurveyAnswerForm,
        _passes(actions.do_answer_survey, "rating", "comment"),
        _my_survey_answer,
    ),
    "close_survey": ActionSpec(forms.NoteForm, _passes(actions.do_close_survey, "note")),
    "consult": ActionSpec(
        forms.ConsultForm,
        _passes(loop.do_consult_case, "stage", "form", "summary", "held_on", "with_whom"),
        initial=lambda case: {"stage": "before", "form": "phone"},
    ),
    "reply": ActionSpec(forms.ReplyForm, _run_reply),
    "sign_off": ActionSpec(
        forms.SignOffForm, _passes(actions.do_sign_off_reply, "approve", "note")
    ),
    "evaluate": ActionSpec(
        forms.EvaluateForm, _passes(actions.do_evaluate_suggestion, "rating", "comment")
    ),
    "rehandle": ActionSpec(forms.ReasonForm, _passes(actions.do_rehandle_suggestion, "reason")),
    "supervise": ActionSpec(
        forms.SuperviseForm,
        _passes(actions.do_key_supervise, "note", "leader", "committee"),
        lambda case, user: {"committees": _committees(case, user)},
    ),
    "supervision_progress": ActionSpec(
        forms.ProgressForm, _passes(actions.do_record_supervision, "note", "result")
    ),
    "remind": ActionSpec(forms.NoteForm, _passes(loop.do_remind_case, "note")),
    "assess": ActionSpec(forms.QualityForm, _passes(actions.do_assess_quality, "quality", "note")),
    "determine": ActionSpec(
        forms.DetermineForm,
        _passes(actions.do_determine_outcome, "handling_rating", "outcome", "note"),
    ),
    "conclude": ActionSpec(forms.NoteForm, _passes(actions.do_conclude_suggestion, "note")),
    "decide": ActionSpec(
        forms.DecideForm,
        _passes(actions.do_decide_motion, "decision", "note", "referred_to"),
        lambda case, user: {"committees": _committees(case, user)},
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def suggestion_action(request, pk: int, action: str):
    case = _load(request, pk)
    return run_action_page(
        request, case, action, specs=ACTIONS, workflow=_workflow(case), page=ACTION_PAGE
    )


# --- Central assignment ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def assign_batch(request):
    """Central assignment after a session: every accepted suggestion of the office's congress,
    each with its lead unit, co-handling units and complexity, assigned at once."""
    g = grants(request.user)
    congresses = list(
        Congress.objects.filter(pk__in=list(g.staff_congresses)).select_related("region")
    )
    if not congresses:
        raise PermissionDenied
    congress = next(
        (
            c
            for c in congresses
            if str(c.pk) == (request.POST.get("congress") or request.GET.get("congress"))
        ),
        congresses[0],
    )
    cases = list(
        queries.for_list(
            visible_to(request.user, Case).filter(
                kind=Kind.SUGGESTION, state=SuggestionState.ACCEPTED, congress=congress
            )
        ).select_related("suggestion")[:500]
    )
    units = list(_units_for(cases[0], request.user)) if cases else []
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        items, errors = _batch_items(request, cases, units)
        if not errors:
            if not items:
                errors.append(_("请至少为一件建议选择主办单位。"))
            else:
                try:
                    done = actions.do_assign_suggestions(
                        items, note=request.POST.get("note", ""), acting_user=request.user
                    )
                except LianxinError as exc:
                    errors.append(exc.message)
                else:
                    messages.success(request, _("已集中交办 %(n)s 件建议。") % {"n": len(done)})
                    return redirect(f"{reverse('suggestion_assign_batch')}?congress={congress.pk}")
        status = 422
    return render(
        request,
        "suggestions/assign_batch.html",
        {
            "congress": congress,
            "congresses": congresses,
            "rows": [(serialize.row(c), c, *_batch_pickers(c, units, request.POST)) for c in cases],
            "units": units,
            "errors": errors,
            "posted": request.POST,
        },
        status=status,
    )


def _batch_pickers(case, units, posted) -> tuple[str, str]:
    """The lead unit and co-units of one row, chosen by name (lianxin.core.widgets), keeping
    what was posted when the page comes back with a refusal."""
    from lianxin.core.widgets import PickMany, PickOne

    choices = [(str(u.pk), u.name) for u in units]
    lead = PickOne(choices=[("", _("（暂不交办）")), *choices]).render(
        f"lead_{case.pk}", posted.get(f"lead_{case.pk}", ""), attrs={"id": f"lead_{case.pk}"}
    )
    co = PickMany(choices=choices).render(
        f"co_{case.pk}", posted.getlist(f"co_{case.pk}"), attrs={"id": f"co_{case.pk}"}
    )
    return lead, co


def _batch_items(request, cases, units) -> tuple[list, list[str]]:
    by_id = {str(u.pk): u for u in units}
    items, errors = [], []
    for case in cases:
        lead = request.POST.get(f"lead_{case.pk}")
        if not lead:
            continue
        if lead not in by_id:
            errors.append(_("“%(title)s”的主办单位有误。") % {"title": case.display_title})
            continue
        co = [by_id[v] for v in request.POST.getlist(f"co_{case.pk}") if v in by_id and v != lead]
        items.append(
            actions.AssignItem(
                case_id=case.pk,
                lead_unit=by_id[lead],
                co_units=co,
                complex=bool(request.POST.get(f"complex_{case.pk}")),
                version=_int(request.POST.get(f"version_{case.pk}")),
            )
        )
    return items, errors


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- Commitments ----------------------------------------------------------------------------------


@login_required
def commitment_list(request):
    status = request.GET.get("status") or None
    error = None
    try:
        qs = queries.commitments_for(request.user, status=status)
    except LianxinError as exc:
        error, qs = exc.message, Commitment.objects.none()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = dates.today()
    return render(
        request,
        "suggestions/commitments.html",
        {
            "page": page,
            "rows": [
                {
                    "c": c,
                    "overdue": c.status == Commitment.Status.OPEN and c.due_on < today,
                    "can_close": c.status == Commitment.Status.OPEN
                    and can(request.user, "commitment.close", c),
                }
                for c in page.object_list
            ],
            "statuses": [s for s in Commitment.Status.choices if s[0] not in ("pending", "void")],
            "status": status or "",
            "error": error,
        },
        status=422 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def commitment_close(request, pk: int):
    commitment = get_visible_or_404(
        request.user, Commitment.objects.select_related("case", "unit"), pk=pk
    )
    if not can(request.user, "commitment.close", commitment):
        raise PermissionDenied
    form = forms.CloseCommitmentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.do_close_commitment(
                    commitment,
                    kept=form.cleaned_data["kept"],
                    note=form.cleaned_data["note"],
                    acting_user=request.user,
                )
            except LianxinError as exc:
                show_error(form, exc)
            else:
                messages.success(request, _("承诺事项已销号。"))
                return redirect("suggestion_commitments")
        status = 422
    return render(
        request,
        "suggestions/commitment_close.html",
        {"form": form, "commitment": commitment},
        status=status,
    )


# --- The special report -----------------------------------------------------------------------------


@login_required
def special_report(request):
    """The special report of a congress's suggestions (of one session, or all), on a page and
    as PDF and Excel."""
    g = grants(request.user)
    congresses = list(
        visible_to(request.user, Congress)
        .filter(Q(pk__in=list(g.staff_congresses)) | Q(region__code__in=list(g.leader_regions)))
        .select_related("region")
    )
    if not congresses and not g.is_admin:
        raise PermissionDenied
    congress_id = request.GET.get("congress")
    congress = next((c for c in congresses if str(c.pk) == congress_id), None)
    if congress is None and congress_id and g.is_admin:
        congress = Congress.objects.filter(pk=_int(congress_id)).select_related("region").first()
    congress = congress or (congresses[0] if congresses else None)
    if congress is None or not can(request.user, "suggestion.report", congress):
        raise PermissionDenied
    sessions = list(congress.sessions.order_by("-opens_on"))
    session = next((s for s in sessions if str(s.pk) == request.GET.get("session")), None)
    data = report.build(congress, session)
    file = reportdoc.download(data, request.GET.get("format"), user=request.user, request=request)
    if file is not None:
        return file
    return render(
        request,
        "suggestions/report.html",
        {
            "report": data,
            "congresses": congresses,
            "congress": congress,
            "sessions": sessions,
            "session": session,
        },
    )


# --- Public -------------------------------------------------------------------------------------


def public_replies(request):
    """Public: replies the handling units marked public, with the suggestion's title and the
    deputies' names. No personal data beyond the deputies' names."""
    page = Paginator(queries.public_replies(), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "suggestions/public.html",
        {
            "page": page,
            "rows": [
                {
                    "reply": r,
                    "title": r.case.display_title,
                    "deputies": [r.case.raised_by_deputy.person.name]
                    + [c.deputy.person.name for c in r.case.cosponsors.all()],
                    "congress": r.case.congress.name if r.case.congress_id else "",
                }
                for r in page.object_list
            ],
        },
    )
