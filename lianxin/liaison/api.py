"""Endpoints of the liaison network: the public station directory ("near me" included),
schedules, notices and cards as PDF, and the Excel import."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.http import HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from lianxin.accounts import access
from lianxin.accounts.access import grants
from lianxin.api.auth import optional_user
from lianxin.core import dates
from lianxin.core.audit import record
from lianxin.core.errors import Forbidden, NotFound, ValidationFailed
from lianxin.core.models import AuditLog
from lianxin.core.paging import bounds
from lianxin.org.models import Congress, Deputy
from lianxin.org.scan import scan_url

from . import excel, printing, queries
from .models import ReceptionRecord, Station, StationMembership
from .schedule import Occurrence, describe_rule

router = Router(tags=["liaison"])

PDF_RESPONSE = {
    "responses": {
        200: {
            "description": "PDF",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}
XLSX_RESPONSE = {
    "responses": {
        200: {
            "description": "Excel",
            "content": {excel.XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


class RegionRef(Schema):
    code: str
    name: str
    full_name: str


class StationInternal(Schema):
    """Only for callers who may see the station inside the platform."""

    is_active: bool
    congress: str
    manager_name: str
    manager_phone: str
    notes: str
    deputies_assigned: int
    receptions_this_year: int


class StationOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    kind_text: str
    fused_kinds: list[str]
    specialty: str
    region: RegionRef
    address: str
    host_org: str
    latitude: float | None
    longitude: float | None
    opening_hours: str
    contact_name: str
    contact_phone: str
    scan_url: str
    public_url: str
    card_url: str
    notice_url: str
    distance_m: int | None = None
    internal: StationInternal | None = None


class StationList(Schema):
    items: list[StationOut]
    count: int


class PointOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    region: RegionRef
    place: str
    address: str
    host_org: str
    latitude: float | None
    longitude: float | None
    opening_hours: str
    contact_name: str
    contact_phone: str


class DeputyBrief(Schema):
    id: int
    name: str
    level: str
    level_label: str
    congress: str
    profile_url: str
    scan_url: str
    card_url: str


class StationRef(Schema):
    id: int
    code: str
    name: str


class ReceptionDayOut(Schema):
    date: dt.date
    weekday: str
    start_time: str
    end_time: str
    place: str
    station: StationRef
    deputies: list[DeputyBrief]
    postponed_from: dt.date | None
    holiday: str | None
    note: str


class StationDetail(StationOut):
    points: list[PointOut]
    deputies: list[DeputyBrief]
    rules: list[str]
    upcoming: list[ReceptionDayOut]


class ScheduleOut(Schema):
    station: StationRef
    date_from: dt.date
    date_to: dt.date
    items: list[ReceptionDayOut]
    count: int


def _float(value) -> float | None:
    return float(value) if value is not None else None


def _region(r) -> dict:
    return {"code": r.code, "name": r.name, "full_name": r.full_name}


def internal_counts(ids: list[int] | set[int]) -> dict[int, tuple[int, int]]:
    """(serving deputies assigned, receptions this year) per station, in two queries."""
    ids = list(ids)
    if not ids:
        return {}
    year = dates.today().year
    deputies = dict(
        StationMembership.objects.filter(station_id__in=ids, deputy__status="serving")
        .values_list("station_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    receptions = dict(
        ReceptionRecord.objects.filter(station_id__in=ids, date__year=year)
        .values_list("station_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {pk: (deputies.get(pk, 0), receptions.get(pk, 0)) for pk in ids}


def _internal(station: Station, counts: tuple[int, int]) -> dict:
    return {
        "is_active": station.is_active,
        "congress": station.congress.name,
        "manager_name": station.manager_name,
        "manager_phone": access.mask_phone(station.manager_phone),
        "notes": station.notes,
        "deputies_assigned": counts[0],
        "receptions_this_year": counts[1],
    }


def station_out(
    s: Station, *, internal: tuple[int, int] | None = None, distance: float | None = None
) -> dict:
    """Public fields; `internal` (the counts from `internal_counts`) adds the staff's view."""
    return {
        "id": s.pk,
        "code": s.code,
        "name": s.name,
        "kind": s.kind,
        "kind_label": str(s.get_kind_display()),
        "kind_text": s.kind_text,
        "fused_kinds": s.fused_kind_list,
        "specialty": s.specialty,
        "region": _region(s.region),
        "address": s.address,
        "host_org": s.host_org,
        "latitude": _float(s.latitude),
        "longitude": _float(s.longitude),
        "opening_hours": s.opening_hours,
        "contact_name": s.contact_name,
        "contact_phone": s.contact_phone,
        "scan_url": scan_url(s.scan_code),
        "public_url": reverse("portal_station", args=[s.pk]),
        "card_url": reverse("api:station_card", args=[s.pk]),
        "notice_url": reverse("api:station_notice", args=[s.pk]),
        "distance_m": round(distance) if distance is not None else None,
        "internal": _internal(s, internal) if internal is not None else None,
    }


