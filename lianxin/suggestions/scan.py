"""The suggestions' part of the deadline scan (`manage.py scan_deadlines`): co-handling units
are reminded before their opinion is due (policy step `co_opinion_remind`, 3 working days by
default) and on the day, and an opinion not sent by then is marked overdue. Idempotent like the
loop's scan: reminders are keyed by deadline, due date and (after re-handling) round, the
overdue mark is set once per deadline."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from lianxin.casework import deadlines
from lianxin.casework.models import Assignment, DeadlinePolicy, Kind
from lianxin.casework.scan import in_batches
from lianxin.core import dates

from .actions import co_opinion_reminder, do_mark_co_opinion_overdue
from .models import CoOpinionDeadline
from .queries import CO_OPINION_STATES

LABELS = {
    "co_opinion_overdue": _("会办意见逾期"),
    "co_opinion_soon": _("会办意见即将到期提醒"),
    "co_opinion_today": _("会办意见今日到期提醒"),
}


def remind_from(due_on: dt.date) -> dt.date:
    """The day a co-handling unit is first reminded of an opinion due on `due_on`: the policy's
    lead time (`co_opinion_remind`) before it. A one-month period gets a short warning, not the
    `remind_before` of the 3-month period."""
    return deadlines.remind_from(Kind.SUGGESTION, due_on, DeadlinePolicy.Step.CO_OPINION_REMIND)


def scan_co_opinions(today: dt.date | None = None) -> dict[str, int]:
    today = today or dates.today()
    result = dict.fromkeys(LABELS, 0)
    waiting = CoOpinionDeadline.objects.filter(
        opinion__isnull=True,
        assignment__status=Assignment.Status.ACTIVE,
        case__state__in=CO_OPINION_STATES,
    )
    late = waiting.filter(is_overdue=False, due_on__lt=today).order_by("pk")
    for pk in list(late.values_list("pk", flat=True)):
        if do_mark_co_opinion_overdue(CoOpinionDeadline(pk=pk), acting_user=None):
            result["co_opinion_overdue"] += 1
    starts: dict[dt.date, dt.date] = {}
    # No due date later than this is reminded today (a week's slack for holidays and months).
    amount, unit = deadlines.policy(Kind.SUGGESTION, DeadlinePolicy.Step.CO_OPINION_REMIND)
    horizon = deadlines.shift(today, amount, unit) + dt.timedelta(days=7)
    upcoming = waiting.filter(due_on__gte=today, due_on__lte=horizon).select_related("case")
    # Whole batches read before reminders are written (see casework.scan.in_batches).
    for row in in_batches(upcoming):
        if row.due_on == today:
            if co_opinion_reminder(row, "today"):
                result["co_opinion_today"] += 1
            continue
        start = starts.get(row.due_on)
        if start is None:
            start = starts[row.due_on] = remind_from(row.due_on)
        if today >= start and co_opinion_reminder(row, "soon"):
            result["co_opinion_soon"] += 1
    return result


def register() -> None:
    from lianxin.casework import scan

    scan.register(scan_co_opinions, LABELS)
