"""The same issue reported twice: open cases of any kind (an opinion, a work order, a
suggestion) about the same problem at the same place, found for whoever triages one of them.

Every case has a stored signature (`CaseTerms`), written when it is registered or its text
changes (the trail, `on_trail`; `index_cases` for bulk writes; `manage.py
rebuild_duplicate_terms` for all): its keywords with their weight (rjieba's nouns, verbs and
names, without `similar.MESSAGE_STOPWORDS`; the title counts twice), the specific places it
names and its districts. `CaseTerm` is the inverted index over the keywords.

A lookup (`possible_duplicates`) segments only the case asked about. It reads how many cases
have each of its keywords (the rarer, the stronger: TF-IDF), takes the candidates that share
the most weight of its strongest keywords from the index (open, recent, visible, any kind),
scores each by the cosine of the two weighted keyword vectors and drops the pairs whose places
differ: two cases that both name a specific place (…小区, …路, …学校) and share none, or both a
district and share none, are never the same issue. A fixed number of queries, whatever the
number of cases.

Places come from rules and from rjieba: a name of two characters before a place word
(丽发新城, 凉塘路, 锦纶小区, 经济学院…), the masked districts of imported message boards
(A市, A3区, K9县), and rjieba's place names less a stop list of words it wrongly tags so
(二房东, 治安…).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_

import rjieba
from django.db import transaction
from django.db.models import Case as Choose
from django.db.models import Count, FloatField, Q, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.accounts.access import visible_to

from . import kinds
from .models import Case, CaseTerm, CaseTerms
from .similar import KEEP_TAGS, MESSAGE_STOPWORDS
from .workflow import workflows

# --- Signatures -------------------------------------------------------------------------------

MAX_TERMS = 40
MAX_TERM_CHARS = 32
TEXT_CHARS = 3000

# Place words: what ends the name of an estate, a road, a street, a school or a village. A
# lookahead keeps out the common words that begin with one (路灯, 村民, 园区).
PLACE_WORDS = (
    "小区|花园|家园|新城|之城|新村|公寓|大厦|广场|公园|苑|园(?![区林艺丁地])|大道|东路|西路|南路|北路|"
    "中路|路(?![灯面边段况线途过上人口])|街道|大街|街(?![头坊])|巷|学校|中学|小学|大学|学院|幼儿园|"
    "医院|村(?![民委级组])|镇(?![政])|社区|商场|工业园"
)
PLACE_WORD = re.compile(PLACE_WORDS)
# Words ending in a place word that name no particular place.
GENERIC_PLACES = frozenset(
    "该小区 本小区 我们小区 这个小区 整个小区 各小区 老小区 新小区 商品房 马路 道路 公路 铁路 "
    "城里 县城 农村 乡村 学校 中学 小学 大学 学院 医院 社区 街道 城市 市场 中心 公园 广场 项目 "
    "花园 家园 公寓 大厦 乡镇 城镇 城乡 走路 出路 思路 一路 沿路 过路 附近小区 周边小区 其他小区 全市小学 全市中学".split()
)
# Characters that never begin a place's name (…的小区, 这个学校).
NOT_A_NAME = frozenset(
    "的了在是有和与及或到从对为把被给让这那该本此其各每某个们我你他她它就都也还又再很太更最不没"
    "无要会能可想将已曾正所而且但如若因于以由向往至等着过吗呢吧啊哦嘛啦么之"
)
# Words rjieba tags as places that are not (or are too coarse to tell two issues apart).
PLACE_STOPWORDS = frozenset(
    "二房东 房东 治安 城管 物业 业委会 开发商 老城 新城 旧城 东路 西路 南路 北路 城区 市区 "
    "中国 全国 国家 全省 全市 国内 省内 市内 西地省 临街 沿街 周边 附近 福利 滨河 江边 河边".split()
)
# Districts: masked (A3区, K9县) or named (榆次区, 太谷县).
DISTRICT = re.compile(r"[A-Z]\d+[区县]|[\u4e00-\u9fff]{2}[区县](?![域级委长])")
DISTRICT_WORDS = frozenset("小区 社区 城区 市区 景区 园区 片区 辖区 郊区 山区 校区 厂区".split())


@dataclass(frozen=True)
class Signature:
    words: dict[str, float]
    places: tuple[str, ...]
    districts: tuple[str, ...]


def _keywords(text: str, weight: int, into: Counter) -> None:
    for word, tag in rjieba.tag(text):
        word = word.strip()
        if (
            len(word) < 2
            or len(word) > MAX_TERM_CHARS
            or word in MESSAGE_STOPWORDS
            or not tag.startswith(KEEP_TAGS)
        ):
            continue
        into[word] += weight


def places_of(text: str) -> tuple[list[str], list[str]]:
    """(specific places, districts) named in `text`: rules first, then rjieba's place names."""
    text = text or ""
    found: set[str] = set()
    previous = 0
    for m in PLACE_WORD.finditer(text):
        start, end = m.span()
        name = text[max(previous, start - 2) : start]
        previous = end
        if (
            len(name) < 2
            or not all("\u4e00" <= c <= "\u9fff" for c in name)
            or any(c in NOT_A_NAME for c in name)
            or text[start - 1] + m.group(0) in GENERIC_PLACES
        ):
            continue
        name += m.group(0)
        if name not in GENERIC_PLACES and name not in PLACE_STOPWORDS:
            found.add(name)
    for word, tag in rjieba.tag(text):
        if (
            tag.startswith("ns")
            and len(word) >= 2
            and word not in PLACE_STOPWORDS
            and word not in GENERIC_PLACES
            and not word.endswith(("省", "市", "区", "县"))
        ):
            found.add(word)
    districts = {
        d
        for d in DISTRICT.findall(text)
        if d[-2:] not in DISTRICT_WORDS and not any(c in NOT_A_NAME for c in d[:-1])
    }
    return sorted(found), sorted(districts)


