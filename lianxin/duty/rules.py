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


# --- The duty record, posts, points (M11) -----------------------------------------------------
# A seat's record: the deputy (own seats), the manager of the seat's station, the offices of the
# seat's congress and above and the leaders (region subtree), the administrator.
def _of_a_seat(g: Grants) -> Q | None:
    """The rows of a seat's own (its record, duty reports, stories): the deputy, the manager of
    the seat's station, the offices of its congress and above, leaders, the administrator."""
    if g.is_admin:
        return None
    return (
        prefix_q("deputy__congress__region__code", g.congress_read_regions)
        | Q(deputy__station_membership__station_id__in=list(g.station_ids))
        | Q(deputy_id__in=list(g.deputy_ids))
    )


visibility("duty.dutyentry")(_of_a_seat)


@visibility("duty.dutypost")
def _posts(g: Grants) -> Q | None:
    if g.is_admin:
        return None
    return (
        prefix_q("deputy__congress__region__code", g.congress_read_regions)
        | Q(station_id__in=list(g.station_ids))
        | Q(deputy_id__in=list(g.deputy_ids))
    )


@visibility("duty.scoringrule")
def _scoring_rules(g: Grants) -> Q | None:
    """Rules are read by those who are scored by them and those who read the scores."""
    if g.is_admin:
        return None
    return prefix_q("congress__region__code", g.congress_read_regions) | Q(
        congress_id__in=list(g.deputy_congress_ids | g.station_congress_ids)
    )


view_action("dutyentry.view", "duty.dutyentry")
view_action("dutypost.view", "duty.dutypost")
view_action("scoringrule.view", "duty.scoringrule")


@rule("dutypost.submit")
def _post_submit(g: Grants, seat) -> bool:
    """A deputy posts duties for one of his own seats only."""
    return seat is not None and seat.pk in g.deputy_ids


@rule("dutypost.decide")
def _post_decide(g: Grants, post) -> bool:
    """The manager of the seat's station, or the office of the seat's congress; never the
    deputy himself (even when he also holds one of those roles)."""
    if post.deputy_id in g.deputy_ids:
        return False
    return (post.station_id is not None and post.station_id in g.station_ids) or (
        post.deputy.congress_id in g.staff_congresses
    )


@rule("duty.record")
def _own_record(g: Grants, _obj) -> bool:
    """The page of one's own record and rank: deputies."""
    return bool(g.deputy_ids)


@rule("duty.scores")
def _scores(g: Grants, congress) -> bool:
    """A congress's scoreboard: its office; the offices above and leaders read it as a
    roll-up; the administrator."""
    return g.is_admin or _reads_congress(g, congress)


@rule("duty.scores_list")
def _scores_list(g: Grants, _obj) -> bool:
    return g.is_admin or bool(g.congress_read_regions)


def _reads_congress(g: Grants, congress) -> bool:
    code = congress.region.code
    return any(code.startswith(prefix) for prefix in g.congress_read_regions)


@rule("dutyentry.read_seat")
def _read_seat(g: Grants, seat) -> bool:
    """One seat's record: its deputy, its station's manager, its office and those above."""
    if g.is_admin or seat.pk in g.deputy_ids:
        return True
    membership = getattr(seat, "station_membership", None)
    if membership is not None and membership.station_id in g.station_ids:
        return True
    return _reads_congress(g, seat.congress)


@rule("scoringrule.read")
def _read_rules(g: Grants, congress) -> bool:
    """A congress's rules: those scored by them, their stations, and those who read the scores."""
    return (
        g.is_admin
        or congress.pk in g.deputy_congress_ids
        or congress.pk in g.station_congress_ids
        or _reads_congress(g, congress)
    )


# --- Duty reports to the voters (述职报告) --------------------------------------------------------
# Read by the deputy (own seats), the seat's station manager, the offices of the seat's congress
# and above, leaders (region subtree) and the administrator; published ones by anyone, on the
# public site only.
visibility("duty.dutyreport")(_of_a_seat)


view_action("dutyreport.view", "duty.dutyreport")


@rule("dutyreport.write")
def _report_write(g: Grants, seat) -> bool:
    """Draft, edit and submit: the deputy, for his own seats only."""
    return seat is not None and seat.pk in g.deputy_ids


@rule("dutyreport.decide")
def _report_decide(g: Grants, report) -> bool:
    """Approve, return, publish, withdraw: the office of the seat's congress, never the deputy
    himself."""
    if report.deputy_id in g.deputy_ids:
        return False
    return report.deputy.congress_id in g.staff_congresses


@rule("dutyreport.publication")
def _publication(g: Grants, congress) -> bool:
    """What the public pages show of a congress's deputies: its office."""
    return congress is not None and congress.pk in g.staff_congresses


# --- Deputies' stories (履职故事) --------------------------------------------------------------
visibility("duty.dutystory")(_of_a_seat)


view_action("dutystory.view", "duty.dutystory")


@rule("dutystory.write")
def _story_write(g: Grants, seat) -> bool:
    """A story of a seat is written by its deputy or by the office of its congress."""
    return seat is not None and (seat.pk in g.deputy_ids or seat.congress_id in g.staff_congresses)


@rule("dutystory.decide")
def _story_decide(g: Grants, story) -> bool:
    """Reviewed by the office of the seat's congress; never by its author nor its deputy."""
    if story.deputy_id in g.deputy_ids or story.author_id == g.user_id:
        return False
    return story.deputy.congress_id in g.staff_congresses


# --- Typical cases (典型案例) --------------------------------------------------------------------
@visibility("duty.typicalcase")
def _typical(g: Grants) -> Q | None:
    """Drafts: the office of the congress and those above; published ones: every deputy of the
    congress too (the public site shows them to anyone)."""
    if g.is_admin:
        return None
    return prefix_q("congress__region__code", g.congress_read_regions) | Q(
        congress_id__in=list(g.deputy_congress_ids), status="published"
    )


view_action("typicalcase.view", "duty.typicalcase")


@rule("typicalcase.write")
def _typical_write(g: Grants, congress) -> bool:
    """Drawn, edited and published by the office of the congress."""
    return congress is not None and congress.pk in g.staff_congresses
