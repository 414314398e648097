"""Reads of activities and invitations, always through `visible_to`."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from lianxin.accounts.access import grants, visible_to

from .models import Activity, Invitation


def activities(user) -> QuerySet:
    return (
        visible_to(user, Activity)
        .select_related("congress", "organiser_body", "organiser_unit")
        .annotate(
            invited=Count("invitations", distinct=True),
            accepted=Count(
                "invitations",
                filter=Q(invitations__answer=Invitation.Answer.ACCEPTED),
                distinct=True,
            ),
        )
    )


def to_approve(user) -> QuerySet:
    """Units' proposed events awaiting the user's own office."""
    return activities(user).filter(
        status=Activity.Status.PROPOSED, congress_id__in=list(grants(user).staff_congresses)
    )


def upcoming_of_office(user) -> QuerySet:
    return (
        activities(user)
        .filter(
            status=Activity.Status.PUBLISHED,
            congress_id__in=list(grants(user).staff_congresses),
            ends_at__gte=timezone.now(),
        )
        .order_by("starts_at", "pk")
    )


def my_invitations(user) -> QuerySet:
    """The user's own invitations (every seat), newest activity first."""
    return (
        visible_to(user, Invitation)
        .filter(deputy_id__in=list(grants(user).deputy_ids))
        .select_related("activity__congress", "deputy__congress", "deputy__person")
        .order_by("-activity__starts_at", "-pk")
    )


def pending_invitations(user) -> QuerySet:
    return (
        my_invitations(user)
        .filter(
            answer=Invitation.Answer.PENDING,
            activity__status=Activity.Status.PUBLISHED,
            activity__starts_at__gt=timezone.now(),
        )
        .order_by("activity__starts_at", "pk")
    )


# --- The duty record, posts, scores (M11) ------------------------------------------------------
def record_of(user, deputy_id: int) -> QuerySet:
    """The entries of one seat that the user may see, newest first."""
    from .models import DutyEntry

    return (
        visible_to(user, DutyEntry)
        .filter(deputy_id=deputy_id)
        .select_related("trail")
        .order_by("-date", "-id")
    )


def my_seats(user) -> QuerySet:
    from lianxin.org.models import Deputy

    return (
        Deputy.objects.filter(pk__in=list(grants(user).deputy_ids))
        .select_related("congress", "person", "delegation")
        .order_by("congress__region__code", "pk")
    )


def posts(user) -> QuerySet:
    from .models import DutyPost

    return visible_to(user, DutyPost).select_related(
        "deputy__person", "deputy__congress", "station"
    )


def posts_to_review(user) -> QuerySet:
    """Pending posts the user may decide: of the user's stations, or of the user's office's
    congress."""
    from .models import DutyPost

    g = grants(user)
    return (
        posts(user)
        .filter(status=DutyPost.Status.PENDING)
        .filter(
            Q(station_id__in=list(g.station_ids))
            | Q(deputy__congress_id__in=list(g.staff_congresses))
        )
        .exclude(deputy_id__in=list(g.deputy_ids))
        .order_by("date", "pk")
    )


def scored_congresses(user) -> QuerySet:
    """The congresses whose scoreboard the user reads (their office's, and below as a roll-up)."""
    from lianxin.accounts.access import prefix_q
    from lianxin.org.models import Congress

    g = grants(user)
    qs = Congress.objects.select_related("region").order_by("region__code")
    if g.is_admin:
        return qs
    return qs.filter(prefix_q("region__code", g.congress_read_regions))
