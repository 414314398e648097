"""Consultation pages: the staff's list, creation and detail of events (speeches, results and
their steps), the member's own events on a phone, and studios with their activities."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianxin.accounts.access import can, get_visible_or_404, grants
from lianxin.core.errors import LianxinError
from lianxin.core.forms import run_form_page, show_error
from lianxin.org.models import Cppcc, Member, SeatStatus
from lianxin.org.scan import scan_url

from . import actions, forms, queries, records
from .models import ConsultationEvent, ConsultationResult, Studio


def _staff_cppcc(user) -> Cppcc | None:
    staff = sorted(grants(user).cppcc_staff)
    return Cppcc.objects.filter(pk=staff[0]).first() if staff else None


@login_required
def event_list(request):
    if not can(request.user, "xieshang.list"):
        raise PermissionDenied
    mine = request.GET.get("mine") == "1" or not grants(request.user).cppcc_read_regions
    events = queries.events_for(request.user, mine=mine and bool(grants(request.user).member_ids))
    return render(
        request,
        "xieshang/list.html",
        {"events": events[:200], "may_create": can(request.user, "xieshang.create"), "mine": mine},
    )


@login_required
def event_new(request):
    cppcc = _staff_cppcc(request.user)
    if cppcc is None:
        raise PermissionDenied
    form = forms.EventForm(request.POST or None, cppcc=cppcc)

    def act(d):
        return actions.do_create_event(
            cppcc,
            kind=d["kind"],
            title=d["title"],
            topic=d["topic"],
            held_on=d["held_on"],
            place=d["place"],
            agenda=d["agenda"],
            joint_with=d["joint_with"],
            participants=d["participants"],
            sectors=d["sectors"],
            invited_units=d["invited_units"],
            acting_user=request.user,
        )

    return run_form_page(
        request,
        form,
        act,
        success=_("协商活动已创建。"),
        on_success=redirect,
        template="xieshang/event_form.html",
        context={},
    )


def _event(request, pk: int) -> ConsultationEvent:
    return get_visible_or_404(request.user, queries.for_detail(ConsultationEvent.objects), pk=pk)


def _detail(request, event, *, speech_form=None, result_form=None, status=200):
    manage = can(request.user, "xieshang.manage", event)
    results = [
        {
            "row": r,
            "steps": [
                {"verb": v, "label": actions.STEPS[v][2]}
                for v in actions.STEPS
                if actions.may(request.user, r, v)
            ],
            "may_carry": manage and r.state in ("adopted", "implemented", "feedback"),
            # One form per result, each with ids of its own on the page.
            "step_form": forms.StepForm(auto_id=f"id_r{r.pk}_%s"),
            "carried_form": forms.CarriedOutForm(auto_id=f"id_c{r.pk}_%s"),
        }
        for r in event.results.all()
    ]
    return render(
        request,
        "xieshang/event_detail.html",
        {
            "event": event,
            "manage": manage,
            "results": results,
            "speech_form": speech_form or (forms.SpeechForm(event=event) if manage else None),
            "result_form": result_form or (forms.ResultForm() if manage else None),
        },
        status=status,
    )


@login_required
def event_detail(request, pk: int):
    return _detail(request, _event(request, pk))


@login_required
@require_POST
def speech_new(request, pk: int):
    event = _event(request, pk)
    form = forms.SpeechForm(request.POST, event=event)
    if form.is_valid():
        d = form.cleaned_data
        try:
            actions.do_record_speech(
                event,
                text=d["text"],
                member=d["member"],
                unit=d["unit"],
                speaker_name=d["speaker_name"],
                acting_user=request.user,
            )
        except LianxinError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("发言已登记。"))
            return redirect(event)
    return _detail(request, _event(request, pk), speech_form=form, status=422)


@login_required
@require_POST
def result_new(request, pk: int):
    event = _event(request, pk)
    form = forms.ResultForm(request.POST)
    if form.is_valid():
        try:
            actions.do_record_result(event, acting_user=request.user, **form.cleaned_data)
        except LianxinError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("协商成果已登记。"))
            return redirect(event)
    return _detail(request, _event(request, pk), result_form=form, status=422)


def _result(request, pk: int) -> ConsultationResult:
    return get_visible_or_404(request.user, queries.results_for(request.user), pk=pk)


@login_required
@require_POST
def result_step(request, pk: int, verb: str):
    result = _result(request, pk)
    form = forms.StepForm(request.POST)
    try:
        if not form.is_valid():
            raise actions.ValidationFailed(_("日期或单位有误。"))
        d = form.cleaned_data
        actions.do_advance_result(
            result,
            verb,
            on=d["on"],
            units=d["units"],
            feedback=d["feedback"],
            acting_user=request.user,
        )
    except LianxinError as exc:
        messages.error(request, exc.message)
        return _detail(request, _event(request, result.event_id), status=exc.status)
    messages.success(request, _("已办理。"))
    return redirect(result.event)


@login_required
@require_POST
def result_carried_out(request, pk: int):
    result = _result(request, pk)
    form = forms.CarriedOutForm(request.POST)
    try:
        if not form.is_valid():
            raise actions.ValidationFailed(_("请填写转化形式、文件名称和日期。"))
        actions.do_record_carried_out(result, acting_user=request.user, **form.cleaned_data)
    except LianxinError as exc:
        messages.error(request, exc.message)
        return _detail(request, _event(request, result.event_id), status=exc.status)
    messages.success(request, _("成果转化已登记。"))
    return redirect(result.event)


@login_required
def studio_list(request):
    if not can(request.user, "xieshang.list"):
        raise PermissionDenied
    return render(
        request, "xieshang/studio_list.html", {"studios": queries.studios_for(request.user)[:200]}
    )


def _studio(request, pk: int) -> Studio:
    return get_visible_or_404(request.user, queries.studio_detail(Studio.objects), pk=pk)


@login_required
def studio_detail(request, pk: int):
    studio = _studio(request, pk)
    manage = can(request.user, "xieshang.manage", studio)
    form = forms.ActivityForm(request.POST or None, studio=studio) if manage else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                actions.do_record_activity(studio, acting_user=request.user, **form.cleaned_data)
            except LianxinError as exc:
                show_error(form, exc)
            else:
                messages.success(request, _("活动已登记。"))
                return redirect(studio)
        status = 422
    return render(
        request,
        "xieshang/studio_detail.html",
        {"studio": studio, "form": form, "scan": scan_url(studio.scan_code)},
        status=status,
    )


@login_required
def my_record(request):
    """The signed-in member's own duty record, seat by seat."""
    seats = Member.objects.filter(
        pk__in=grants(request.user).member_ids, status=SeatStatus.SERVING
    ).select_related("cppcc", "person")
    if not seats:
        raise PermissionDenied
    rows = [(seat, records.member_record(seat)) for seat in seats]
    return render(request, "xieshang/record.html", {"rows": rows})
