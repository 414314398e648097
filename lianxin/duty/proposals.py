"""Whom to invite: the deputies of the organiser's congress ranked by how well they fit an
activity, each with the reason in words ("专业领域：养老服务；曾参加 2 次同类视察").

What counts, and how much:
- each field of expertise the deputy shares with the activity (or that the topic names): 3;
- the occupation naming the topic or a field (its first two characters, "养老" of 养老服务,
  so that 养老院院长 matches): 2;
- membership of the organising committee (the activity's organiser is a committee of the
  congress and the deputy works in it, 所在专门委员会): 3;
- activities of the same kind attended before (signed in, on time or late): 1 each, at most 3.
Deputies already invited to this activity, or expected at another at the same time, are left
out. One query for the seats, one for their expertise, one for past attendance, one for the
committee's members: the count does not grow with the congress."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _

from lianxin.org.models import Deputy, Person, SeatStatus

from .actions import busy_deputy_ids
from .models import Activity, Invitation

EXPERTISE_POINTS = 3
OCCUPATION_POINTS = 2
COMMITTEE_POINTS = 3
PAST_POINTS = 1
PAST_CAP = 3
ATTENDED = (Invitation.Attendance.PRESENT, Invitation.Attendance.LATE)


@dataclass
class Proposal:
    deputy: Deputy
    score: int = 0
    expertise: list[str] = field(default_factory=list)
    occupation: str = ""
    committee: str = ""
    past: int = 0

    @property
    def reason(self) -> str:
        parts = []
        if self.expertise:
            parts.append(_("专业领域：%(fields)s") % {"fields": "、".join(self.expertise)})
        if self.committee:
            parts.append(_("所在专门委员会：%(committee)s") % {"committee": self.committee})
        if self.occupation:
            parts.append(_("工作单位及职务：%(occupation)s") % {"occupation": self.occupation})
        if self.past:
            parts.append(_("曾参加 %(n)s 次同类%(kind)s") % {"n": self.past, "kind": self._kind})
        return "；".join(parts)

    _kind: str = ""


def _terms(activity: Activity, names: list[str]) -> list[str]:
    words = [w for w in re.split(r"[\s,，、;；/（）()]+", activity.topic or "") if len(w) >= 2]
    return list(dict.fromkeys(names + words))


def propose(
    activity: Activity,
    *,
    delegation_id: int | None = None,
    region_code: str = "",
    limit: int = 50,
) -> list[Proposal]:
    """The ranked proposals for `activity` (best first, then by name); those with no match come
    last, so staff may still pick them."""
    names = list(activity.expertise.values_list("name", flat=True))
    terms = _terms(activity, names)
    stems = {t[:2] for t in terms if len(t) >= 2}
    seats = Deputy.objects.filter(
        congress_id=activity.congress_id, status=SeatStatus.SERVING
    ).select_related("person", "delegation")
    if delegation_id:
        seats = seats.filter(delegation_id=delegation_id)
    if region_code:
        seats = seats.filter(station_membership__station__region__code__startswith=region_code)
    excluded = busy_deputy_ids(activity) | set(
        activity.invitations.values_list("deputy_id", flat=True)
    )
    seats = [d for d in seats.distinct() if d.pk not in excluded]
    person_ids = [d.person_id for d in seats]
    expertise: dict[int, list[str]] = {}
    for person_id, name in Person.expertise.through.objects.filter(
        person_id__in=person_ids
    ).values_list("person_id", "expertise__name"):
        expertise.setdefault(person_id, []).append(name)
    past = Counter(
        dict(
            Invitation.objects.filter(
                deputy_id__in=[d.pk for d in seats],
                activity__kind=activity.kind,
                attendance__in=ATTENDED,
            )
            .exclude(activity=activity)
            .values_list("deputy_id")
            .annotate(n=Count("pk"))
            .values_list("deputy_id", "n")
        )
    )
    committee_members: set[int] = set()
    committee_name = ""
    body = activity.organiser_body
    if body is not None and body.kind == body.Kind.COMMITTEE:
        committee_name = body.name
        committee_members = set(
            Deputy.committees.through.objects.filter(
                body_id=body.pk, deputy_id__in=[d.pk for d in seats]
            ).values_list("deputy_id", flat=True)
        )
    kind_label = str(activity.get_kind_display())
    result = []
    for d in seats:
        p = Proposal(deputy=d, _kind=kind_label)
        own = expertise.get(d.person_id, [])
        p.expertise = [n for n in own if n in terms or any(n in t or t in n for t in terms)]
        occupation = d.person.occupation or ""
        if occupation and any(s in occupation for s in stems):
            p.occupation = occupation
        p.past = past.get(d.pk, 0)
        if d.pk in committee_members:
            p.committee = committee_name
        p.score = (
            EXPERTISE_POINTS * len(p.expertise)
            + (COMMITTEE_POINTS if p.committee else 0)
            + (OCCUPATION_POINTS if p.occupation else 0)
            + PAST_POINTS * min(p.past, PAST_CAP)
        )
        result.append(p)
    result.sort(key=lambda p: (-p.score, p.deputy.person.name, p.deputy.pk))
    return result[:limit]