def deputy_brief(d: Deputy) -> dict:
    return {
        "id": d.pk,
        "name": d.person.name,
        "level": d.congress.level,
        "level_label": str(d.congress.get_level_display()),
        "congress": d.congress.name,
        "profile_url": reverse("portal_deputy", args=[d.pk]),
        "scan_url": scan_url(d.scan_code),
        "card_url": reverse("api:deputy_card", args=[d.pk]),
    }


def occurrence_out(o: Occurrence) -> dict:
    return {
        "date": o.date,
        "weekday": o.weekday,
        "start_time": o.start_time.strftime("%H:%M"),
        "end_time": o.end_time.strftime("%H:%M"),
        "place": o.place or (o.station.address if o.station else ""),
        "station": {"id": o.station.pk, "code": o.station.code, "name": o.station.name},
        "deputies": [deputy_brief(d) for d in o.deputies],
        "postponed_from": o.postponed_from,
        "holiday": o.holiday,
        "note": o.note,
    }


def _internal_ids(user, ids: list[int]) -> set[int]:
    if user is None or not ids:
        return set()
    return set(access.visible_to(user, Station).filter(pk__in=ids).values_list("pk", flat=True))


def _public_station(request, station_id: int) -> tuple[Station, bool]:
    """An active station for anyone; an inactive one only for those who may see it."""
    user = optional_user(request)
    station = (
        Station.objects.select_related("region", "congress__region").filter(pk=station_id).first()
    )
    internal = station is not None and user is not None and access.is_visible(user, station)
    if station is None or not (station.is_active or internal):
        raise NotFound(_("未找到该联络站。"))
    return station, internal


class StationFilters(Schema):
    region: str | None = None
    kind: str | None = None
    q: str | None = None
    near: str | None = None
    limit: int = 20
    offset: int = 0


@router.get("/stations", auth=None, response=StationList)
def list_stations(request, filters: Query[StationFilters]):
    """Liaison stations (public). `region`: an official region code (its subtree counts);
    `kind`: ordinary / specialised / liaison_centre / legislative_contact_point / fusion;
    `q`: name, place or host organisation; `near=lat,lng`: the nearest stations first, each with
    `distance_m` (then `count` is the number returned). Without a token only public fields are
    given; with one, `internal` is filled for the stations the caller may see."""
    user = optional_user(request)
    qs = queries.filter_stations(
        queries.public_stations(), region=filters.region, kind=filters.kind, q=filters.q
    )
    near = queries.parse_near(filters.near)
    if filters.limit < 1 or filters.limit > 100:
        raise ValidationFailed(_("limit 应在 1 至 100 之间。"), field="limit")
    if filters.offset < 0:
        raise ValidationFailed(_("offset 不能为负数。"), field="offset")
    limit, offset = bounds(filters.limit, filters.offset, most=100)
    if near is not None:
        found = queries.nearest_station_ids(near[0], near[1], limit=limit, qs=qs)
        by_id = Station.objects.select_related("region", "congress").in_bulk(
            [pk for pk, _d in found]
        )
        rows = [(by_id[pk], d) for pk, d in found]
        count = len(rows)
    else:
        count = qs.count()
        page = qs.select_related("region", "congress").order_by("region__code", "code")[
            offset : offset + limit
        ]
        rows = [(s, None) for s in page]
    internal = internal_counts(_internal_ids(user, [s.pk for s, _d in rows]))
    items = [station_out(s, internal=internal.get(s.pk), distance=d) for s, d in rows]
    return {"items": items, "count": count}


