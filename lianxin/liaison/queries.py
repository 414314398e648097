"""Reads of the liaison network: the public grid, "near me", schedules, and the staff views
(counts by region, deputies not yet assigned, leaders' receptions by quarter)."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from lianxin.accounts.access import grants, visible_to
from lianxin.core import dates
from lianxin.core.errors import ValidationFailed
from lianxin.org.models import Deputy, Region, SeatStatus

from .models import Point, ReceptionDay, ReceptionRecord, ReceptionRule, Station, StationMembership
from .schedule import POSTPONE_REACH, Occurrence, expand

EARTH_RADIUS_M = 6_371_008.8
KM_PER_DEGREE = 111.195
NEAR_START_KM = 3.0
NEAR_MAX_KM = 300.0
MAX_SCHEDULE_DAYS = 366


# --- The public grid -----------------------------------------------------------------------------
def public_stations() -> QuerySet[Station]:
    """Stations in use. Their public fields are public by definition: the public site and the
    API without a token read them here, never through the internal visibility rules."""
    return Station.objects.filter(is_active=True)


def public_points() -> QuerySet[Point]:
    return Point.objects.filter(is_active=True, station__is_active=True)


def public_deputies() -> QuerySet[Deputy]:
    """Serving deputies: their name, congress, duties and station are public (四亮)."""
    return Deputy.objects.filter(status=SeatStatus.SERVING)


def region_or_422(code: str | None, field: str = "region") -> Region | None:
    if code in (None, ""):
        return None
    code = str(code).strip()
    region = Region.objects.filter(code=code).first() if re.fullmatch(r"\d{2,12}", code) else None
    if region is None:
        raise ValidationFailed(_("区划代码 %(code)s 不存在。") % {"code": code[:20]}, field=field)
    return region


def subtree_region_ids(region: Region) -> list[int]:
    """Ids of a region and everything below it (the region table is small)."""
    return list(Region.objects.filter(code__startswith=region.code).values_list("pk", flat=True))


def clean_term(q: str | None) -> str:
    """A search term as typed, without control characters (PostgreSQL refuses NUL), ≤ 50."""
    return "".join(ch for ch in (q or "") if ch.isprintable()).strip()[:50]


def filter_stations(
    qs: QuerySet[Station],
    *,
    region: str | None = None,
    kind: str | None = None,
    q: str | None = None,
) -> QuerySet[Station]:
    """Filters of the station list; unknown values are refused with a message (422)."""
    if (r := region_or_422(region)) is not None:
        qs = qs.filter(region_id__in=subtree_region_ids(r))
    if kind:
        if kind not in Station.Kind.values:
            raise ValidationFailed(
                _("站点类别 %(kind)s 不存在，可选：%(choices)s。")
                % {"kind": kind[:32], "choices": "、".join(Station.Kind.values)},
                field="kind",
            )
        qs = qs.filter(Q(kind=kind) | Q(kind=Station.Kind.FUSION, fused_kinds__contains=kind))
    if term := clean_term(q):
        qs = qs.filter(
            Q(name__contains=term)
            | Q(code__iexact=term)
            | Q(address__contains=term)
            | Q(host_org__contains=term)
            | Q(region__name__contains=term)
            | Q(points__name__contains=term)
            | Q(points__place__contains=term)
        ).distinct()
    return qs


def parse_near(value: str | None, field: str = "near") -> tuple[float, float] | None:
    """ "37.70,112.73" (latitude first, as the browser reports it) → (37.7, 112.73)."""
    if value in (None, ""):
        return None
    parts = str(value).replace("，", ",").split(",")
    try:
        if len(parts) != 2:
            raise ValueError
        lat, lng = float(parts[0]), float(parts[1])
        if not (math.isfinite(lat) and math.isfinite(lng)):
            raise ValueError
    except ValueError:
        raise ValidationFailed(
            _("位置格式应为“纬度,经度”，例如 37.70,112.73。"), field=field
        ) from None
    check_coordinates(lat, lng, field=field)
    return lat, lng


def check_coordinates(lat: float, lng: float, *, field: str = "near") -> None:
    if not -90 <= lat <= 90:
        raise ValidationFailed(_("纬度应在 -90 至 90 之间。"), field=field)
    if not -180 <= lng <= 180:
        raise ValidationFailed(_("经度应在 -180 至 180 之间。"), field=field)


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _box(lat: float, lng: float, km: float) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    dlat = km / KM_PER_DEGREE
    dlng = min(360.0, km / (KM_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01)))

    def dec(x: float) -> Decimal:
        return Decimal(f"{x:.6f}")

    return dec(lat - dlat), dec(lat + dlat), dec(lng - dlng), dec(lng + dlng)


def nearest_station_ids(
    lat: float,
    lng: float,
    *,
    limit: int = 10,
    qs: QuerySet[Station] | None = None,
    max_km: float = NEAR_MAX_KM,
) -> list[tuple[int, float]]:
    """(station id, metres) of the nearest stations, nearest first.

    A bounding box on the indexed latitude/longitude picks candidates; the exact great-circle
    distance orders them. The box grows until it holds `limit` stations within its inscribed
    circle (so nothing nearer can lie outside it) or reaches `max_km`.
    """
    qs = public_stations() if qs is None else qs
    km = NEAR_START_KM
    while True:
        lat_lo, lat_hi, lng_lo, lng_hi = _box(lat, lng, km)
        rows = qs.filter(
            latitude__gte=lat_lo,
            latitude__lte=lat_hi,
            longitude__gte=lng_lo,
            longitude__lte=lng_hi,
        ).values_list("pk", "latitude", "longitude")
        within = []
        radius_m = km * 1000
        for pk, la, lo in rows:
            d = haversine_m(lat, lng, float(la), float(lo))
            if d <= radius_m:
                within.append((d, pk))
        if len(within) >= limit or km >= max_km:
            within.sort()
            return [(pk, d) for d, pk in within[:limit]]
        # Grow in proportion to the density seen so far, at least doubling.
        factor = math.sqrt(limit / max(len(within), 1)) * 1.3
        km = min(max_km, km * max(2.0, factor))


def nearest_stations(lat: float, lng: float, *, limit: int = 10) -> list[tuple[Station, float]]:
    found = nearest_station_ids(lat, lng, limit=limit)
    by_id = public_stations().select_related("region").in_bulk([pk for pk, _d in found])
    return [(by_id[pk], d) for pk, d in found if pk in by_id]


def format_distance(metres: float) -> str:
    if metres < 1000:
        return _("%(m)d 米") % {"m": round(metres / 10) * 10}
    return _("%(km).1f 公里") % {"km": metres / 1000}


@dataclass
class RegionCount:
    region: Region
    stations: int = 0
    points: int = 0


def drilldown(region: Region | None) -> tuple[list[RegionCount], list[Station]]:
    """Children of `region` that have stations (with counts), and the stations placed at the
    region itself. Without a region: the cities that have stations.

    Counts are grouped by region id (no join) and rolled up by code prefix in Python: the
    region table is small, the station table is not."""
    if region is None:
        codes = dict(Region.objects.values_list("pk", "code"))
        stations = public_stations()
        city_codes = {
            codes[rid][:4]
            for rid in stations.values_list("region_id", flat=True).distinct().order_by()
        }
        children = list(Region.objects.filter(code__in=city_codes).order_by("code"))
        prefix_len = 4
        own: list[Station] = []
    else:
        codes = dict(Region.objects.filter(code__startswith=region.code).values_list("pk", "code"))
        stations = public_stations().filter(region_id__in=list(codes))
        children = list(Region.objects.filter(parent=region).order_by("code"))
        prefix_len = len(children[0].code) if children else len(region.code)
        own = list(
            public_stations()
            .filter(region=region)
            .select_related("region")
            .annotate(point_count=Count("points", filter=Q(points__is_active=True)))
            .order_by("name")
        )
    counts: dict[str, RegionCount] = {c.code: RegionCount(c) for c in children}
    for region_id, n in stations.values_list("region_id").annotate(n=Count("pk")).order_by():
        row = counts.get(codes[region_id][:prefix_len])
        if row is not None:
            row.stations += n
    points = Point.objects.filter(is_active=True, station__in=stations)
    for region_id, n in points.values_list("station__region_id").annotate(n=Count("pk")).order_by():
        row = counts.get(codes[region_id][:prefix_len])
        if row is not None:
            row.points += n
    return [c for c in counts.values() if c.stations], own


def region_path(region: Region | None) -> list[Region]:
    """The breadcrumb from the city down to `region`."""
    if region is None:
        return []
    codes = [region.code[:n] for n in (4, 6, 9, 12) if n <= len(region.code)]
    return list(Region.objects.filter(code__in=codes).order_by("code"))


def search_public(term: str, *, limit: int = 20) -> dict:
    """Stations, points and deputies whose name or place matches."""
    term = clean_term(term)
    if not term:
        return {"stations": [], "points": [], "deputies": []}
    stations = list(
        filter_stations(public_stations(), q=term).select_related("region").order_by("name")[:limit]
    )
    points = list(
        public_points()
        .filter(Q(name__contains=term) | Q(place__contains=term) | Q(address__contains=term))
        .select_related("station", "region")
        .order_by("name")[:limit]
    )
    deputies = list(
        public_deputies()
        .filter(person__name__contains=term)
        .select_related("person", "congress", "station_membership__station")
        .order_by("person__name", "congress__region__code")[:limit]
    )
    return {"stations": stations, "points": points, "deputies": deputies}


# --- Schedules ------------------------------------------------------------------------------------
def schedule_window(
    start: str | dt.date | None, end: str | dt.date | None, *, default_days: int = 92
) -> tuple[dt.date, dt.date]:
    start_d = dates.parse_day(start, field="from")
    end_d = dates.parse_day(end, field="to")
    start_d = start_d or dates.today()
    end_d = end_d or start_d + dt.timedelta(days=default_days)
    if end_d < start_d:
        raise ValidationFailed(_("截止日期不能早于起始日期。"), field="to")
    if (end_d - start_d).days > MAX_SCHEDULE_DAYS:
        raise ValidationFailed(
            _("一次最多查询 %(n)d 天的接待日。") % {"n": MAX_SCHEDULE_DAYS}, field="to"
        )
    return start_d, end_d


def _deputy_ids_by(through_model, fk: str, ids: list[int]) -> dict[int, list[int]]:
    result: dict[int, list[int]] = defaultdict(list)
    for owner, deputy in (
        through_model.objects.filter(**{f"{fk}__in": ids})
        .order_by("id")
        .values_list(fk, "deputy_id")
    ):
        result[owner].append(deputy)
    return result


def reception_schedule(
    station_ids: list[int] | QuerySet, start: dt.date, end: dt.date
) -> list[Occurrence]:
    """Every reception date of these stations in [start, end], with the deputies on duty
    loaded (serving deputies only), in a fixed number of queries."""
    rules = list(
        ReceptionRule.objects.filter(
            station_id__in=station_ids, is_active=True, valid_from__lte=end
        ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=start - POSTPONE_REACH))
    )
    days = list(
        ReceptionDay.objects.filter(station_id__in=station_ids, date__gte=start, date__lte=end)
    )
    rule_deputies = _deputy_ids_by(
        ReceptionRule.deputies.through, "receptionrule_id", [r.pk for r in rules]
    )
    day_deputies = _deputy_ids_by(
        ReceptionDay.deputies.through, "receptionday_id", [d.pk for d in days]
    )
    for r in rules:
        r.deputy_ids = rule_deputies.get(r.pk, [])
    for d in days:
        d.deputy_ids = day_deputies.get(d.pk, [])
    occurrences = expand(rules, days, start, end)
    wanted = {pk for o in occurrences for pk in o.deputy_ids}
    deputies = public_deputies().select_related("person", "congress").in_bulk(wanted)
    for o in occurrences:
        o.deputies = [deputies[pk] for pk in o.deputy_ids if pk in deputies]
    return occurrences


def next_reception_days(station: Station, *, count: int = 3, days: int = 120) -> list[Occurrence]:
    start = dates.today()
    return reception_schedule([station.pk], start, start + dt.timedelta(days=days))[:count]


def attach_stations(occurrences: list[Occurrence]) -> list[Occurrence]:
    by_id = Station.objects.select_related("region").in_bulk({o.station_id for o in occurrences})
    for o in occurrences:
        o.station = by_id.get(o.station_id)
    return occurrences


def station_deputies(station: Station) -> list[Deputy]:
    """The serving deputies assigned to a station, city level first."""
    level_order = {"national": 0, "province": 1, "city": 2, "county": 3, "township": 4}
    deputies = list(
        public_deputies()
        .filter(station_membership__station=station)
        .select_related("person", "congress__region")
    )
    deputies.sort(key=lambda d: (level_order.get(d.congress.level, 9), d.person.name, d.pk))
    return deputies


def deputy_performance(deputy: Deputy) -> dict:
    """Published performance: only what the platform records (receptions so far)."""
    seats = Deputy.objects.filter(person_id=deputy.person_id).values("pk")
    records = ReceptionRecord.objects.filter(deputies__in=seats).distinct()
    agg = records.aggregate(n=Count("pk", distinct=True), people=Sum("visitor_count"))
    days = records.values("station_id", "date").distinct().count()
    return {
        "reception_days": days,
        "reception_records": agg["n"] or 0,
        "people_received": agg["people"] or 0,
    }


# --- The staff views -----------------------------------------------------------------------------
@dataclass
class GridRow:
    region: Region | None
    label: str
    stations: int = 0
    points: int = 0
    deputies: int = 0
    receptions: int = 0
    people: int = 0
    opinions: int = 0


# Counts the apps above liaison add to the grid (an upward need, inverted by registration):
# key → fn(station_pks, year) → (region code of the station, count) pairs.
_GRID_COUNTS: dict[str, Callable] = {}


def register_grid_count(key: str, fn: Callable) -> None:
    """Add a count to the grid's rows (`GridRow.<key>`): citizens' opinions raised through the
    stations (registered by the opinions app)."""
    _GRID_COUNTS[key] = fn


def grid_root(user) -> Region | None:
    """Where the grid page opens: the region of the user's own congress, or their reading
    region; the administrator starts at the top of the stations' regions."""
    g = grants(user)
    codes = list(g.staff_congresses.values()) or list(g.leader_regions)
    if codes:
        return Region.objects.filter(code=sorted(codes, key=len)[0]).first()
    return None


