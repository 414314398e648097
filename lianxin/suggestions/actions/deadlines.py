"""Time on a suggestion beyond the loop's own due date: the lead unit's extension requests
(延期申请, kept by casework.shared for every kind; here who hears of them) and the co-handling
units' opinion deadlines (会办意见期限)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from lianxin.casework import actions as loop
from lianxin.casework import shared
from lianxin.casework.actions import begin, finish
from lianxin.casework.models import Assignment, Case, ExtensionRequest
from lianxin.core import bulk, dates
from lianxin.core.errors import ValidationFailed
from lianxin.core.validators import clean_text

from ..models import CoOpinionDeadline
from .base import co_opinion_due, detail_url, unit_officers

DECISIONS = shared.DECISIONS


# --- Extension requests ---------------------------------------------------------------------------


@transaction.atomic
def do_request_extension(
    case: Case, *, reason: str, due_date, acting_user, version: int | None = None
) -> ExtensionRequest:
    """The lead unit asks, before its due date, to reply later: a reason and the date it asks
    for (after the current due date). One request at a time; the office is told."""
    reason = clean_text(reason, field="reason", label=_("延期理由"), max_length=2000, required=True)
    wanted = dates.parse_day(due_date, field="due_at", label=_("申请延至的日期"))
    if wanted is None:
        raise ValidationFailed(_("请填写申请延至的日期。"), field="due_at")
    locked, t = begin(case, "request_extension", acting_user, version=version)
    row = shared.request_extension(locked, reason=reason, wanted=wanted, acting_user=acting_user)
    assignment = row.assignment
    wanted = row.requested_due
    finish(
        locked,
        t,
        acting_user,
        note=reason,
        data={
            "extension": row.pk,
            "unit": assignment.unit.name,
            "due_date": locked.due_date.isoformat(),
            "requested_due": wanted.isoformat(),
        },
    )
    return row


@transaction.atomic
def do_decide_extension(
    case: Case,
    *,
    decision: str,
    note: str = "",
    due_date=None,
    acting_user,
    version: int | None = None,
) -> ExtensionRequest:
    """The office approves the pending request (the suggestion and every unit on it are then due
    on the approved date — the date asked for, or another one after the current due date — and
    the overdue flag is lifted; the scan reminds anew before the new date) or rejects it with a
    reason. The unit that asked is told."""
    if decision not in DECISIONS:
        raise ValidationFailed(
            _("审批意见应为 approve（同意）或 reject（不同意）。"), field="decision"
        )
    approve = decision == "approve"
    note = clean_text(
        note,
        field="note",
        label=_("不同意的理由") if not approve else _("审批意见"),
        required=not approve,
        max_length=2000,
    )
    other = (
        dates.parse_day(due_date, field="due_at", label=_("批准延至的日期")) if approve else None
    )
    locked, t = begin(case, "decide_extension", acting_user, version=version)
    row, fields, data = shared.decide_extension(
        locked, approve=approve, note=note, other=other, acting_user=acting_user
    )
    finish(locked, t, acting_user, fields=fields, note=note, data=data)
    return row


# --- Co-handling units' opinion deadlines -----------------------------------------------------------


def open_co_opinion_deadlines(case_ids: Iterable[int], start: dt.date | None = None) -> int:
    """Each co-handling unit newly assigned to these suggestions owes its opinion one calendar
    month from `start` (today). Called inside the assignment's transaction."""
    due = co_opinion_due(start or dates.today())
    ids = list(case_ids)
    made = 0
    for first in range(0, len(ids), 5000):
        rows = Assignment.objects.filter(
            case_id__in=ids[first : first + 5000],
            role=Assignment.Role.CO,
            status=Assignment.Status.ACTIVE,
            co_opinion_deadline__isnull=True,
        ).values_list("pk", "case_id", "unit_id")
        created = bulk.insert(
            [
                CoOpinionDeadline(assignment_id=pk, case_id=case_id, unit_id=unit_id, due_on=due)
                for pk, case_id, unit_id in rows
            ]
        )
        made += len(created)
    return made


def renew_co_opinion_deadlines(case: Case, start: dt.date | None = None) -> int:
    """Re-handling asks the co-handling units still on the suggestion for a new opinion: each
    owes it one calendar month from `start` (today), counted as at assignment. The earlier
    deadline's opinion and overdue mark are cleared, so the scan watches it again (its
    reminders are keyed by due date and round). Called inside the re-handling's transaction."""
    due = co_opinion_due(start or dates.today())
    renewed = CoOpinionDeadline.objects.filter(
        case_id=case.pk,
        assignment__role=Assignment.Role.CO,
        assignment__status=Assignment.Status.ACTIVE,
    ).update(due_on=due, opinion=None, is_overdue=False)
    return renewed + open_co_opinion_deadlines([case.pk], start)


@transaction.atomic
def do_mark_co_opinion_overdue(deadline: CoOpinionDeadline, *, acting_user=None) -> bool:
    """The scan: a co-handling unit's opinion not sent by its due date is marked overdue, once,
    on the suggestion's timeline; the co-handling unit and the lead unit are told."""
    row = CoOpinionDeadline.objects.filter(pk=deadline.pk).select_related("unit").first()
    if row is None:
        return False
    locked = loop.lock_case(Case(pk=row.case_id))
    row = (
        CoOpinionDeadline.objects.select_for_update(of=("self",))
        .select_related("unit", "assignment")
        .get(pk=row.pk)
    )
    if (
        row.is_overdue
        or row.opinion_id
        or row.due_on >= dates.today()
        or row.assignment.status != Assignment.Status.ACTIVE
    ):
        return False
    row.is_overdue = True
    row.save(update_fields=["is_overdue"])
    finish(
        locked,
        None,
        acting_user,
        action="co_opinion_overdue",
        note=_("%(unit)s未在%(date)s前提出会办意见。")
        % {"unit": row.unit.name, "date": row.due_on.isoformat()},
        data={"unit": row.unit.name, "unit_id": row.unit_id, "due_date": row.due_on.isoformat()},
    )
    return True


def co_opinion_reminder(row: CoOpinionDeadline, which: str) -> int:
    """Tell the co-handling unit its opinion is due soon (`soon`) or today (`today`); once per
    deadline, due date, handling round and kind of reminder."""
    from lianxin.notifications.models import Notification
    from lianxin.notifications.services import notify

    key = f"co_opinion_due_{which}:{row.pk}:{row.due_on.isoformat()}"
    if row.case.round > 1:
        # A deadline renewed by re-handling reminds anew, even on the same date.
        key += f":{row.case.round}"
    if Notification.objects.filter(dedupe_key=key).exists():
        return 0
    if which == "soon":
        heading = _("会办意见即将到期（%(date)s）：%(title)s")
    else:
        heading = _("会办意见今日到期（%(date)s）：%(title)s")
    rows = notify(
        unit_officers([row.unit_id]),
        verb=f"co_opinion_{which}",
        title=heading % {"date": row.due_on.isoformat(), "title": row.case.display_title},
        url=detail_url(row.case),
        dedupe_key=key,
        email=True,
    )
    return len(rows)
