"""Pages of CPPCC proposals: the list, one proposal with its actions, and the member's form
for a new one. Each action's page is the loop's (`casework.views.run_action_page`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from lianxin.accounts.access import can, get_visible_or_404, grants, visible_to
from lianxin.casework import actions as loop
from lianxin.casework import attachments, conversions, resolve
from lianxin.casework import forms as loop_forms
from lianxin.casework.models import Case, Kind
from lianxin.casework.views import ActionPage, ActionSpec, run_action_page
from lianxin.core.errors import LianxinError
from lianxin.core.forms import show_error

from . import actions, forms, queries, serialize
from .workflow import PROPOSAL_WORKFLOW, ProposalState

PAGE_SIZE = 50


@login_required
def proposal_list(request):
    g = request.GET
    qs = queries.proposals_for(
        request.user,
        state=g.get("state") or None,
        mine=g.get("mine") == "1",
        key=g.get("key") == "1",
    )
    page = Paginator(queries.for_list(qs), PAGE_SIZE).get_page(g.get("page"))
    return render(
        request,
        "proposals/list.html",
        {
            "page": page,
            "rows": [serialize.row(c) for c in page.object_list],
            "states": ProposalState.choices,
            "filters": g,
            "may_write": bool(_seat_or_none(request.user)),
            "may_see_figures": bool(grants(request.user).cppcc_read_regions)
            or grants(request.user).is_admin,
        },
    )


def _seat_or_none(user):
    try:
        return actions.seat_for(user)
    except LianxinError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def proposal_new(request):
    seat = _seat_or_none(request.user)
    if seat is None:
        raise PermissionDenied
    form = forms.ProposalForm(request.POST or None, seat=seat)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            try:
                case = actions.do_create_proposal(
                    author=seat,
                    title=d["title"],
                    content=d["content"],
                    in_session=d["in_session"],
                    co_sponsors=list(d["co_sponsors"]),
                    respond_by=d["respond_by"],
                    body=d.get("body") or None,
                    acting_user=request.user,
                )
            except LianxinError as exc:
                show_error(form, exc)
                status = exc.status
            else:
                messages.success(
                    request,
                    _("提案已保存为草稿；联名委员确认后即可提交。")
                    if d["co_sponsors"]
                    else _("提案已保存为草稿，请核对后提交。"),
                )
                return redirect("proposal_detail", case.pk)
    return render(request, "proposals/new.html", {"form": form, "seat": seat}, status=status)


@login_required
def similar_proposals(request):
    """The writing guidance of the new-proposal page (htmx): proposals and deputies'
    suggestions of the last five years on a similar topic, with their state and reply class."""
    from . import similar

    if _seat_or_none(request.user) is None:
        raise PermissionDenied
    text = f"{request.GET.get('title', '')} {request.GET.get('content', '')}"[:4000]
    found = similar.similar_to(request.user, text)
    return render(request, "proposals/_similar.html", {"found": found, "asked": bool(text.strip())})


def _load(request, pk: int) -> Case:
    return get_visible_or_404(
        request.user, queries.for_detail(Case.objects.filter(kind=Kind.PROPOSAL)), pk=pk
    )


@login_required
def proposal_detail(request, pk: int):
    case = _load(request, pk)
    view = serialize.detail(case, request.user)
    by_direction = {"handling": [], "submission": []}
    for ev in view["evaluations"]:
        by_direction[ev["direction"]].append(ev)
    return render(
        request,
        "proposals/detail.html",
        {
            "case": case,
            "view": view,
            "handling_ratings": by_direction["handling"],
            "quality_ratings": by_direction["submission"],
            "files": attachments.for_page(case, request.user),
            # What a declined proposal became (a sentiment report), registered by its app.
            "converted": conversions.links(case, request.user),
        },
    )


# --- One action's page ------------------------------------------------------------------------


def _v(d):
    return d.get("version")


def _units_for(case, user):
    from lianxin.org.models import HandlingUnit

    code = case.scope_code
    prefixes = [code[:n] for n in (2, 4, 6, 9, 12) if n <= len(code)]
    return (
        visible_to(user, HandlingUnit)
        .filter(is_active=True, region__code__in=prefixes)
        .order_by("region__code", "code")
    )


def _register(case, d, user, request):
    into = (
        resolve.case(user, d["merge_into"])
        if d["decision"] == "merge" and d["merge_into"]
        else None
    )
    actions.do_register_proposal(
        case,
        decision=d["decision"],
        note=d["note"],
        merge_into=into,
        disposition=d["disposition"],
        acting_user=user,
        version=_v(d),
    )


def _reply(case, d, user, request):
    commitment = (
        {"content": d["commitment"], "due_on": d["due_on"]}
        if d["commitment"] or d["due_on"]
        else None
    )
    actions.do_reply_proposal(
        case,
        content=d["content"],
        category=d["category"],
        commitment=commitment,
        is_public=d["public"],
        acting_user=user,
        version=_v(d),
    )


SPECS: dict[str, ActionSpec] = {
    "cosign": ActionSpec(
        forms.CosignForm,
        lambda c, d, u, r: actions.do_cosign_proposal(
            c, accept=d["accept"], acting_user=u, version=_v(d)
        ),
        subject="proposals/_subject.html",
    ),
    "submit": ActionSpec(
        forms.EmptyForm,
        lambda c, d, u, r: actions.do_submit_proposal(c, acting_user=u, version=_v(d)),
    ),
    "withdraw": ActionSpec(
        loop_forms.ReasonForm,
        lambda c, d, u, r: actions.do_withdraw_proposal(
            c, reason=d["reason"], acting_user=u, version=_v(d)
        ),
    ),
    "register": ActionSpec(forms.RegisterForm, _register, from_query=("merge_into",)),
    "assign": ActionSpec(
        loop_forms.AssignForm,
        lambda c, d, u, r: loop.do_assign_case(
            c,
            lead_unit=d["lead_unit"],
            co_units=d["co_units"],
            due_date=d["due_at"],
            note=d["note"],
            acting_user=u,
            version=_v(d),
        ),
        lambda case, user: {"units": _units_for(case, user)},
    ),
    "return": ActionSpec(
        loop_forms.ReasonForm,
        lambda c, d, u, r: actions.do_return_proposal(
            c, reason=d["reason"], acting_user=u, version=_v(d)
        ),
    ),
    "request_extension": ActionSpec(
        forms.ExtensionRequestForm,
        lambda c, d, u, r: actions.do_request_extension_proposal(
            c, reason=d["reason"], due_date=d["due_at"], acting_user=u, version=_v(d)
        ),
    ),
    "decide_extension": ActionSpec(
        forms.ExtensionDecisionForm,
        lambda c, d, u, r: actions.do_decide_extension_proposal(
            c,
            decision=d["decision"],
            note=d["note"],
            due_date=d["due_at"],
            acting_user=u,
            version=_v(d),
        ),
        lambda case, user: {"pending": queries.pending_extension(case)},
    ),
    "forward_letter": ActionSpec(
        forms.ForwardLetterForm,
        lambda c, d, u, r: actions.do_forward_letter_proposal(
            c, unit=d["unit"], note=d["note"], acting_user=u, version=_v(d)
        ),
        lambda case, user: {"units": _units_for(case, user)},
    ),
    "answer_letter": ActionSpec(
        forms.AnswerLetterForm,
        lambda c, d, u, r: actions.do_answer_letter_proposal(
            c, answer=d["answer"], acting_user=u, version=_v(d)
        ),
    ),
    "mark_key": ActionSpec(
        forms.KeyForm,
        lambda c, d, u, r: actions.do_mark_key_proposal(
            c,
            leader=d["leader"],
            leader_user=d["leader_user"] or None,
            note=d["note"],
            acting_user=u,
            version=_v(d),
        ),
        lambda case, user: {"leaders": list(queries.leaders_for(case))},
    ),
    "key_meeting": ActionSpec(
        forms.KeyMeetingForm,
        lambda c, d, u, r: actions.do_key_meeting_proposal(
            c,
            held_on=d["held_on"],
            place=d["place"],
            participants=d["participants"],
            summary=d["summary"],
            acting_user=u,
            version=_v(d),
        ),
    ),
    "key_result": ActionSpec(
        forms.KeyResultForm,
        lambda c, d, u, r: actions.do_key_result_proposal(
            c, text=d["text"], circulated_on=d["circulated_on"], acting_user=u, version=_v(d)
        ),
    ),
    "consult": ActionSpec(
        loop_forms.ConsultForm,
        lambda c, d, u, r: loop.do_consult_case(
            c,
            stage=d["stage"],
            form=d["form"],
            summary=d["summary"],
            held_on=d["held_on"],
            with_whom=d["with_whom"],
            acting_user=u,
            version=_v(d),
        ),
        initial=lambda case: {"stage": "before", "form": "visit"},
    ),
    "reply": ActionSpec(forms.ReplyForm, _reply),
    "sign_off": ActionSpec(
        forms.SignOffForm,
        lambda c, d, u, r: actions.do_sign_off_proposal(
            c, approve=d["approve"], note=d["note"], acting_user=u, version=_v(d)
        ),
    ),
    "evaluate": ActionSpec(
        forms.EvaluateForm,
        lambda c, d, u, r: actions.do_evaluate_proposal(
            c, rating=d["rating"], comment=d["comment"], acting_user=u, version=_v(d)
        ),
    ),
    "rate_submission": ActionSpec(
        forms.QualityForm,
        lambda c, d, u, r: actions.do_rate_proposal(
            c, quality=d["quality"], comment=d["comment"], acting_user=u, version=_v(d)
        ),
    ),
    "record_result": ActionSpec(
        forms.ResultForm,
        lambda c, d, u, r: actions.do_record_result_proposal(
            c,
            kind=d["kind"],
            document=d["document"],
            number=d["number"],
            issued_on=d["issued_on"],
            note=d["note"],
            acting_user=u,
            version=_v(d),
        ),
    ),
    "select_excellent": ActionSpec(
        forms.ExcellentForm,
        lambda c, d, u, r: actions.do_select_excellent_proposal(
            c,
            excellent=d["excellent"],
            year=d["year"],
            note=d["note"],
            acting_user=u,
            version=_v(d),
        ),
    ),
    "rehandle": ActionSpec(
        loop_forms.RehandleForm,
        lambda c, d, u, r: loop.do_rehandle_case(
            c, reason=d["reason"], due_date=d["due_at"], acting_user=u, version=_v(d)
        ),
    ),
    "remind": ActionSpec(
        loop_forms.NoteForm,
        lambda c, d, u, r: loop.do_remind_case(c, note=d["note"], acting_user=u, version=_v(d)),
    ),
    "conclude": ActionSpec(
        loop_forms.NoteForm,
        lambda c, d, u, r: loop.do_conclude_case(c, note=d["note"], acting_user=u, version=_v(d)),
    ),
}

ACTION_PAGE = ActionPage(
    list_url_name="proposal_list",
    list_label=gettext_lazy("政协提案"),
    detail_url_name="proposal_detail",
    action_url_name="proposal_action",
)


@login_required
@require_http_methods(["GET", "POST"])
def proposal_action(request, pk: int, action: str):
    case = _load(request, pk)
    return run_action_page(
        request, case, action, specs=SPECS, workflow=PROPOSAL_WORKFLOW, page=ACTION_PAGE
    )


@login_required
def figures(request):
    """The CPPCC's figures of a year, on a page and as PDF and Excel for the chairs' meeting."""
    from lianxin.accounts.access import prefix_q
    from lianxin.casework import reportdoc
    from lianxin.core import dates
    from lianxin.org.models import Cppcc

    from . import figures as cppcc_figures

    g = grants(request.user)
    qs = Cppcc.objects.select_related("region").order_by("region__code")
    if not g.is_admin:
        qs = qs.filter(prefix_q("region__code", g.cppcc_read_regions))
    choices = [c for c in qs if can(request.user, "proposal.figures", c)]
    if not choices:
        raise PermissionDenied
    wanted = request.GET.get("cppcc") or ""
    cppcc = next((c for c in choices if str(c.pk) == wanted), choices[0])
    this_year = dates.today().year
    value = request.GET.get("year") or ""
    year = int(value) if value.isdigit() and 2000 <= int(value) <= this_year else this_year
    report = cppcc_figures.build(cppcc, year)
    file = reportdoc.download(report, request.GET.get("format"), user=request.user, request=request)
    if file is not None:
        return file
    return render(
        request,
        "proposals/figures.html",
        {
            "report": report,
            "cppccs": choices,
            "cppcc": cppcc,
            "year": year,
            "years": list(range(this_year, this_year - 6, -1)),
        },
    )
