"""Opinion pages: scan-to-speak and tracking for citizens (no account, no JavaScript needed),
intake for stations and deputies, and the three logs for staff."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lianxin.accounts.access import grants, visible_to
from lianxin.casework import serialize
from lianxin.casework.actions import do_evaluate_case
from lianxin.casework.models import Case, Channel
from lianxin.casework.queries import by_tracking_code, earlier_same_submission
from lianxin.core.errors import Forbidden, LianxinError, RateLimited, ValidationFailed
from lianxin.core.forms import issued_form_key, renew_form_key, show_error
from lianxin.liaison.models import Station
from lianxin.org.models import Deputy
from lianxin.org.pickers import region_picker

from . import logs
from .actions import do_register_opinion, submitted_with
from .forms import EvaluationForm, IntakeForm, LogForm, OpinionForm
from .limits import (
    ChallengeRequired,
    challenge_needed,
    check_challenge,
    check_public_submission,
    new_challenge,
)
from .lookups import find_deputy, find_station

# --- Scan to speak ------------------------------------------------------------------------------


# The two public forms below are exempt from CSRF on purpose: they act for nobody signed in
# (the views never read request.user), the same submissions are open to anyone through the
# public API, and some messaging apps' browsers drop the CSRF cookie, which would turn a
# citizen's submission into a 403. Duplicates are stopped by the idempotency key instead.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def scan_to_speak(request, code: str):
    """The page behind a deputy's or a station's QR code."""
    deputy = find_deputy(code)
    station = None if deputy is not None else find_station(code)
    if deputy is None and station is None:
        return render(request, "opinions/scan_invalid.html", status=404)
    if deputy is not None:
        membership = getattr(deputy, "station_membership", None) if _member(deputy) else None
        home = membership.station if membership else None
    else:
        home = station
    resubmitted = None
    if request.method == "POST":
        form = OpinionForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                check_challenge(
                    request,
                    data["contact_phone"],
                    data["challenge_token"],
                    data["challenge_answer"],
                )
            except ChallengeRequired as exc:
                return _ask_challenge(request, form, exc, deputy, station, home, code)
            try:
                check_public_submission(request, data["contact_phone"])
            except RateLimited as exc:
                show_error(form, exc)
                response = render(
                    request,
                    "opinions/scan_to_speak.html",
                    {
                        "form": form,
                        "deputy": deputy,
                        "station": station,
                        "home": home,
                        "code": code,
                    },
                    status=429,
                )
                response["Retry-After"] = str(exc.retry_after)
                return response
            try:
                case, created = do_register_opinion(
                    content=data["content"],
                    title=data["title"],
                    deputy=deputy,
                    station=station,
                    category=data["category"],
                    place=data["place"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                    phone_label=str(form.fields["contact_phone"].label),
                    is_anonymous=data["anonymous"],
                    photos=request.FILES.getlist("photos"),
                    channel=Channel.SCAN,
                    idempotency_key=data["idempotency_key"] or None,
                )
            except LianxinError as exc:
                if exc.code == "idempotency_mismatch":
                    resubmitted = _changed_resubmission(form)
                else:
                    show_error(form, exc)
            else:
                # The same form sent again (a double tap, Back or a reload and submit) is the
                # case its first submission made; the page says nothing new was registered.
                query = "?new=1" if created else "?new=1&again=1"
                return redirect(reverse("opinion_track", args=[case.tracking_code]) + query)
        status = 409 if resubmitted else 422
    else:
        # A page may point here with the subject filled in (a deputy's published duty report:
        # "对《…述职报告》的意见"); the citizen may change it.
        title = (request.GET.get("title") or "").strip()[:100]
        form = OpinionForm(initial={"title": title} if title else None)
        status = 200
    challenge = None
    if challenge_needed(request):
        challenge = new_challenge()
        form = _with_challenge(form, challenge)
    return render(
        request,
        "opinions/scan_to_speak.html",
        {
            "form": form,
            "deputy": deputy,
            "station": station,
            "home": home,
            "code": code,
            "resubmitted": resubmitted,
            "challenge": challenge,
        },
        status=status,
    )


def _with_challenge(form, challenge: dict):
    """The form with the question's token in its hidden field (a bound form too)."""
    if form.is_bound:
        data = form.data.copy()
        data["challenge_token"] = challenge["token"]
        data["challenge_answer"] = ""
        form.data = data
    else:
        form.initial["challenge_token"] = challenge["token"]
    return form


def _ask_challenge(request, form, exc, deputy, station, home, code):
    """The form back, as typed, with a new question (400)."""
    form = _with_challenge(form, exc.challenge)
    form.add_error("challenge_answer", exc.message)
    return render(
        request,
        "opinions/scan_to_speak.html",
        {
            "form": form,
            "deputy": deputy,
            "station": station,
            "home": home,
            "code": code,
            "challenge": exc.challenge,
        },
        status=400,
    )


