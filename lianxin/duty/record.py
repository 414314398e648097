"""The duty record (M11): every duty of a seat read from the trail, never typed twice.

One reader, `read(events)`, turns trail events into `DutyEntry` rows: it runs inside each
action's transaction (`core.trail.on_record`, so the record is up to date when the action
commits) and as the follower `duty_record` (`manage.py follow_trail`) that catches up on
anything written before; `manage.py rebuild_duty_record` reads the whole trail again. Rows are
unique on (trail event, seat), so reading an event twice changes nothing.

| trail event | duty | seat |
|---|---|---|
| `duty.sign_in`, `duty.record_attendance` | activity or training, attended or absent without leave (a later attendance replaces an earlier one; leave removes it) | the invitation's |
| `casework.submit` of a suggestion or motion | submitted | the lead sponsor's (`raised_by_deputy`) |
| `casework.cosign` accepted | co-sponsored | the co-sponsor's |
| `casework.reply` of class A to a suggestion or motion | class A | the lead sponsor's |
| `liaison.record_reception` | reception at a station | each receiving deputy's |
| `casework.feedback` of a citizen's opinion | opinion handled and fed back | the responsible deputy's (`Case.deputy`) |
| `duty.approve_post` | the deputy's own post | the post's |
| `duty.approve_report` | the report to the voters (述职) approved by the office | the report's |
| `consultation.submit_opinion` | an opinion on a law-making or agenda consultation | the opinion's |
| `consultation.decide_opinion` adopted or partly | the opinion adopted (a later decision replaces it; not adopted removes it) | the opinion's |
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from lianxin.core import trail
from lianxin.core.models import TrailEvent

from .models import Activity, DutyEntry, DutyKind, DutyPost, DutyReport, Invitation, Outcome

READER = "duty_record"
CASE = "casework.case"
INVITATION = "duty.invitation"
RECEPTION = "liaison.receptionrecord"
POST = "duty.dutypost"
REPORT = "duty.dutyreport"
CONSULTATION = "consultation.consultation"
CONSULTATION_OPINION = "consultation.opinion"
CONSULTATION_DECISIONS = {"adopted": Outcome.ADOPTED, "partly": Outcome.PARTLY_ADOPTED}
ACTIONS = {
    "duty.sign_in",
    "duty.record_attendance",
    "casework.submit",
    "casework.cosign",
    "casework.reply",
    "casework.feedback",
    "liaison.record_reception",
    "duty.approve_post",
    "duty.approve_report",
    "consultation.submit_opinion",
    "consultation.decide_opinion",
}
ATTENDANCE_ACTIONS = ("duty.sign_in", "duty.record_attendance")
SUGGESTION_KINDS = {"suggestion": DutyKind.SUGGESTION, "motion": DutyKind.MOTION}


def _day(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date()


def _attendance(events: list[TrailEvent], entries: list[DutyEntry]) -> None:
    ids = [int(e.object_id) for e in events]
    invitations = {
        i.pk: i for i in Invitation.objects.filter(pk__in=ids).select_related("activity")
    }
    for e in events:
        inv = invitations.get(int(e.object_id))
        if inv is None:
            continue
        attendance = e.change.get("attendance")
        if isinstance(attendance, list):
            attendance = attendance[-1]
        # The latest word on an invitation replaces what an earlier event said (and an earlier
        # event read again says nothing).
        if TrailEvent.objects.filter(
            object_type=INVITATION,
            object_id=e.object_id,
            action__in=ATTENDANCE_ACTIONS,
            id__gt=e.pk,
        ).exists():
            continue
        DutyEntry.objects.filter(
            source_type=INVITATION, source_id=str(inv.pk), deputy_id=inv.deputy_id
        ).exclude(trail_id=e.pk).delete()
        if attendance in (Invitation.Attendance.PRESENT, Invitation.Attendance.LATE):
            outcome = Outcome.ATTENDED
        elif attendance == Invitation.Attendance.ABSENT:
            outcome = Outcome.ABSENT
        else:
            continue
        activity = inv.activity
        training = activity.kind == Activity.Kind.TRAINING
        entries.append(
            DutyEntry(
                deputy_id=inv.deputy_id,
                kind=DutyKind.TRAINING if training else DutyKind.ACTIVITY,
                outcome=outcome,
                date=_day(activity.starts_at),
                title=activity.title[:200],
                source_type=INVITATION,
                source_id=str(inv.pk),
                trail=e,
            )
        )


def _cases(events: list[TrailEvent], entries: list[DutyEntry]) -> None:
    from lianxin.casework.models import Case

    cases = {
        c.pk: c
        for c in Case.objects.filter(pk__in=[int(e.object_id) for e in events]).only(
            "id", "kind", "title", "content", "raised_by_deputy_id", "deputy_id"
        )
    }
    for e in events:
        case = cases.get(int(e.object_id))
        if case is None:
            continue
        data = (e.change or {}).get("data") or {}
        kind = SUGGESTION_KINDS.get(case.kind)
        seat, outcome = None, None
        if e.action == "casework.submit" and kind:
            seat, outcome = case.raised_by_deputy_id, Outcome.SUBMITTED
        elif e.action == "casework.cosign" and kind and data.get("accept") and data.get("deputy"):
            seat, outcome = data["deputy"], Outcome.COSPONSORED
        elif e.action == "casework.reply" and kind and data.get("category") == "A":
            seat, outcome = case.raised_by_deputy_id, Outcome.CLASS_A
        elif e.action == "casework.feedback" and case.kind == "opinion":
            kind, seat, outcome = DutyKind.OPINION, case.deputy_id, Outcome.FED_BACK
        if seat is None or outcome is None:
            continue
        entries.append(
            DutyEntry(
                deputy_id=seat,
                kind=kind,
                outcome=outcome,
                date=_day(e.at),
                title=(case.title or case.content)[:200],
                source_type=CASE,
                source_id=str(case.pk),
                trail=e,
            )
        )


def _receptions(events: list[TrailEvent], entries: list[DutyEntry]) -> None:
    for e in events:
        day = e.change.get("date")
        day = dt.date.fromisoformat(day) if isinstance(day, str) else _day(e.at)
        for seat in e.change.get("deputies") or []:
            entries.append(
                DutyEntry(
                    deputy_id=seat,
                    kind=DutyKind.RECEPTION,
                    outcome=Outcome.RECEIVED,
                    date=day,
                    title=e.object_label[:200],
                    source_type=RECEPTION,
                    source_id=e.object_id,
                    trail=e,
                )
            )


def _posts(events: list[TrailEvent], entries: list[DutyEntry]) -> None:
    posts = {p.pk: p for p in DutyPost.objects.filter(pk__in=[int(e.object_id) for e in events])}
    for e in events:
        post = posts.get(int(e.object_id))
        if post is None:
            continue
        entries.append(
            DutyEntry(
                deputy_id=post.deputy_id,
                kind=DutyKind.POST,
                outcome=Outcome.APPROVED,
                date=post.date,
                title=post.title,
                source_type=POST,
                source_id=str(post.pk),
                trail=e,
            )
        )


def _reports(events: list[TrailEvent], entries: list[DutyEntry]) -> None:
    reports = {
        r.pk: r for r in DutyReport.objects.filter(pk__in=[int(e.object_id) for e in events])
    }
    for e in events:
        report = reports.get(int(e.object_id))
        if report is None:
            continue
        entries.append(
            DutyEntry(
                deputy_id=report.deputy_id,
                kind=DutyKind.REPORT,
                outcome=Outcome.APPROVED,
                date=_day(e.at),
                title=report.title[:200],
                source_type=REPORT,
                source_id=str(report.pk),
                trail=e,
            )
        )


def _consultations(events: list[TrailEvent], entries: list[DutyEntry]) -> None:
    """Read from the event's own `change` (seat, consultation, title, decision): the duty app
    does not import the consultation app, which sits beside it."""
    for e in events:
        change = e.change or {}
        seat, consultation = change.get("deputy"), change.get("consultation")
        if not seat or not consultation:
            continue  # a citizen's opinion is nobody's duty
        if e.action == "consultation.submit_opinion":
            outcome = Outcome.OPINION_GIVEN
        else:
            if TrailEvent.objects.filter(
                object_type=CONSULTATION_OPINION,
                object_id=e.object_id,
                action="consultation.decide_opinion",
                id__gt=e.pk,
            ).exists():
                continue  # a later decision says what stands
            DutyEntry.objects.filter(
                deputy_id=seat,
                trail__object_type=CONSULTATION_OPINION,
                trail__object_id=e.object_id,
                trail__action="consultation.decide_opinion",
            ).exclude(trail_id=e.pk).delete()
            outcome = CONSULTATION_DECISIONS.get(change.get("decision"))
            if outcome is None:
                _recompute_seat(seat, _day(e.at).year)
                continue
        entries.append(
            DutyEntry(
                deputy_id=seat,
                kind=DutyKind.CONSULTATION,
                outcome=outcome,
                date=_day(e.at),
                title=str(change.get("title") or e.object_label)[:200],
                source_type=CONSULTATION,
                source_id=str(consultation),
                trail=e,
            )
        )


def _recompute_seat(seat: int, year: int) -> None:
    from lianxin.org.models import Deputy

    from . import scoring

    congress_id = Deputy.objects.filter(pk=seat).values_list("congress_id", flat=True).first()
    if congress_id:
        scoring.recompute(congress_id, year, [seat])


def read(events: Iterable[TrailEvent]) -> int:
    """Record the duties of `events`; returns how many entries are new."""
    from . import scoring

    events = [e for e in events if e.action in ACTIONS and e.object_id]
    if not events:
        return 0
    entries: list[DutyEntry] = []
    with transaction.atomic():
        _attendance(
            [e for e in events if e.action in ATTENDANCE_ACTIONS],
            entries,
        )
        _cases([e for e in events if e.object_type == CASE], entries)
        _receptions([e for e in events if e.action == "liaison.record_reception"], entries)
        _posts([e for e in events if e.action == "duty.approve_post"], entries)
        _reports([e for e in events if e.action == "duty.approve_report"], entries)
        _consultations([e for e in events if e.object_type == CONSULTATION_OPINION], entries)
        if entries:
            known = set(
                DutyEntry.objects.filter(trail_id__in={x.trail_id for x in entries}).values_list(
                    "trail_id", "deputy_id"
                )
            )
            entries = [x for x in entries if (x.trail_id, x.deputy_id) not in known]
            DutyEntry.objects.bulk_create(entries, ignore_conflicts=True)
        # Deleted rows (an attendance changed to leave) change the points too.
        scoring.recompute_for(entries or [])
        for e in events:
            if e.action in ATTENDANCE_ACTIONS:
                _recompute_invitation_seat(e)
    return len(entries)


def _recompute_invitation_seat(e: TrailEvent) -> None:
    from . import scoring

    inv = Invitation.objects.filter(pk=int(e.object_id)).select_related("activity").first()
    if inv is not None:
        scoring.recompute(
            inv.activity.congress_id, _day(inv.activity.starts_at).year, [inv.deputy_id]
        )


def _on_record(event: TrailEvent) -> None:
    if event.action in ACTIONS:
        read([event])


def register() -> None:
    trail.on_record(_on_record)
    trail.follow(READER, read)


def rebuild(*, batch: int = 2000) -> int:
    """Read the whole trail again into the record (entries from events no longer readable go,
    the rest are written anew); the reader's cursor moves to the end."""
    from lianxin.core.models import TrailCursor

    total = 0
    with transaction.atomic():
        DutyEntry.objects.all().delete()
        last = 0
        while True:
            chunk = list(
                TrailEvent.objects.filter(id__gt=last, action__in=ACTIONS).order_by("id")[:batch]
            )
            if not chunk:
                break
            total += read(chunk)
            last = chunk[-1].id
        end = TrailEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        TrailCursor.objects.update_or_create(name=READER, defaults={"last_id": end})
    return total


def link_of(entry: DutyEntry) -> str:
    """The page of the object that earned the entry (the activity, the case, the post)."""
    if entry.source_type == CASE:
        return reverse("case_detail", args=[entry.source_id])
    if entry.source_type == POST:
        return reverse("duty_post", args=[entry.source_id])
    if entry.source_type == REPORT:
        return reverse("duty_report", args=[entry.source_id])
    if entry.source_type == INVITATION:
        return reverse("duty_invitation", args=[entry.source_id])
    if entry.source_type == CONSULTATION:
        return reverse("consultation_detail", args=[entry.source_id])
    if entry.source_type == RECEPTION:
        return ""
    return ""
