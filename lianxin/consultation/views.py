"""Pages of consultations: the office's list, form and page (the articles, the contact points'
scan-to-speak codes, the opinions grouped by article or theme with a decision beside each, the
summary as Excel and PDF); the deputy's page on the phone (the text, the opinion form, what
became of their opinions); the citizen's form behind a contact point's code."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from lianxin.accounts.access import can, get_visible_or_404, grants, visible_to
from lianxin.core.errors import LianxinError, RateLimited
from lianxin.core.forms import renew_form_key, run_form_page, show_error
from lianxin.core.pdf import PDF_TYPE
from lianxin.liaison.printing import qr_image
from lianxin.org.models import Congress

from . import actions, forms, summary
from .models import Consultation, Document, Opinion, OpinionFile

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def consultation_list(request):
    if not can(request.user, "consultation.list"):
        raise PermissionDenied
    g = grants(request.user)
    rows = (
        visible_to(request.user, Consultation)
        .select_related("congress")
        .order_by("-opens_at", "-id")[:200]
    )
    return render(
        request,
        "consultation/list.html",
        {"consultations": rows, "can_open": bool(g.staff_congresses)},
    )


@login_required
def consultation_create(request):
    g = grants(request.user)
    congress = Congress.objects.filter(pk__in=list(g.staff_congresses)).order_by("pk").first()
    if congress is None:
        raise PermissionDenied
    form = forms.ConsultationForm(request.POST or None, request.FILES or None)

    def act(cd):
        data = {**cd, "expertise": [e.pk for e in cd["expertise"]]}
        return actions.do_open_consultation(
            congress, data, files=request.FILES.getlist("documents"), acting_user=request.user
        )

    return run_form_page(
        request,
        form,
        act,
        success=_("征求意见已发起。"),
        on_success=lambda c: redirect(c),
        template="consultation/form.html",
        context={"congress": congress},
    )


def _deputy_context(request, c: Consultation, form=None) -> dict:
    seats = actions.audience_seats(c, request.user)
    mine = summary.opinions_of(c).filter(deputy_id__in=[d.pk for d in seats])
    if form is None and seats:
        form = forms.OpinionForm(consultation=c, seats=seats)
    return {"seats": seats, "mine": list(mine), "form": form}


@login_required
@require_http_methods(["GET", "POST"])
def consultation_detail(request, consultation_id: int):
    c = actions.visible_consultation(request.user, consultation_id)
    manage = can(request.user, "consultation.manage", c)
    context = {
        "c": c,
        "manage": manage,
        "articles": list(c.articles.all()),
        "documents": list(c.documents.all()),
        "is_open": c.is_open(),
    }
    if manage or not grants(request.user).deputy_ids:
        opinions = list(summary.opinions_of(c))
        context["groups"] = summary.groups(c, opinions)
        context["counts"] = summary.counts(opinions)
        context["decisions"] = [
            x for x in Opinion.Decision.choices if x[0] != Opinion.Decision.PENDING
        ]
        if manage:
            context["links"] = [
                {
                    "station": x.station,
                    "url": actions.link_url(x.code),
                    "qr": qr_image(actions.link_url(x.code)),
                }
                for x in c.contact_links.select_related("station").order_by("station__code")
            ]
        return render(request, "consultation/detail.html", context)
    seats = actions.audience_seats(c, request.user)
    status = 200
    form = None
    if request.method == "POST":
        form = forms.OpinionForm(request.POST, request.FILES, consultation=c, seats=seats)
        if form.is_valid():
            cd = form.cleaned_data
            seat = next((d for d in seats if str(d.pk) == cd["seat"]), None)
            if seat is None and len(seats) == 1 and not cd["seat"]:
                seat = seats[0]
            try:
                actions.do_submit_opinion(
                    c, seat, cd, files=request.FILES.getlist("files"), acting_user=request.user
                )
            except LianxinError as exc:
                show_error(form, exc)
            else:
                messages.success(request, _("您的意见已提交。"))
                return redirect(c)
        status = 422
    context.update(_deputy_context(request, c, form))
    return render(request, "consultation/deputy.html", context, status=status)


@login_required
@require_POST
def opinion_decide(request, opinion_id: int):
    opinion = get_visible_or_404(
        request.user, Opinion.objects.select_related("consultation"), pk=opinion_id
    )
    c = opinion.consultation
    if not can(request.user, "consultation.manage", c):
        raise PermissionDenied
    try:
        actions.do_decide_opinion(
            opinion,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
            acting_user=request.user,
        )
    except LianxinError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("研究意见已保存。"))
    return redirect(reverse("consultation_detail", args=[c.pk]) + f"#opinion-{opinion.pk}")


def _managed(request, consultation_id: int) -> Consultation:
    c = actions.visible_consultation(request.user, consultation_id)
    if not can(request.user, "consultation.manage", c):
        raise PermissionDenied
    return c


def _exported(request, c, fmt: str) -> None:
    """The summary names the citizens who gave opinions: each export is audited."""
    from lianxin.core.audit import record
    from lianxin.core.models import AuditLog

    record(AuditLog.Kind.EXPORTED, request=request, target=f"consultation:{c.pk}", format=fmt)


@login_required
def summary_xlsx(request, consultation_id: int):
    c = _managed(request, consultation_id)
    _exported(request, c, "xlsx")
    response = HttpResponse(summary.summary_xlsx(c), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"{c.title}-意见汇总.xlsx")
    return response


@login_required
def summary_pdf(request, consultation_id: int):
    c = _managed(request, consultation_id)
    _exported(request, c, "pdf")
    response = HttpResponse(summary.summary_pdf(c), content_type=PDF_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{c.title}-意见汇总.pdf")
    return response


# --- The citizen's form behind a contact point's code -------------------------------------------
# Exempt from CSRF as scan-to-speak is (opinions/views.py): it acts for nobody signed in, and
# duplicates are stopped by the idempotency key instead.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def scan(request, code: str):
    link = actions.link_of(code)
    if link is None:
        return render(request, "opinions/scan_invalid.html", status=404)
    c = link.consultation
    context = {"link": link, "c": c, "articles": list(c.articles.all()), "is_open": c.is_open()}
    status = 200
    if request.method == "POST":
        form = forms.CitizenOpinionForm(request.POST, consultation=c)
        status = 422
        if form.is_valid():
            cd = form.cleaned_data
            try:
                actions.check_public_submission(
                    request.META.get("REMOTE_ADDR", ""), cd["citizen_phone"]
                )
                opinion, created = actions.do_submit_citizen_opinion(
                    link, cd, idempotency_key=cd["idempotency_key"] or None
                )
            except RateLimited as exc:
                show_error(form, exc)
                response = render(
                    request, "consultation/scan.html", {**context, "form": form}, status=429
                )
                response["Retry-After"] = str(exc.retry_after)
                return response
            except LianxinError as exc:
                show_error(form, exc)
                if exc.code == "idempotency_mismatch":
                    renew_form_key(form)
                    status = 409
            else:
                return render(
                    request,
                    "consultation/scan_thanks.html",
                    {**context, "opinion": opinion, "again": not created},
                )
    else:
        form = forms.CitizenOpinionForm(consultation=c)
    return render(request, "consultation/scan.html", {**context, "form": form}, status=status)


def _file_response(item) -> FileResponse:
    if item is None or not item.file:
        raise Http404
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=item.content_type)
    response["Content-Disposition"] = content_disposition_header(True, item.original_name)
    return response


@login_required
def document_download(request, consultation_id: int, document_id: int):
    """An attachment of the consultation: whoever sees the consultation."""
    c = actions.visible_consultation(request.user, consultation_id)
    return _file_response(Document.objects.filter(consultation=c, pk=document_id).first())


@login_required
def opinion_file_download(request, file_id: int):
    """An attachment of an opinion: the office (and those reading its roll-up), and the
    deputy who gave it."""
    item = OpinionFile.objects.select_related("opinion").filter(pk=file_id).first()
    if item is None:
        raise Http404
    get_visible_or_404(request.user, Opinion.objects.all(), pk=item.opinion_id)
    return _file_response(item)