def _changed_resubmission(form) -> dict:
    """A form already submitted came back with other content (the person went Back and changed
    it): nothing is registered yet. The form comes back with a fresh key, so that submitting it
    once more registers it as a new opinion, and names the earlier one. Its tracking code only
    when the key is one this site issued, which only the person shown that form knows (an API
    client's key may be guessed)."""
    key = form.cleaned_data["idempotency_key"]
    earlier = submitted_with(key) if issued_form_key(key) else None
    renew_form_key(form)
    return {"case": earlier}


def _member(deputy: Deputy) -> bool:
    from lianxin.liaison.models import StationMembership

    try:
        deputy.station_membership  # noqa: B018
    except StationMembership.DoesNotExist:
        return False
    return True


# --- Tracking -----------------------------------------------------------------------------------


@never_cache
def track_lookup(request):
    code = (request.GET.get("code") or "").strip().upper()
    if code:
        if by_tracking_code(code) is not None:
            return redirect("opinion_track", code=code)
        return render(
            request,
            "opinions/track_lookup.html",
            {"code": code, "error": _("查询码不存在，请核对后重新输入。")},
            status=404,
        )
    return render(request, "opinions/track_lookup.html", {"code": ""})


@never_cache
def track(request, code: str):
    case = by_tracking_code(code)
    if case is None:
        return render(
            request,
            "opinions/track_lookup.html",
            {"code": code[:16], "error": _("查询码不存在，请核对后重新输入。")},
            status=404,
        )
    return _track_page(request, case, EvaluationForm())


@require_GET
def track_reply_letter(request, code: str, reply_id: int):
    """A public reply as a letter (PDF) the citizen can keep or show: what the tracking page shows
    of it, no one's name or phone. Only a reply the tracking page shows; anything else is 404."""
    from lianxin.core.pdf import render_pdf

    case = by_tracking_code(code)
    view = serialize.public_view(case) if case is not None else None
    reply = next((r for r in view["replies"] if r["id"] == reply_id), None) if view else None
    if reply is None:
        raise Http404
    pdf = render_pdf(
        "opinions/reply_letter.html", {"case": view, "reply": reply, "issued": timezone.now()}
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        False, f"答复函-{view['tracking_code']}.pdf"
    )
    return response


def _track_page(request, case: Case, form, status: int = 200):
    view = serialize.public_view(case)
    is_new = request.GET.get("new") == "1"
    return render(
        request,
        "opinions/track.html",
        {
            "case": view,
            "form": form,
            "is_new": is_new,
            "again": is_new and request.GET.get("again") == "1",
            "earlier": _earlier_submission(case) if is_new else None,
            "steps": _steps(view),
        },
        status=status,
    )


def _earlier_submission(case: Case) -> Case | None:
    """Right after submitting: the same text from the same phone a few minutes before, under
    another tracking code (a new form sent again, or a second device). Both are kept, the
    citizen may mean it and was told the code of each; the page points to the earlier one and
    staff merge duplicates at triage. Only while the new one is itself that recent, so that an
    old tracking code does not lead to another one."""
    minutes = settings.LIANXIN_REPEAT_SUBMISSION_MINUTES
    if timezone.now() - case.created_at > dt.timedelta(minutes=minutes):
        return None
    return earlier_same_submission(case, minutes=minutes)


STEPS = [
    ("registered", gettext_lazy("登记")),
    ("triaged", gettext_lazy("梳理")),
    ("handling", gettext_lazy("处理")),
    ("fed_back", gettext_lazy("反馈")),
    ("evaluated", gettext_lazy("评议")),
]
ORDER = ["registered", "triaged", "handling", "replied", "fed_back", "evaluated", "concluded"]


def _steps(view: dict) -> list[dict]:
    state = view["state"]
    if state not in ORDER:
        return []
    at = ORDER.index(state)
    return [
        {"label": label, "done": ORDER.index(key) <= at, "current": key == state}
        for key, label in STEPS
    ]


@csrf_exempt
@require_POST
def track_evaluate(request, code: str):
    case = by_tracking_code(code)
    if case is None:
        raise Http404
    form = EvaluationForm(request.POST)
    if form.is_valid():
        try:
            do_evaluate_case(
                case,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
                as_citizen=True,
            )
        except LianxinError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("感谢您的评价。"))
            return redirect("opinion_track", code=case.tracking_code)
    return _track_page(request, by_tracking_code(code), form, status=422)


# --- Intake by a station or a deputy ----------------------------------------------------------------


def _intake_choices(user):
    g = grants(user)
    stations = Station.objects.filter(is_active=True).filter(
        pk__in=list(g.station_ids)
    ) | Station.objects.filter(is_active=True, congress_id__in=list(g.staff_congresses))
    stations = stations.select_related("region").order_by("region__code", "code")
    deputies = (
        Deputy.objects.filter(pk__in=list(g.deputy_ids))
        | Deputy.objects.filter(station_membership__station__in=stations.values("pk"))
    ).select_related("person", "congress")
    return stations, deputies.order_by("person__name", "id").distinct()


