"""Reads of cases, always through the access rules."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from lianxin.accounts.access import visible_to
from lianxin.core.crypto import lookup_hash
from lianxin.core.errors import ValidationFailed

from .models import (
    Assignment,
    Case,
    CaseEvent,
    Consultation,
    Evaluation,
    Kind,
    Reply,
    ReplySignoff,
)
from .workflow import workflow_for

# A deputy's or member's draft is theirs until it is submitted: no tracking page shows it.
UNSUBMITTED_STATES = frozenset({"draft"})


def active_assignments(case: Case) -> list[Assignment]:
    """The case's active assignments; read once per case object (the access rules ask often)."""
    cache = getattr(case, "_prefetched_objects_cache", {})
    if "assignments" in cache:
        return [a for a in cache["assignments"] if a.status == Assignment.Status.ACTIVE]
    cached = getattr(case, "_active_assignments", None)
    if cached is None:
        cached = list(
            Assignment.objects.filter(case=case, status=Assignment.Status.ACTIVE).select_related(
                "unit"
            )
        )
        case._active_assignments = cached
    return cached


def forget_assignments(case: Case) -> None:
    if hasattr(case, "_active_assignments"):
        del case._active_assignments
    cache = getattr(case, "_prefetched_objects_cache", None)
    if cache:
        cache.pop("assignments", None)


def unsigned_replies(case: Case) -> QuerySet[Reply]:
    """The case's replies neither signed off nor sent back by their unit, the latest first."""
    return Reply.objects.filter(case=case, signoff__isnull=True).order_by("-created_at", "-id")


def signs_off(kind: str) -> bool:
    """Whether the kind's replies are signed off in their unit before they are sent
    (suggestions, motions, proposals; a citizen's opinion is answered at once)."""
    return "sign_off" in workflow_for(kind).actions


def reply_given(case: Case, reply: Reply) -> bool:
    """Whether `reply` has been given: at once for a kind without sign-off, once signed off for
    the others. A letter awaiting sign-off or sent back is still its unit's draft, read only
    by that unit and the office (casework.rules.sees_reply), never by the proposers or the
    public. Prefetch `replies__signoff` when asking for many."""
    if not signs_off(case.kind):
        return True
    try:
        return reply.signoff.approved
    except ReplySignoff.DoesNotExist:
        return False


def given_replies(case: Case) -> QuerySet[Reply]:
    """The replies of `case` that have been given (see `reply_given`), in their order."""
    qs = Reply.objects.filter(case=case)
    return qs.filter(signoff__approved=True) if signs_off(case.kind) else qs


def pending_reply(case: Case) -> Reply | None:
    """The reply letter awaiting its unit's sign-off (内部签发), if any."""
    return unsigned_replies(case).first()


LIST_RELATED = (
    "region",
    "category",
    "congress",
    "station",
    "deputy__person",
)


def cases_for(
    user,
    *,
    kind: str | None = None,
    state: str | None = None,
    region: str | None = None,
    overdue: bool | None = None,
    q: str | None = None,
    station: int | None = None,
    deputy: int | None = None,
    unit: int | None = None,
    supervised: bool | None = None,
    mine: bool = False,
    request=None,
) -> QuerySet[Case]:
    """The cases `user` may see, filtered. Unknown filter values are refused (422)."""
    qs = visible_to(user, Case)
    if mine:
        qs = qs.filter(mine_q(user))
    if kind:
        if kind not in Kind.values:
            raise ValidationFailed(
                _("案件类别 %(kind)s 不存在。") % {"kind": kind[:20]}, field="kind"
            )
        qs = qs.filter(kind=kind)
    if state:
        states = [s.strip() for s in state.split(",") if s.strip()]
        if not all(s.isidentifier() and len(s) <= 32 for s in states):
            raise ValidationFailed(_("状态参数有误。"), field="state")
        qs = qs.filter(state__in=states)
    if region:
        from lianxin.org.queries import region_or_422

        r = region_or_422(region)
        qs = qs.filter(region__code__startswith=r.code)
    if overdue is not None:
        qs = qs.filter(is_overdue=overdue)
    if station is not None:
        qs = qs.filter(station_id=station)
    if deputy is not None:
        qs = qs.filter(deputy_id=deputy)
    if unit is not None:
        qs = qs.filter(
            pk__in=Assignment.objects.filter(unit_id=unit, status=Assignment.Status.ACTIVE).values(
                "case_id"
            )
        )
    if supervised is not None:
        qs = qs.filter(is_key_supervision=supervised)
    if q and q.replace("\x00", "").strip():
        qs = qs.filter(lookup_q(q, user=user, request=request))
    return qs


