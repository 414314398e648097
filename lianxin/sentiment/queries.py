"""Reads of reports and issues, always through `visible_to` (docs/access.md), and the yearly
rankings by member and by sector."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from lianxin.accounts.access import grants, visible_to
from lianxin.core.models import TrailEvent

from .models import ReportState, SentimentIssue, SentimentReport
from .rules import own_q
from .workflow import EVENT_LABELS


def reports_for(
    user,
    *,
    state: str | None = None,
    year: int | None = None,
    mine: bool = False,
    q: str = "",
    cppcc: int | None = None,
) -> QuerySet:
    qs = visible_to(user, SentimentReport)
    if state:
        qs = qs.filter(state__in=[s for s in state.split(",") if s])
    if year:
        qs = qs.filter(
            Q(submitted_at__year=year) | Q(submitted_at__isnull=True, created_at__year=year)
        )
    if mine:
        qs = qs.filter(own_q(grants(user))).distinct()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(edited_title__icontains=q))
    if cppcc:
        qs = qs.filter(cppcc_id=cppcc)
    return qs.select_related("cppcc", "author_member__person", "author_sector", "issue").order_by(
        "-created_at", "-id"
    )


def for_detail(qs: QuerySet) -> QuerySet:
    return qs.select_related(
        "cppcc__region",
        "author_member__person",
        "author_sector",
        "category",
        "issue",
        "source_proposal",
        "written_by",
        "edited_by",
    ).prefetch_related("co_authors__person", "attachments", "instructions")


def to_edit(user) -> QuerySet:
    """Submitted or accepted reports of the CPPCCs whose staff the user is (待编辑)."""
    return reports_for(user, state=f"{ReportState.SUBMITTED},{ReportState.ACCEPTED}").filter(
        cppcc_id__in=list(grants(user).cppcc_staff)
    )


def returned_to(user) -> QuerySet:
    return reports_for(user, state=ReportState.RETURNED, mine=True)


def ready_to_compile(user, cppcc_id: int) -> QuerySet:
    return (
        reports_for(user, state=ReportState.EDITED)
        .filter(cppcc_id=cppcc_id)
        .order_by("edited_at", "id")
    )


def issues_for(user) -> QuerySet:
    return visible_to(user, SentimentIssue).select_related("cppcc")


def issue_reports(issue: SentimentIssue) -> list[SentimentReport]:
    return list(
        issue.reports.select_related("author_member__person", "author_sector", "cppcc")
        .prefetch_related("instructions")
        .order_by("position", "id")
    )


def timeline(report: SentimentReport) -> list[dict]:
    """The report's trail as the page's timeline (casework/_timeline.html)."""
    events = TrailEvent.objects.filter(
        object_type="sentiment.sentimentreport", object_id=str(report.pk)
    ).order_by("id")
    out = []
    for e in events:
        verb = e.action.removeprefix("sentiment.")
        change = e.change or {}
        state = change.get("state")
        note = change.get("reason") or ""
        if verb == "instruct":
            note = f"{change.get('leader', '')}（{change.get('given_on', '')}）"
        if verb == "adopt":
            note = f"{change.get('adopted_by', '')}（{change.get('adopted_on', '')}）"
        out.append(
            {
                "action": verb,
                "action_label": str(EVENT_LABELS.get(verb, verb)),
                "at": timezone.localtime(e.at),
                "actor": e.actor_label,
                "from_state": state[0] if state else "",
                "to_state": state[1] if state else "",
                "state_label": str(ReportState(state[1]).label) if state else "",
                "note": note,
            }
        )
    return out


# --- Rankings -----------------------------------------------------------------------------------

COUNTED = ("submitted", "compiled", "adopted", "instructed")


@dataclass
class Tally:
    name: str
    submitted: int = 0
    compiled: int = 0
    adopted: int = 0
    instructed: int = 0
    reports: set = field(default_factory=set)

    def add(self, report: SentimentReport, instructed: bool) -> None:
        if report.pk in self.reports:
            return
        self.reports.add(report.pk)
        self.submitted += 1
        self.compiled += report.issue_id is not None
        self.adopted += report.adopted_on is not None
        self.instructed += instructed

    @property
    def key(self):
        return (-self.instructed, -self.adopted, -self.compiled, -self.submitted, self.name)


def rankings(cppcc, year: int) -> dict[str, list[Tally]]:
    """Per member and per sector of `cppcc`, the reports submitted in `year` and how many of
    them were compiled, adopted and instructed. A report counts for its author seat and each
    co-author, and for its sector: the sector it speaks for, else its author's sector."""
    reports = list(
        SentimentReport.objects.filter(cppcc=cppcc, submitted_at__year=year)
        .select_related("author_member__person", "author_member__sector", "author_sector")
        .prefetch_related("co_authors__person", "co_authors__sector")
    )
    instructed = set(
        SentimentReport.objects.filter(
            pk__in=[r.pk for r in reports], instructions__isnull=False
        ).values_list("pk", flat=True)
    )
    members: dict[int, Tally] = {}
    sectors: dict[int, Tally] = defaultdict(lambda: Tally(""))
    for r in reports:
        seats = ([r.author_member] if r.author_member_id else []) + list(r.co_authors.all())
        for seat in seats:
            members.setdefault(seat.pk, Tally(seat.person.name)).add(r, r.pk in instructed)
        sector = r.author_sector or (r.author_member.sector if r.author_member_id else None)
        if sector is not None:
            tally = sectors[sector.pk]
            tally.name = sector.name
            tally.add(r, r.pk in instructed)
    return {
        "members": sorted(members.values(), key=lambda t: t.key),
        "sectors": sorted(sectors.values(), key=lambda t: t.key),
    }
