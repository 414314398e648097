"""Reads of proposals, always through `visible_to` (docs/access.md)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from lianxin.accounts.access import grants, visible_to
from lianxin.casework.models import Case, CoSponsor, Kind

from .workflow import P


def proposals_for(
    user, *, state: str | None = None, mine: bool = False, key: bool = False
) -> QuerySet:
    """The proposals `user` may see, newest first; `mine`: raised or co-sponsored by the caller;
    `key`: key proposals (重点提案) only."""
    qs = visible_to(user, Case).filter(kind=Kind.PROPOSAL)
    if key:
        qs = qs.filter(is_key_supervision=True)
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
    return qs.select_related(
        "raised_by_member__person", "cppcc", "proposal", "proposal__raised_by_body"
    )


def for_detail(qs: QuerySet) -> QuerySet:
    return qs.select_related(
        "raised_by_member__person",
        "raised_by_member__sector",
        "cppcc__region",
        "proposal",
        "proposal__raised_by_body",
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


def leaders_for(case: Case) -> QuerySet:
    """Accounts holding the leader role over the proposal's CPPCC region or a region above it:
    who may be named as the chair leading a key proposal."""
    from lianxin.accounts.models import Role, User

    code = case.cppcc.region.code if case.cppcc_id else case.scope_code
    prefixes = [code[:n] for n in (2, 4, 6, 9, 12) if n <= len(code)]
    return (
        User.objects.filter(
            is_active=True, roles__role=Role.LEADER, roles__region__code__in=prefixes
        )
        .distinct()
        .order_by("display_name", "id")
    )


def pending_extension(case: Case):
    from lianxin.casework.models import ExtensionRequest

    return (
        ExtensionRequest.objects.filter(case=case, status=ExtensionRequest.Status.PENDING)
        .select_related("unit")
        .first()
    )


def extension_requests(case: Case) -> list:
    from lianxin.casework.models import ExtensionRequest

    return list(ExtensionRequest.objects.filter(case=case).select_related("unit").order_by("id"))
