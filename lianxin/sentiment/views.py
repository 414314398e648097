"""Pages of sentiment reports: the list, a new report, one report with its actions, the
issues (compile, send, the printed PDF) and the yearly rankings."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from lianxin.accounts.access import can, get_visible_or_404, grants, prefix_q
from lianxin.core import dates
from lianxin.core.forms import run_form_page
from lianxin.core.pdf import PDF_TYPE
from lianxin.org.models import Cppcc

from . import actions, forms, printing, queries, serialize
from .models import ReportState, SentimentIssue, SentimentReport
from .workflow import PAGE_ACTIONS, STEPS

PAGE_SIZE = 50


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def report_list(request):
    if not can(request.user, "sentiment.list"):
        raise PermissionDenied
    g = request.GET
    qs = queries.reports_for(
        request.user,
        state=g.get("state") or None,
        year=_int(g.get("year")),
        mine=g.get("mine") == "1",
        q=(g.get("q") or "").strip()[:50],
    )
    page = Paginator(qs, PAGE_SIZE).get_page(g.get("page"))
    query = g.copy()
    query.pop("page", None)
    gr = grants(request.user)
    return render(
        request,
        "sentiment/list.html",
        {
            "page": page,
            "states": ReportState.choices,
            "filters": g,
            "query": query.urlencode(),
            "may_write": bool(actions.author_choices(request.user)),
            "is_staff": bool(gr.cppcc_staff),
            "may_rank": can(request.user, "sentiment.rank"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request):
    if not actions.author_choices(request.user):
        raise PermissionDenied
    form = forms.ReportForm(request.POST or None, request.FILES or None, user=request.user)

    def act(d):
        return actions.do_create_report(
            author=d["author"],
            title=d["title"],
            content=d["content"],
            category=d["category"] or None,
            co_authors=d["co_authors"],
            uploads=request.FILES.getlist("attachments"),
            acting_user=request.user,
        )

    return run_form_page(
        request,
        form,
        act,
        success=_("社情民意信息已保存为草稿，请核对后报送。"),
        on_success=redirect,
        template="sentiment/form.html",
        context={"report": None},
    )


def _load(request, pk: int) -> SentimentReport:
    return get_visible_or_404(request.user, queries.for_detail(SentimentReport.objects), pk=pk)


@login_required
def report_detail(request, pk: int):
    report = _load(request, pk)
    user = request.user
    staff = serialize.reads_original(user, report)
    offered = [
        {"verb": v, "label": STEPS[v].label, "primary": v in ("submit", "edit", "adopt")}
        for v in PAGE_ACTIONS
        if actions.may(user, report, v)
    ]
    return render(
        request,
        "sentiment/detail.html",
        {
            "report": report,
            "staff_view": staff,
            "offered": offered,
            "timeline": queries.timeline(report),
            "instructions": list(report.instructions.all()),
            "co_authors": list(report.co_authors.all()),
        },
    )


ACTION_FORMS = {
    "update": None,  # the report's own form
    "submit": forms.ConfirmForm,
    "accept": forms.ConfirmForm,
    "return": forms.ReasonForm,
    "edit": forms.EditForm,
    "adopt": forms.AdoptForm,
    "instruct": forms.InstructForm,
}

SUCCESS = {
    "update": gettext_lazy("已保存修改。"),
    "submit": gettext_lazy("社情民意信息已报送。"),
    "accept": gettext_lazy("已采用，待编辑。"),
    "return": gettext_lazy("已退回反映人修改。"),
    "edit": gettext_lazy("已保存编辑后的文稿。"),
    "adopt": gettext_lazy("已登记采用情况。"),
    "instruct": gettext_lazy("已登记领导批示，并通知反映人。"),
}


def _run(report, verb: str, d: dict, user):
    if verb == "update":
        return actions.do_update_report(
            report,
            title=d["title"],
            content=d["content"],
            category=d["category"] or None,
            co_authors=d["co_authors"],
            acting_user=user,
        )
    if verb == "submit":
        return actions.do_submit_report(report, acting_user=user)
    if verb == "accept":
        return actions.do_accept_report(report, acting_user=user)
    if verb == "return":
        return actions.do_return_report(report, reason=d["reason"], acting_user=user)
    if verb == "edit":
        return actions.do_edit_report(
            report,
            edited_title=d["edited_title"],
            edited_content=d["edited_content"],
            acting_user=user,
        )
    if verb == "adopt":
        return actions.do_adopt_report(
            report,
            adopted_by=d["adopted_by"],
            level=d["level"],
            manner=d["manner"],
            adopted_on=d["adopted_on"],
            acting_user=user,
        )
    return actions.do_instruct_report(
        report,
        leader=d["leader"],
        level=d["level"],
        text=d["text"],
        given_on=d["given_on"],
        acting_user=user,
    )


def _initial(report, verb: str) -> dict:
    if verb == "update":
        return {
            "title": report.title,
            "content": report.content,
            "category": report.category.code if report.category_id else "",
            "co_authors": [str(m.pk) for m in report.co_authors.all()],
        }
    if verb == "edit":
        return {
            "edited_title": report.edited_title or report.title,
            "edited_content": report.edited_content or report.content,
        }
    return {}


@login_required
@require_http_methods(["GET", "POST"])
def report_action(request, pk: int, verb: str):
    report = _load(request, pk)
    if verb not in ACTION_FORMS:
        raise Http404
    if not can(request.user, STEPS[verb].rule, report):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    if verb == "update":
        form = forms.ReportForm(
            data, user=request.user, report=report, initial=_initial(report, verb)
        )
    else:
        form = ACTION_FORMS[verb](data, initial=_initial(report, verb))
    return run_form_page(
        request,
        form,
        lambda d: _run(report, verb, d, request.user),
        success=str(SUCCESS[verb]),
        on_success=lambda _r: redirect(report),
        template="sentiment/action.html",
        context={"report": report, "verb": verb, "label": STEPS[verb].label},
    )


# --- Issues --------------------------------------------------------------------------------------


def _staff_cppcc(request) -> Cppcc:
    ids = list(grants(request.user).cppcc_staff)
    if not ids:
        raise PermissionDenied
    wanted = _int(request.GET.get("cppcc") or request.POST.get("cppcc"))
    return Cppcc.objects.get(pk=wanted if wanted in ids else ids[0])


@login_required
def issue_list(request):
    qs = queries.issues_for(request.user)
    if not grants(request.user).cppcc_read_regions and not grants(request.user).is_admin:
        raise PermissionDenied
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "sentiment/issue_list.html",
        {"page": page, "may_compile": bool(grants(request.user).cppcc_staff)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def issue_new(request):
    cppcc = _staff_cppcc(request)
    ready = list(queries.ready_to_compile(request.user, cppcc.pk))
    form = forms.IssueForm(request.POST or None, reports=ready)
    return run_form_page(
        request,
        form,
        lambda d: actions.do_compile_issue(
            cppcc, title=d["title"], reports=form.ordered(), acting_user=request.user
        ),
        success=_("期刊已编成。"),
        on_success=redirect,
        template="sentiment/issue_new.html",
        context={"cppcc": cppcc, "ready": ready},
    )


def _issue(request, pk: int) -> SentimentIssue:
    return get_visible_or_404(request.user, queries.issues_for(request.user), pk=pk)


@login_required
def issue_detail(request, pk: int):
    issue = _issue(request, pk)
    may_send = can(request.user, "sentiment.manage", issue) and issue.sent_on is None
    return render(
        request,
        "sentiment/issue_detail.html",
        {
            "issue": issue,
            "reports": queries.issue_reports(issue),
            "send_form": forms.SendForm() if may_send else None,
        },
    )


@login_required
@require_http_methods(["POST"])
def issue_send(request, pk: int):
    issue = _issue(request, pk)
    if not can(request.user, "sentiment.manage", issue):
        raise PermissionDenied
    form = forms.SendForm(request.POST)
    return run_form_page(
        request,
        form,
        lambda d: actions.do_send_issue(
            issue, recipients=d["recipients"], sent_on=d["sent_on"], acting_user=request.user
        ),
        success=_("期刊已报送。"),
        on_success=redirect,
        template="sentiment/issue_detail.html",
        context={"issue": issue, "reports": queries.issue_reports(issue), "send_form": form},
    )


@login_required
def issue_pdf(request, pk: int):
    issue = _issue(request, pk)
    response = HttpResponse(printing.issue_pdf(issue), content_type=PDF_TYPE)
    response["Content-Disposition"] = (
        f"inline; filename*=UTF-8''{_quote(printing.issue_filename(issue))}"
    )
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


# --- Rankings --------------------------------------------------------------------------------------


@login_required
def rankings(request):
    if not can(request.user, "sentiment.rank"):
        raise PermissionDenied
    g = grants(request.user)
    cppccs = Cppcc.objects.select_related("region").order_by("region__code")
    if not g.is_admin:
        cppccs = cppccs.filter(prefix_q("region__code", g.cppcc_read_regions))
    cppccs = list(cppccs)
    if not cppccs:
        raise PermissionDenied
    wanted = _int(request.GET.get("cppcc"))
    cppcc = next((c for c in cppccs if c.pk == wanted), None) or next(
        (c for c in cppccs if c.pk in g.cppcc_staff), cppccs[0]
    )
    this_year = dates.today().year
    year = _int(request.GET.get("year")) or this_year
    if not 2000 <= year <= this_year + 1:
        year = this_year
    return render(
        request,
        "sentiment/rankings.html",
        {
            "cppcc": cppcc,
            "cppccs": cppccs,
            "year": year,
            "years": list(range(this_year, this_year - 5, -1)),
            **queries.rankings(cppcc, year),
        },
    )
