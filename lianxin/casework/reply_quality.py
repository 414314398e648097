"""Reply quality (答复质量): a unit's reply checked against the message it answers, before it is
signed off and on the staff's review. Advisory: nothing is blocked by it.

Three criteria, each a score from 0 to 1 with its reasons in plain words:

- **relevance** (切题): how much of the message's weight the reply takes up. The message's
  keywords are the duplicate detector's stored terms (`CaseTerms.words`, rjieba's nouns, verbs
  and names, weighted by their count and by how rare they are among cases), its places the
  stored places and districts; a keyword counts when the reply names it. 70 % keywords, 30 %
  places (all keywords when the message names no place).
- **completeness** (完整): the points the message raises — its sentences with a cue of a
  question or a request (希望, 建议, 请求, 能否, 为什么, ？…), the title when there is none — each
  answered when the reply names at least a third of that point's keywords (listed); and the
  reply names a place, and a time or deadline or a concrete measure.
- **clarity** (清楚): within length bounds, more than formulae (感谢您的来信…已转交相关部门:
  once the formulae are taken out, something of substance must be left), and a contact or a
  next step given.

`check(case, text)` reads the case's stored terms (or segments the case once when it has none);
`check_texts(title, message, text)` is the same check on bare texts (`reply_quality_eval`, which
measures it on the real message board's replies: docs/reply_quality.md).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field

import rjieba
from django.utils.translation import gettext as _

from .similar import KEEP_TAGS, MESSAGE_STOPWORDS

# --- Bounds and cut-offs (measured on the real replies: docs/reply_quality.md) ----------------

MIN_CHARS = 40
MAX_CHARS = 4000
# What must be left once the formulae are taken out.
MIN_SUBSTANCE_CHARS = 30
MAX_POINTS = 8
# A keyword of the title weighs this many times more: the title is the gist of a message.
TITLE_WEIGHT = 3
PLACE_SHARE = 0.25
DISTRICT_SHARE = 0.1
GOOD_RELEVANCE = 0.1
GOOD_COMPLETENESS = 0.6
GOOD_CLARITY = 0.6

# --- Patterns ---------------------------------------------------------------------------------

SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
# Cues of a question or a request in a message.
CUES = re.compile(
    r"希望|建议|请求|恳请|要求|呼吁|盼望|期望|能否|可否|能不能|可不可以|是否|有没有|为什么|为何|"
    r"凭什么|怎么|怎样|如何|何时|什么时候|多久|请问|请.{0,6}(?:解决|处理|调查|查处|落实|整改|"
    r"回复|答复|核实|关注|督促|协调|帮助|给予)|[？?]"
)
# Formulae that say nothing about the matter.
FORMULAE = re.compile(
    r"(?:尊敬的)?(?:网友|市民|群众|来信人|留言人|同志|朋友|先生|女士)?[“\"]?[A-Z0-9]*[”\"]?"
    r"(?:同志|朋友)?[：:，,]?\s*(?:您好|你好)[！!，,。]?|"
    r"(?:首先)?(?:非常)?感谢您?(?:对我们工作的|对我们的|对[^，。！]{0,20}的)?(?:信任|关心|关注|支持|理解)"
    r"(?:和|与|、)?(?:信任|关心|关注|支持|理解)?[！!。，,]?|"
    r"(?:感谢|谢谢)您?的?(?:来信|留言|反映|建议)[！!。，,]?|"
    r"您?(?:的|反映的|所反映的)?(?:留言|来信|问题|情况|诉求|建议)[^。！，]{0,40}?已?(?:收悉|收到)[！!。，,]?|"
    r"(?:现|现将)?(?:将)?(?:有关|具体|调查|处理|办理)?(?:情况|内容|结果)?(?:回复|答复)如下[：:]?|"
    r"(?:已|我们已)?(?:转交|转至|转给|转办|交由)(?:相关|有关)?(?:部门|单位)(?:处理|办理|调查)?[！!。，,]?|"
    r"(?:我们|我单位)?(?:将|会)?(?:高度重视|认真研究|认真对待|及时处理)[！!。，,]?|"
    r"(?:谢谢|再次感谢)[！!。，,]?"
)
# The date a reply is signed with, at its end (a date inside it is a time named).
SIGNED_ON = re.compile(r"(?:\d{4}年\d{1,2}月\d{1,2}日|\d{4}[-/]\d{1,2}[-/]\d{1,2})\s*$")
DATE_OR_DEADLINE = re.compile(
    r"\d{4}年|\d{1,2}月(?:\d{1,2}日|底|份|初|中旬|上旬|下旬)?|\d+个?(?:工作日|日内|天内|周内|月内)|"
    r"年底|年内|月底|近期|近日|日前|目前|即日起|今年|明年|下半年|上半年|春节前|前完成|之前|本周|下周|"
    r"\d{4}[-/]\d{1,2}"
)
MEASURES = re.compile(
    r"已(?:经)?(?:安排|责令|要求|督促|完成|修复|维修|更换|清理|拆除|整改|处理|查处|立案|约谈|协调|"
    r"下达|制定|出台|开展|落实|组织|派|对|将|于|向|按|在)|将(?:于|在|尽快|加快|继续|进一步|组织|安排|"
    r"督促|按照|依法|对)|责令|限期|督促|整改|立案|处罚|罚款|约谈|维修|更换|修复|拆除|清理|安装|"
    r"铺设|改造|核查|核实|调查|检查|执法|纳入|发放|补贴|办理|签订|退还|协调|处置|落实"
)
CONTACT = re.compile(
    r"(?:电话|热线|联系|咨询|致电|拨打)[^。！]{0,20}?(?:\d{3,4}[-－—]?\d{7,8}|1\d{10}|\d{5,8}|12345)|"
    r"\d{3,4}[-－—]\d{7,8}|1[3-9]\d{9}|联系人|联系方式|可(?:到|至|前往|向|咨询|联系|致电|拨打|登录|"
    r"携带)|请(?:到|至|前往|携带|联系|咨询|登录)|如有疑问|如有问题|如有需要|如需|办理地址|窗口|下一步"
)
PLACE_IN_REPLY = re.compile(
    r"[\u4e00-\u9fff]{1,8}(?:小区|花园|家园|新城|苑|大道|路|街道|街|巷|学校|中学|小学|学院|幼儿园|医院|"
    r"村|镇|乡|社区|广场|公园|市场)|[A-Z]\d*[市区县]"
)


# --- Results ----------------------------------------------------------------------------------


@dataclass
class Point:
    """One point the message raises, and whether the reply answers it."""

    text: str
    answered: bool
    matched: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


@dataclass
class Criterion:
    key: str
    label: str
    score: float
    ok: bool
    reasons: list[str] = field(default_factory=list)


@dataclass
class Result:
    relevance: Criterion
    completeness: Criterion
    clarity: Criterion
    points: list[Point]
    good: bool
    verdict: str
    reasons: list[str]

    @property
    def criteria(self) -> list[Criterion]:
        return [self.relevance, self.completeness, self.clarity]

    @property
    def issues(self) -> list[str]:
        """What needs attention: the reasons of each criterion that is not met."""
        return [r for c in self.criteria if not c.ok for r in c.reasons]

    def as_dict(self) -> dict:
        return {
            "good": self.good,
            "verdict": self.verdict,
            "reasons": self.reasons,
            "criteria": {c.key: asdict(c) for c in self.criteria},
            "points": [asdict(p) for p in self.points],
        }


# --- Terms ------------------------------------------------------------------------------------


def keywords(text: str) -> list[str]:
    """The content words of `text` (rjieba's nouns, verbs and names, without the message
    board's stop words), in order, once each."""
    seen: dict[str, None] = {}
    for word, tag in rjieba.tag(text or ""):
        word = word.strip()
        if len(word) < 2 or word in MESSAGE_STOPWORDS or not tag.startswith(KEEP_TAGS):
            continue
        seen.setdefault(word, None)
    return list(seen)


@dataclass(frozen=True)
class MessageTerms:
    words: dict[str, float]
    places: tuple[str, ...]
    districts: tuple[str, ...]


def terms_of_case(case) -> MessageTerms:
    """The case's stored terms (`CaseTerms`); segmented once now when it has none."""
    from . import duplicates
    from .models import CaseTerms

    stored = CaseTerms.objects.filter(case_id=case.pk).first()
    if stored is not None and stored.words:
        return MessageTerms(dict(stored.words), tuple(stored.places), tuple(stored.districts))
    sig = duplicates.signature_of(case)
    return MessageTerms(dict(sig.words), sig.places, sig.districts)


def terms_of_text(title: str, text: str) -> MessageTerms:
    from . import duplicates

    sig = duplicates.signature(title, text)
    return MessageTerms(dict(sig.words), sig.places, sig.districts)


def database_idf(terms: Iterable[str]) -> dict[str, float]:
    """How rare each term is among the cases' stored terms (the duplicate detector's counts)."""
    from . import duplicates

    return duplicates._idf(terms, duplicates._cases())


# --- The check --------------------------------------------------------------------------------


def _pct(x: float) -> str:
    return f"{round(x * 100)}%"


def _credit(word: str, reply: str) -> float:
    """1 when the reply names the word; else half the share of its character pairs it names
    (景蓉花苑 for 景蓉华苑, 医保 for 医保卡)."""
    if word in reply:
        return 1.0
    pairs = [word[i : i + 2] for i in range(len(word) - 1)]
    return 0.5 * sum(p in reply for p in pairs) / len(pairs) if pairs else 0.0


def _relevance(
    terms: MessageTerms, title_words: Iterable[str], reply: str, idf: dict[str, float]
) -> Criterion:
    weights = {w: (1 + math.log(max(n, 1))) * idf.get(w, 1.0) for w, n in terms.words.items()}
    for w in title_words:
        if w in weights:
            weights[w] *= TITLE_WEIGHT
    total = sum(weights.values())
    credit = {w: _credit(w, reply) for w in weights}
    named = [w for w in weights if credit[w] == 1.0]
    missing = sorted((w for w in weights if credit[w] < 1.0), key=lambda w: -weights[w])
    word_score = sum(weights[w] * credit[w] for w in weights) / total if total else 0.0
    # Specific places (an estate, a road, a school) weigh a quarter; a district alone, being
    # shared by many messages, a tenth.
    places = list(terms.places) or list(terms.districts)
    places_named = [p for p in places if p in reply]
    share = PLACE_SHARE if terms.places else DISTRICT_SHARE
    if places:
        score = (1 - share) * word_score + share * len(places_named) / len(places)
    else:
        score = word_score
    reasons = []
    if total:
        reasons.append(
            _("答复涉及留言关键词 %(named)s 个（共 %(all)s 个，按权重计 %(pct)s）。")
            % {"named": len(named), "all": len(weights), "pct": _pct(word_score)}
        )
    else:
        reasons.append(_("留言中没有可比对的关键词。"))
    if missing:
        reasons.append(_("未涉及的主要关键词：%(words)s。") % {"words": "、".join(missing[:6])})
    if places:
        if places_named:
            reasons.append(
                _("答复提到留言中的地点：%(places)s。") % {"places": "、".join(places_named)}
            )
        else:
            reasons.append(
                _("答复未提到留言中的地点（%(places)s）。") % {"places": "、".join(places[:4])}
            )
    ok = score >= GOOD_RELEVANCE
    if not ok:
        reasons.insert(0, _("答复与留言内容关联度低，可能答非所问。"))
    return Criterion("relevance", _("切题"), round(score, 3), ok, reasons)


def points_of(title: str, message: str) -> list[str]:
    """The points a message raises: its sentences with a cue of a question or a request (at
    most MAX_POINTS, the last ones: a message states its case before it asks), else its title."""
    found = []
    for m in SENTENCE.finditer(message or ""):
        s = m.group(0).strip(" \t\u3000\xa0，,")
        if len(s) >= 6 and CUES.search(s) and keywords(s):
            found.append(s)
    if len(found) > MAX_POINTS:
        found = found[-MAX_POINTS:]
    if not found and (title or "").strip():
        found = [title.strip()]
    return found


def _point(text: str, reply: str) -> Point:
    words = keywords(text)
    matched = [w for w in words if w in reply]
    needed = max(1, math.ceil(len(words) / 3))
    return Point(
        text=text[:200],
        answered=len(matched) >= needed,
        matched=matched,
        missing=[w for w in words if w not in reply],
    )


def _completeness(title: str, message: str, terms: MessageTerms, reply: str):
    points = [_point(p, reply) for p in points_of(title, message)]
    answered = sum(p.answered for p in points)
    share = answered / len(points) if points else 1.0
    place = any(p in reply for p in (*terms.places, *terms.districts)) or bool(
        PLACE_IN_REPLY.search(reply)
    )
    when = bool(DATE_OR_DEADLINE.search(FORMULAE.sub("", SIGNED_ON.sub("", reply))))
    measure = bool(MEASURES.search(reply))
    score = 0.6 * share + 0.2 * place + 0.2 * (when or measure)
    reasons = [
        _("留言提出 %(n)s 个问题或诉求，答复回应了 %(answered)s 个。")
        % {"n": len(points), "answered": answered}
    ]
    for p in points:
        if not p.answered:
            reasons.append(_("未回应：“%(point)s”") % {"point": p.text[:60]})
    reasons.append(_("答复写明了地点。") if place else _("答复未写明地点。"))
    if when and measure:
        reasons.append(_("答复写明了时间或期限，并有具体措施。"))
    elif when:
        reasons.append(_("答复写明了时间或期限，但没有具体措施。"))
    elif measure:
        reasons.append(_("答复有具体措施，但未写明时间或期限。"))
    else:
        reasons.append(_("答复既没有时间或期限，也没有具体措施。"))
    ok = score >= GOOD_COMPLETENESS and share >= 0.5
    return Criterion("completeness", _("完整"), round(score, 3), ok, reasons), points


def substance(reply: str) -> str:
    """What is left of a reply once its formulae (greetings, thanks, 已收悉, 已转交相关部门,
    the date) and punctuation are taken out."""
    rest = FORMULAE.sub("", SIGNED_ON.sub("", reply.strip()))
    return re.sub(r"[\s\W_]+", "", rest)


def _clarity(reply: str) -> Criterion:
    n = len(reply)
    left = substance(reply)
    contact = bool(CONTACT.search(reply))
    reasons = []
    score = 1.0
    if n < MIN_CHARS:
        score -= 0.5
        reasons.append(_("答复过短（%(n)s 字），不足以说明办理情况。") % {"n": n})
    elif n > MAX_CHARS:
        score -= 0.2
        reasons.append(_("答复过长（%(n)s 字），请精简并突出结论。") % {"n": n})
    else:
        reasons.append(_("答复长度适当（%(n)s 字）。") % {"n": n})
    boilerplate = len(left) < MIN_SUBSTANCE_CHARS
    if boilerplate:
        score -= 0.5
        reasons.append(_("答复只有客套话或“已收悉”“已转交相关部门”等套语，没有实质内容。"))
    if contact:
        reasons.append(_("答复给出了联系方式或下一步办理途径。"))
    else:
        score -= 0.2
        reasons.append(_("答复未给出联系方式或下一步办理途径。"))
    score = max(0.0, score)
    ok = score >= GOOD_CLARITY and not boilerplate
    return Criterion("clarity", _("清楚"), round(score, 3), ok, reasons)


def check_texts(
    title: str,
    message: str,
    reply_text: str,
    *,
    terms: MessageTerms | None = None,
    idf: Callable[[Iterable[str]], dict[str, float]] | None = None,
) -> Result:
    """The check of `reply_text` as an answer to the message (`title`, `message`)."""
    reply = (reply_text or "").strip()
    if terms is None:
        terms = terms_of_text(title, message)
    weights = idf(list(terms.words)) if idf is not None else {}
    relevance = _relevance(terms, keywords(title), reply, weights)
    completeness, points = _completeness(title, message, terms, reply)
    clarity = _clarity(reply)
    good = relevance.ok and completeness.ok and clarity.ok
    if good:
        verdict = _("良好")
        reasons = [_("答复切题、完整、清楚。")]
    else:
        verdict = _("需要注意")
        reasons = [c.reasons[0] for c in (relevance, completeness, clarity) if not c.ok]
    return Result(relevance, completeness, clarity, points, good, verdict, reasons)


def check(case, reply_text: str) -> Result:
    """The check of `reply_text` as the reply to `case`: its stored terms, rare terms weighing
    more (the duplicate detector's counts)."""
    from .duplicates import case_text

    return check_texts(
        case.title,
        case_text(case),
        reply_text,
        terms=terms_of_case(case),
        idf=database_idf,
    )
