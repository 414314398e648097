"""Guidance while writing: suggestions of the last five years on a similar topic, so that a
deputy does not repeat one that was already answered.

Keywords are the nouns, verbs and place names of the text (rjieba's part-of-speech tags),
without common words of every suggestion. Candidates are the suggestions the deputy may see
(their own and those they co-signed, and those with a public reply) that contain one of the
strongest keywords, read once by a bounded query; they are ranked by the weighted overlap of
their keywords with the draft's. The keywords and the ranking are `casework.similar`'s.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from lianxin.accounts.access import visible_to
from lianxin.casework.models import Case, Kind, Reply
from lianxin.casework.similar import keywords, mentioning, rank, strongest

from .workflow import SuggestionState

YEARS = 5
MAX_CANDIDATES = 300


@dataclass
class Similar:
    case: Case
    score: float
    shared: list[str]
    reply_category: str
    answered: bool


def similar_to(user, text: str, *, limit: int = 5, exclude: int | None = None) -> list[Similar]:
    wanted = keywords(text)
    if not wanted:
        return []
    since = timezone.now() - dt.timedelta(days=365 * YEARS + 1)
    public = Reply.objects.filter(is_public=True, signoff__approved=True).values("case_id")
    seen = visible_to(user, Case).values("pk")
    candidates = (
        Case.objects.filter(kind=Kind.SUGGESTION, created_at__gte=since)
        .exclude(state__in=[SuggestionState.DRAFT, SuggestionState.WITHDRAWN])
        .filter(Q(pk__in=seen) | Q(pk__in=public))
        .filter(mentioning(strongest(wanted)))
        .order_by("-created_at")
        .only("pk", "title", "content", "state", "created_at", "kind", "tracking_code")
    )
    if exclude:
        candidates = candidates.exclude(pk=exclude)
    top = [(m.score, m.case, m.shared) for m in rank(wanted, candidates[:MAX_CANDIDATES])[:limit]]
    categories = dict(
        Reply.objects.filter(case_id__in=[c.pk for _s, c, _w in top], category__isnull=False)
        .order_by("case_id", "created_at")
        .values_list("case_id", "category__code")
    )
    answered_states = {
        SuggestionState.REPLIED,
        SuggestionState.EVALUATED,
        SuggestionState.CONCLUDED,
    }
    return [
        Similar(
            case=c,
            score=round(s, 3),
            shared=w,
            reply_category=categories.get(c.pk, ""),
            answered=c.state in answered_states,
        )
        for s, c, w in top
    ]
