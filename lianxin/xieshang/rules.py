"""Who sees and acts on consultation events and studios (registered with accounts.access).

- the CPPCC's staff see their CPPCC's events and studios and act on them; those of the CPPCCs
  above read them;
- a member sees the events they take part in (as a participant or a speaker) and the studios
  they belong to;
- everyone else gets the same 404 as for a row that does not exist."""

from __future__ import annotations

from django.db.models import Q

from lianxin.accounts.access import Grants, prefix_q, rule, view_action, visibility


@visibility("xieshang.consultationevent", to_many=True)
def _events(g: Grants) -> Q | None:
    if g.is_admin:
        return None
    q = prefix_q("cppcc__region__code", g.cppcc_read_regions)
    if g.member_ids:
        members = list(g.member_ids)
        q |= Q(participants__in=members) | Q(speeches__speaker_member__in=members)
    return q


@visibility("xieshang.consultationresult", to_many=True)
def _results(g: Grants) -> Q | None:
    """A result is seen by whoever sees its event."""
    if g.is_admin:
        return None
    q = prefix_q("event__cppcc__region__code", g.cppcc_read_regions)
    if g.member_ids:
        members = list(g.member_ids)
        q |= Q(event__participants__in=members) | Q(event__speeches__speaker_member__in=members)
    return q


@visibility("xieshang.studio", to_many=True)
def _studios(g: Grants) -> Q | None:
    if g.is_admin:
        return None
    q = prefix_q("cppcc__region__code", g.cppcc_read_regions)
    if g.member_ids:
        q |= Q(members__in=list(g.member_ids))
    return q


view_action("xieshang.view", "xieshang.consultationevent")
view_action("xieshang.view_studio", "xieshang.studio")


@rule("xieshang.list")
def _list(g: Grants, _obj) -> bool:
    return g.is_admin or bool(g.cppcc_read_regions or g.member_ids)


@rule("xieshang.create")
def _create(g: Grants, cppcc) -> bool:
    """Events and studios are created by the CPPCC's own staff."""
    if cppcc is None:
        return bool(g.cppcc_staff)
    return cppcc.pk in g.cppcc_staff


@rule("xieshang.manage")
def _manage(g: Grants, obj) -> bool:
    """Speeches, results, activities: the staff of the event's or studio's CPPCC."""
    return obj.cppcc_id in g.cppcc_staff


@rule("xieshang.record")
def _record(g: Grants, member) -> bool:
    """A member's duty record: the member, and the staff who read the member's CPPCC."""
    if g.is_admin or member.pk in g.member_ids:
        return True
    return any(member.cppcc.region.code.startswith(code) for code in g.cppcc_read_regions)