def signature(title: str, text: str) -> Signature:
    """The keywords (the title's count twice), places and districts of a case's text."""
    words: Counter = Counter()
    _keywords(title or "", 1, words)
    _keywords(text or "", 1, words)
    strongest = sorted(words.items(), key=lambda kv: (-kv[1] * len(kv[0]), kv[0]))[:MAX_TERMS]
    places, districts = places_of(f"{title or ''}\n{text or ''}")
    return Signature(dict(strongest), tuple(places), tuple(districts))


def case_text(case: Case) -> str:
    return kinds.search_text(case)[:TEXT_CHARS]


def signature_of(case: Case) -> Signature:
    return signature(case.title, case_text(case))


# --- The stored terms -------------------------------------------------------------------------


def index_cases(ids: Iterable[int]) -> int:
    """(Re)write the stored terms of these cases; a case that no longer exists has none."""
    ids = sorted(set(ids))
    if not ids:
        return 0
    from .search import _one_to_ones

    cases = list(Case.objects.filter(pk__in=ids).select_related(*_one_to_ones()))
    rows, terms = [], []
    for case in cases:
        sig = signature_of(case)
        rows.append(
            CaseTerms(
                case_id=case.pk,
                words=sig.words,
                places=list(sig.places),
                districts=list(sig.districts),
            )
        )
        terms.extend(CaseTerm(case_id=case.pk, term=w) for w in sig.words)
    from lianxin.core import bulk

    with transaction.atomic():
        CaseTerm.objects.filter(case_id__in=ids).delete()
        CaseTerms.objects.filter(case_id__in=ids).delete()
        bulk.insert(rows)
        bulk.insert(terms)
    # The counts this process keeps follow its own writes.
    global _total
    for word in {t.term for t in terms}:
        _df.pop(word, None)
    _total = (0.0, 0)
    return len(rows)


UNTEXTUAL_EXTRA = frozenset({"merge", "merged_in", "unmerge", "unmerged_out", "decline", "reply"})


def on_trail(event) -> None:
    """The trail's reader: a case action that may change its text re-writes its terms."""
    from .search import UNTEXTUAL

    if event.object_type != "casework.case" or not event.object_id.isdigit():
        return
    action = event.action.removeprefix("casework.")
    if action in UNTEXTUAL or action in UNTEXTUAL_EXTRA:
        return
    index_cases([int(event.object_id)])