def mine_q(user) -> Q:
    """The cases that are "mine" for the seats the user holds: entered, assigned or put
    under supervision by the user; assigned (actively) to the user's units; of the user's
    stations; of the user's own deputy seats (as the deputy responsible or as the author)."""
    from lianxin.accounts.access import grants

    g = grants(user)
    q = Q(entered_by=user) | Q(supervised_by=user)
    q |= Q(pk__in=Assignment.objects.filter(assigned_by=user).values("case_id"))
    if g.unit_ids:
        q |= Q(
            pk__in=Assignment.objects.filter(
                unit_id__in=g.unit_ids, status=Assignment.Status.ACTIVE
            ).values("case_id")
        )
    if g.station_ids:
        q |= Q(station_id__in=list(g.station_ids))
    if g.deputy_ids:
        q |= Q(deputy_id__in=list(g.deputy_ids)) | Q(raised_by_deputy_id__in=list(g.deputy_ids))
    return q


def lookup_q(q: str, *, user=None, request=None) -> Q:
    """What a clerk types to find a citizen's cases: a tracking code (any case, spaces
    allowed), a whole phone number, the citizen's whole name, a place or words of the text.
    Names and phones are sealed at rest (core.crypto): they are found by the keyed hash of the
    equal value (`contact_name_hash`, `contact_phone_hash`, indexed), not by a part of them.
    Looking a whole phone number up is a viewing of personal data, and leaves its audit entry."""
    from lianxin.core.audit import reveal

    from .models import TRACKING_ALPHABET

    term = q.replace("\x00", "").strip()[:50]
    q_ = Q(title__contains=term) | Q(content__contains=term) | Q(place__contains=term)
    if len(term) >= 2:
        q_ |= Q(contact_name_hash=lookup_hash(term, kind="name"), is_anonymous=False)
    compact = "".join(term.split()).upper()
    if len(compact) == 10 and all(c in TRACKING_ALPHABET for c in compact):
        q_ |= Q(tracking_code=compact)
    digits = "".join(c for c in term if c.isdigit())
    if len(digits) >= 7 and len(digits) >= len(compact.replace("-", "")) - 1:
        if len(digits) >= 11:
            q_ |= Q(contact_phone_hash=lookup_hash(digits, kind="phone"), is_anonymous=False)
            if user is not None:
                reveal(
                    digits, user=user, target="case lookup", field="contact_phone", request=request
                )
    return q_


def for_list(qs: QuerySet[Case]) -> QuerySet[Case]:
    """Everything a row of a case list shows: the page from the case table alone, then each
    related table in one small query of its own (a constant number, whatever the page size).
    One query joining the six tables costs PostgreSQL more to plan (10-20 ms) than to run."""
    return qs.prefetch_related(*LIST_RELATED).order_by("-created_at", "-id")


def for_detail(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.select_related(
        *LIST_RELATED,
        "raised_by_deputy__person",
        "raised_by_member__person",
        "merged_into",
        "parent",
        "supervised_by",
        "entered_by",
    ).prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("unit", "assigned_by").order_by(
                "assigned_at", "id"
            ),
        ),
        Prefetch(
            "replies",
            queryset=Reply.objects.select_related(
                "unit", "deputy__person", "author", "category"
            ).prefetch_related("attachments"),
        ),
        Prefetch("consultations", queryset=Consultation.objects.select_related("unit")),
        Prefetch("evaluations", queryset=Evaluation.objects.all()),
        Prefetch("events", queryset=CaseEvent.objects.order_by("at", "id")),
        "attachments",
    )


