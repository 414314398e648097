"""Endpoints for regions, deputies and handling units."""

from __future__ import annotations

from ninja import Query, Router, Schema

from lianxin.accounts import access
from lianxin.core.paging import bounds

from . import personal, queries
from .models import Deputy, Level, Region
from .scan import scan_url, scan_url_prefix

router = Router(tags=["org"])


class RegionOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    parent: str | None
    full_name: str


class RegionList(Schema):
    items: list[RegionOut]
    count: int


@router.get("/regions", auth=None, response=RegionList)
def list_regions(request, parent: str | None = None):
    """Administrative divisions (public reference data): the children of `parent`, or the
    provinces when no parent is given."""
    if parent:
        region = queries.region_or_422(parent, field="parent")
        qs = Region.objects.filter(parent=region)
    else:
        qs = Region.objects.filter(parent__isnull=True)
    items = [
        {
            "code": r.code,
            "name": r.name,
            "kind": r.kind,
            "kind_label": str(r.get_kind_display()),
            "parent": parent or None,
            "full_name": r.full_name,
        }
        for r in qs.order_by("code")
    ]
    return {"items": items, "count": len(items)}


class Ref(Schema):
    id: int
    name: str


class StationRef(Schema):
    id: int
    name: str
    code: str


class DeputyOut(Schema):
    id: int
    name: str
    gender: str
    level: str
    level_label: str
    congress: Ref
    region: str
    region_name: str
    term: int
    delegation: Ref | None
    electoral_unit: Ref | None
    occupation: str
    is_leading_cadre: bool
    expertise: list[str]
    station: StationRef | None
    phone: str
    status: str
    scan_url: str


class DeputyList(Schema):
    items: list[DeputyOut]
    count: int


def _ref(obj) -> dict | None:
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


def deputy_out(d: Deputy) -> dict:
    membership = getattr(d, "station_membership", None) if _has_membership(d) else None
    station = membership.station if membership else None
    return {
        "id": d.pk,
        "name": d.person.name,
        "gender": d.person.gender,
        "level": d.congress.level,
        "level_label": str(d.congress.get_level_display()),
        "congress": _ref(d.congress),
        "region": d.congress.region.code,
        "region_name": d.congress.region.name,
        "term": d.term,
        "delegation": _ref(d.delegation),
        "electoral_unit": _ref(d.electoral_unit),
        "occupation": d.person.occupation,
        "is_leading_cadre": d.person.is_leading_cadre,
        "expertise": [e.name for e in d.person.expertise.all()],
        "station": {"id": station.pk, "name": station.name, "code": station.code}
        if station
        else None,
        "phone": access.mask_phone(d.person.phone),
        "status": d.status,
        "scan_url": scan_url(d.scan_code),
    }


def _has_membership(d: Deputy) -> bool:
    try:
        d.station_membership  # noqa: B018 - cached by select_related
    except Deputy.station_membership.RelatedObjectDoesNotExist:
        return False
    return True


class DeputyFilters(Schema):
    region: str | None = None
    level: str | None = None
    q: str | None = None
    expertise: str | None = None
    congress: int | None = None
    station: int | None = None
    leading_cadre: bool | None = None
    limit: int = 20
    offset: int = 0


@router.get("/deputies", response=DeputyList)
def list_deputies(request, filters: Query[DeputyFilters]):
    """Deputies the caller may see. `region` is an official code (the subtree counts)."""
    qs = queries.deputies_for(
        request.auth,
        region=filters.region,
        level=filters.level,
        q=filters.q,
        expertise=filters.expertise,
        congress=filters.congress,
        station=filters.station,
        leading_cadre=filters.leading_cadre,
    )
    limit, offset = bounds(filters.limit, filters.offset, most=200)
    count = qs.count()
    page = qs.order_by("congress__region__code", "person__name", "id")[offset : offset + limit]
    prefix = scan_url_prefix()
    levels = dict(Level.choices)
    return {
        "items": [_row_out(r, prefix, levels) for r in queries.deputy_rows(page)],
        "count": count,
    }


def _row_out(r: dict, prefix: str, levels: dict) -> dict:
    station_id = r["station_membership__station_id"]
    delegation, unit = r["delegation_id"], r["electoral_unit_id"]
    return {
        "id": r["id"],
        "name": r["person__name"],
        "gender": r["person__gender"],
        "level": r["congress__level"],
        "level_label": str(levels[r["congress__level"]]),
        "congress": {"id": r["congress_id"], "name": r["congress__name"]},
        "region": r["congress__region__code"],
        "region_name": r["congress__region__name"],
        "term": r["term"],
        "delegation": {"id": delegation, "name": r["delegation__name"]} if delegation else None,
        "electoral_unit": {"id": unit, "name": r["electoral_unit__name"]} if unit else None,
        "occupation": r["person__occupation"],
        "is_leading_cadre": r["person__is_leading_cadre"],
        "expertise": r["expertise"],
        "station": {
            "id": station_id,
            "name": r["station_membership__station__name"],
            "code": r["station_membership__station__code"],
        }
        if station_id
        else None,
        "phone": access.mask_phone(r["person__phone"]),
        "status": r["status"],
        "scan_url": prefix + r["scan_code"],
    }


@router.get("/deputies/{deputy_id}", response=DeputyOut)
def get_deputy(request, deputy_id: int):
    deputy = access.get_visible_or_404(
        request.auth, queries.with_details(Deputy.objects.all()), pk=deputy_id
    )
    return deputy_out(deputy)


class PhoneOut(Schema):
    phone: str


@router.post("/deputies/{deputy_id}/reveal-phone", response=PhoneOut)
def reveal_deputy_phone(request, deputy_id: int):
    """Show a deputy's full phone number: a deliberate action, written to the security trail."""
    deputy = access.get_visible_or_404(
        request.auth, Deputy.objects.select_related("person", "congress"), pk=deputy_id
    )
    return {"phone": personal.reveal_phone(deputy, acting_user=request.auth, request=request)}


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    region: str
    parent: Ref | None


class UnitList(Schema):
    items: list[UnitOut]
    count: int


@router.get("/units", response=UnitList)
def list_units(
    request, q: str | None = None, region: str | None = None, limit: int = 50, offset: int = 0
):
    """Handling units (一府一委两院 and departments) with their parent body."""
    qs = queries.units_for(request.auth, q=q, region=region)
    limit, offset = bounds(limit, offset, most=500)
    count = qs.count()
    items = [
        {
            "id": u.pk,
            "code": u.code,
            "name": u.name,
            "kind": u.kind,
            "kind_label": str(u.get_kind_display()),
            "region": u.region.code,
            "parent": _ref(u.parent),
        }
        for u in qs[offset : offset + limit]
    ]
    return {"items": items, "count": count}