def grid_counts(user, region: Region | None, year: int) -> tuple[list[GridRow], GridRow]:
    """Counts of the visible grid below `region`, one row per child region (and one for the
    stations placed at the region itself), with the totals."""
    stations = visible_to(user, Station).filter(is_active=True)
    if region is not None:
        stations = stations.filter(region_id__in=subtree_region_ids(region))
        children = list(Region.objects.filter(parent=region).order_by("code"))
        prefix_len = len(children[0].code) if children else None
    else:
        children, prefix_len = [], 4
    station_pks = stations.values("pk")
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def add(qs, key: str, lookup: str, agg) -> None:
        for code, n in qs.values_list(lookup).annotate(n=agg).order_by():
            counts[code][key] += n or 0

    add(stations, "stations", "region__code", Count("pk"))
    add(
        Point.objects.filter(station__in=station_pks, is_active=True),
        "points",
        "station__region__code",
        Count("pk"),
    )
    add(
        StationMembership.objects.filter(
            station__in=station_pks, deputy__status=SeatStatus.SERVING
        ),
        "deputies",
        "station__region__code",
        Count("pk"),
    )
    records = ReceptionRecord.objects.filter(station__in=station_pks, date__year=year)
    add(records, "receptions", "station__region__code", Count("pk"))
    add(records, "people", "station__region__code", Sum("visitor_count"))
    for key, fn in _GRID_COUNTS.items():
        for code, n in fn(station_pks, year):
            counts[code][key] += n or 0

    rows: dict[str, GridRow] = {}
    own = GridRow(region=region, label=_("本级"))
    if region is None:
        by_code = {r.code: r for r in Region.objects.filter(code__in={c[:4] for c in counts})}
    else:
        by_code = {c.code: c for c in children}
        prefix_len = prefix_len or len(region.code)
    for code, values in counts.items():
        target = by_code.get(code[:prefix_len])
        row = own if target is None else rows.setdefault(target.code, GridRow(target, target.name))
        for k, v in values.items():
            setattr(row, k, getattr(row, k) + v)
    result = [rows[c] for c in sorted(rows)]
    if own.stations or own.points or own.deputies or own.receptions:
        result.insert(0, own)
    total = GridRow(region=region, label=_("合计"))
    for row in result:
        for k in ("stations", "points", "deputies", "receptions", "people", "opinions"):
            setattr(total, k, getattr(total, k) + getattr(row, k))
    return result, total


