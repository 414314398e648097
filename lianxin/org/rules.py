"""Who sees and acts on the org app's records (registered with lianxin.accounts.access)."""

from __future__ import annotations

from django.db.models import Q

from lianxin.accounts.access import (
    NOTHING,
    Grants,
    any_of,
    apply_rule,
    prefix_q,
    rule,
    view_action,
    visibility,
)


@visibility("org.region")
def _regions(g: Grants) -> Q | None:
    return None


@visibility("org.handlingunit")
def _units(g: Grants) -> Q | None:
    # The directory of handling units is needed by anyone who assigns or consults.
    return None if g.is_anyone else NOTHING


@visibility("org.congress")
def _congresses(g: Grants) -> Q | None:
    if g.is_admin:
        return None
    q = prefix_q("region__code", g.congress_read_regions)
    q |= Q(pk__in=g.deputy_congress_ids) | Q(pk__in=g.station_congress_ids)
    return q


@visibility("org.cppcc")
def _cppccs(g: Grants) -> Q | None:
    if g.is_admin:
        return None
    return prefix_q("region__code", g.cppcc_read_regions) | Q(pk__in=g.member_cppcc_ids)


@visibility("org.deputy")
def _deputies(g: Grants) -> Q | None:
    if g.is_admin:
        return None
    # Congresses are few: pick their ids first, so the deputies are found by the congress index.
    from .models import Congress

    readable = Congress.objects.filter(prefix_q("region__code", g.congress_read_regions)).values(
        "pk"
    )
    q = Q(congress_id__in=readable) if g.congress_read_regions else NOTHING
    # fellow deputies of one's own congresses, for joint suggestions
    return q | any_of(
        ("station_membership__station_id__in", g.station_ids),
        ("congress_id__in", g.deputy_congress_ids),
    )


@visibility("org.member")
def _members(g: Grants) -> Q | None:
    if g.is_admin:
        return None
    return prefix_q("cppcc__region__code", g.cppcc_read_regions) | Q(
        cppcc_id__in=g.member_cppcc_ids
    )


@visibility("org.person", to_many=True)
def _people(g: Grants) -> Q | None:
    if g.is_admin:
        return None
    deputies = _deputies(g)
    members = _members(g)
    q = Q(pk=g.person_id) if g.person_id else NOTHING
    q |= Q(deputy_seats__in=apply_rule("org.deputy", deputies)) | Q(
        member_seats__in=apply_rule("org.member", members)
    )
    return q


for _label, _action in [
    ("org.congress", "congress.view"),
    ("org.cppcc", "cppcc.view"),
    ("org.deputy", "deputy.view"),
    ("org.member", "member.view"),
    ("org.handlingunit", "unit.view"),
]:
    view_action(_action, _label)


@rule("congress.manage")
def _congress_manage(g: Grants, congress) -> bool:
    """Business actions of a congress's office: only its own staff, never a roll-up reader."""
    return congress.pk in g.staff_congresses


@rule("deputy.change")
def _deputy_change(g: Grants, deputy) -> bool:
    return deputy.congress_id in g.staff_congresses


@rule("deputy.view_personal")
def _deputy_personal(g: Grants, deputy) -> bool:
    """Full phone number: the deputy's own office, the deputy, and the administrator."""
    return g.is_admin or deputy.congress_id in g.staff_congresses or deputy.pk in g.deputy_ids


@rule("member.change")
def _member_change(g: Grants, member) -> bool:
    return member.cppcc_id in g.cppcc_staff


@rule("member.view_personal")
def _member_personal(g: Grants, member) -> bool:
    return g.is_admin or member.cppcc_id in g.cppcc_staff or member.pk in g.member_ids
