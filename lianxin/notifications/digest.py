"""The daily digest: the informational notices held for a user whose notice mode is "digest"
(`services.notify(..., informational=True)`) become one notification a day, listing each with
its link, and one e-mail when the user has an address.

Built by the deadline scan (`manage.py scan_deadlines`, every ten minutes under `make run`):
the first scan at or after `LIANXIN_DIGEST_HOUR` o'clock each day gathers everything held
until then; what arrives later that day waits for the next day's digest."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import DigestItem, Notification, OutboundMessage
from .services import queue_message

VERB = "digest"


def digest_key(day: dt.date) -> str:
    return f"{VERB}:{day.isoformat()}"


def build_digests(now: dt.datetime | None = None, *, hour: int | None = None) -> int:
    """One digest for each user with held notices, once per day from `hour` (default
    `LIANXIN_DIGEST_HOUR`) on. Returns how many digests were made."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < (settings.LIANXIN_DIGEST_HOUR if hour is None else hour):
        return 0
    day = local.date()
    key = digest_key(day)
    pending = (
        DigestItem.objects.filter(digest__isnull=True, created_at__lte=now)
        .values("recipient_id")
        .annotate(first=Min("id"))
    )
    already = set(
        Notification.objects.filter(dedupe_key=key).values_list("recipient_id", flat=True)
    )
    made = 0
    for row in pending:
        if row["recipient_id"] in already:
            continue  # today's digest is out; these wait for tomorrow's
        if _build_one(row["recipient_id"], day, now):
            made += 1
    return made


def _build_one(user_id: int, day: dt.date, now: dt.datetime) -> bool:
    from lianxin.accounts.models import User

    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
        if user is None:
            return False
        items = list(
            DigestItem.objects.filter(recipient=user, digest__isnull=True, created_at__lte=now)
        )
        if not items:
            return False
        title = _("每日动态摘要（%(date)s）：%(n)s 条") % {"date": day.isoformat(), "n": len(items)}
        digest = Notification.objects.create(
            recipient=user,
            verb=VERB,
            title=title[:200],
            body="\n".join(i.title for i in items),
            dedupe_key=digest_key(day),
        )
        digest.url = reverse("notification_digest", args=[digest.pk])
        digest.save(update_fields=["url"])
        DigestItem.objects.filter(pk__in=[i.pk for i in items]).update(digest=digest)
        if user.email:
            queue_message(
                OutboundMessage.Channel.EMAIL,
                user.email,
                subject=title,
                body=email_body(items, digest),
                dedupe_key=f"{digest.dedupe_key}:email:{user.pk}",
            )
    return True


def email_body(items: list[DigestItem], digest: Notification) -> str:
    base = settings.LIANXIN_PUBLIC_BASE_URL
    lines = [_("以下是您关注事项的最新动态，需要您办理的事项已另行通知。"), ""]
    for n, item in enumerate(items, 1):
        lines.append(f"{n}. {item.title}")
        if item.url:
            lines.append(f"   {base}{item.url}")
    lines += ["", _("全部摘要：%(url)s") % {"url": base + digest.url}]
    return "\n".join(lines)
