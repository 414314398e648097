"""Hot issues (热点问题): open and recent cases of every kind about one problem in one county,
with a heat index, pushed to the deputies and CPPCC members of that place or field, who can
turn one into a suggestion that carries every case in it (see docs/hot_issues.md).

Clustering reads the duplicate detector's stored signatures (`CaseTerms`: keywords, places,
districts) and its pair test (`duplicates.compare`): no text is segmented again. Per county,
an in-memory inverted index over the stored keywords gives each case its few strongest
neighbours; the pairs the detector calls the same issue are joined (union-find), and a group
of at least `MIN_CASES` cases from at least two raisers is a hot issue. Its id stays across
recomputations: a new group takes the id of the stored issue it shares most cases with.

Heat (written on the list page as well):

    heat = √(D / N) × Σᵢ (1 + rᵢ) × 0.5^(aᵢ / 7)

N cases in the group, D distinct raisers among them (a phone number, a seat, else the case
itself), rᵢ the reports merged into case i (repeats), aᵢ its age in days: a report counts
fully today and half a week later; one person reporting many times weighs less.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianxin.core import trail
from lianxin.core.errors import Forbidden, ValidationFailed

from . import duplicates
from .models import Case, CaseTerms, HotIssue, HotIssueCase
from .workflow import workflows

RECENT_DAYS = 30
HALF_LIFE_DAYS = 7.0
MIN_CASES = 3
MIN_RAISERS = 2
# The detector's score at which two cases are joined into one group (its own offer threshold
# is lower: an offer is read by a person, a group is not).
PAIR_THRESHOLD = 0.3
QUERY_TERMS = 8
NEIGHBOURS = 20
# A keyword in more cases of one county than this names no particular problem.
MAX_POSTINGS = 250
# A pushed issue is pushed again when it has grown by half.
REPUSH_GROWTH = 1.5
MAX_PROBLEM_LINES = 30

FORMULA = gettext_lazy("热度 = √(D ÷ N) × Σ (1 + rᵢ) × 0.5^(aᵢ ÷ 7)")

# The field of a hot issue (its category) → the expertise of the members it is pushed to.
FIELD_EXPERTISE = {
    "urban_construction": ("城乡建设",),
    "environment": ("生态环保",),
    "transport": ("交通",),
    "education_culture": ("教育", "文化旅游"),
    "labour_social_security": ("社会保障",),
    "commerce_tourism": ("文化旅游", "经济"),
    "health": ("医疗卫生",),
    "agriculture": ("农业农村",),
    "rule_of_law": ("法律",),
    "economy": ("经济", "财政金融", "企业管理"),
}


@dataclass
class Item:
    pk: int
    county: str
    township: str
    category_id: int | None
    title: str
    text: str
    raiser: str
    created_at: dt.datetime
    sig: duplicates.Signature
    vector: dict[str, float] = field(default_factory=dict)


@dataclass
class Group:
    county: str
    items: list[Item]
    repeats: dict[int, int]
    now: dt.datetime

    @property
    def pks(self) -> set[int]:
        return {i.pk for i in self.items}

    @property
    def raisers(self) -> int:
        return len({i.raiser for i in self.items})

    @property
    def repeat_count(self) -> int:
        return sum(self.repeats.get(i.pk, 0) for i in self.items)

    @property
    def heat(self) -> float:
        return heat_of(
            [(self.repeats.get(i.pk, 0), i.created_at) for i in self.items],
            self.raisers,
            self.now,
        )


def heat_of(cases: list[tuple[int, dt.datetime]], raisers: int, now: dt.datetime) -> float:
    """The heat of a group: `cases` are (repeats, raised at) of each case in it."""
    if not cases:
        return 0.0
    total = sum(
        (1 + r) * 0.5 ** (max(0.0, (now - at).total_seconds()) / 86400 / HALF_LIFE_DAYS)
        for r, at in cases
    )
    return round(math.sqrt(raisers / len(cases)) * total, 3)


def _raiser(row: dict) -> str:
    if row["raised_by_deputy_id"]:
        return f"d{row['raised_by_deputy_id']}"
    if row["raised_by_member_id"]:
        return f"m{row['raised_by_member_id']}"
    if row["contact_phone"]:
        return f"p{row['contact_phone']}"
    return f"c{row['case_id']}"


def _county(region_code: str | None, scope_code: str) -> str:
    for code in (region_code or "", scope_code or ""):
        if len(code) >= 6:
            return code[:6]
    return ""


def candidates(now: dt.datetime, counties: Iterable[str] | None = None) -> list[Item]:
    """The open cases of every kind and those raised in the last `RECENT_DAYS` days (not merged
    into another), with their stored signatures, in one query."""
    opened = reduce(
        or_, (Q(case__kind=wf.kind) & ~Q(case__state__in=wf.final) for wf in workflows())
    )
    since = now - dt.timedelta(days=RECENT_DAYS)
    qs = CaseTerms.objects.filter(opened | Q(case__created_at__gte=since)).filter(
        case__merged_into__isnull=True
    )
    if counties is not None:
        counties = list(counties)
        qs = qs.filter(
            reduce(
                or_,
                (
                    Q(case__region__code__startswith=c) | Q(case__scope_code__startswith=c)
                    for c in counties
                ),
                Q(pk__in=[]),
            )
        )
    rows = qs.values(
        "case_id",
        "words",
        "places",
        "districts",
        "case__title",
        "case__content",
        "case__region__code",
        "case__scope_code",
        "case__category_id",
        "case__contact_phone",
        "case__raised_by_deputy_id",
        "case__raised_by_member_id",
        "case__created_at",
    ).order_by("case_id")
    items = []
    for r in rows.iterator(chunk_size=2000):
        county = _county(r["case__region__code"], r["case__scope_code"])
        if not county or not r["words"]:
            continue
        row = {k.removeprefix("case__"): v for k, v in r.items()}
        region = r["case__region__code"] or ""
        items.append(
            Item(
                pk=r["case_id"],
                county=county,
                township=region[:9] if len(region) >= 9 else "",
                category_id=r["case__category_id"],
                title=r["case__title"] or " ".join(r["case__content"].split())[:30],
                text=f"{r['case__title']}\n{r['case__content'][: duplicates.TEXT_CHARS]}",
                raiser=_raiser(row),
                created_at=r["case__created_at"],
                sig=duplicates.Signature(r["words"], tuple(r["places"]), tuple(r["districts"])),
            )
        )
    return items


def _idf(items: list[Item]) -> dict[str, float]:
    """How rare each keyword is among the cases clustered (the detector's TF-IDF, counted here
    once rather than asked of the index word by word)."""
    df: Counter = Counter()
    for item in items:
        df.update(item.sig.words.keys())
    total = len(items) + 1
    return {t: math.log((total + 1) / (n + 1)) + 1 for t, n in df.items()}


def cluster(
    items: list[Item], *, now: dt.datetime, repeats: dict[int, int], workers: int = 1
) -> list[Group]:
    """The groups of cases on one problem, per county, hottest first. Counties are independent:
    with `workers` > 1 they are shared among that many forked processes (which read the cases
    from the parent's memory and touch no database)."""
    global _WORK
    idf = _idf(items)
    by_county: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        item.vector = duplicates._vector(item.sig.words, idf)
        by_county[item.county].append(item)
    counties = sorted(by_county, key=lambda c: -len(by_county[c]))
    _WORK = (by_county, idf)
    try:
        if workers > 1 and len(counties) > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as ex:
                parts = list(ex.map(_county_parts, counties))
        else:
            parts = [_county_parts(c) for c in counties]
    finally:
        _WORK = None
    groups = []
    for county, found in zip(counties, parts, strict=True):
        members = by_county[county]
        for indices in found:
            group = Group(county, [members[i] for i in indices], repeats, now)
            if group.raisers >= MIN_RAISERS:
                groups.append(group)
    groups.sort(key=lambda g: (-g.heat, min(g.pks)))
    return groups


# What the county workers read (set by `cluster` before they are forked).
_WORK: tuple[dict[str, list[Item]], dict[str, float]] | None = None


def _county_parts(county: str) -> list[list[int]]:
    """The groups (indices into the county's cases, in pk order) of at least MIN_CASES cases."""
    by_county, idf = _WORK
    members = by_county[county]
    postings: dict[str, list[int]] = defaultdict(list)
    for i, item in enumerate(members):
        for t in item.sig.words:
            postings[t].append(i)
    parent = list(range(len(members)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    compared: set[tuple[int, int]] = set()
    for i, item in enumerate(members):
        strongest = sorted(item.vector, key=lambda t: (-item.vector[t], t))[:QUERY_TERMS]
        shared: Counter = Counter()
        for t in strongest:
            posted = postings.get(t, ())
            if len(posted) > MAX_POSTINGS:
                continue
            w = item.vector[t]
            for j in posted:
                shared[j] += w
        shared.pop(i, None)
        for j, _w in shared.most_common(NEIGHBOURS):
            pair = (i, j) if i < j else (j, i)
            if pair in compared:
                continue
            compared.add(pair)
            if find(i) == find(j):
                continue
            other = members[j]
            found = duplicates.compare(
                item.sig, item.text, other.sig, other.text, idf, (item.vector, other.vector)
            )
            if found is not None and found.score >= PAIR_THRESHOLD:
                parent[find(i)] = find(j)
    parts: dict[int, list[int]] = defaultdict(list)
    for i in range(len(members)):
        parts[find(i)].append(i)
    return [sorted(p, key=lambda i: members[i].pk) for p in parts.values() if len(p) >= MIN_CASES]


def _summary(group: Group) -> tuple[str, list[str], list[str], int | None, str]:
    """Title (the case nearest the group's centre), keywords, places, field and township."""
    centre: Counter = Counter()
    for item in group.items:
        centre.update(item.vector)
    places = Counter(p for item in group.items for p in item.sig.places)
    everywhere = set(places) | {d for i in group.items for d in i.sig.districts}
    words = [t for t, _n in centre.most_common(20) if not duplicates._placeish(t, everywhere)][:6]
    best = max(group.items, key=lambda i: (sum(centre[t] * v for t, v in i.vector.items()), -i.pk))
    categories = Counter(i.category_id for i in group.items if i.category_id)
    townships = Counter(i.township for i in group.items if i.township)
    return (
        best.title[:200],
        words,
        [p for p, _n in places.most_common(4)],
        categories.most_common(1)[0][0] if categories else None,
        townships.most_common(1)[0][0] if townships else "",
    )


# --- Storing ------------------------------------------------------------------------------------


@dataclass
class Result:
    issues: int = 0
    created: int = 0
    cooled: int = 0
    pushed: int = 0
    cases: int = 0


def _repeats() -> dict[int, int]:
    return dict(
        Case.objects.filter(merged_into__isnull=False)
        .values_list("merged_into_id")
        .annotate(n=Count("id"))
        .values_list("merged_into_id", "n")
    )


def compute(
    *, now: dt.datetime | None = None, push_issues: bool = True, workers: int = 1
) -> Result:
    """Find the hot issues again and store them (stable ids), then push the new and the grown
    ones. What `manage.py hot_issues` and the deadline scan run."""
    from lianxin.org.models import Region

    now = now or timezone.now()
    items = candidates(now)
    groups = cluster(items, now=now, repeats=_repeats(), workers=workers)
    result = Result(cases=len(items))
    regions = {
        r.code: r
        for r in Region.objects.filter(
            code__in={g.county for g in groups}
            | {i.township for g in groups for i in g.items if i.township}
        )
    }
    with transaction.atomic():
        old_members: dict[int, set[int]] = defaultdict(set)
        for issue_id, case_id in HotIssueCase.objects.values_list("issue_id", "case_id"):
            old_members[issue_id].add(case_id)
        issue_of_case: dict[int, list[int]] = defaultdict(list)
        for issue_id, cases in old_members.items():
            for c in cases:
                issue_of_case[c].append(issue_id)
        taken: set[int] = set()
        current: set[int] = set()
        for group in groups:
            county = regions.get(group.county)
            if county is None:
                continue
            title, words, places, category_id, township = _summary(group)
            overlap: Counter = Counter()
            for pk in group.pks:
                overlap.update(issue_of_case.get(pk, ()))
            match = None
            for issue_id, n in overlap.most_common():
                if issue_id in taken:
                    continue
                if 2 * n >= min(len(group.pks), len(old_members[issue_id])):
                    match = issue_id
                break
            fields = {
                "region": county,
                "township": regions.get(township),
                "category_id": category_id,
                "words": words,
                "places": places,
                "heat": group.heat,
                "case_count": len(group.items),
                "raisers": group.raisers,
                "repeats": group.repeat_count,
                "first_at": min(i.created_at for i in group.items),
                "last_at": max(i.created_at for i in group.items),
                "computed_at": now,
            }
            if match is None:
                issue = HotIssue.objects.create(title=title, **fields)
                result.created += 1
            else:
                issue = HotIssue.objects.get(pk=match)
                for k, v in fields.items():
                    setattr(issue, k, v)
                if issue.state == HotIssue.State.COOLED:
                    issue.state = HotIssue.State.HOT
                issue.save()
                HotIssueCase.objects.filter(issue=issue).exclude(case_id__in=group.pks).delete()
            taken.add(issue.pk)
            current.add(issue.pk)
            have = old_members.get(issue.pk, set()) if match is not None else set()
            HotIssueCase.objects.bulk_create(
                [
                    HotIssueCase(issue=issue, case_id=i.pk, raised_at=i.created_at)
                    for i in group.items
                    if i.pk not in have
                ]
            )
            result.issues += 1
        result.cooled = (
            HotIssue.objects.filter(state=HotIssue.State.HOT)
            .exclude(pk__in=current)
            .update(state=HotIssue.State.COOLED, computed_at=now)
        )
        if push_issues:
            for issue in HotIssue.objects.filter(pk__in=current, state=HotIssue.State.HOT):
                if (
                    issue.pushed_count == 0
                    or issue.case_count >= issue.pushed_count * REPUSH_GROWTH
                ):
                    result.pushed += push(issue, now=now)
    return result


# --- Pushing ------------------------------------------------------------------------------------


def deputies_for(issue: HotIssue):
    """The serving deputies of the stations in the issue's county."""
    from lianxin.org.models import Deputy, SeatStatus

    return Deputy.objects.filter(
        status=SeatStatus.SERVING,
        station_membership__station__is_active=True,
        station_membership__station__region__code__startswith=issue.region.code,
    )


def members_for(issue: HotIssue):
    """The serving CPPCC members of the county's CPPCC and those above it whose expertise is the
    issue's field."""
    from lianxin.org.models import Member, SeatStatus

    if issue.category_id is None:
        return Member.objects.none()
    names = FIELD_EXPERTISE.get(issue.category.code, (issue.category.name,))
    code = issue.region.code
    above = [code[:n] for n in (2, 4, 6)]
    return Member.objects.filter(
        status=SeatStatus.SERVING,
        cppcc__region__code__in=above,
        person__expertise__name__in=names,
    ).distinct()


def push(issue: HotIssue, *, now: dt.datetime | None = None) -> int:
    """Tell the deputies and members of the issue's place or field (民意诉求), with a link.
    Returns how many logins were told."""
    from lianxin.accounts.access import deputy_seat_holders
    from lianxin.accounts.models import User
    from lianxin.core.queue import enqueue_with_transaction
    from lianxin.notifications.tasks import notify_users

    now = now or timezone.now()
    deputies = list(deputies_for(issue).values_list("pk", flat=True))
    members = list(members_for(issue).values_list("pk", flat=True))
    issue.pushed_deputies.add(*deputies)
    issue.pushed_members.add(*members)
    users = set(deputy_seat_holders(deputies).values_list("pk", flat=True))
    users |= set(
        User.objects.filter(is_active=True, person__member_seats__pk__in=members).values_list(
            "pk", flat=True
        )
    )
    title = _("民意诉求：%(title)s") % {"title": issue.title}
    body = _("%(region)s近期有 %(n)s 件反映同一问题（%(raisers)s 人反映），热度 %(heat)s。") % {
        "region": issue.region.name,
        "n": issue.case_count,
        "raisers": issue.raisers,
        "heat": f"{issue.heat:.1f}",
    }
    if users:
        enqueue_with_transaction(
            notify_users, sorted(users), "hot_issue", title, body, issue.get_absolute_url()
        )
    issue.pushed_count = issue.case_count
    issue.pushed_at = now
    issue.save(update_fields=["pushed_count", "pushed_at", "updated_at"])
    trail.record(
        "hot.pushed",
        actor=None,
        seat=trail.SYSTEM,
        obj=issue,
        change={"deputies": deputies, "members": members, "users": len(users)},
    )
    return len(users)


# --- Reading ------------------------------------------------------------------------------------


def week_of(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The week (Monday to Sunday, China time) that holds `day`."""
    monday = day - dt.timedelta(days=day.weekday())
    start = timezone.make_aware(dt.datetime.combine(monday, dt.time()))
    return start, start + dt.timedelta(days=7)


def top(issues, *, week: dt.date | None = None, limit: int = 20) -> list[HotIssue]:
    """The hottest issues of `issues` (a visible queryset): current ones by heat, or, for a
    week, those raised in it by the number raised that week (`week_count`)."""
    issues = issues.select_related("region", "township", "category")
    if week is None:
        return list(issues.filter(state__in=[HotIssue.State.HOT, HotIssue.State.CONVERTED])[:limit])
    start, end = week_of(week)
    found = list(
        issues.filter(members__raised_at__gte=start, members__raised_at__lt=end)
        .annotate(week_count=Count("members"))
        .order_by("-week_count", "-heat", "-id")[:limit]
    )
    return found


def member_cases(issue: HotIssue) -> list[Case]:
    return list(
        Case.objects.filter(hot_links__issue=issue)
        .select_related("category")
        .order_by("-created_at", "-id")
    )


# --- Turning a hot issue into a suggestion --------------------------------------------------------


def convertible(issue: HotIssue) -> list[Case]:
    """The cases of the issue that may still be carried by a derived case (opinions not yet
    turned, not closed), oldest first."""
    from . import lineage

    return [
        c
        for c in sorted(member_cases(issue), key=lambda c: c.pk)
        if c.kind in lineage.origin_kinds() and lineage.refusal(c) is None
    ]


def prefill(issue: HotIssue) -> dict:
    cases = sorted(member_cases(issue), key=lambda c: c.pk)
    lines = [
        _("%(n)s. %(content)s（查询码 %(code)s）")
        % {"n": i, "content": " ".join(c.content.split())[:200], "code": c.tracking_code}
        for i, c in enumerate(cases[:MAX_PROBLEM_LINES], 1)
    ]
    if len(cases) > MAX_PROBLEM_LINES:
        lines.append(_("另有 %(n)s 件，详见热点问题页。") % {"n": len(cases) - MAX_PROBLEM_LINES})
    head = _("%(region)s近期有 %(n)s 件群众反映（%(raisers)s 人）同一问题：") % {
        "region": issue.region.name,
        "n": issue.case_count,
        "raisers": issue.raisers,
    }
    return {
        "title": (_("关于%(title)s的建议") % {"title": issue.title.rstrip("…")})[:100],
        "problem": head + "\n" + "\n".join(lines),
        "content": _("针对群众集中反映的上述问题，建议："),
    }


def seats_for(issue: HotIssue, user) -> list:
    """The caller's serving seats the issue was pushed to, the seat of the issue's own county
    first."""
    from lianxin.accounts.access import grants
    from lianxin.org.models import SeatStatus

    own = grants(user).deputy_ids
    seats = list(
        issue.pushed_deputies.filter(pk__in=own, status=SeatStatus.SERVING)
        .select_related("congress__region", "person")
        .order_by("pk")
    )
    return sorted(seats, key=lambda s: (s.congress.region_id != issue.region_id, s.pk))


def do_convert_hot_issue(
    issue: HotIssue,
    *,
    acting_user,
    title: str,
    problem: str,
    content: str,
    seat_id: int | None = None,
) -> Case:
    """A deputy the issue was pushed to turns it into the draft of a suggestion of theirs that
    carries every case of the issue that may be carried (lineage): when the suggestion's reply
    is signed off, it reaches every citizen of them (tracking page and SMS)."""
    from lianxin.accounts.access import can

    from . import lineage

    with transaction.atomic(durable=not transaction.get_connection().in_atomic_block):
        locked = HotIssue.objects.select_for_update().get(pk=issue.pk)
        if not can(acting_user, "hot.convert", locked):
            raise Forbidden(_("您不能将该热点问题转为代表建议。"))
        if locked.state == HotIssue.State.CONVERTED:
            raise ValidationFailed(_("该热点问题已转化，不能再次转化。"), code="converted")
        seats = seats_for(locked, acting_user)
        if seat_id is not None:
            seats = [s for s in seats if s.pk == seat_id]
        if not seats:
            raise ValidationFailed(_("请选择您本人在任的代表身份。"), field="seat")
        seat = seats[0]
        origins = convertible(locked)
        if not origins:
            raise ValidationFailed(
                _("该热点问题中的案件均已办结或已转办，没有可转为代表建议的群众意见。"),
                code="nothing_to_convert",
            )
        case = lineage.derive(
            origins,
            kind="suggestion",
            acting_user=acting_user,
            trusted=True,
            limit=len(origins),
            title=title,
            problem=problem,
            content=content,
            author=seat,
        )
        locked.state = HotIssue.State.CONVERTED
        locked.converted_case = case
        locked.save(update_fields=["state", "converted_case", "updated_at"])
        trail.record(
            "hot.converted",
            actor=acting_user,
            obj=locked,
            change={"case": case.pk, "kind": case.kind, "origins": [o.pk for o in origins]},
        )
    return case


# --- The deadline scan's step -------------------------------------------------------------------

# The scan runs every ten minutes; hot issues are found again at most this often.
SCAN_EVERY = dt.timedelta(hours=1)


def scan_step(today: dt.date) -> dict[str, int]:
    """Registered with `casework.scan`: recompute (and push) when the last computation is older
    than `SCAN_EVERY`."""
    from django.db.models import Max

    last = HotIssue.objects.aggregate(at=Max("computed_at"))["at"]
    if last is not None and timezone.now() - last < SCAN_EVERY:
        return {}
    r = compute()
    return {"hot_issues": r.issues, "hot_pushed": r.pushed}