def unassigned_deputies(user) -> QuerySet[Deputy]:
    """Serving deputies the user may see who sit in no station yet."""
    return (
        visible_to(user, Deputy)
        .filter(status=SeatStatus.SERVING, station_membership__isnull=True)
        .select_related("person", "congress__region", "delegation", "electoral_unit")
        .order_by("congress__region__code", "person__name", "pk")
    )


@dataclass
class LeaderRow:
    person_id: int
    name: str
    occupation: str
    seats: list[Deputy] = field(default_factory=list)
    stations: list[str] = field(default_factory=list)
    quarters: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    due: list[bool] = field(default_factory=lambda: [False, False, False, False])

    @property
    def missing(self) -> list[int]:
        """Quarters (1–4) already begun in which the leader has not received."""
        return [i + 1 for i in range(4) if self.due[i] and not self.quarters[i]]


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def leaders_by_quarter(user, year: int, *, region: Region | None = None) -> list[LeaderRow]:
    """Deputies who are leading cadres and how often they received at a station, by quarter
    (a person with seats at two levels counts once)."""
    deputies = visible_to(user, Deputy).filter(
        status=SeatStatus.SERVING, person__is_leading_cadre=True
    )
    if region is not None:
        deputies = deputies.filter(congress__region__code__startswith=region.code)
    deputies = list(
        deputies.select_related("person", "congress", "station_membership__station").order_by(
            "person__name", "person_id", "congress__region__code"
        )
    )
    rows: dict[int, LeaderRow] = {}
    for d in deputies:
        row = rows.setdefault(
            d.person_id, LeaderRow(d.person_id, d.person.name, d.person.occupation)
        )
        row.seats.append(d)
        membership = getattr(d, "station_membership", None) if _has_membership(d) else None
        if membership and membership.station.name not in row.stations:
            row.stations.append(membership.station.name)
    all_seats = Deputy.objects.filter(person_id__in=rows).values_list("pk", "person_id")
    person_of = dict(all_seats)
    through = ReceptionRecord.deputies.through
    seen: set[tuple[int, int]] = set()
    for deputy_id, record_id, date in through.objects.filter(
        deputy_id__in=list(person_of), receptionrecord__date__year=year
    ).values_list("deputy_id", "receptionrecord_id", "receptionrecord__date"):
        person = person_of[deputy_id]
        if (person, record_id) not in seen:  # one record with both seats of a person counts once
            seen.add((person, record_id))
            rows[person].quarters[quarter_of(date) - 1] += 1
    now = dates.today()
    for row in rows.values():
        for q in range(4):
            begins = dt.date(year, q * 3 + 1, 1)
            row.due[q] = begins <= now
    return list(rows.values())