@login_required
@require_http_methods(["GET", "POST"])
def intake(request):
    stations, deputies = _intake_choices(request.user)
    g = grants(request.user)
    if not (g.station_ids or g.staff_congresses or g.deputy_ids):
        raise PermissionDenied
    default_channel = "deputy_upload" if g.deputy_ids and not g.station_ids else "station_desk"
    if request.method == "POST":
        form = IntakeForm(request.POST, request.FILES, stations=stations, deputies=deputies)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["channel"] == "station_desk" and data["station"] is None:
                    raise ValidationFailed(_("请选择联络站。"), field="station")
                if data["channel"] == "deputy_upload" and data["deputy"] is None:
                    raise ValidationFailed(_("请选择代表。"), field="deputy")
                case, _created = do_register_opinion(
                    content=data["content"],
                    title=data["title"],
                    deputy=data["deputy"],
                    station=data["station"] if data["channel"] == "station_desk" else None,
                    category=data["category"],
                    place=data["place"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                    phone_label=str(form.fields["contact_phone"].label),
                    is_anonymous=data["anonymous"],
                    photos=request.FILES.getlist("photos"),
                    channel=data["channel"],
                    idempotency_key=data["idempotency_key"] or None,
                    acting_user=request.user,
                )
            except Forbidden as exc:
                form.add_error(None, exc.message)
            except LianxinError as exc:
                if exc.code == "idempotency_mismatch":
                    form.add_error(None, _changed_intake(form))
                else:
                    show_error(form, exc)
            else:
                messages.success(
                    request,
                    _("已登记，查询码 %(code)s。") % {"code": case.tracking_code},
                )
                return redirect("case_detail", pk=case.pk)
        status = 422
    else:
        initial = {"channel": default_channel}
        if len(stations) == 1:
            initial["station"] = stations[0]
        if g.deputy_ids and len(g.deputy_ids) >= 1 and not g.station_ids:
            initial["deputy"] = sorted(g.deputy_ids)[0]
        form = IntakeForm(initial=initial, stations=stations, deputies=deputies)
        status = 200
    return render(request, "opinions/intake.html", {"form": form}, status=status)


def _changed_intake(form) -> str:
    earlier = _changed_resubmission(form)["case"]
    if earlier is None:
        return _("这份表单已登记过，您修改了内容。如要另行登记一条意见，请再次点击“登记”。")
    return _(
        "这份表单已登记过（查询码 %(code)s），您修改了内容。如要另行登记一条意见，请再次点击“登记”。"
    ) % {"code": earlier.tracking_code}


# --- The three logs -----------------------------------------------------------------------------


def _log_form(request):
    user = request.user
    g = grants(user)
    # Every deputy in the user's scope (and the user's own seats), not only those with cases.
    deputies = (
        Deputy.objects.filter(
            Q(pk__in=visible_to(user, Deputy).values("pk")) | Q(pk__in=list(g.deputy_ids))
        )
        .select_related("person", "congress")
        .order_by("person__name", "congress__level", "id")
    )
    stations = visible_to(user, Station).order_by("region__code", "code")
    return LogForm(
        request.GET or None,
        kinds=logs.KINDS,
        deputies=deputies.distinct(),
        stations=stations,
        region_picker=None if request.htmx else region_picker(user, blank_label=_("（不选）")),
        initial={"kind": "contact"},
    )


@login_required
def logs_page(request):
    form = _log_form(request)
    log, error = None, None
    if request.GET and not form.is_valid():
        # A filter outside the user's scope is said so, not silently ignored.
        error = _("所选条件不在您可查看的范围内，请重新选择：%(errors)s") % {
            "errors": "；".join(
                f"{form.fields[name].label}" for name in form.errors if name in form.fields
            )
        }
    elif request.GET:
        data = form.cleaned_data
        try:
            log = logs.build(
                request.user,
                data["kind"],
                deputy=data["deputy"].pk if data["deputy"] else None,
                station=data["station"].pk if data["station"] else None,
                region=data["region"] or None,
                start=data["start"],
                end=data["end"],
            )
        except (LianxinError, PermissionDenied) as exc:
            error = getattr(exc, "message", _("您没有权限查看该记录簿。"))
    template = "opinions/logs.html#results" if request.htmx else "opinions/logs.html"
    return render(
        request,
        template,
        {"form": form, "log": log, "error": error, "query": request.GET.urlencode()},
        status=422 if error else 200,
    )


@login_required
def logs_export(request):
    form = _log_form(request)
    fmt = request.GET.get("format", "xlsx")
    if not form.is_valid() or fmt not in ("xlsx", "pdf"):
        raise Http404
    data = form.cleaned_data
    try:
        log = logs.build(
            request.user,
            data["kind"],
            deputy=data["deputy"].pk if data["deputy"] else None,
            station=data["station"].pk if data["station"] else None,
            region=data["region"] or None,
            start=data["start"],
            end=data["end"],
        )
    except Forbidden:
        raise PermissionDenied from None
    except LianxinError:
        raise Http404 from None
    content, content_type, filename = logs.export(log, fmt, user=request.user, request=request)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
