"""The public site: find my deputy and my station by region, by name or place, or near me; a
station's page; a deputy's public profile (四亮); published reception schedules.

No account, no JavaScript framework: small server-rendered pages that work inside a messaging
app's browser and in large-text mode. The portal only reads (through lianxin.liaison.queries,
and lianxin.duty.reports for the published performance and duty reports).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from lianxin.core import dates
from lianxin.core.errors import ValidationFailed
from lianxin.duty import reports
from lianxin.duty.models import DutyReport
from lianxin.liaison import printing, queries
from lianxin.liaison.models import Commitment, Station
from lianxin.liaison.schedule import describe_rule
from lianxin.org.models import Deputy, Region
from lianxin.org.scan import scan_url

NEAR_LIMIT = 10


def _refused(request, message: str, status: int = 422):
    return render(request, "portal/message.html", {"message": message}, status=status)


def home(request):
    cities, _own = queries.drilldown(None)
    return render(request, "portal/home.html", {"children": cities})


def region(request, code: str):
    place = Region.objects.filter(code=code).first() if code.isdigit() else None
    if place is None:
        raise Http404
    children, own = queries.drilldown(place)
    return render(
        request,
        "portal/region.html",
        {
            "region": place,
            "path": queries.region_path(place)[:-1],
            "children": children,
            "stations": own,
            "has_schedule": bool(children or own),
        },
    )


def search(request):
    term = queries.clean_term(request.GET.get("q"))
    results = queries.search_public(term) if term else None
    return render(request, "portal/search.html", {"q": term, "results": results})


def near(request):
    raw = request.GET.get("near")
    if not raw and request.GET.get("lat") is not None:
        raw = f"{request.GET.get('lat', '')},{request.GET.get('lng', '')}"
    if not raw:
        return render(request, "portal/near.html", {"found": None})
    try:
        lat, lng = queries.parse_near(raw)
    except ValidationFailed as exc:
        return _refused(request, exc.message)
    found = queries.nearest_stations(lat, lng, limit=NEAR_LIMIT)
    rows = [(s, queries.format_distance(d)) for s, d in found]
    return render(request, "portal/near.html", {"found": rows, "lat": lat, "lng": lng})


def _station_or_404(station_id: int) -> Station:
    station = (
        queries.public_stations().select_related("region", "congress").filter(pk=station_id).first()
    )
    if station is None:
        raise Http404
    return station


def _rules(station: Station) -> list[str]:
    today = dates.today()
    return [
        describe_rule(r)
        for r in station.rules.filter(is_active=True).order_by("valid_from", "pk")
        if r.valid_until is None or r.valid_until >= today
    ]


def station(request, station_id: int):
    station = _station_or_404(station_id)
    upcoming = queries.next_reception_days(station, count=3)
    deputies = queries.station_deputies(station)
    points = queries.public_points().filter(station=station).order_by("name")
    return render(
        request,
        "portal/station.html",
        {
            "station": station,
            "path": queries.region_path(station.region),
            "upcoming": upcoming,
            "next_day": upcoming[0] if upcoming else None,
            "deputies": _group_seats(deputies),
            "points": points,
            "rules": _rules(station),
            "scan_path": _scan_path(station.scan_code),
        },
    )


def _scan_path(code: str) -> str:
    return reverse("scan_to_speak", args=[code])


def _group_seats(deputies: list[Deputy]) -> list[dict]:
    """One line per person: a deputy of both the city and the county is one person here."""
    people: dict[int, dict] = {}
    for d in deputies:
        row = people.setdefault(d.person_id, {"person": d.person, "seats": []})
        row["seats"].append(d)
    return list(people.values())


def station_schedule(request, station_id: int):
    station = _station_or_404(station_id)
    try:
        start, end = queries.schedule_window(request.GET.get("from"), request.GET.get("to"))
    except ValidationFailed as exc:
        return _refused(request, exc.message)
    occurrences = queries.reception_schedule([station.pk], start, end)
    return render(
        request,
        "portal/station_schedule.html",
        {
            "station": station,
            "occurrences": occurrences,
            "start": start,
            "end": end,
            "rules": _rules(station),
        },
    )


def _county_window(request) -> tuple[dt.date, dt.date]:
    return queries.schedule_window(request.GET.get("from"), request.GET.get("to"), default_days=31)


def _region_stations(place: Region) -> list[Station]:
    return list(
        queries.public_stations()
        .filter(region_id__in=queries.subtree_region_ids(place))
        .select_related("region", "congress")
        .order_by("region__code", "code")
    )


def county_schedule(request, code: str):
    place = Region.objects.filter(code=code).first() if code.isdigit() else None
    if place is None:
        raise Http404
    try:
        start, end = _county_window(request)
    except ValidationFailed as exc:
        return _refused(request, exc.message)
    stations = _region_stations(place)
    occurrences = queries.attach_stations(
        queries.reception_schedule([s.pk for s in stations], start, end)
    )
    return render(
        request,
        "portal/county_schedule.html",
        {
            "region": place,
            "path": queries.region_path(place)[:-1],
            "occurrences": occurrences,
            "start": start,
            "end": end,
            "station_count": len(stations),
        },
    )


def county_notice(request, code: str):
    place = Region.objects.filter(code=code).first() if code.isdigit() else None
    if place is None:
        raise Http404
    try:
        start, end = _county_window(request)
    except ValidationFailed as exc:
        return _refused(request, exc.message)
    stations = _region_stations(place)
    occurrences = queries.reception_schedule([s.pk for s in stations], start, end)
    data = printing.county_notice_pdf(place, stations, occurrences, start, end)
    response = HttpResponse(data, content_type=printing.PDF_TYPE)
    response["Content-Disposition"] = content_disposition_header(False, f"notice-{place.code}.pdf")
    return response


def deputy(request, deputy_id: int):
    seat = (
        queries.public_deputies()
        .select_related("person", "congress__region", "delegation", "electoral_unit")
        .filter(pk=deputy_id)
        .first()
    )
    if seat is None:
        raise Http404
    seats = list(
        queries.public_deputies()
        .filter(person_id=seat.person_id)
        .select_related(
            "congress__region", "delegation", "electoral_unit", "station_membership__station"
        )
        .prefetch_related("committees")
        .order_by("congress__region__code")
    )
    memberships = {s.pk: getattr(s, "station_membership", None) for s in seats if _has_station(s)}
    station = memberships.get(seat.pk) and memberships[seat.pk].station
    if station is None and memberships:
        station = next(iter(memberships.values())).station
    upcoming = []
    on_duty = []
    if station is not None and station.is_active:
        upcoming = queries.next_reception_days(station, count=6, days=92)
        seat_ids = {s.pk for s in seats}
        on_duty = [o for o in upcoming if seat_ids & set(o.deputy_ids)][:3]
    # A person with two seats may have made the same promise as both: it is shown once.
    commitments, seen = [], set()
    for c in Commitment.objects.filter(deputy__person_id=seat.person_id, is_public=True).order_by(
        "-year", "pk"
    ):
        if (c.year, c.content.strip()) not in seen:
            seen.add((c.year, c.content.strip()))
            commitments.append(c)
    return render(
        request,
        "portal/deputy.html",
        {
            "seat": seat,
            "person": seat.person,
            "seats": seats,
            "station": station if station is not None and station.is_active else None,
            "rules": _rules(station) if station is not None and station.is_active else [],
            "on_duty": on_duty,
            "upcoming": upcoming[:3],
            "commitments": commitments,
            "performance": queries.deputy_performance(seat),
            "duty": reports.public_performance(seat),
            "stories": reports.public_stories(seat),
            "scan_path": _scan_path(seat.scan_code),
            "scan_url": scan_url(seat.scan_code),
            "expertise": [e.name for e in seat.person.expertise.order_by("name")],
            "title": _("%(name)s代表") % {"name": seat.person.name},
        },
    )


def duty_report(request, deputy_id: int, report_id: int):
    """A published duty report on the public site, with the way to comment on it: the deputy's
    scan-to-speak page, its title naming the report."""
    seat = (
        queries.public_deputies().select_related("person", "congress").filter(pk=deputy_id).first()
    )
    if seat is None:
        raise Http404
    report = (
        DutyReport.objects.filter(
            pk=report_id,
            deputy__person_id=seat.person_id,
            status=DutyReport.Status.PUBLISHED,
        )
        .select_related("deputy__congress", "deputy__person", "deputy__electoral_unit")
        .first()
    )
    if report is None or not reports.publication(report.deputy.congress_id).reports:
        raise Http404
    comment = _("对《%(title)s》的意见") % {"title": report.title}
    return render(
        request,
        "portal/duty_report.html",
        {
            "seat": seat,
            "report": report,
            "paragraphs": [p for p in report.body.split("\n\n") if p.strip()],
            "comment_path": _scan_path(report.deputy.scan_code)
            + "?"
            + urlencode({"title": comment[:100]}),
            "title": report.title,
        },
    )


def story(request, story_id: int):
    """A published story of a deputy who is shown on the public site."""
    from lianxin.duty.models import DutyStory

    row = (
        DutyStory.objects.filter(
            pk=story_id,
            status=DutyStory.Status.PUBLISHED,
            deputy__in=queries.public_deputies(),
        )
        .select_related("deputy__person", "deputy__congress")
        .first()
    )
    if row is None:
        raise Http404
    return render(request, "portal/story.html", {"story": row, "title": row.title})


def typical_list(request):
    from lianxin.duty.models import TypicalCase

    rows = TypicalCase.objects.filter(status=TypicalCase.Status.PUBLISHED).order_by(
        "-published_at", "-pk"
    )[:100]
    return render(request, "portal/typical.html", {"rows": rows})


def typical(request, typical_id: int):
    from lianxin.duty.models import TypicalCase

    row = TypicalCase.objects.filter(pk=typical_id, status=TypicalCase.Status.PUBLISHED).first()
    if row is None:
        raise Http404
    return render(request, "portal/typical.html", {"row": row})


def _has_station(seat: Deputy) -> bool:
    try:
        seat.station_membership  # noqa: B018
    except Deputy.station_membership.RelatedObjectDoesNotExist:
        return False
    return True
