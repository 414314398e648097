"""Today, as the offices count it: the date in the project's time zone (Asia/Shanghai), not the
server's nor UTC's. Every "today" of the platform (due dates, reception days, logs, printing)
is this one, so that tests travelling in time move them all at once.

`parse_day` is the one reader of a date a person or a program typed (YYYY-MM-DD): pages, the
API and the actions all use it, so a date far outside what the offices handle (`0001-01-01`,
`9999-12-31`, whose neighbours overflow Python's dates and the database's time stamps) is the
same clear refusal everywhere."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import ValidationFailed

# The years a date of the platform may fall in: wide enough for any record or deadline, narrow
# enough that a day's neighbours and its time stamps in any time zone stay valid.
FIRST_YEAR = 1900
LAST_YEAR = 2199


def today() -> dt.date:
    return timezone.localdate()


def parse_day(value, *, field: str, label: str | None = None) -> dt.date | None:
    """The date in `value` (a date, a datetime, or text beginning YYYY-MM-DD), None when it is
    empty; ValidationFailed on `field` when it is not a date or falls outside FIRST_YEAR to
    LAST_YEAR. `label` names the field in the message ("申请延至的日期格式有误…")."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip()[:10])
        except ValueError:
            if label:
                message = _("%(label)s格式有误，应为 YYYY-MM-DD。") % {"label": label}
            else:
                message = _("日期格式应为 YYYY-MM-DD，例如 2026-12-15。")
            raise ValidationFailed(message, field=field) from None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationFailed(
            _("日期应在 %(first)d 年至 %(last)d 年之间。")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            field=field,
        )
    return value