def rebuild(batch: int = 2000, progress=None) -> int:
    """Write every case's terms again, `batch` cases per transaction."""
    done, last = 0, 0
    total = Case.objects.count()
    while True:
        ids = list(Case.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True))[
            :batch
        ]
        if not ids:
            return done
        done += index_cases(ids)
        last = ids[-1]
        if progress is not None:
            progress(done, max(total, done))


# --- Lookup -----------------------------------------------------------------------------------

DAYS = 180
QUERY_TERMS = 12
CANDIDATES = 60
# Postings read before who may see them is asked.
POSTED = 300
# Below this cosine a candidate is not shown.
THRESHOLD = 0.2
# The same region, station or responsible deputy makes the same issue likelier.
SAME_PLACE_BOOST = 0.1


@dataclass
class Found:
    case: Case
    score: float
    shared: list[str]
    places: list[str]
    problem: list[str]

    @property
    def reason(self) -> str:
        words = "、".join(self.problem)
        if self.places:
            return _("同一地点：%(places)s；相同问题：%(words)s") % {
                "places": "、".join(self.places),
                "words": words,
            }
        return _("相同问题：%(words)s") % {"words": words}


# How many cases have each keyword changes slowly: each process keeps the counts it read for
# ten minutes (a lookup reads only the ones it lacks), like the lists' totals.
DF_SECONDS = 600
DF_MAX = 200_000
_df: dict[str, int] = {}
_df_since = 0.0
_total: tuple[float, int] = (0.0, 0)


def _clear_if_old() -> None:
    global _df_since
    now = time.monotonic()
    if now - _df_since > DF_SECONDS or len(_df) > DF_MAX:
        _df.clear()
        _df_since = now


def clear_counts() -> None:
    """Forget the kept counts (tests that rebuild the corpus)."""
    global _df_since, _total
    _df.clear()
    _df_since = 0.0
    _total = (0.0, 0)


def _cases() -> int:
    global _total
    now = time.monotonic()
    if now - _total[0] > DF_SECONDS:
        _total = (now, CaseTerms.objects.count() + 1)
    return _total[1]


def _idf(terms: Iterable[str], total: int) -> dict[str, float]:
    _clear_if_old()
    terms = list(dict.fromkeys(terms))
    missing = [t for t in terms if t not in _df]
    if missing:
        counted = dict(
            CaseTerm.objects.filter(term__in=missing)
            .values_list("term")
            .annotate(n=Count("id"))
            .values_list("term", "n")
        )
        for t in missing:
            _df[t] = counted.get(t, 0)
    return {t: math.log((total + 1) / (_df[t] + 1)) + 1 for t in terms}


def _vector(words: dict[str, float], idf: dict[str, float]) -> dict[str, float]:
    v = {t: (1 + math.log(n)) * idf.get(t, 1.0) for t, n in words.items() if n > 0}
    norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
    return {t: x / norm for t, x in v.items()}


def shared_places(mine: Signature, my_text: str, theirs: Signature, their_text: str):
    """The places both name (one's place found in the other's text), and whether their places
    tell them apart: both name a specific place and share none, or both a district and share
    none."""
    specific = [p for p in mine.places if p in their_text] + [
        p for p in theirs.places if p in my_text
    ]
    specific = list(dict.fromkeys(specific))
    districts = sorted(set(mine.districts) & set(theirs.districts))
    apart = bool(mine.places and theirs.places and not specific) or bool(
        mine.districts and theirs.districts and not districts
    )
    return specific or districts, apart


# Below this share of what each says about the problem (places left out) it is another issue.
PROBLEM_THRESHOLD = 0.1


def _placeish(word: str, places: Iterable[str]) -> bool:
    return any(word in p or p in word for p in places)


