"""Guidance while writing: suggestions of the last five years on a similar topic, so that a
deputy does not repeat one that was already answered.

Keywords are the nouns, verbs and place names of the text (rjieba's part-of-speech tags),
without common words of every suggestion. Candidates are the suggestions the deputy may see
(their own and those they co-signed, and those with a public reply) that contain one of the
strongest keywords, read once by a bounded query; they are ranked by the weighted overlap of
their keywords with the draft's.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass
from functools import reduce
from operator import or_

import rjieba
from django.db.models import Q
from django.utils import timezone

from lianxin.accounts.access import visible_to
from lianxin.casework.models import Case, Kind, Reply

from .workflow import SuggestionState

KEEP_TAGS = ("n", "v", "vn", "ns", "nz", "nt", "an", "l", "j", "i")
# Words in nearly every suggestion: they say nothing about its topic.
STOPWORDS = set(
    "建议 关于 问题 进一步 加强 推进 提高 做好 完善 工作 有关 部门 相关 群众 人民 政府 我市 我区 我县 "
    "代表 情况 方面 存在 解决 采取 措施 实施 开展 落实 需要 进行 加大 力度 提升 建设 管理 发展 "
    "希望 要求 目前 当前 部分 一些 没有 可以 应该 能够 通过 实现 给予 予以 支持 保障 服务".split()
)
MAX_KEYWORDS = 8
MAX_CANDIDATES = 300
YEARS = 5


def keywords(text: str) -> Counter:
    words = Counter()
    for word, tag in rjieba.tag(text or ""):
        word = word.strip()
        if len(word) < 2 or word in STOPWORDS or not tag.startswith(KEEP_TAGS):
            continue
        words[word] += 1
    return words


@dataclass
class Similar:
    case: Case
    score: float
    shared: list[str]
    reply_category: str
    answered: bool


def _weight(word: str) -> float:
    # Longer words are more specific (公交站台 over 站台): a cheap stand-in for rarity.
    return 1.0 + math.log(len(word))


def similar_to(user, text: str, *, limit: int = 5, exclude: int | None = None) -> list[Similar]:
    wanted = keywords(text)
    if not wanted:
        return []
    strongest = [
        w for w, _n in sorted(wanted.items(), key=lambda kv: (-_weight(kv[0]) * kv[1], kv[0]))
    ]
    strongest = strongest[:MAX_KEYWORDS]
    since = timezone.now() - dt.timedelta(days=365 * YEARS + 1)
    public = Reply.objects.filter(is_public=True, signoff__approved=True).values("case_id")
    seen = visible_to(user, Case).values("pk")
    matches = reduce(or_, (Q(title__contains=w) | Q(content__contains=w) for w in strongest))
    candidates = (
        Case.objects.filter(kind=Kind.SUGGESTION, created_at__gte=since)
        .exclude(state__in=[SuggestionState.DRAFT, SuggestionState.WITHDRAWN])
        .filter(Q(pk__in=seen) | Q(pk__in=public))
        .filter(matches)
        .order_by("-created_at")
        .only("pk", "title", "content", "state", "created_at", "kind", "tracking_code")
    )
    if exclude:
        candidates = candidates.exclude(pk=exclude)
    rows = list(candidates[:MAX_CANDIDATES])
    total = sum(_weight(w) for w in wanted)
    ranked = []
    for case in rows:
        theirs = keywords(f"{case.title} {case.content[:2000]}")
        shared = [w for w in wanted if w in theirs]
        if not shared:
            continue
        score = sum(_weight(w) for w in shared) / (total or 1)
        ranked.append((score, case, shared))
    ranked.sort(key=lambda t: (-t[0], -t[1].pk))
    top = ranked[:limit]
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
