"""The deadline scan: marks overdue cases, sends reminders before and on the due date, and
concludes cases fed back long ago without a rating. Idempotent: running it twice in a row
changes nothing the second time. Run from cron (`manage.py scan_deadlines`) or in-process
(`scan_deadlines_task`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django_tasks import task

from lianxin.core import dates
from lianxin.core.errors import LianxinError

from . import deadlines
from .actions import do_conclude_case, do_mark_overdue_case
from .models import Case, DeadlinePolicy
from .notify import due_reminder
from .workflow import workflows

# How far ahead a "due soon" reminder can reach (the remind_before policy stays below this).
LOOKAHEAD_DAYS = 60
BATCH = 500


@dataclass
class ScanResult:
    overdue: int = 0
    reminded_soon: int = 0
    reminded_today: int = 0
    concluded: int = 0
    # What the intake apps' own scans did (see `register`), by name.
    extra: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, int]:
        out = {k: v for k, v in self.__dict__.items() if k != "extra"}
        return {**out, **self.extra}


# Deadlines an intake app keeps of its own (a suggestion's co-handling opinions): each a
# function (today) → {name: count}, with a Chinese label per name for the command's summary.
# Registered from the app's ready(); casework never imports an intake app.
_EXTRA_SCANS: list[Callable[[dt.date], dict[str, int]]] = []
EXTRA_LABELS: dict[str, object] = {}


def register(scan: Callable[[dt.date], dict[str, int]], labels: dict[str, object]) -> None:
    if scan not in _EXTRA_SCANS:
        _EXTRA_SCANS.append(scan)
    EXTRA_LABELS.update(labels)


def _ids(qs) -> list[int]:
    return list(qs.order_by("pk").values_list("pk", flat=True))


def in_batches(qs):
    """The rows of `qs` by pk, BATCH at a time, each batch read whole before the caller writes:
    no query stays open while reminders are written (on SQLite in WAL mode a connection that
    reads an open cursor cannot take the write lock once another process has committed, and
    fails with "database is locked" whatever the busy timeout)."""
    last = 0
    while True:
        rows = list(qs.filter(pk__gt=last).order_by("pk")[:BATCH])
        yield from rows
        if len(rows) < BATCH:
            return
        last = rows[-1].pk


def scan_deadlines(today: dt.date | None = None) -> ScanResult:
    today = today or dates.today()
    result = ScanResult()
    for wf in workflows():
        states = list(wf.deadline_steps)
        if not states:
            continue
        open_cases = Case.objects.filter(kind=wf.kind, state__in=states, due_date__isnull=False)

        for pk in _ids(open_cases.filter(is_overdue=False, due_date__lt=today)):
            if do_mark_overdue_case(Case(pk=pk), acting_user=None):
                result.overdue += 1

        remind_cache: dict[dt.date, dt.date] = {}
        upcoming = open_cases.filter(
            due_date__gte=today, due_date__lte=today + dt.timedelta(days=LOOKAHEAD_DAYS)
        )
        for case in in_batches(upcoming):
            if case.due_date == today:
                if due_reminder(case, "today"):
                    result.reminded_today += 1
                continue
            start = remind_cache.get(case.due_date)
            if start is None:
                start = remind_cache[case.due_date] = deadlines.remind_from(wf.kind, case.due_date)
            if today >= start and due_reminder(case, "soon"):
                result.reminded_soon += 1

        for t in wf.transitions:
            if not (t.system and t.action == "conclude"):
                continue
            amount, unit = deadlines.policy(wf.kind, DeadlinePolicy.Step.AUTO_CONCLUDE)
            floor = amount * (31 if unit == DeadlinePolicy.Unit.MONTHS else 1)
            candidates = Case.objects.filter(
                kind=wf.kind,
                state__in=t.sources,
                fed_back_at__lte=timezone.now() - dt.timedelta(days=floor),
            )
            for pk in _ids(candidates):
                try:
                    do_conclude_case(Case(pk=pk), acting_user=None)
                except LianxinError:
                    continue  # its guard says not yet (working days), or someone acted first
                result.concluded += 1
    for scan in _EXTRA_SCANS:
        for name, n in scan(today).items():
            result.extra[name] = result.extra.get(name, 0) + n
    return result


@task()
def scan_deadlines_task() -> dict[str, int]:
    from lianxin.notifications.digest import build_digests

    result = scan_deadlines().as_dict()
    result["digests"] = build_digests()
    return result
