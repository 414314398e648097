"""A member's duty record (履职记录) read from the trail, with points from a small rules table.

Not #7's `duty.DutyEntry`: duty is of the same layer as this app and keeps deputies' seats, so
this app reads the trail rows it and sentiment write and scores them itself. The table is code
for now (not yet an administrator's setting as the deputies' scoring rules are). Proposals are
not counted yet: their trail rows are the loop's and name no member seat.

Rows are read per action and CPPCC and matched in Python (SQLite has no JSON `contains`); one
query per record, fine for a CPPCC's few thousand rows a year."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from lianxin.core.models import TrailEvent
from lianxin.org.models import Member


@dataclass(frozen=True)
class Rule:
    action: str
    label: str
    points: int


RULES = (
    Rule("xieshang.create_event", _("参加协商活动"), 2),
    Rule("xieshang.record_speech", _("协商发言"), 3),
    Rule("xieshang.record_activity", _("参加工作室活动"), 2),
    Rule("sentiment.adopt", _("社情民意信息被采用"), 5),
    Rule("sentiment.instruct", _("社情民意信息获领导批示"), 5),
)


def _credits(event: TrailEvent, member_id: int) -> bool:
    change = event.change or {}
    if event.action == "xieshang.create_event":
        return member_id in (change.get("participants") or [])
    if event.action == "xieshang.record_speech":
        return change.get("member") == member_id
    if event.action == "xieshang.record_activity":
        return member_id in (change.get("members") or [])
    credit = change.get("credit") or {}
    return credit.get("member") == member_id or member_id in (credit.get("co_authors") or [])


def member_record(member: Member, *, year: int | None = None) -> dict:
    """The member's entries (newest first) and total points."""
    rules = {r.action: r for r in RULES}
    qs = TrailEvent.objects.filter(action__in=list(rules)).order_by("-at", "-id")
    if year:
        qs = qs.filter(at__year=year)
    entries = []
    for event in qs.only("at", "action", "object_label", "change"):
        change = event.change or {}
        cppcc = change.get("cppcc", (change.get("credit") or {}).get("cppcc"))
        if cppcc != member.cppcc_id or not _credits(event, member.pk):
            continue
        rule = rules[event.action]
        entries.append(
            {
                "at": event.at,
                "action": event.action,
                "label": str(rule.label),
                "object": event.object_label,
                "points": rule.points,
            }
        )
    return {"member": member.pk, "entries": entries, "total": sum(e["points"] for e in entries)}
