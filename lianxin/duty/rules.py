"""Who sees and acts on activities and invitations (registered with lianxin.accounts.access).

- deputy-affairs staff of a congress run its activities (create, edit, cancel, approve a unit's
  proposal, invite, record attendance); the congresses above read them as a roll-up;
- a handling unit's officers propose events of their unit (一府一委两院) to the congress of
  their region and see those events; the office approves them;
- a deputy sees the activities to which one of their seats is invited, and answers and signs in
  for those seats only;
- leaders read their region subtree; the administrator reads everything."""

from __future__ import annotations

from django.db.models import Q

from lianxin.accounts.access import Grants, prefix_q, rule, view_action, visibility


@visibility("duty.activity", to_many=True)
def _activities(g: Grants) -> Q | None:
    if g.is_admin:
        return None
    return (
        prefix_q("congress__region__code", g.congress_read_regions)
        | Q(organiser_unit_id__in=list(g.unit_ids))
        | Q(invitations__deputy_id__in=list(g.deputy_ids))
    )


@visibility("duty.invitation")
def _invitations(g: Grants) -> Q | None:
    if g.is_admin:
        return None
    return (
        prefix_q("activity__congress__region__code", g.congress_read_regions)
        | Q(activity__organiser_unit_id__in=list(g.unit_ids))
        | Q(deputy_id__in=list(g.deputy_ids))
    )


view_action("activity.view", "duty.activity")
view_action("invitation.view", "duty.invitation")


@rule("activity.create")
def _create(g: Grants, congress) -> bool:
    """Activities are organised by the deputy-affairs office of the congress whose deputies
    take part."""
    return congress is not None and congress.pk in g.staff_congresses


@rule("activity.propose")
def _propose(g: Grants, target) -> bool:
    """`target` is (congress, unit): an officer of a unit proposes its event to the congress of
    the unit's own region."""
    congress, unit = target
    return unit is not None and unit.pk in g.unit_ids and unit.region_id == congress.region_id


@rule("activity.manage")
def _manage(g: Grants, activity) -> bool:
    """Edit, cancel, approve, invite, record attendance: the organising congress's office."""
    return activity.congress_id in g.staff_congresses


@rule("invitation.answer")
def _answer(g: Grants, invitation) -> bool:
    return invitation.deputy_id in g.deputy_ids


@rule("invitation.sign_in")
def _sign_in(g: Grants, invitation) -> bool:
    """Signing in by scanning: the invited deputy, for their own seat."""
    return invitation.deputy_id in g.deputy_ids


@rule("activity.list")
def _list(g: Grants, _obj) -> bool:
    return g.is_admin or bool(g.congress_read_regions) or bool(g.unit_ids) or g.is_deputy
