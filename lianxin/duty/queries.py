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
