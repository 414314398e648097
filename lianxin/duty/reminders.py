"""The reminder the day before an activity, sent by the deadline scan (`scan_deadlines`, which
casework runs every few minutes): once per invitation, to the deputies who have not asked for
leave."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.accounts import access
from lianxin.core import trail
from lianxin.notifications.services import notify

from .models import Activity, Invitation


def remind_invitations(today: dt.date) -> dict[str, int]:
    tomorrow = today + dt.timedelta(days=1)
    due = (
        Invitation.objects.filter(
            activity__status=Activity.Status.PUBLISHED,
            activity__starts_at__date=tomorrow,
            reminded_at__isnull=True,
        )
        .exclude(answer=Invitation.Answer.DECLINED)
        .select_related("activity", "deputy__person")
        .order_by("pk")
    )
    sent = 0
    for inv in due:
        with transaction.atomic():
            row = Invitation.objects.select_for_update().filter(pk=inv.pk, reminded_at=None)
            if not row.update(reminded_at=timezone.now()):
                continue
            activity = inv.activity
            users = access.deputy_seat_holders([inv.deputy_id])
            notify(
                users,
                verb="duty_reminder",
                title=_("明日活动提醒：%(title)s") % {"title": activity.title},
                body=_("%(when)s，%(place)s。")
                % {
                    "when": timezone.localtime(activity.starts_at).strftime("%Y-%m-%d %H:%M"),
                    "place": activity.place,
                },
                url=inv.get_absolute_url(),
                dedupe_key=f"duty-reminder:{inv.pk}",
            )
            trail.record(
                "duty.remind",
                actor=None,
                obj=inv,
                seat=trail.SYSTEM,
                change={"activity": activity.pk},
            )
            sent += 1
    return {"duty_reminders": sent}
