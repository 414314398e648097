"""Reads of suggestions and motions, always through the access rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianxin.accounts.access import grants, visible_to
from lianxin.casework.models import (
    Assignment,
    Case,
    Commitment,
    CoSponsor,
    ExtensionRequest,
    Kind,
    SurveyAnswer,
    SurveyRound,
)
from lianxin.casework.shared import survey_tally  # noqa: F401 - read by the report and pages
from lianxin.core.errors import ValidationFailed

from .models import CoOpinion, CoOpinionDeadline, ReviewTier, Session
from .workflow import UNDER_HANDLING, SuggestionState

KINDS = (Kind.SUGGESTION, Kind.MOTION)


# --- Review tiers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tier:
    order: int
    name: str
    body: str


DEFAULT_TIERS = [
    Tier(1, str(gettext_lazy("代表团预审")), ReviewTier.Body.DELEGATION),
    Tier(2, str(gettext_lazy("议案建议审查组审查")), ReviewTier.Body.SESSION_GROUP),
    Tier(3, str(gettext_lazy("专门委员会（工作机构）审查")), ReviewTier.Body.COMMITTEE),
]
# Which default tiers apply to suggestions raised in recess: only the committees' review.
DEFAULT_RECESS_ORDERS = {3}
OFFICE_TIER = Tier(1, str(gettext_lazy("代表工作机构审查")), ReviewTier.Body.OFFICE)


def review_tiers(congress, in_session: bool) -> list[Tier]:
    """The tiers a suggestion passes, in order: the congress's own settings, or the defaults
    (three tiers in session; the committees' review in recess). Never empty."""
    rows = list(ReviewTier.objects.filter(congress=congress, is_active=True).order_by("order"))
    if rows:
        tiers = [
            Tier(r.order, r.name, r.body)
            for r in rows
            if (r.in_session if in_session else r.in_recess)
        ]
    else:
        tiers = [t for t in DEFAULT_TIERS if in_session or t.order in DEFAULT_RECESS_ORDERS]
    return tiers or [OFFICE_TIER]


def tier_of(tiers: list[Tier], order: int) -> Tier | None:
    return next((t for t in tiers if t.order == order), None)


# --- Sessions -----------------------------------------------------------------------------------


def open_session(congress, day: dt.date, *, motions: bool = False) -> Session | None:
    """The session of `congress` that accepts suggestions (or motions) on `day`."""
    for s in Session.objects.filter(congress=congress, opens_on__lte=day).order_by("-opens_on"):
        if s.accepts_motions_on(day) if motions else s.accepts_suggestions_on(day):
            return s
    return None


# --- Lists --------------------------------------------------------------------------------------

# The small reference tables of a row (category, region, congress, session, the lead
# sponsor) are read by one short query each rather than joined: at 100,000 suggestions a
# nine-table join costs more to plan than to run; and only the columns a row shows are read.
# Suggestions never come through a station nor are addressed to a deputy (the loop's columns
# `station` and `deputy` stay empty).
LIST_FIELDS = (
    "id",
    "kind",
    "state",
    "tracking_code",
    "title",
    "category_id",
    "region_id",
    "congress_id",
    "station_id",
    "deputy_id",
    "raised_by_deputy_id",
    "channel",
    "contact_name",
    "contact_phone",
    "is_anonymous",
    "due_date",
    "is_overdue",
    "is_key_supervision",
    "created_at",
    "version",
    "suggestion__in_session",
    "suggestion__session_id",
)


def _list_prefetches() -> list:
    from lianxin.casework.models import Category
    from lianxin.org.models import Congress, Deputy, Region

    return [
        Prefetch("region", queryset=Region.objects.only("id", "code", "name")),
        Prefetch("category", queryset=Category.objects.only("id", "name")),
        Prefetch("congress", queryset=Congress.objects.only("id", "name")),
        Prefetch(
            "raised_by_deputy",
            queryset=Deputy.objects.select_related("person").only(
                "id", "person__id", "person__name"
            ),
        ),
        Prefetch("suggestion__session", queryset=Session.objects.only("id", "name")),
    ]


def suggestions_for(
    user,
    *,
    kind: str | None = Kind.SUGGESTION,
    state: str | None = None,
    congress: int | None = None,
    session: int | None = None,
    unit: int | None = None,
    mine: bool = False,
    key: bool | None = None,
    overdue: bool | None = None,
    q: str | None = None,
) -> QuerySet[Case]:
    """Suggestions (or motions) the user may see, filtered. Unknown values are refused (422)."""
    if kind not in (None, "", *KINDS):
        raise ValidationFailed(_("类别应为 suggestion 或 motion。"), field="kind")
    qs = visible_to(user, Case).filter(kind__in=[kind] if kind else list(KINDS))
    if state:
        states = [s.strip() for s in state.split(",") if s.strip()]
        if not all(s.isidentifier() and len(s) <= 32 for s in states):
            raise ValidationFailed(_("状态参数有误。"), field="state")
        qs = qs.filter(state__in=states)
    if congress is not None:
        qs = qs.filter(congress_id=congress)
    if session is not None:
        qs = qs.filter(Q(suggestion__session_id=session) | Q(motion__session_id=session))
    if unit is not None:
        qs = qs.filter(
            pk__in=Assignment.objects.filter(unit_id=unit, status=Assignment.Status.ACTIVE).values(
                "case_id"
            )
        )
    if mine:
        g = grants(user)
        qs = qs.filter(
            Q(raised_by_deputy_id__in=list(g.deputy_ids))
            | Q(pk__in=CoSponsor.objects.filter(deputy_id__in=list(g.deputy_ids)).values("case_id"))
        )
    if key is not None:
        qs = qs.filter(is_key_supervision=key)
    if overdue is not None:
        qs = qs.filter(is_overdue=overdue)
    if q and q.strip():
        term = q.strip()[:50]
        qs = qs.filter(
            Q(title__contains=term) | Q(content__contains=term) | Q(tracking_code=term.upper())
        )
    return qs


def for_list(qs: QuerySet[Case]) -> QuerySet[Case]:
    """Everything a row of the list shows: the case, its lead unit and its co-sponsors' count,
    in a constant number of queries whatever the page size."""
    return (
        qs.select_related("suggestion")
        .only(*LIST_FIELDS)
        .prefetch_related(*_list_prefetches())
        .prefetch_related(
            Prefetch(
                "assignments",
                # No ordering: the model's default (by case) would join the case table again.
                queryset=Assignment.objects.filter(status=Assignment.Status.ACTIVE)
                .select_related("unit")
                .only("id", "case_id", "role", "status", "unit__id", "unit__name")
                .order_by(),
            )
        )
        .prefetch_related(
            Prefetch(
                "cosponsors",
                queryset=CoSponsor.objects.filter(status=CoSponsor.Status.CONFIRMED)
                .only("pk", "case_id")
                .order_by(),
                to_attr="confirmed_cosponsors",
            )
        )
        .order_by("-created_at", "-id")
    )


def for_detail(qs: QuerySet[Case]) -> QuerySet[Case]:
    from lianxin.casework.queries import for_detail as case_detail

    return (
        case_detail(qs)
        .select_related(
            "suggestion__session", "motion__session", "motion__delegation", "motion__referred_to"
        )
        .prefetch_related(
            Prefetch(
                "cosponsors",
                queryset=CoSponsor.objects.select_related("deputy__person").order_by("id"),
            ),
            Prefetch("co_opinions", queryset=CoOpinion.objects.select_related("unit")),
            Prefetch("commitments", queryset=Commitment.objects.select_related("unit")),
            "replies__signoff",
            Prefetch(
                "extension_requests",
                queryset=ExtensionRequest.objects.select_related("unit").order_by(
                    "requested_at", "id"
                ),
            ),
            Prefetch(
                "co_opinion_deadlines",
                queryset=CoOpinionDeadline.objects.select_related(
                    "unit", "assignment", "opinion"
                ).order_by("due_on", "pk"),
            ),
            Prefetch(
                "survey_rounds",
                queryset=SurveyRound.objects.prefetch_related(
                    Prefetch(
                        "answers",
                        queryset=SurveyAnswer.objects.select_related("deputy__person").order_by(
                            "id"
                        ),
                    )
                ).order_by("number"),
            ),
        )
    )


def authors(case: Case) -> list:
    """The lead sponsor and the confirmed co-sponsors (Deputy seats), lead first."""
    seats = [case.raised_by_deputy] if case.raised_by_deputy_id else []
    seats += [
        c.deputy
        for c in case.cosponsors.all()
        if c.status == CoSponsor.Status.CONFIRMED and c.deputy_id != case.raised_by_deputy_id
    ]
    return seats


def pending_invitations(user) -> QuerySet[Case]:
    """Drafts the user was asked to co-sign and has not answered yet."""
    g = grants(user)
    return (
        Case.objects.filter(
            kind__in=KINDS,
            state=SuggestionState.DRAFT,
            cosponsors__deputy_id__in=list(g.deputy_ids),
            cosponsors__status=CoSponsor.Status.INVITED,
        )
        .select_related("raised_by_deputy__person", "congress")
        .distinct()
        .order_by("-created_at")
    )


def commitments_for(
    user,
    *,
    status: str | None = None,
    unit: int | None = None,
    congress: int | None = None,
    due_before: dt.date | None = None,
) -> QuerySet[Commitment]:
    qs = visible_to(user, Commitment).exclude(
        status__in=[Commitment.Status.PENDING, Commitment.Status.VOID]
    )
    if status:
        if status not in Commitment.Status.values:
            raise ValidationFailed(_("承诺事项状态有误。"), field="status")
        qs = qs.filter(status=status)
    if unit is not None:
        qs = qs.filter(unit_id=unit)
    if congress is not None:
        qs = qs.filter(case__congress_id=congress)
    if due_before is not None:
        qs = qs.filter(due_on__lte=due_before)
    return qs.select_related(
        "unit", "case__raised_by_deputy__person", "case__suggestion__session", "case__congress"
    ).order_by("due_on", "id")


def public_replies():
    """Replies marked public whose sign-off approved them, with the suggestion's title and the
    deputies' names: what the public site shows."""
    from lianxin.casework.models import Reply

    return (
        Reply.objects.filter(case__kind=Kind.SUGGESTION, is_public=True, signoff__approved=True)
        .select_related(
            "case", "case__raised_by_deputy__person", "case__congress", "unit", "category"
        )
        .prefetch_related(
            Prefetch(
                "case__cosponsors",
                queryset=CoSponsor.objects.filter(status=CoSponsor.Status.CONFIRMED).select_related(
                    "deputy__person"
                ),
            )
        )
        .order_by("-created_at", "-id")
    )


def unit_figures(user) -> list[dict]:
    """For a handling unit's officers: how many suggestions each of their units leads, how many
    it answered, and the deputies' satisfaction with its replies (satisfied or basically)."""
    from django.db.models import Count

    from lianxin.casework.models import Rating

    g = grants(user)
    if not g.unit_ids:
        return []
    rows = (
        Assignment.objects.filter(
            unit_id__in=list(g.unit_ids),
            role=Assignment.Role.LEAD,
            case__kind=Kind.SUGGESTION,
        )
        .exclude(status=Assignment.Status.RETURNED)
        .values("unit__name")
        .annotate(
            led=Count("case", distinct=True),
            rated=Count("case", filter=~Q(case__rating=""), distinct=True),
            satisfied=Count(
                "case",
                filter=Q(case__rating__in=[Rating.SATISFIED, Rating.BASICALLY_SATISFIED]),
                distinct=True,
            ),
            overdue=Count("case", filter=Q(case__is_overdue=True), distinct=True),
        )
        .order_by("unit__name")
    )
    return [
        {
            "unit": r["unit__name"],
            "led": r["led"],
            "rated": r["rated"],
            "overdue": r["overdue"],
            "satisfaction": f"{r['satisfied'] * 100 / r['rated']:.0f}%" if r["rated"] else "—",
        }
        for r in rows
    ]


# --- Work lists: extension requests, co-handling opinions, surveys ---------------------------------

# Where a co-handling unit may still send its opinion (see the workflow's `co_opinion`).
CO_OPINION_STATES = (SuggestionState.ASSIGNED, SuggestionState.HANDLING)


def pending_extensions(user) -> QuerySet[ExtensionRequest]:
    """Extension requests waiting for the decision of the user's own office, oldest first."""
    g = grants(user)
    return (
        ExtensionRequest.objects.filter(
            status=ExtensionRequest.Status.PENDING,
            case__congress_id__in=list(g.staff_congresses),
            case__state__in=UNDER_HANDLING,
        )
        .select_related("case", "unit")
        .order_by("requested_at", "id")
    )


def co_opinions_due(user) -> QuerySet[CoOpinionDeadline]:
    """The co-handling opinions the user's units still owe, the earliest due first."""
    g = grants(user)
    return (
        CoOpinionDeadline.objects.filter(
            unit_id__in=list(g.unit_ids),
            opinion__isnull=True,
            assignment__status="active",
            case__state__in=CO_OPINION_STATES,
        )
        .select_related("case", "unit")
        .order_by("due_on", "pk")
    )


def surveys_to_answer(user) -> QuerySet[SurveyAnswer]:
    """Open survey rounds the user (a deputy) was asked to answer and has not answered yet."""
    g = grants(user)
    return (
        SurveyAnswer.objects.filter(
            deputy_id__in=list(g.deputy_ids), rating="", round__closed_at__isnull=True
        )
        .select_related("round__case")
        .order_by("round__opened_at", "id")
    )


def latest_survey_tallies(case_ids) -> dict[int, dict]:
    """For each case: the tally of its latest survey round and whether it is still open; in one
    query whatever the number of cases."""
    from django.db.models import Count

    from lianxin.casework.models import Rating

    counts = {
        f"n_{value}": Count("answers", filter=Q(answers__rating=value)) for value in Rating.values
    }
    rows = (
        SurveyRound.objects.filter(case_id__in=case_ids)
        .annotate(
            asked=Count("answers"),
            answered=Count("answers", filter=~Q(answers__rating="")),
            **counts,
        )
        .order_by("case_id", "number")
        .values("case_id", "number", "closed_at", "asked", "answered", *counts)
    )
    out: dict[int, dict] = {}
    for r in rows:
        out[r["case_id"]] = {
            "round": r["number"],
            "is_open": r["closed_at"] is None,
            "asked": r["asked"],
            "answered": r["answered"],
            **{value: r[f"n_{value}"] for value in Rating.values},
        }
    return out
