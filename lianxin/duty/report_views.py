"""Pages of duty reports (述职报告): the deputy drafts from the record, edits and submits; the
office approves or returns, publishes or withdraws; the PDF; and the office's choice of what
the public pages show."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianxin.accounts.access import can, get_visible_or_404, grants, visible_to
from lianxin.core import dates
from lianxin.core.errors import LianxinError
from lianxin.core.forms import run_form_page
from lianxin.org.models import Congress

from . import forms, queries, reports
from .models import DutyReport


def _report(request, report_id: int) -> DutyReport:
    return get_visible_or_404(
        request.user,
        DutyReport.objects.select_related("deputy__person", "deputy__congress", "decided_by"),
        pk=report_id,
    )


@login_required
def report_list(request):
    """The deputy's own reports; for the office, those awaiting its decision and the rest."""
    g = grants(request.user)
    qs = visible_to(request.user, DutyReport).select_related("deputy__person", "deputy__congress")
    status = request.GET.get("status") or ""
    if status in DutyReport.Status.values:
        qs = qs.filter(status=status)
    pending = (
        qs.filter(
            status=DutyReport.Status.SUBMITTED, deputy__congress_id__in=list(g.staff_congresses)
        )
        .exclude(deputy_id__in=list(g.deputy_ids))
        .order_by("submitted_at", "pk")
    )
    return render(
        request,
        "duty/report_list.html",
        {
            "mine": qs.filter(deputy_id__in=list(g.deputy_ids)).order_by("-period_end", "-pk")[:50],
            "pending": list(pending[:50]),
            "others": qs.exclude(deputy_id__in=list(g.deputy_ids)).order_by("-updated_at")[:50]
            if g.congress_read_regions or g.is_admin or g.station_ids
            else [],
            "can_write": bool(g.deputy_ids),
            "can_publish": bool(g.staff_congresses),
            "statuses": DutyReport.Status.choices,
            "status": status,
        },
    )


@login_required
def report_create(request):
    seats = list(queries.my_seats(request.user))
    if not seats:
        raise PermissionDenied
    today = dates.today()
    start = today.replace(month=1, day=1)
    form = forms.NewReportForm(
        request.POST or None,
        seats=seats,
        initial={"seat": seats[0].pk, "period_start": start, "period_end": today},
    )

    def act(data):
        seat = next(s for s in seats if s.pk == data["seat"])
        return reports.do_draft_report(
            seat,
            period_start=data["period_start"],
            period_end=data["period_end"],
            title=data.get("title") or "",
            acting_user=request.user,
        )

    return run_form_page(
        request,
        form,
        act,
        success=_("述职报告草稿已由履职记录生成，请修改补充后提交审核。"),
        on_success=redirect,
        template="duty/report_form.html",
        context={},
    )


@login_required
def report_detail(request, report_id: int):
    report = _report(request, report_id)
    writes = can(request.user, "dutyreport.write", report.deputy) and report.editable
    decides = can(request.user, "dutyreport.decide", report)
    edit = forms.EditReportForm(
        request.POST if request.POST.get("form") == "edit" else None,
        initial={"title": report.title, "body": report.body},
    )
    decide = forms.DecideReportForm(request.POST if request.POST.get("form") == "decide" else None)
    if request.method == "POST":
        which = request.POST.get("form")
        if (which == "edit" and not writes) or (which == "decide" and not decides):
            raise PermissionDenied
        form = edit if which == "edit" else decide

        def act(data):
            if which == "edit":
                row = reports.do_edit_report(
                    report, title=data["title"], body=data["body"], acting_user=request.user
                )
                if data.get("submit"):
                    row = reports.do_submit_report(row, acting_user=request.user)
                return row
            return reports.do_decide_report(
                report,
                approve=data["decision"] == "approve",
                reason=data.get("reason") or "",
                acting_user=request.user,
            )

        if form.is_valid():
            try:
                row = act(form.cleaned_data)
            except LianxinError as exc:
                from lianxin.core.forms import show_error

                show_error(form, exc)
            else:
                messages.success(
                    request,
                    _("已提交审核。")
                    if row.status == DutyReport.Status.SUBMITTED
                    else _("已保存。"),
                )
                return redirect(row)
        status = 422
    else:
        status = 200
    return render(
        request,
        "duty/report_detail.html",
        {
            "report": report,
            "edit": edit if writes else None,
            "decide": decide if decides and report.status == DutyReport.Status.SUBMITTED else None,
            "can_publish": decides
            and report.status in (DutyReport.Status.APPROVED, DutyReport.Status.PUBLISHED),
            "paragraphs": [p for p in report.body.split("\n\n") if p.strip()],
        },
        status=status,
    )


@login_required
@require_POST
def report_publish(request, report_id: int):
    report = _report(request, report_id)
    if not can(request.user, "dutyreport.decide", report):
        raise PermissionDenied
    publish = request.POST.get("publish") != "0"
    try:
        reports.do_publish_report(report, publish=publish, acting_user=request.user)
    except LianxinError as exc:
        messages.error(request, exc.message)
        return redirect(report)
    messages.success(request, _("已在公开页面发布。") if publish else _("已从公开页面撤下。"))
    return redirect(report)


@login_required
def report_pdf(request, report_id: int):
    report = _report(request, report_id)
    response = HttpResponse(reports.report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        False, _("述职报告-%(name)s.pdf") % {"name": report.deputy.person.name}
    )
    return response


