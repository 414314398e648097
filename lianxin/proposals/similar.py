"""Writing guidance (撰写指导): while a member writes a proposal, the proposals and the deputies'
suggestions of the last five years on a similar topic, each with its state and reply class,
so that a member does not repeat one already answered.

Candidates are the proposals the member may see and the proposals and suggestions of any CPPCC
or congress whose reply was made public and signed off; keywords and ranking are
`casework.similar`'s, as for suggestions' own guidance (`suggestions.similar`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from lianxin.accounts.access import visible_to
from lianxin.casework.models import Case, Kind, Reply
from lianxin.casework.similar import keywords, mentioning, rank, strongest

YEARS = 5
MAX_CANDIDATES = 300
KINDS = (Kind.PROPOSAL, Kind.SUGGESTION)
NOT_SHOWN = ("draft", "withdrawn")
ANSWERED = ("replied", "evaluated", "concluded")


@dataclass
class Similar:
    case: Case
    score: float
    shared: list[str]
    reply_category: str
    answered: bool


def similar_to(user, text: str, *, limit: int = 6) -> list[Similar]:
    wanted = keywords(text)
    if not wanted:
        return []
    since = timezone.now() - dt.timedelta(days=365 * YEARS + 1)
    public = Reply.objects.filter(is_public=True, signoff__approved=True).values("case_id")
    seen = visible_to(user, Case).filter(kind=Kind.PROPOSAL).values("pk")
    candidates = (
        Case.objects.filter(kind__in=KINDS, created_at__gte=since)
        .exclude(state__in=NOT_SHOWN)
        .filter(Q(pk__in=seen) | Q(pk__in=public))
        .filter(mentioning(strongest(wanted)))
        .order_by("-created_at")
        .only("pk", "title", "content", "state", "created_at", "kind", "tracking_code")
    )
    top = [(m.score, m.case, m.shared) for m in rank(wanted, candidates[:MAX_CANDIDATES])[:limit]]
    categories = dict(
        Reply.objects.filter(case_id__in=[c.pk for _s, c, _w in top], category__isnull=False)
        .order_by("case_id", "created_at")
        .values_list("case_id", "category__code")
    )
    return [
        Similar(
            case=c,
            score=round(s, 3),
            shared=w,
            reply_category=categories.get(c.pk, ""),
            answered=c.state in ANSWERED,
        )
        for s, c, w in top
    ]
