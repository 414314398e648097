"""The station workbench: the grid with its counts, stations and points, deputies in
stations, reception rules and dates, reception records, import and export, batch printing,
and leaders' receptions by quarter."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianxin.accounts import access
from lianxin.accounts.access import can, get_visible_or_404, grants, visible_to
from lianxin.core import dates
from lianxin.core.audit import record
from lianxin.core.errors import LianxinError
from lianxin.core.forms import run_form_page, show_error
from lianxin.core.models import AuditLog
from lianxin.org.models import Congress, Deputy, Region, SeatStatus

from . import actions, excel, forms, printing, queries
from .models import (
    Commitment,
    Point,
    ReceptionRecord,
    ReceptionRule,
    Station,
)

MAX_BATCH_CARDS = 3000


def _station(request, station_id: int) -> Station:
    return get_visible_or_404(
        request.user,
        Station.objects.select_related("region", "congress__region"),
        pk=station_id,
    )


def _managed_station(request, station_id: int) -> Station:
    station = _station(request, station_id)
    if not can(request.user, "station.manage", station):
        raise PermissionDenied
    return station


def _staff_congresses(user) -> list[Congress]:
    ids = list(grants(user).staff_congresses)
    return list(
        Congress.objects.filter(pk__in=ids).select_related("region").order_by("region__code")
    )


# --- The grid --------------------------------------------------------------------------------------
@login_required
def grid(request):
    g = grants(request.user)
    if not can(request.user, "station.grid"):
        if len(g.station_ids) == 1:
            return redirect("liaison_station", next(iter(g.station_ids)))
        if g.station_ids or g.deputy_ids:
            return redirect("liaison_station_list")
        raise PermissionDenied
    code = request.GET.get("region")
    try:
        region = queries.region_or_422(code) if code else queries.grid_root(request.user)
        year = int(request.GET.get("year") or dates.today().year)
    except (LianxinError, ValueError):
        raise Http404 from None
    rows, total = queries.grid_counts(request.user, region, year)
    leaf_stations = []
    if region is not None and not Region.objects.filter(parent=region).exists():
        leaf_stations = list(
            visible_to(request.user, Station)
            .filter(region=region)
            .annotate(
                n_points=Count("points", filter=Q(points__is_active=True), distinct=True),
                n_deputies=Count("memberships", distinct=True),
            )
            .order_by("code")
        )
    unassigned = queries.unassigned_deputies(request.user).count()
    return render(
        request,
        "liaison/grid.html",
        {
            "region": region,
            "path": queries.region_path(region)[:-1] if region else [],
            "rows": rows,
            "total": total,
            "year": year,
            "years": list(range(dates.today().year, dates.today().year - 4, -1)),
            "leaf_stations": leaf_stations,
            "unassigned": unassigned,
            "can_import": bool(_staff_congresses(request.user)),
        },
    )


@login_required
def station_list(request):
    qs = visible_to(request.user, Station)
    try:
        qs = queries.filter_stations(
            qs,
            region=request.GET.get("region") or None,
            kind=request.GET.get("kind") or None,
            q=request.GET.get("q"),
        )
        error = None
    except LianxinError as exc:
        qs, error = Station.objects.none(), exc.message
    if request.GET.get("inactive") != "1":
        qs = qs.filter(is_active=True)
    qs = (
        qs.select_related("region")
        .annotate(
            n_points=Count("points", filter=Q(points__is_active=True), distinct=True),
            n_deputies=Count("memberships", distinct=True),
        )
        .order_by("region__code", "code")
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "liaison/station_list.html",
        {
            "page": page,
            "error": error,
            "kinds": Station.Kind.choices,
            "congresses": _staff_congresses(request.user),
        },
        status=422 if error else 200,
    )


# --- One station --------------------------------------------------------------------------------
def _duty_choices(station: Station) -> list[tuple[int, str]]:
    """The station's deputies, and the leading cadres of every congress whose region covers
    the station (leaders receive at stations other than their own)."""
    code = station.region.code
    prefixes = [code[:n] for n in range(2, len(code) + 1)]
    qs = (
        Deputy.objects.filter(status=SeatStatus.SERVING)
        .filter(
            Q(station_membership__station=station)
            | Q(person__is_leading_cadre=True, congress__region__code__in=prefixes)
        )
        .select_related("person", "congress")
        .order_by("congress__region__code", "person__name", "pk")
        .distinct()
    )
    choices = []
    for d in qs:
        label = f"{d.person.name}（{d.congress.name}）"
        if d.person.is_leading_cadre:
            label += _("·领导干部")
        choices.append((d.pk, label))
    return choices


@login_required
def station_detail(request, station_id: int):
    station = _station(request, station_id)
    manage = can(request.user, "station.manage", station)
    today = dates.today()
    upcoming = queries.reception_schedule([station.pk], today, today + dt.timedelta(days=92))
    members = list(
        Deputy.objects.filter(station_membership__station=station)
        .select_related("person", "congress__region")
        .order_by("congress__region__code", "person__name", "pk")
    )
    for d in members:
        d.can_unassign = can(request.user, "station.assign", (station, d))
    rules = list(
        station.rules.filter(is_active=True)
        .prefetch_related("deputies__person")
        .order_by("valid_from", "pk")
    )
    records = queries.records_for(request.user, station)[:10]
    return render(
        request,
        "liaison/station_detail.html",
        {
            "station": station,
            "manage": manage,
            "can_assign": can(request.user, "station.create", station.congress),
            "can_toggle": can(request.user, "station.create", station.congress),
            "points": station.points.select_related("region").order_by("name"),
            "members": members,
            "rules": [r for r in rules if r.valid_until is None or r.valid_until >= today],
            "upcoming": upcoming,
            "records": records,
            "record_count": queries.records_for(request.user, station).count(),
            "manager_phone": access.mask_phone(station.manager_phone),
            "card_address": printing.card_address(),
        },
    )


@login_required
def station_create(request):
    congresses = [
        c for c in _staff_congresses(request.user) if can(request.user, "station.create", c)
    ]
    if not congresses:
        raise PermissionDenied
    congress = congresses[0]
    if request.GET.get("congress") or request.POST.get("congress"):
        wanted = str(request.POST.get("congress") or request.GET.get("congress"))
        congress = next((c for c in congresses if str(c.pk) == wanted), congress)
    form = forms.StationForm(request.POST or None)
    return run_form_page(
        request,
        form,
        lambda data: actions.do_create_station(
            congress=congress,
            code=data["code"],
            data=form.data_for_action(),
            acting_user=request.user,
        ),
        success=_("联络站已建立。"),
        on_success=lambda station: redirect("liaison_station", station.pk),
        template="liaison/station_form.html",
        context={"congress": congress, "congresses": congresses, "station": None},
    )


@login_required
def station_edit(request, station_id: int):
    station = _managed_station(request, station_id)
    form = forms.StationForm(request.POST or None, initial=forms.StationForm.initial_for(station))
    form.fields["code"].disabled = True
    return run_form_page(
        request,
        form,
        lambda data: actions.do_update_station(
            station, data=form.data_for_action(), acting_user=request.user
        ),
        success=_("已保存。"),
        on_success=lambda _result: redirect("liaison_station", station.pk),
        template="liaison/station_form.html",
        context={"station": station, "congress": station.congress},
    )


@login_required
@require_POST
def station_toggle(request, station_id: int):
    station = _station(request, station_id)
    try:
        actions.do_set_station_active(
            station, active=request.POST.get("active") == "1", acting_user=request.user
        )
    except LianxinError as exc:
        messages.error(request, exc.message)
    return redirect("liaison_station", station.pk)


# --- Points ----------------------------------------------------------------------------------------
@login_required
def point_create(request, station_id: int):
    station = _managed_station(request, station_id)
    return run_form_page(
        request,
        forms.PointForm(request.POST or None),
        lambda data: actions.do_add_point(station, data=data, acting_user=request.user),
        success=_("联络点已添加。"),
        on_success=lambda _result: redirect("liaison_station", station.pk),
        template="liaison/point_form.html",
        context={"station": station},
    )


def _point(request, point_id: int) -> Point:
    point = get_visible_or_404(
        request.user,
        Point.objects.select_related("station__region", "station__congress__region", "region"),
        pk=point_id,
    )
    if not can(request.user, "station.manage", point.station):
        raise PermissionDenied
    return point


@login_required
def point_edit(request, point_id: int):
    point = _point(request, point_id)
    return run_form_page(
        request,
        forms.PointForm(request.POST or None, initial=forms.PointForm.initial_for(point)),
        lambda data: actions.do_update_point(point, data=data, acting_user=request.user),
        success=_("已保存。"),
        on_success=lambda _result: redirect("liaison_station", point.station_id),
        template="liaison/point_form.html",
        context={"station": point.station, "point": point},
    )


@login_required
@require_POST
def point_delete(request, point_id: int):
    point = _point(request, point_id)
    station_id = point.station_id
    actions.do_remove_point(point, acting_user=request.user)
    messages.success(request, _("联络点已删除。"))
    return redirect("liaison_station", station_id)


# --- Deputies in stations -----------------------------------------------------------------------
@login_required
@require_POST
def assign(request, station_id: int):
    station = _station(request, station_id)
    deputy_id = request.POST.get("deputy")
    deputy = (
        visible_to(request.user, Deputy)
        .select_related("person", "congress__region")
        .filter(pk=deputy_id if str(deputy_id or "").isdigit() else None)
        .first()
    )
    if deputy is None:
        messages.error(request, _("找不到该代表。"))
    else:
        try:
            actions.do_assign_deputy(station, deputy, acting_user=request.user)
        except LianxinError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("已将%(name)s安排到%(station)s。")
                % {"name": deputy.person.name, "station": station.name},
            )
    back = request.POST.get("next")
    if back == "unassigned":
        return redirect("liaison_unassigned")
    return redirect("liaison_station", station.pk)


@login_required
@require_POST
def unassign(request, station_id: int, deputy_id: int):
    station = _station(request, station_id)
    deputy = get_visible_or_404(
        request.user,
        Deputy.objects.select_related("person", "congress__region"),
        pk=deputy_id,
        station_membership__station=station,
    )
    try:
        actions.do_unassign_deputy(deputy, acting_user=request.user)
    except LianxinError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s已移出本站。") % {"name": deputy.person.name})
    return redirect("liaison_station", station.pk)


@login_required
def unassigned(request):
    g = grants(request.user)
    if not (g.is_admin or g.congress_read_regions):
        raise PermissionDenied
    qs = queries.unassigned_deputies(request.user)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    stations = list(
        visible_to(request.user, Station)
        .filter(is_active=True)
        .select_related("region", "congress__region")
        .order_by("region__code", "code")
    )
    rows = []
    for d in page:
        options = [
            s
            for s in stations
            if s.region.code.startswith(d.congress.region.code)
            and can(request.user, "station.assign", (s, d))
        ]
        rows.append((d, options))
    return render(
        request, "liaison/unassigned.html", {"page": page, "rows": rows, "count": qs.count()}
    )


# --- Reception rules and dates ----------------------------------------------------------------
@login_required
def rule_create(request, station_id: int):
    station = _managed_station(request, station_id)
    form = forms.RuleForm(request.POST or None, initial={"valid_from": dates.today()})
    form.fields["deputies"].choices = _duty_choices(station)
    return run_form_page(
        request,
        form,
        lambda data: actions.do_add_reception_rule(
            station,
            frequency=data["frequency"],
            day_of_month=data["day_of_month"],
            weekday=data["weekday"],
            week_of_month=data["week_of_month"],
            start_time=data["start_time"],
            end_time=data["end_time"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            holiday_policy=data["holiday_policy"],
            place=data["place"],
            note=data["note"],
            deputy_ids=data["deputies"],
            acting_user=request.user,
        ),
        success=_("接待日规则已添加。"),
        on_success=lambda _result: redirect("liaison_station", station.pk),
        template="liaison/rule_form.html",
        context={"station": station},
    )


@login_required
@require_POST
def rule_end(request, rule_id: int):
    rule = get_visible_or_404(
        request.user, ReceptionRule.objects.select_related("station"), pk=rule_id
    )
    try:
        actions.do_end_reception_rule(rule, acting_user=request.user)
    except LianxinError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("该接待日规则已停止，今后不再产生接待日。"))
    return redirect("liaison_station", rule.station_id)


@login_required
def day_create(request, station_id: int):
    station = _managed_station(request, station_id)
    form = forms.DayForm(request.POST or None)
    form.fields["deputies"].choices = _duty_choices(station)
    return run_form_page(
        request,
        form,
        lambda data: actions.do_schedule_reception_day(
            station,
            date=data["date"],
            start_time=data["start_time"],
            end_time=data["end_time"],
            place=data["place"],
            note=data["note"],
            deputy_ids=data["deputies"],
            acting_user=request.user,
        ),
        success=_("接待日已安排。"),
        on_success=lambda _result: redirect("liaison_station", station.pk),
        template="liaison/day_form.html",
        context={"station": station},
    )


@login_required
@require_POST
def day_cancel(request, station_id: int):
    station = _managed_station(request, station_id)
    try:
        actions.do_cancel_reception_date(
            station, key=request.POST.get("key", ""), acting_user=request.user
        )
    except LianxinError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("该接待日已取消。"))
    return redirect("liaison_station", station.pk)


# --- Reception records ----------------------------------------------------------------------------
@login_required
def record_list(request, station_id: int):
    station = _station(request, station_id)
    qs = queries.records_for(request.user, station)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "liaison/record_list.html",
        {
            "station": station,
            "page": page,
            "can_record": can(request.user, "reception.record", station),
        },
    )


@login_required
def record_create(request, station_id: int):
    station = _station(request, station_id)
    if not can(request.user, "reception.record", station):
        raise PermissionDenied
    form = forms.RecordForm(request.POST or None, initial={"date": dates.today()})
    form.fields["deputies"].choices = _duty_choices(station)

    def saved(rec: ReceptionRecord):
        messages.success(request, _("接待记录已保存。"))
        return redirect("liaison_records", station.pk)

    return run_form_page(
        request,
        form,
        lambda data: actions.do_record_reception(
            station,
            date=data["date"],
            kind=data["kind"],
            deputy_ids=data["deputies"],
            visitor_name=data["visitor_name"],
            visitor_phone=data["visitor_phone"],
            visitor_count=data["visitor_count"],
            subject=data["subject"],
            content=data["content"],
            response=data["response"],
            raise_opinion=data["raise_opinion"],
            acting_user=request.user,
        ),
        success=None,  # saved() picks the message by the outcome
        on_success=saved,
        template="liaison/record_form.html",
        context={"station": station},
    )


# --- Import and export ---------------------------------------------------------------------------
@login_required
def import_page(request):
    congresses = [
        c for c in _staff_congresses(request.user) if can(request.user, "station.import", c)
    ]
    if not congresses:
        raise PermissionDenied
    congress = congresses[0]
    wanted = request.POST.get("congress") or request.GET.get("congress")
    if wanted:
        congress = next((c for c in congresses if str(c.pk) == str(wanted)), congress)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = excel.check_and_import(
                upload.read(excel.MAX_FILE_BYTES + 1),
                congress=congress,
                acting_user=request.user,
                import_valid_rows=form.cleaned_data["import_valid_rows"],
                dry_run=form.cleaned_data["dry_run"],
            )
        except LianxinError as exc:
            show_error(form, exc)
            status = 422
        else:
            if not report.imported and not report.ok:
                status = 422
    elif request.method == "POST":
        status = 422
    return render(
        request,
        "liaison/import.html",
        {"form": form, "report": report, "congress": congress, "congresses": congresses},
        status=status,
    )


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=excel.XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
def import_template(request):
    return _xlsx(excel.template(), "station-import-template.xlsx")


@login_required
def export(request):
    if not can(request.user, "station.export"):
        raise PermissionDenied
    qs = visible_to(request.user, Station)
    region = request.GET.get("region") or None
    try:
        qs = queries.filter_stations(qs, region=region)
    except LianxinError as exc:
        messages.error(request, exc.message)
        return redirect("liaison_station_list")
    record(
        AuditLog.Kind.EXPORTED,
        request=request,
        user=request.user,
        target="liaison:stations",
        region=region or "",
    )
    return _xlsx(excel.export(qs), "stations.xlsx")


# --- Printing -----------------------------------------------------------------------------------------
def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=printing.PDF_TYPE)
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response


def _cards_page(request, error: str = ""):
    stations = (
        visible_to(request.user, Station)
        .filter(is_active=True)
        .select_related("region")
        .order_by("region__code", "code")
    )
    counties = Region.objects.filter(
        pk__in=stations.values("region__parent"), kind=Region.Kind.COUNTY
    ) | Region.objects.filter(pk__in=stations.values("region"), kind=Region.Kind.COUNTY)
    return render(
        request,
        "liaison/cards.html",
        {
            "stations": stations,
            "regions": counties.distinct().order_by("code"),
            "error": error,
            "card_address": printing.card_address(),
        },
        status=422 if error else 200,
    )


@login_required
def cards(request):
    """Deputy contact cards or station service cards of one station or a whole region, in one
    PDF for printing. A batch that cannot be printed is said so on the page itself (422), not
    by a redirect: the page's buttons fetch the file (busy.js) and show any page that is not
    one."""
    kind = request.GET.get("kind")
    station_id = request.GET.get("station")
    region_code = request.GET.get("region")
    if not kind:
        return _cards_page(request)
    if kind not in ("deputy", "station"):
        raise Http404
    stations = visible_to(request.user, Station).filter(is_active=True)
    if station_id:
        stations = stations.filter(pk=station_id if str(station_id).isdigit() else None)
        label = f"station-{station_id}"
    elif region_code:
        try:
            region = queries.region_or_422(region_code)
        except LianxinError:
            raise Http404 from None
        stations = stations.filter(region_id__in=queries.subtree_region_ids(region))
        label = f"region-{region.code}"
    else:
        raise Http404
    stations = list(stations.select_related("region").order_by("region__code", "code"))
    if not stations:
        raise Http404
    if kind == "station":
        return _pdf(printing.station_cards_pdf(stations), f"station-cards-{label}.pdf")
    deputies = list(
        queries.public_deputies()
        .filter(station_membership__station__in=stations)
        .select_related("person", "congress__region")
        .order_by(
            "station_membership__station__region__code",
            "station_membership__station__code",
            "congress__region__code",
            "person__name",
        )[: MAX_BATCH_CARDS + 1]
    )
    if len(deputies) > MAX_BATCH_CARDS:
        return _cards_page(
            request,
            _("一次最多打印 %(n)d 张连心卡，请按乡镇或联络站分批打印。") % {"n": MAX_BATCH_CARDS},
        )
    if not deputies:
        return _cards_page(request, _("所选联络站暂无进站代表。"))
    return _pdf(printing.deputy_cards_pdf(deputies), f"deputy-cards-{label}.pdf")


# --- Leaders' receptions by quarter --------------------------------------------------------------
@login_required
def leaders(request):
    if not can(request.user, "reception.leaders"):
        raise PermissionDenied
    try:
        year = int(request.GET.get("year") or dates.today().year)
        if not 2000 <= year <= dates.today().year + 1:
            raise ValueError
    except ValueError:
        raise Http404 from None
    region = None
    if request.GET.get("region"):
        try:
            region = queries.region_or_422(request.GET["region"])
        except LianxinError:
            raise Http404 from None
    rows = queries.leaders_by_quarter(request.user, year, region=region)
    only_missing = request.GET.get("missing") == "1"
    if only_missing:
        rows = [r for r in rows if r.missing]
    quarters = [1, 2, 3, 4]
    missing_counts = [sum(1 for r in rows if q in r.missing) for q in quarters]
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    root = queries.grid_root(request.user)
    regions = Region.objects.filter(parent=root).order_by("code") if root else Region.objects.none()
    return render(
        request,
        "liaison/leaders.html",
        {
            "rows": page,
            "page": page,
            "count": len(rows),
            "region": region,
            "regions": regions,
            "year": year,
            "years": list(range(dates.today().year, dates.today().year - 4, -1)),
            "quarters": quarters,
            "quarter_summary": list(zip(quarters, missing_counts, strict=True)),
            "only_missing": only_missing,
        },
    )


# --- Public commitments -----------------------------------------------------------------------------
@login_required
def commitments(request, deputy_id: int):
    deputy = get_visible_or_404(
        request.user, Deputy.objects.select_related("person", "congress"), pk=deputy_id
    )
    if not can(request.user, "deputy.manage_commitments", deputy):
        raise PermissionDenied
    form = forms.CommitmentForm(request.POST or None, initial={"year": dates.today().year})
    if remove := request.POST.get("remove"):
        item = Commitment.objects.filter(
            pk=remove if remove.isdigit() else None, deputy=deputy
        ).first()
        if item is not None:
            actions.do_remove_commitment(item, acting_user=request.user)
            messages.success(request, _("已删除。"))
        return redirect("liaison_commitments", deputy.pk)
    return run_form_page(
        request,
        form,
        lambda data: actions.do_add_commitment(
            deputy, year=data["year"], content=data["content"], acting_user=request.user
        ),
        success=_("承诺已公开。"),
        on_success=lambda _result: redirect("liaison_commitments", deputy.pk),
        template="liaison/commitments.html",
        context={"deputy": deputy, "items": deputy.commitments.order_by("-year", "pk")},
    )