@router.get("/stations/template.xlsx", openapi_extra=XLSX_RESPONSE)
def station_template(request):
    """The Excel template for importing stations, points and deputy assignments."""
    response = HttpResponse(excel.template(), content_type=excel.XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, "station-import-template.xlsx"
    )
    return response


@router.get("/stations/export.xlsx", openapi_extra=XLSX_RESPONSE)
def station_export(request, region: str | None = None):
    """Stations the caller may see (optionally within `region`), with points and deputies."""
    if not access.can(request.auth, "station.export"):
        raise Forbidden(_("您没有权限导出联络站。"))
    qs = queries.filter_stations(access.visible_to(request.auth, Station), region=region)
    data = excel.export(qs)
    record(
        AuditLog.Kind.EXPORTED,
        request=request,
        user=request.auth,
        target="liaison:stations",
        region=region or "",
    )
    response = HttpResponse(data, content_type=excel.XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, "stations.xlsx")
    return response


@router.get("/stations/{int:station_id}", auth=None, response=StationDetail)
def get_station(request, station_id: int):
    """One station (public) with its points, deputies and the next reception days."""
    station, internal = _public_station(request, station_id)
    upcoming = queries.attach_stations(queries.next_reception_days(station, count=5))
    points = queries.public_points().filter(station=station).select_related("region")
    rules = station.rules.filter(is_active=True).order_by("valid_from", "pk")
    data = station_out(
        station, internal=internal_counts([station.pk])[station.pk] if internal else None
    )
    data.update(
        points=[
            {
                "id": p.pk,
                "name": p.name,
                "kind": p.kind,
                "kind_label": str(p.get_kind_display()),
                "region": _region(p.region),
                "place": p.place,
                "address": p.address,
                "host_org": p.host_org,
                "latitude": _float(p.latitude),
                "longitude": _float(p.longitude),
                "opening_hours": p.opening_hours,
                "contact_name": p.contact_name,
                "contact_phone": p.contact_phone,
            }
            for p in points
        ],
        deputies=[deputy_brief(d) for d in queries.station_deputies(station)],
        rules=[
            describe_rule(r)
            for r in rules
            if r.valid_until is None or r.valid_until >= dates.today()
        ],
        upcoming=[occurrence_out(o) for o in upcoming],
    )
    return data


@router.get("/stations/{int:station_id}/schedule", auth=None, response=ScheduleOut)
def station_schedule(
    request,
    station_id: int,
    date_from: str | None = Query(None, alias="from"),
    date_to: str | None = Query(None, alias="to"),
):
    """Reception days of a station between `from` and `to` (YYYY-MM-DD, at most 366 days;
    default: the next three months)."""
    station, _internal = _public_station(request, station_id)
    start, end = queries.schedule_window(date_from, date_to)
    items = queries.attach_stations(queries.reception_schedule([station.pk], start, end))
    return {
        "station": {"id": station.pk, "code": station.code, "name": station.name},
        "date_from": start,
        "date_to": end,
        "items": [occurrence_out(o) for o in items],
        "count": len(items),
    }


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=printing.PDF_TYPE)
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response


