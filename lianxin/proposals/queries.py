"""Reads of proposals, always through `visible_to` (docs/access.md)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from lianxin.accounts.access import grants, visible_to
from lianxin.casework.models import Case, CoSponsor, Kind

from .workflow import P


def proposals_for(user, *, state: str | None = None, mine: bool = False) -> QuerySet:
    """The proposals `user` may see, newest first; `mine`: raised or co-sponsored by the caller."""
    qs = visible_to(user, Case).filter(kind=Kind.PROPOSAL)
    if state:
        qs = qs.filter(state__in=[s for s in state.split(",") if s])
    if mine:
        g = grants(user)
        qs = qs.filter(
            Q(raised_by_member_id__in=g.member_ids)
            | Q(pk__in=CoSponsor.objects.filter(member_id__in=g.member_ids).values("case_id"))
        )
    return qs.order_by("-created_at", "-id")


def for_list(qs: QuerySet) -> QuerySet:
    return qs.select_related("raised_by_member__person", "cppcc", "proposal")


def for_detail(qs: QuerySet) -> QuerySet:
    return qs.select_related(
        "raised_by_member__person",
        "raised_by_member__sector",
        "cppcc__region",
        "proposal",
        "category",
        "region",
        "congress",
        "station",
        "deputy__person",
        "raised_by_deputy__person",
        "parent",
        "merged_into",
    ).prefetch_related(
        "assignments__unit",
        "replies__category",
        "replies__attachments",
        "replies__signoff",
        "attachments",
        "consultations__unit",
        "evaluations",
        "events",
    )


def cosponsors(case: Case) -> list[CoSponsor]:
    return list(
        CoSponsor.objects.filter(case=case, member__isnull=False)
        .select_related("member__person")
        .order_by("id")
    )


def invitations_for(user) -> QuerySet:
    """Drafts the caller is invited to co-sponsor and has not answered yet."""
    g = grants(user)
    return (
        visible_to(user, Case)
        .filter(
            kind=Kind.PROPOSAL,
            state=P.DRAFT,
            pk__in=CoSponsor.objects.filter(
                member_id__in=g.member_ids, status=CoSponsor.Status.INVITED
            ).values("case_id"),
        )
        .order_by("-created_at")
    )