def _has_membership(d: Deputy) -> bool:
    try:
        d.station_membership  # noqa: B018 - loaded by select_related
    except Deputy.station_membership.RelatedObjectDoesNotExist:
        return False
    return True


def records_for(user, station: Station | None = None) -> QuerySet[ReceptionRecord]:
    qs = visible_to(user, ReceptionRecord)
    if station is not None:
        qs = qs.filter(station=station)
    return qs.select_related("station", "recorded_by").prefetch_related("deputies__person")


def reception_records_between(
    user,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    deputy: Deputy | None = None,
    station: Station | None = None,
    region: Region | None = None,
) -> QuerySet[ReceptionRecord]:
    """Reception records the user may see, for the contact log (联系和接待走访群众记录簿):
    by deputy (every seat of the person), station or region, over a period, oldest first."""
    qs = visible_to(user, ReceptionRecord)
    if start is not None:
        qs = qs.filter(date__gte=start)
    if end is not None:
        qs = qs.filter(date__lte=end)
    if deputy is not None:
        seats = Deputy.objects.filter(person_id=deputy.person_id).values("pk")
        qs = qs.filter(pk__in=ReceptionRecord.objects.filter(deputies__in=seats).values("pk"))
    if station is not None:
        qs = qs.filter(station=station)
    if region is not None:
        qs = qs.filter(station__region_id__in=subtree_region_ids(region))
    return (
        qs.select_related("station__region", "recorded_by")
        .prefetch_related("deputies__person")
        .order_by("date", "pk")
    )
