"""The steps after a point-in-time recovery (`manage.py restore --finish-recovery TIME`): the
messages waiting or being sent are held, new ids pass the margin, one audit entry."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lianxin.core import backup
from lianxin.core.models import AuditLog
from lianxin.notifications.models import OutboundMessage

pytestmark = pytest.mark.django_db


def test_finishing_a_recovery_holds_messages_and_moves_ids_on():
    waiting = OutboundMessage.objects.create(channel="sms", to="13800000011", body="排队")
    sending = OutboundMessage.objects.create(
        channel="sms", to="13800000012", body="发送中", status="sending"
    )
    sent = OutboundMessage.objects.create(
        channel="sms", to="13800000013", body="已发", status="sent"
    )
    out = io.StringIO()
    call_command("restore", finish_recovery="2026-12-04T10:30:00+08:00", stdout=out)
    assert "待核对消息 2 条" in out.getvalue()
    statuses = dict(
        OutboundMessage.objects.filter(pk__in=[waiting.pk, sending.pk, sent.pk]).values_list(
            "pk", "status"
        )
    )
    assert statuses == {waiting.pk: "held", sending.pk: "held", sent.pk: "sent"}
    after = OutboundMessage.objects.create(channel="sms", to="13800000014", body="恢复后")
    assert after.pk >= sent.pk + backup.ID_MARGIN
    entry = AuditLog.objects.get(kind="restored")
    assert entry.detail["recovery_point"] == "2026-12-04T10:30:00+08:00"
    assert entry.detail["messages_held"] == 2


def test_a_person_releases_held_messages_after_checking_the_gateway(admin_client):
    held = [
        OutboundMessage.objects.create(
            channel="sms", to=f"1380000002{i}", body="待核对", status="held"
        )
        for i in range(2)
    ]
    r = admin_client.post(
        "/admin/notifications/outboundmessage/",
        {"action": "mark_sent", "_selected_action": [held[0].pk]},
    )
    assert r.status_code == 302
    held[0].refresh_from_db()
    assert held[0].status == "sent" and held[0].sent_at is not None
    r = admin_client.post(
        "/admin/notifications/outboundmessage/",
        {"action": "send_again", "_selected_action": [held[1].pk]},
    )
    held[1].refresh_from_db()
    assert held[1].status in ("queued", "sent")  # queued again; the test backend sends at once


def test_a_wrong_time_is_refused_plainly():
    with pytest.raises(CommandError, match="格式"):
        call_command("restore", finish_recovery="昨天")