def compare(
    mine: Signature,
    my_text: str,
    theirs: Signature,
    their_text: str,
    idf: dict[str, float],
    vectors: tuple[dict[str, float], dict[str, float]] | None = None,
) -> Found | None:
    """How far two cases say the same: the mean of the TF-IDF weight of each one's
    keywords that the other has (as a keyword or in its text, since the segmenter may cut the
    same phrase otherwise: 路灯不亮 / 路灯), with the same measure over the keywords that are
    not places (the same street is not the same problem). None below the thresholds or when
    their places tell them apart. The case of the result is left unset. `vectors`: the two
    weighted keyword vectors when the caller has them already (hot issues compare each case
    with many)."""
    places, apart = shared_places(mine, my_text, theirs, their_text)
    if apart:
        return None
    everywhere = set(mine.places) | set(theirs.places) | set(mine.districts) | set(theirs.districts)
    a, b = vectors or (_vector(mine.words, idf), _vector(theirs.words, idf))
    in_b = [t for t in a if t in b or t in their_text]
    in_a = [t for t in b if t in a or t in my_text]
    score = (sum(a[t] ** 2 for t in in_b) + sum(b[t] ** 2 for t in in_a)) / 2
    if score < THRESHOLD:
        return None
    problem_b = [t for t in in_b if not _placeish(t, everywhere)]
    problem_a = [t for t in in_a if not _placeish(t, everywhere)]
    problem = (sum(a[t] ** 2 for t in problem_b) + sum(b[t] ** 2 for t in problem_a)) / 2
    if problem < PROBLEM_THRESHOLD or not (problem_a or problem_b):
        return None
    common = list(dict.fromkeys(sorted(in_b, key=lambda t: (-a[t], t)) + in_a))
    words = sorted(
        dict.fromkeys(problem_b + problem_a), key=lambda t: (-(a.get(t, 0) + b.get(t, 0)), t)
    )
    return Found(None, score, common, places, words[:4])


def possible_duplicates(user, case: Case, limit: int = 5) -> list[Found]:
    """Open cases of any kind, registered in the last 180 days and visible to `user`, that are
    probably about the same issue as `case`, best first, with the reason."""
    mine = signature_of(case)
    if not mine.words:
        return []
    my_text = f"{case.title}\n{case_text(case)}"
    total = _cases()
    idf = _idf(mine.words, total)
    my_vector = _vector(mine.words, idf)
    strongest = sorted(my_vector, key=lambda t: (-my_vector[t], t))[:QUERY_TERMS]
    since = timezone.now() - dt.timedelta(days=DAYS)
    weight = Choose(
        *(When(term=t, then=Value(my_vector[t])) for t in strongest),
        default=Value(0.0),
        output_field=FloatField(),
    )
    # The postings of the strongest keywords, joined to the open recent cases (a join: an IN
    # over the visible cases made SQLite read them all, 100 ms at 3,000 cases), best first;
    # then who may see them, on those few.
    opened = reduce(
        or_, (Q(case__kind=wf.kind) & ~Q(case__state__in=wf.final) for wf in workflows())
    )
    best = list(
        CaseTerm.objects.filter(opened, term__in=strongest, case__created_at__gte=since)
        .exclude(case_id=case.pk)
        .filter(case__merged_into__isnull=True)
        .values("case_id")
        .annotate(weight=Sum(weight))
        .order_by("-weight", "-case_id")
        .values_list("case_id", flat=True)[:POSTED]
    )
    visible = set(visible_to(user, Case).filter(pk__in=best).values_list("pk", flat=True))
    ranked = [pk for pk in best if pk in visible][:CANDIDATES]
    if not ranked:
        return []
    stored = list(CaseTerms.objects.filter(case_id__in=ranked).select_related("case"))
    idf.update(_idf({w for t in stored for w in t.words if w not in idf}, total))
    found = []
    for entry in stored:
        other = entry.case
        theirs = Signature(entry.words, tuple(entry.places), tuple(entry.districts))
        their_text = f"{other.title}\n{other.content[:TEXT_CHARS]}"
        match = compare(mine, my_text, theirs, their_text, idf)
        if match is None:
            continue
        same = sum(
            1
            for field in ("region_id", "station_id", "deputy_id")
            if getattr(case, field) and getattr(case, field) == getattr(other, field)
        )
        match.case = other
        match.score = round(min(1.0, match.score * (1 + SAME_PLACE_BOOST * same)), 3)
        found.append(match)
    found.sort(key=lambda m: (-m.score, -m.case.pk))
    return found[:limit]
