"""Central assignment (集中交办) of a session's accepted suggestions, all at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.accounts.access import can
from lianxin.casework import actions as loop
from lianxin.casework import deadlines
from lianxin.casework.models import (
    Assignment,
    Case,
    CaseEvent,
    DeadlinePolicy,
    Kind,
)
from lianxin.casework.tasks import notify_events
from lianxin.core import bulk, dates, trail
from lianxin.core.errors import Conflict, Forbidden, ValidationFailed
from lianxin.core.queue import enqueue_with_transaction
from lianxin.core.validators import clean_text
from lianxin.org.models import HandlingUnit

from ..models import Suggestion
from .base import (
    S,
    due_after_assignment,
)
from .deadlines import open_co_opinion_deadlines

# --- Central assignment after a session ------------------------------------------------------------


@dataclass
class AssignItem:
    case_id: int
    lead_unit: HandlingUnit
    co_units: list[HandlingUnit] = field(default_factory=list)
    complex: bool | None = None
    version: int | None = None


MAX_BATCH = 20000


@transaction.atomic
def do_assign_suggestions(items: Sequence[AssignItem], *, note: str = "", acting_user) -> list[int]:
    """Central assignment (集中交办) of many accepted suggestions at once, each to its lead unit
    and co-handling units; all or nothing. Writes what `casework.actions.do_assign_case` writes
    for each (the assignments, the due date, the state, the timeline event) in a few bulk
    statements, and tells each unit once how many it received."""
    note = clean_text(note, field="note", label=_("交办意见"), required=False)
    if not items:
        raise ValidationFailed(_("请至少选择一件建议。"), field="items")
    if len(items) > MAX_BATCH:
        raise ValidationFailed(_("一次最多交办 %(n)s 件。") % {"n": MAX_BATCH}, field="items")
    ids = [i.case_id for i in items]
    if len(set(ids)) != len(ids):
        raise ValidationFailed(_("同一件建议不能重复列入。"), field="items")
    for item in items:
        for u in [item.lead_unit, *item.co_units]:
            if not u.is_active:
                raise ValidationFailed(
                    _("%(unit)s已停用，不能交办。") % {"unit": u.name}, field="lead_unit"
                )
    # Lock every row first (PostgreSQL: row locks, in id order against deadlocks; SQLite: the
    # write transaction), then check: a second office acting at the same time waits and is
    # then told what changed.
    locked = {c.pk: c for c in Case.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    missing = [i for i in ids if i not in locked]
    if missing:
        raise ValidationFailed(
            _("建议 %(ids)s 不存在。") % {"ids": "、".join(map(str, missing[:10]))}, field="items"
        )
    late, transitions = [], {}
    for item in items:
        case = locked[item.case_id]
        if case.kind != Kind.SUGGESTION:
            raise ValidationFailed(_("只能交办代表建议。"), field="items")
        if acting_user is not None and not can(acting_user, "case.assign", case):
            raise Forbidden(_("您没有权限交办“%(title)s”。") % {"title": case.display_title})
        if item.version is not None and case.version != item.version:
            raise Conflict(
                _("“%(title)s”已被他人更新，请刷新后重试。") % {"title": case.display_title},
                code="stale",
            )
        if case.state != S.ACCEPTED:
            late.append(case)
            continue
        # The workflow's own check, as `do_assign_case` makes it: none of these cases has an
        # active assignment (one query above), so its guards read nothing more.
        case._active_assignments = []
        try:
            transitions[case.pk] = case.workflow.check(case, "assign", acting_user)
        except Conflict:
            late.append(case)
    if late:
        titles = "、".join(f"“{c.display_title}”" for c in late[:5])
        raise Conflict(
            _("%(titles)s等 %(n)s 件建议已不在“审查通过”状态（可能已被他人交办），未作任何交办。")
            % {"titles": titles, "n": len(late)},
            code="invalid_transition",
        )
    if Assignment.objects.filter(case_id__in=ids, status=Assignment.Status.ACTIVE).exists():
        raise Conflict(_("部分建议已有在办的交办。"), code="invalid_transition")

    today = dates.today()
    now = timezone.now()
    due = {False: due_after_assignment(today), True: due_after_assignment(today, complex=True)}
    return_deadline = deadlines.due(Kind.SUGGESTION, DeadlinePolicy.Step.RETURN_WINDOW, today)
    complexity = {True: [], False: []}
    for item in items:
        if item.complex is not None:
            complexity[bool(item.complex)].append(item.case_id)
    for value, case_ids in complexity.items():
        if case_ids:
            Suggestion.objects.filter(case_id__in=case_ids).update(is_complex=value)
    is_complex = dict(
        Suggestion.objects.filter(case_id__in=ids).values_list("case_id", "is_complex")
    )
    label = loop.actor_label(acting_user)
    assignments, events, trail_rows, cases = [], [], [], []
    seats: dict[tuple, trail.Seat] = {}
    for item in items:
        case = locked[item.case_id]
        co = [u for u in dict.fromkeys(item.co_units) if u.pk != item.lead_unit.pk]
        case_due = due[bool(is_complex.get(case.pk))]
        for unit, role in [(item.lead_unit, Assignment.Role.LEAD)] + [
            (u, Assignment.Role.CO) for u in co
        ]:
            assignments.append(
                Assignment(
                    case_id=case.pk,
                    unit=unit,
                    role=role,
                    assigned_at=now,
                    assigned_by=acting_user,
                    due_date=case_due,
                    return_deadline=return_deadline,
                )
            )
        case.state = S.ASSIGNED
        case.due_date = case_due
        case.is_overdue = False
        case.version += 1
        case.updated_at = now
        cases.append(case)
        events.append(
            CaseEvent(
                case_id=case.pk,
                at=now,
                action="assign",
                from_state=S.ACCEPTED,
                to_state=transitions[case.pk].target,
                actor=acting_user,
                actor_label=label,
                note=note,
                data={
                    "lead_unit": item.lead_unit.name,
                    "co_units": [u.name for u in co],
                    "due_date": case_due.isoformat(),
                    "batch": len(items),
                },
                is_public=True,
            )
        )
        # The seat follows from what the case says (its congress, deputy, station): cases that
        # say the same are acted on in the same seat, found once.
        context = loop.seat_context(case, acting_user)
        key = tuple(sorted((k, str(v)) for k, v in context.items()))
        if key not in seats:
            seats[key] = trail.seat_of(acting_user, **context)
        trail_rows.append(loop.trail_event(case, events[-1], acting_user, seat=seats[key]))
    bulk.insert(assignments)
    # Every case moves the same way; only the due date differs (plain or complex): a few
    # UPDATEs rather than one CASE per row.
    by_due: dict = {}
    for case in cases:
        by_due.setdefault(case.due_date, []).append(case.pk)
    for case_due, case_ids in by_due.items():
        for start in range(0, len(case_ids), 5000):
            Case.objects.filter(pk__in=case_ids[start : start + 5000]).update(
                state=S.ASSIGNED,
                due_date=case_due,
                is_overdue=False,
                version=F("version") + 1,
                updated_at=now,
            )
    for event, row in zip(events, trail.record_many(trail_rows), strict=True):
        event.trail = row
    bulk.insert(events)
    open_co_opinion_deadlines(ids, today)
    # The kind's rule tells each unit's officers once of the whole batch (suggestions.notices).
    enqueue_with_transaction(notify_events, [e.pk for e in events])
    return ids
