"""Sending e-mail and SMS in the background (django-tasks; the database backend in
production, run by `manage.py run_tasks`)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from . import sms
from .models import OutboundMessage

MAX_ATTEMPTS = 5


@task()
def deliver(message_id: int) -> str:
    """Send one queued message at most once: the message is claimed ("sending") by a
    conditional update that commits before the gateway is called, so a task run again (a
    reclaimed task, retry_queued, two workers) finds it claimed and skips it. A message whose
    sender died between the claim and the result stays "sending" for a person to check; it is
    never sent a second time."""
    Status = OutboundMessage.Status
    with transaction.atomic():
        claimed = OutboundMessage.objects.filter(pk=message_id, status=Status.QUEUED).update(
            status=Status.SENDING, attempts=F("attempts") + 1
        )
    if not claimed:
        return "skipped"
    message = OutboundMessage.objects.get(pk=message_id)
    try:
        if message.channel == OutboundMessage.Channel.EMAIL:
            send_mail(
                message.subject,
                message.body,
                settings.DEFAULT_FROM_EMAIL,
                [message.to],
                fail_silently=False,
            )
        else:
            sms.get_backend().send(message.to, message.body)
    except Exception as exc:  # noqa: BLE001 - a gateway failure is recorded, not raised
        # Refused by the gateway: nothing went out, so it may be tried again.
        OutboundMessage.objects.filter(pk=message_id).update(
            error=f"{exc.__class__.__name__}: {exc}"[:2000],
            status=Status.FAILED if message.attempts >= MAX_ATTEMPTS else Status.QUEUED,
        )
        return "failed"
    OutboundMessage.objects.filter(pk=message_id).update(
        status=Status.SENT, sent_at=timezone.now(), error=""
    )
    return "sent"


@task()
def retry_queued() -> int:
    """Re-queue messages that are still waiting (e.g. after a gateway outage); run by every
    deadline scan. Safe to run at any time: `deliver` sends each message at most once."""
    ids = list(
        OutboundMessage.objects.filter(status=OutboundMessage.Status.QUEUED).values_list(
            "pk", flat=True
        )[:1000]
    )
    for pk in ids:
        deliver.enqueue(pk)
    return len(ids)


@task()
def notify_users(user_ids: list[int], verb: str, title: str, body: str = "", url: str = "") -> int:
    """In-app notifications for these users (queued by an action with
    `core.queue.enqueue_with_transaction`, so they exist exactly when its change commits)."""
    from lianxin.accounts.models import User

    from .services import notify

    users = User.objects.filter(pk__in=user_ids, is_active=True)
    return len(notify(users, verb=verb, title=title, body=body, url=url))
