"""Creating notifications. Actions do not call these directly: they queue the tasks
`casework.tasks.notify_event` or `notifications.tasks.notify_users` in their own transaction
(`core.queue.enqueue_with_transaction`), and the worker calls these, so nobody is told about a
change that was rolled back. The deadline scan, which runs outside any request, calls them
itself."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterable
from contextlib import contextmanager

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from lianxin.core.crypto import lookup_hash

from .models import DigestItem, Notification, OutboundMessage

logger = logging.getLogger(__name__)


def notify(
    users: Iterable,
    *,
    verb: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str = "",
    email: bool = False,
    informational: bool = False,
) -> list[Notification]:
    """An in-app notification for each user (once per `dedupe_key`), and an e-mail to those who
    have an address when `email` is set.

    `informational`: news the users are told of but need not act on. Those whose notice mode is
    "digest" get it in their next daily digest instead (`digest.build_digests`), without a
    notification or an e-mail of its own."""
    recipients = {u.pk: u for u in users if u is not None and u.is_active}
    if informational:
        held = [u for u in recipients.values() if u.notice_mode == u.NoticeMode.DIGEST]
        DigestItem.objects.bulk_create(
            DigestItem(
                recipient_id=u.pk, verb=verb[:32], title=title[:200], body=body, url=url[:300]
            )
            for u in held
        )
        for u in held:
            del recipients[u.pk]
    if not recipients:
        return []
    rows = [
        Notification(
            recipient_id=pk,
            verb=verb[:32],
            title=title[:200],
            body=body,
            url=url[:300],
            dedupe_key=dedupe_key[:200],
        )
        for pk in recipients
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=bool(dedupe_key))
    if email:
        for user in recipients.values():
            if user.email:
                queue_message(
                    OutboundMessage.Channel.EMAIL,
                    user.email,
                    body=f"{body}\n\n{url}".strip(),
                    subject=title,
                    dedupe_key=f"{dedupe_key}:email:{user.pk}" if dedupe_key else None,
                )
    return rows


def send_sms(phone: str, body: str, *, dedupe_key: str | None = None) -> OutboundMessage | None:
    """Queue an SMS; none once the number has had `LIANXIN_SMS_PER_NUMBER_PER_DAY` today (0: no
    cap), so that no one can bomb a chosen number through the public intake. What is not sent
    stays visible on the tracking page and in the in-app notices."""
    if not phone:
        return None
    cap = settings.LIANXIN_SMS_PER_NUMBER_PER_DAY
    if cap > 0:
        today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        sent_today = OutboundMessage.objects.filter(
            channel=OutboundMessage.Channel.SMS,
            to_hash=lookup_hash(phone, kind="recipient"),
            created_at__gte=today,
        ).count()
        if sent_today >= cap:
            logger.warning("SMS cap reached for a number: %s messages today", sent_today)
            return None
    return queue_message(OutboundMessage.Channel.SMS, phone, body=body, dedupe_key=dedupe_key)


_holding = contextvars.ContextVar("holding_outbound", default=False)


@contextmanager
def holding_outbound():
    """Messages queued inside are stored as held ("待核对") and not handed to the sender: used
    when tasks of a restored backup run again, whose messages may have gone out already."""
    token = _holding.set(True)
    try:
        yield
    finally:
        _holding.reset(token)


def queue_message(
    channel: str, to: str, *, body: str, subject: str = "", dedupe_key: str | None = None
) -> OutboundMessage | None:
    """Store the message, then hand it to the task queue once it is committed."""
    from .tasks import deliver

    held = _holding.get()
    try:
        with transaction.atomic():
            message = OutboundMessage.objects.create(
                channel=channel,
                to=to,
                subject=subject[:200],
                body=body,
                dedupe_key=dedupe_key,
                status=OutboundMessage.Status.HELD if held else OutboundMessage.Status.QUEUED,
            )
    except IntegrityError:
        return None  # already queued once under this key
    if not held:
        transaction.on_commit(lambda: deliver.enqueue(message.pk))
    return message