@router.get(
    "/stations/{int:station_id}/notice.pdf",
    auth=None,
    url_name="station_notice",
    openapi_extra=PDF_RESPONSE,
)
def station_notice(
    request,
    station_id: int,
    date_from: str | None = Query(None, alias="from"),
    date_to: str | None = Query(None, alias="to"),
):
    """The station's reception schedule notice (接待日公示表), A4 PDF with its QR code."""
    station, _internal = _public_station(request, station_id)
    start, end = queries.schedule_window(date_from, date_to)
    occurrences = queries.reception_schedule([station.pk], start, end)
    data = printing.notice_pdf(station, occurrences, queries.station_deputies(station), start, end)
    return pdf_response(data, f"notice-{station.code}.pdf")


@router.get(
    "/stations/{int:station_id}/card.pdf",
    auth=None,
    url_name="station_card",
    openapi_extra=PDF_RESPONSE,
)
def station_card(request, station_id: int):
    """The station service card (联络站服务卡) with the station's scan-to-speak QR code."""
    station, _internal = _public_station(request, station_id)
    return pdf_response(printing.station_cards_pdf([station]), f"station-card-{station.code}.pdf")


@router.get(
    "/deputies/{int:deputy_id}/card.pdf",
    auth=None,
    url_name="deputy_card",
    openapi_extra=PDF_RESPONSE,
)
def deputy_card(request, deputy_id: int):
    """The deputy contact card (代表连心卡) of a serving deputy, with the QR code of the
    deputy's scan-to-speak URL."""
    deputy = (
        queries.public_deputies()
        .select_related("person", "congress__region")
        .filter(pk=deputy_id)
        .first()
    )
    if deputy is None:
        raise NotFound(_("未找到该代表。"))
    return pdf_response(printing.deputy_cards_pdf([deputy]), f"deputy-card-{deputy.pk}.pdf")


class ImportIssueOut(Schema):
    sheet: str
    row: int | None
    column: str | None
    label: str | None
    message: str
    text: str


class ImportSheetOut(Schema):
    name: str
    rows: int
    valid: int
    created: int
    updated: int


class ImportOut(Schema):
    code: str
    message: str
    ok: bool
    imported: bool
    valid_rows_only: bool
    summary: str
    file_errors: list[str]
    errors: list[ImportIssueOut]
    sheets: list[ImportSheetOut]


def import_congress(user, congress_id: int | None) -> Congress:
    """The congress whose stations an import writes: given, or the caller's only one."""
    if congress_id is None:
        own = list(grants(user).staff_congresses)
        if len(own) != 1:
            raise ValidationFailed(_("请指定要导入的人大（congress）。"), field="congress")
        congress_id = own[0]
    congress = (
        access.visible_to(user, Congress).select_related("region").filter(pk=congress_id).first()
    )
    if congress is None:
        raise ValidationFailed(_("人大 %(id)s 不存在。") % {"id": congress_id}, field="congress")
    return congress


@router.post("/stations/import", response={200: ImportOut, 422: ImportOut})
def import_stations(
    request,
    file: File[UploadedFile],
    congress: Form[int | None] = None,
    import_valid_rows: Form[bool] = False,
    dry_run: Form[bool] = False,
):
    """Import stations, points and deputy assignments from the Excel template (multipart,
    field `file`). The whole file is checked first; the report names every bad row and cell.
    With errors nothing is imported (422), unless `import_valid_rows` is true; `dry_run` only
    checks."""
    target = import_congress(request.auth, congress)
    data = file.read(excel.MAX_FILE_BYTES + 1)
    report = excel.check_and_import(
        data,
        congress=target,
        acting_user=request.auth,
        import_valid_rows=import_valid_rows,
        dry_run=dry_run,
    )
    body = report.as_dict()
    failed = bool(report.file_errors) or (report.issues and not report.imported)
    body["code"] = "import_invalid" if failed else ("imported" if report.imported else "checked")
    body["message"] = report.summary()
    return Status(422 if failed else 200, body)