def acted_on(user, case_id: int, qs: QuerySet[Case]) -> Case:
    """The case `user` has just acted on (from `qs`, the caller's detail query), for the
    action's answer: as the user sees it, or, when the action took it out of the user's sight
    (a unit returning its only assignment), as the action left it. Only for answering an
    action that succeeded on a case the user could see."""
    return visible_to(user, qs).filter(pk=case_id).first() or qs.get(pk=case_id)


def by_tracking_code(code: str) -> Case | None:
    """The case a citizen follows. A merged case is followed through the case it joined; a
    draft (UNSUBMITTED_STATES) is nobody's to follow yet, as if the code did not exist."""
    code = (code or "").strip().upper()
    if not code or len(code) > 16 or not code.isalnum():
        return None
    return (
        Case.objects.select_related("category", "region", "deputy__person", "station")
        .filter(tracking_code=code)
        .exclude(state__in=UNSUBMITTED_STATES)
        .first()
    )


def earlier_same_submission(case: Case, *, minutes: int) -> Case | None:
    """The case of the same kind sent from the same phone with the same text (spaces aside) in
    the `minutes` before `case`, newest first: most likely the same person sending a new form
    again. None for a case without a phone. Trusted code only (the tracking page once its code
    matched): the rules are not asked. One query on the newest-first index, a few rows."""
    if not case.contact_phone or minutes <= 0:
        return None
    text = "".join(case.content.split())
    since = case.created_at - dt.timedelta(minutes=minutes)
    candidates = (
        Case.objects.filter(
            kind=case.kind,
            contact_phone_hash=case.contact_phone_hash
            or lookup_hash(case.contact_phone, kind="phone"),
            created_at__gte=since,
            created_at__lte=case.created_at,
        )
        .exclude(pk=case.pk)
        .order_by("-created_at", "-pk")
        .only("pk", "tracking_code", "content", "created_at")
    )
    return next((c for c in candidates[:20] if "".join(c.content.split()) == text), None)


# --- Work lists for the workbench ------------------------------------------------------------------

OPEN_STATES_EXCLUDED = ("concluded", "declined", "merged")


def work_items(user, key: str, limit: int = 10) -> tuple[list[Case], int]:
    """One work list of the workbench: (the first `limit` cases, how many in all), always within
    what the user may see. Keys: triage, overdue (staff); handle, reply (unit officer);
    station_opinions, suggestions (deputy); register, feedback (station manager);
    key_supervision (leader). An unknown key is an empty list."""
    from lianxin.accounts.access import grants

    g = grants(user)
    qs = visible_to(user, Case)
    active = Assignment.objects.filter(unit_id__in=g.unit_ids, status=Assignment.Status.ACTIVE)
    order = ("-created_at", "-id")
    if key == "triage":
        qs = qs.filter(
            congress_id__in=list(g.staff_congresses), kind=Kind.OPINION, state="registered"
        )
    elif key == "overdue":
        qs = qs.filter(
            Q(congress_id__in=list(g.staff_congresses)) | Q(pk__in=active.values("case_id")),
            is_overdue=True,
        )
        order = ("due_date", "id")
    elif key == "handle":
        qs = qs.filter(pk__in=active.values("case_id"), state="handling")
        order = ("due_date", "id")
    elif key == "reply":
        qs = qs.filter(
            pk__in=active.filter(role=Assignment.Role.LEAD).values("case_id"), state="handling"
        )
        order = ("due_date", "id")
    elif key == "station_opinions":
        qs = qs.filter(kind=Kind.OPINION, deputy_id__in=list(g.deputy_ids)).exclude(
            state__in=OPEN_STATES_EXCLUDED
        )
    elif key == "suggestions":
        qs = qs.filter(raised_by_deputy_id__in=list(g.deputy_ids))
    elif key == "register":
        qs = qs.filter(station_id__in=list(g.station_ids), state="registered")
    elif key == "feedback":
        qs = qs.filter(
            Q(station_id__in=list(g.station_ids)) | Q(congress_id__in=list(g.staff_congresses)),
            state="replied",
        )
    elif key == "key_supervision":
        qs = qs.filter(is_key_supervision=True).exclude(state__in=OPEN_STATES_EXCLUDED)
    else:
        return [], 0
    return list(for_list(qs).order_by(*order)[:limit]), qs.count()
