"""Due dates: Chinese working days (holidays and make-up workdays), calendar days and months.

The State Council's calendar comes from the maintained `chinese_calendar` library; the
administrators' `WorkdayOverride` rows win over it; for years the library does not know yet
(it is updated each December) weekends are the only days off until it is.

Both tables are small and read on every registration and assignment, so they are kept in
Django's cache (`CACHES`: this process's memory, or Redis shared by every server) for
`CACHE_SECONDS`; saving or deleting a row deletes the cached copy at once (see apps.py): with
Redis every server reads the change at once, with the local-memory cache other processes
within that time.
"""

from __future__ import annotations

import calendar
import datetime as dt
import secrets

import chinese_calendar
from django.core.cache import cache
from django.db import transaction

from lianxin.core import dates

from .models import DeadlinePolicy, WorkdayOverride

# Defaults used when an administrator deleted a row: the numbers of DOMAIN.md.
FALLBACK = {
    DeadlinePolicy.Step.TRIAGE: (1, DeadlinePolicy.Unit.WORKDAYS),
    DeadlinePolicy.Step.HANDLE: (15, DeadlinePolicy.Unit.WORKDAYS),
    DeadlinePolicy.Step.HANDLE_COMPLEX: (30, DeadlinePolicy.Unit.WORKDAYS),
    DeadlinePolicy.Step.FEEDBACK: (2, DeadlinePolicy.Unit.WORKDAYS),
    DeadlinePolicy.Step.RETURN_WINDOW: (3, DeadlinePolicy.Unit.WORKDAYS),
    DeadlinePolicy.Step.CO_OPINION: (1, DeadlinePolicy.Unit.MONTHS),
    DeadlinePolicy.Step.REHANDLE: (10, DeadlinePolicy.Unit.WORKDAYS),
    DeadlinePolicy.Step.AUTO_CONCLUDE: (7, DeadlinePolicy.Unit.DAYS),
    DeadlinePolicy.Step.REMIND_BEFORE: (2, DeadlinePolicy.Unit.WORKDAYS),
    DeadlinePolicy.Step.CO_OPINION_REMIND: (3, DeadlinePolicy.Unit.WORKDAYS),
}


CACHE_SECONDS = 60
# Versioned: a change of the cached value's shape takes a new key, never an old value.
TABLES_KEY = "lianxin:deadlines:tables:v1"


def _load_tables() -> dict:
    return {
        # Names this copy of the tables, so the due dates worked out from it go with it.
        "stamp": secrets.token_hex(8),
        "policies": {
            (kind, step): (amount, unit)
            for kind, step, amount, unit in DeadlinePolicy.objects.values_list(
                "kind", "step", "amount", "unit"
            )
        },
        "overrides": dict(WorkdayOverride.objects.values_list("date", "is_workday")),
    }


def _tables() -> dict:
    return cache.get_or_set(TABLES_KEY, _load_tables, CACHE_SECONDS)


def clear_cache(**kwargs) -> None:
    """Forget the cached policy (a row was saved or deleted). Takes a signal's keyword
    arguments, so it is connected to `post_save` / `post_delete` directly. Again after the
    commit: a copy read inside the transaction must not outlive it."""
    cache.delete(TABLES_KEY)
    transaction.on_commit(lambda: cache.delete(TABLES_KEY))


def is_workday(day: dt.date, overrides: dict[dt.date, bool] | None = None) -> bool:
    if overrides is not None and day in overrides:
        return overrides[day]
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def _overrides() -> dict[dt.date, bool]:
    return _tables()["overrides"]


def add_workdays(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start` (the start day itself does not count)."""
    if n <= 0:
        return start
    overrides = _overrides()
    day, left = start, n
    while left:
        day += dt.timedelta(days=1)
        if is_workday(day, overrides):
            left -= 1
    return day


def workdays_between(start: dt.date, end: dt.date) -> int:
    """The working days after `start` up to and including `end` (0 when end <= start)."""
    overrides = _overrides()
    n, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        n += is_workday(day, overrides)
    return n


def subtract_workdays(end: dt.date, n: int) -> dt.date:
    """The n-th working day before `end`."""
    if n <= 0:
        return end
    overrides = _overrides()
    day, left = end, n
    while left:
        day -= dt.timedelta(days=1)
        if is_workday(day, overrides):
            left -= 1
    return day


def add_months(start: dt.date, months: int) -> dt.date:
    """Calendar months as the law counts them (31 Jan + 1 month = 28/29 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def policy(kind: str, step: str) -> tuple[int, str]:
    row = _tables()["policies"].get((kind, step))
    if row is not None:
        return row
    return FALLBACK[step]


def shift(start: dt.date, amount: int, unit: str) -> dt.date:
    if unit == DeadlinePolicy.Unit.WORKDAYS:
        return add_workdays(start, amount)
    if unit == DeadlinePolicy.Unit.MONTHS:
        return add_months(start, amount)
    return start + dt.timedelta(days=amount)


def due(kind: str, step: str, start: dt.date | None = None) -> dt.date:
    """The due date of `step` for a case of `kind` that enters the step on `start` (today).
    Today's answers are cached with the policy they were worked out from (every registration
    asks the same): a new copy of the tables has a new stamp, so they are never stale."""
    if start is not None:
        amount, unit = policy(kind, step)
        return shift(start, amount, unit)
    today = dates.today()
    key = f"lianxin:deadlines:due:v1:{_tables()['stamp']}:{kind}:{step}:{today.isoformat()}"
    known = cache.get(key)
    if known is None:
        amount, unit = policy(kind, step)
        known = shift(today, amount, unit)
        cache.set(key, known, CACHE_SECONDS)
    return known


def remind_from(
    kind: str, due_date: dt.date, step: str = DeadlinePolicy.Step.REMIND_BEFORE
) -> dt.date:
    """The day the "due soon" reminder goes out: the lead time of policy `step` before it."""
    amount, unit = policy(kind, step)
    if unit == DeadlinePolicy.Unit.WORKDAYS:
        return subtract_workdays(due_date, amount)
    if unit == DeadlinePolicy.Unit.MONTHS:
        return add_months(due_date, -amount)
    return due_date - dt.timedelta(days=amount)
