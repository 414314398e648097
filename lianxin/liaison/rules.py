"""Who sees and acts on stations, points, reception days and records, public commitments
(registered with lianxin.accounts.access)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from lianxin.accounts.access import (
    Grants,
    apply_rule,
    prefix_q,
    rule,
    view_action,
    visibility,
    visible_rows,
)


@visibility("liaison.station", to_many=True)
def _stations(g: Grants) -> Q | None:
    if g.is_admin:
        return None
    return (
        prefix_q("region__code", g.congress_read_regions)
        | Q(pk__in=g.station_ids)
        | Q(memberships__deputy_id__in=g.deputy_ids)
    )


view_action("station.view", "liaison.station")


@rule("station.manage")
def _station_manage(g: Grants, station) -> bool:
    return station.pk in g.station_ids or station.congress_id in g.staff_congresses


# --- liaison: stations, points, reception days and records, public commitments ----------------
# What the public sees of a station (name, place, hours, public phone, points, deputies on duty,
# reception days) is read through lianxin.liaison.queries.public_*: it is public by definition.
# Everything below is the internal view: staff of the congress (and readers of its region), the
# station's own manager, and deputies for their own station and records.


def _station_subquery(g: Grants) -> QuerySet:
    return apply_rule("liaison.station", _stations(g)).values("pk")


def _at_visible_stations(g: Grants) -> Q | None:
    """Rows that belong to a station the user may see."""
    return None if g.is_admin else Q(station__in=_station_subquery(g))


for _label in (
    "liaison.point",
    "liaison.stationmembership",
    "liaison.receptionrule",
    "liaison.receptionday",
):
    visibility(_label)(_at_visible_stations)


@visibility("liaison.receptionrecord", to_many=True)
def _reception_records(g: Grants) -> Q | None:
    if g.is_admin:
        return None
    return Q(station__in=_station_subquery(g)) | Q(deputies__in=list(g.deputy_ids))


@visibility("liaison.commitment")
def _commitments(g: Grants) -> Q | None:
    if g.is_admin:
        return None
    return Q(deputy__in=visible_rows(g, "org.deputy").values("pk"))


@rule("station.create")
def _station_create(g: Grants, congress) -> bool:
    """Stations are opened by the deputy-affairs office of the congress that runs them."""
    return congress is not None and congress.pk in g.staff_congresses


@rule("station.import")
def _station_import(g: Grants, congress) -> bool:
    return congress is not None and congress.pk in g.staff_congresses


@rule("station.export")
def _station_export(g: Grants, _obj) -> bool:
    return g.is_admin or bool(g.congress_read_regions) or bool(g.station_ids)


@rule("station.grid")
def _station_grid(g: Grants, _obj) -> bool:
    """The grid with its counts by county and township: staff, leaders, the administrator."""
    return g.is_admin or bool(g.congress_read_regions)


@rule("station.assign")
def _station_assign(g: Grants, target) -> bool:
    """`target` is (station, deputy). Mixed-level grouping: the office that runs the station
    places any deputy of its own region (its own and the township congresses below it); a
    city's office places its own deputies into any station within the city."""
    station, deputy = target
    congress = station.congress
    if congress.pk in g.staff_congresses and deputy.congress.region.code.startswith(
        congress.region.code
    ):
        return True
    return deputy.congress_id in g.staff_congresses and station.region.code.startswith(
        deputy.congress.region.code
    )


@rule("reception.leaders")
def _reception_leaders(g: Grants, _obj) -> bool:
    return g.is_admin or bool(g.congress_read_regions)


@rule("reception.record")
def _reception_record(g: Grants, station) -> bool:
    return station.pk in g.station_ids or station.congress_id in g.staff_congresses


@rule("deputy.manage_commitments")
def _deputy_commitments(g: Grants, deputy) -> bool:
    return deputy.congress_id in g.staff_congresses or deputy.pk in g.deputy_ids
