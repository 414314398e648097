"""Reads of the organisation, always through the access rules."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from lianxin.accounts.access import visible_to
from lianxin.core.errors import ValidationFailed

from .models import Deputy, Expertise, HandlingUnit, Level, Person, Region


def region_or_422(code: str | None, field: str = "region") -> Region | None:
    if code in (None, ""):
        return None
    code = str(code).strip()
    region = (
        Region.objects.filter(code=code).first() if code.isdigit() and len(code) <= 12 else None
    )
    if region is None:
        raise ValidationFailed(_("区划代码 %(code)s 不存在。") % {"code": code[:20]}, field=field)
    return region


def deputies_for(
    user,
    *,
    region: str | None = None,
    level: str | None = None,
    q: str | None = None,
    expertise: str | None = None,
    congress: int | None = None,
    station: int | None = None,
    leading_cadre: bool | None = None,
) -> QuerySet[Deputy]:
    """The deputies `user` may see, filtered; unknown filter values are refused (422)."""
    qs = visible_to(user, Deputy)
    if (r := region_or_422(region)) is not None:
        qs = qs.filter(congress__region__code__startswith=r.code)
    if level:
        if level not in Level.values:
            raise ValidationFailed(
                _("级别 %(level)s 不存在。") % {"level": level[:20]}, field="level"
            )
        qs = qs.filter(congress__level=level)
    if expertise:
        exp = Expertise.objects.filter(name=expertise.strip()).first()
        if exp is None:
            raise ValidationFailed(
                _("专业领域“%(name)s”不存在。") % {"name": expertise[:20]}, field="expertise"
            )
        qs = qs.filter(person__expertise=exp)
    if congress is not None:
        qs = qs.filter(congress_id=congress)
    if station is not None:
        qs = qs.filter(station_membership__station_id=station)
    if leading_cadre is not None:
        qs = qs.filter(person__is_leading_cadre=leading_cadre)
    if q and q.strip():
        term = q.strip()[:50]
        qs = qs.filter(
            Q(person__name__contains=term)
            | Q(person__occupation__contains=term)
            | Q(delegation__name__contains=term)
            | Q(electoral_unit__name__contains=term)
        )
    return qs


def with_details(qs: QuerySet[Deputy]) -> QuerySet[Deputy]:
    """Everything a deputy row shows, in a constant number of queries."""
    return qs.select_related(
        "person",
        "congress__region",
        "delegation",
        "electoral_unit",
        "station_membership__station",
    ).prefetch_related(Prefetch("person__expertise", queryset=Expertise.objects.order_by("name")))


def units_for(user, *, q: str | None = None, region: str | None = None) -> QuerySet[HandlingUnit]:
    qs = visible_to(user, HandlingUnit).filter(is_active=True)
    if (r := region_or_422(region)) is not None:
        qs = qs.filter(region__code__startswith=r.code)
    if q and q.strip():
        qs = qs.filter(name__contains=q.strip()[:50])
    return qs.select_related("region", "parent")


DEPUTY_ROW_FIELDS = (
    "id",
    "term",
    "status",
    "scan_code",
    "person_id",
    "person__name",
    "person__gender",
    "person__occupation",
    "person__is_leading_cadre",
    "person__phone",
    "congress_id",
    "congress__name",
    "congress__level",
    "congress__region__code",
    "congress__region__name",
    "delegation_id",
    "delegation__name",
    "electoral_unit_id",
    "electoral_unit__name",
    "station_membership__station_id",
    "station_membership__station__name",
    "station_membership__station__code",
)


def deputy_rows(qs: QuerySet[Deputy]) -> list[dict]:
    """A page of deputies as plain rows: one query for the rows and one for their expertise,
    whatever the page size, without building a model instance per joined table."""
    rows = list(qs.values(*DEPUTY_ROW_FIELDS))
    person_ids = {r["person_id"] for r in rows}
    expertise: dict[int, list[str]] = {pid: [] for pid in person_ids}
    if person_ids:
        through = Person.expertise.through
        for pid, name in (
            through.objects.filter(person_id__in=person_ids)
            .order_by("expertise__name")
            .values_list("person_id", "expertise__name")
        ):
            expertise[pid].append(name)
    for r in rows:
        r["expertise"] = expertise.get(r["person_id"], [])
    return rows


# --- Choosing a region by name ------------------------------------------------------------------

# The levels a region picker offers: a case, a filter or a log is about a township at most.
PICKER_KINDS = (
    Region.Kind.PROVINCE,
    Region.Kind.CITY,
    Region.Kind.COUNTY,
    Region.Kind.TOWNSHIP,
)


def region_roots(user) -> list[str]:
    """The codes of the widest regions `user` works in (an office's, a leader's, one's own
    congresses', stations' and units'), none inside another; the administrator's are those of
    every congress."""
    from lianxin.accounts.access import grants

    from .models import Congress

    g = grants(user)
    if g.is_admin:
        codes = list(Congress.objects.values_list("region__code", flat=True).distinct())
    else:
        codes = [*g.congress_read_regions, *g.cppcc_read_regions]
        congress_ids = g.deputy_congress_ids | g.station_congress_ids
        if congress_ids:
            codes += Congress.objects.filter(pk__in=congress_ids).values_list(
                "region__code", flat=True
            )
        if g.unit_ids:
            codes += HandlingUnit.objects.filter(pk__in=g.unit_ids).values_list(
                "region__code", flat=True
            )
    roots: list[str] = []
    for code in sorted(set(codes), key=len):
        if not any(code.startswith(r) for r in roots):
            roots.append(code)
    return sorted(roots)


def regions_in_scope(user, roots: list[str] | None = None) -> QuerySet[Region]:
    """Every region a picker offers `user`: the subtrees of its roots, down to townships."""
    from lianxin.accounts.access import prefix_q

    roots = region_roots(user) if roots is None else roots
    return Region.objects.filter(prefix_q("code", roots), kind__in=PICKER_KINDS).order_by("code")


def region_choices(user) -> list[dict]:
    """The regions in scope as plain rows for `lianxin.core.widgets.RegionPicker`."""
    kinds = dict(Region.Kind.choices)
    return [
        {
            "code": code,
            "name": name,
            "full_name": full_name or name,
            "parent": parent or "",
            "kind": str(kinds.get(kind, "")),
        }
        for code, name, full_name, parent, kind in regions_in_scope(user).values_list(
            "code", "name", "full_name", "parent__code", "kind"
        )
    ]
