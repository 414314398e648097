"""Sending e-mail and SMS in the background (django-tasks; the database backend in
production, run by `manage.py db_worker`)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from . import sms
from .models import OutboundMessage

MAX_ATTEMPTS = 5


@task()
def deliver(message_id: int) -> str:
    """Send one queued message; a message already sent is never sent again."""
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status == OutboundMessage.Status.SENT:
            return "skipped"
        message.attempts += 1
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
            message.error = f"{exc.__class__.__name__}: {exc}"[:2000]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboundMessage.Status.FAILED
            message.save(update_fields=["attempts", "error", "status"])
            return "failed"
        message.status = OutboundMessage.Status.SENT
        message.sent_at = timezone.now()
        message.error = ""
        message.save(update_fields=["attempts", "status", "sent_at", "error"])
        return "sent"


@task()
def retry_queued() -> int:
    """Re-queue messages that are still waiting (e.g. after a gateway outage)."""
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
