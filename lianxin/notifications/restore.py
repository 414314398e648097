"""After a restore (core.backup): no e-mail or SMS goes out twice.

A message that was waiting ("queued") or being sent ("sending") at the recovery point may have
been sent after the backup was made; the restored database cannot know. Every such message is
held ("待核对"): nothing sends it until a person has checked the gateway's record and, in the
admin's list of outbound messages, either sends it again (it did not go out) or marks it sent.
Tasks that were waiting at the recovery point run once more during the restore (their in-app
notifications were lost with the restore), and the e-mails and SMS they queue are held too."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from lianxin.core import queue

from .models import OutboundMessage
from .services import holding_outbound

HELD_NOTE = "从备份恢复：备份时尚待发送或正在发送，须核对短信网关或邮件服务的发送记录"


def after_restore(recovery_point: dt.datetime) -> dict:
    Status = OutboundMessage.Status
    held = OutboundMessage.objects.filter(status__in=[Status.QUEUED, Status.SENDING]).update(
        status=Status.HELD, error=HELD_NOTE
    )
    before = OutboundMessage.objects.filter(status=Status.HELD).count()
    with holding_outbound():
        ran = queue.run_pending_tasks()
    held_rerun = OutboundMessage.objects.filter(status=Status.HELD).count() - before
    return {"messages_held": held, "messages_held_rerun": held_rerun, **ran}


def release(messages, *, send: bool) -> int:
    """A person's decision on held messages: send them (the gateway shows they did not go out)
    or record them as sent (it shows they did). Returns how many changed."""
    from .tasks import deliver

    Status = OutboundMessage.Status
    ids = list(messages.filter(status=Status.HELD).values_list("pk", flat=True))
    with transaction.atomic():
        if send:
            OutboundMessage.objects.filter(pk__in=ids, status=Status.HELD).update(
                status=Status.QUEUED, error=""
            )
            for pk in ids:
                transaction.on_commit(lambda pk=pk: deliver.enqueue(pk))
        else:
            OutboundMessage.objects.filter(pk__in=ids, status=Status.HELD).update(
                status=Status.SENT, sent_at=timezone.now(), error=""
            )
    return len(ids)
