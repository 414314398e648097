"""Today, as the offices count it: the date in the project's time zone (Asia/Shanghai), not the
server's nor UTC's. Every "today" of the platform (due dates, reception days, logs, printing)
is this one, so that tests travelling in time move them all at once."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()