@login_required
def publication(request):
    """The office's choice of what its deputies' public pages show (亮履职)."""
    g = grants(request.user)
    congresses = list(Congress.objects.filter(pk__in=list(g.staff_congresses)).order_by("pk"))
    if not congresses:
        raise PermissionDenied
    congress = congresses[0]
    current = reports.publication(congress.pk)
    fields = ("receptions", "suggestions", "activities", "opinions", "reports")
    form = forms.PublicationForm(
        request.POST or None, initial={f: getattr(current, f) for f in fields}
    )
    return run_form_page(
        request,
        form,
        lambda data: reports.do_set_publication(congress, data, acting_user=request.user),
        success=_("公开设置已保存。"),
        on_success=lambda _row: redirect("duty_publication"),
        template="duty/publication.html",
        context={"congress": congress},
    )


# --- Stories (履职故事) --------------------------------------------------------------------------
def _story_seats(request):
    """The seats the user may write a story of: his own, and his office's deputies (chosen by
    `?deputy=` when the office writes)."""
    from lianxin.org.models import Deputy

    g = grants(request.user)
    seats = list(queries.my_seats(request.user))
    wanted = request.GET.get("deputy") or request.POST.get("seat") or ""
    if g.staff_congresses and wanted.isdigit():
        row = (
            Deputy.objects.select_related("person", "congress")
            .filter(pk=int(wanted), congress_id__in=list(g.staff_congresses))
            .first()
        )
        if row is not None and row not in seats:
            seats.append(row)
    return seats


@login_required
def story_list(request):
    from .models import DutyStory

    g = grants(request.user)
    qs = visible_to(request.user, DutyStory).select_related("deputy__person", "deputy__congress")
    pending = (
        qs.filter(status=DutyStory.Status.PENDING, deputy__congress_id__in=list(g.staff_congresses))
        .exclude(deputy_id__in=list(g.deputy_ids))
        .exclude(author=request.user)
    )
    return render(
        request,
        "duty/story_list.html",
        {"stories": qs.order_by("-updated_at")[:100], "pending": list(pending[:50])},
    )


@login_required
def story_create(request):
    seats = _story_seats(request)
    if not seats:
        raise PermissionDenied
    form = forms.StoryForm(request.POST or None, seats=seats, initial={"seat": seats[-1].pk})

    def act(data):
        seat = next(s for s in seats if s.pk == data["seat"])
        return reports.do_write_story(
            seat, title=data["title"], body=data["body"], acting_user=request.user
        )

    return run_form_page(
        request,
        form,
        act,
        success=_("履职故事已提交，待代表工作机构审核后公开。"),
        on_success=redirect,
        template="duty/story_form.html",
        context={},
    )


@login_required
def story_detail(request, story_id: int):
    from .models import DutyStory

    story = get_visible_or_404(
        request.user,
        DutyStory.objects.select_related("deputy__person", "deputy__congress", "author"),
        pk=story_id,
    )
    decides = can(request.user, "dutystory.decide", story)
    if request.method == "POST" and not decides:
        raise PermissionDenied
    form = forms.DecideStoryForm(request.POST or None)
    return run_form_page(
        request,
        form,
        lambda data: reports.do_decide_story(
            story,
            publish=data["decision"] == "publish",
            reason=data.get("reason") or "",
            acting_user=request.user,
        ),
        success=_("审核意见已保存。"),
        on_success=redirect,
        template="duty/story_detail.html",
        context={
            "story": story,
            "can_decide": decides and story.status == DutyStory.Status.PENDING,
        },
    )


# --- Typical cases (典型案例) --------------------------------------------------------------------
@login_required
def typical_list(request):
    from . import typical
    from .models import TypicalCase

    g = grants(request.user)
    writes = bool(g.staff_congresses)
    rows = visible_to(request.user, TypicalCase).order_by("-published_at", "-pk")[:100]
    form = forms.DrawTypicalForm(request.POST or None)
    if request.method == "POST" and not writes:
        raise PermissionDenied

    def act(data):
        return typical.do_draw(
            typical.case_by_number(request.user, data["case"]), acting_user=request.user
        )

    return run_form_page(
        request,
        form,
        act,
        success=_("已从该事项生成典型案例草稿，群众的个人信息已删除，请审阅修改后公开。"),
        on_success=redirect,
        template="duty/typical_list.html",
        context={"rows": rows, "writes": writes},
    )


@login_required
def typical_detail(request, typical_id: int):
    from . import typical
    from .models import TypicalCase

    row = get_visible_or_404(
        request.user, TypicalCase.objects.select_related("congress", "case"), pk=typical_id
    )
    writes = can(request.user, "typicalcase.write", row.congress)
    if request.method == "POST" and not writes:
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("publish") in ("0", "1"):
        try:
            typical.do_publish(
                row, publish=request.POST["publish"] == "1", acting_user=request.user
            )
        except LianxinError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已保存。"))
        return redirect(row)
    form = forms.TypicalCaseForm(
        request.POST or None,
        initial={"title": row.title, "problem": row.problem, "handling": row.handling},
    )
    return run_form_page(
        request,
        form,
        lambda data: typical.do_edit(
            row,
            title=data["title"],
            problem=data["problem"],
            handling=data["handling"],
            acting_user=request.user,
        ),
        success=_("已保存。"),
        on_success=redirect,
        template="duty/typical_detail.html",
        context={"row": row, "writes": writes},
    )
