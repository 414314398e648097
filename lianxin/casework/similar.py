"""Cases on the same topic, found by their keywords.

Keywords are the nouns, verbs and place names of a text (rjieba's part-of-speech tags), without
the words found in nearly every case of a kind (stop words). A keyword weighs more the longer
it is: a cheap stand-in for rarity (公交站台 over 站台). Candidates are read once, by one
bounded query for the cases that contain one of the strongest keywords, and ranked here by the
weighted overlap of their keywords.

Two uses: guidance while a deputy writes a suggestion (`suggestions.similar`, one-way overlap
of the draft's keywords), and `possible_duplicates`: the open cases of any kind that are
probably about the same issue as a case being triaged, so that staff can merge the duplicate
(`casework.duplicates`, which keeps each case's terms and an index over them).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_

import rjieba
from django.db.models import Q

from .models import Case

KEEP_TAGS = ("n", "v", "vn", "ns", "nz", "nt", "an", "l", "j", "i")
PLACE_TAGS = ("ns",)
# Words in nearly every suggestion: they say nothing about its topic.
STOPWORDS = frozenset(
    "建议 关于 问题 进一步 加强 推进 提高 做好 完善 工作 有关 部门 相关 群众 人民 政府 我市 我区 我县 "
    "代表 情况 方面 存在 解决 采取 措施 实施 开展 落实 需要 进行 加大 力度 提升 建设 管理 发展 "
    "希望 要求 目前 当前 部分 一些 没有 可以 应该 能够 通过 实现 给予 予以 支持 保障 服务".split()
)
# Words in nearly every citizen's message besides: greetings, requests and the generic places
# where people live. Named places (streets, villages, estates) stay keywords. (Words of one
# character, such as 请, are never keywords.)
MESSAGE_STOPWORDS = STOPWORDS | frozenset(
    "反映 请问 恳请 请求 诉求 您好 尊敬 领导 谢谢 感谢 麻烦 帮忙 回复 答复 处理 投诉 举报 咨询 "
    "小区 社区 街道 居民 市民 业主 老百姓 住户 人员 工作人员 单位 市政府 "
    "影响 生活 导致 造成 发生 出现 发现 开始 知道 了解 看到 得到 还有 时候 时间 事情 原因 "
    "不能 无法 不到 只能 才能 是否 可能 属于 作为 使用 提供 告知 关注 重视 考虑 这是 全部 实际 "
    "出行 严重 及时 尽快 长期 一直 现在 已经".split()
)
MAX_KEYWORDS = 8


@dataclass(frozen=True)
class Terms:
    """The keywords of one text (with how often each occurs) and which of them are places."""

    words: Counter
    places: frozenset[str]


def terms(text: str, stopwords: frozenset[str] = STOPWORDS) -> Terms:
    words: Counter = Counter()
    places = set()
    for word, tag in rjieba.tag(text or ""):
        word = word.strip()
        if len(word) < 2 or word in stopwords or not tag.startswith(KEEP_TAGS):
            continue
        words[word] += 1
        if tag.startswith(PLACE_TAGS):
            places.add(word)
    return Terms(words, frozenset(places))


def keywords(text: str, stopwords: frozenset[str] = STOPWORDS) -> Counter:
    return terms(text, stopwords).words


def _weight(word: str) -> float:
    # Longer words are more specific (公交站台 over 站台): a cheap stand-in for rarity.
    return 1.0 + math.log(len(word))


def _total(words: Iterable[str]) -> float:
    return sum(_weight(w) for w in words)


def strongest(words: Counter, n: int = MAX_KEYWORDS) -> list[str]:
    """The n keywords that say most about the text: long ones, and the ones it repeats."""
    ranked = sorted(words.items(), key=lambda kv: (-_weight(kv[0]) * kv[1], kv[0]))
    return [w for w, _n in ranked[:n]]


def mentioning(words: Iterable[str]) -> Q:
    """Cases whose title or content contains one of the words."""
    return reduce(or_, (Q(title__contains=w) | Q(content__contains=w) for w in words))


def case_text(case: Case) -> str:
    return f"{case.title} {case.content[:2000]}"


@dataclass
class Match:
    case: Case
    score: float
    shared: list[str]


def rank(
    wanted: Counter,
    cases: Iterable[Case],
    *,
    text: Callable[[Case], str] = case_text,
    stopwords: frozenset[str] = STOPWORDS,
) -> list[Match]:
    """Cases ranked by the weighted share of the wanted keywords that they also have (one
    way: how much of the wanted text each case covers), best first; cases sharing none are
    left out."""
    total = _total(wanted)
    ranked = []
    for case in cases:
        theirs = keywords(text(case), stopwords)
        shared = [w for w in wanted if w in theirs]
        if shared:
            ranked.append(Match(case, _total(shared) / (total or 1), shared))
    ranked.sort(key=lambda m: (-m.score, -m.case.pk))
    return ranked


# --- Possible duplicates ------------------------------------------------------------------------


def possible_duplicates(user, case: Case, limit: int = 5) -> list:
    """Open cases of any kind, created in the last 180 days and visible to `user`, that are
    probably about the same issue as `case`, best first, each with its reason: see
    `casework.duplicates` (stored terms and an index; a fixed number of queries)."""
    from . import duplicates

    return duplicates.possible_duplicates(user, case, limit)


def as_row(match, of=None) -> dict:
    """One possible duplicate (`duplicates.Found`) as the detail page and the API show it;
    `mergeable`: whether the case `of` (the one whose page it is) may be merged into it
    (`kinds.may_merge`)."""
    from .kinds import may_merge

    case = match.case
    text = " ".join(case.content.split())
    return {
        "id": case.pk,
        "tracking_code": case.tracking_code,
        "title": case.title or text[:40] + ("…" if len(text) > 40 else ""),
        "state": case.state,
        "state_label": case.state_label,
        "created_at": case.created_at,
        "score": match.score,
        "shared": match.shared,
        "reason": match.reason,
        "kind": case.kind,
        "kind_label": case.get_kind_display(),
        "mergeable": of is None or may_merge(of.kind, case.kind),
    }
