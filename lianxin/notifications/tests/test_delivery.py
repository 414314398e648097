"""Every e-mail and SMS is sent at most once, whatever runs the delivery again: a second run
of the task, `retry_queued` from the deadline scan, or a task requeued after its worker died."""

import json

import pytest
from django.core.management import call_command

from lianxin.notifications.models import OutboundMessage
from lianxin.notifications.sms import FileBackend
from lianxin.notifications.tasks import deliver, retry_queued

pytestmark = pytest.mark.django_db


class DyingGateway(FileBackend):
    """A gateway that sends, then the worker dies (SIGKILL, a crash) before it records it."""

    def send(self, to: str, body: str) -> None:
        super().send(to, body)
        raise KeyboardInterrupt("worker killed")


def sent_bodies(path) -> list[str]:
    if not path.exists():
        return []
    return [json.loads(x)["body"] for x in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def sms_file(settings, tmp_path):
    settings.NOTIFICATIONS_SMS_BACKEND = "lianxin.notifications.sms.FileBackend"
    settings.NOTIFICATIONS_SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    return tmp_path / "sms.jsonl"


def test_running_the_delivery_twice_and_retry_queued_sends_once(sms_file):
    message = OutboundMessage.objects.create(channel="sms", to="13812345678", body="已受理")
    assert deliver.call(message.pk) == "sent"
    assert deliver.call(message.pk) == "skipped"
    retry_queued.call()
    assert sent_bodies(sms_file) == ["已受理"]
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 1


def test_a_worker_dying_after_the_gateway_sent_never_sends_again(settings, sms_file):
    message = OutboundMessage.objects.create(channel="sms", to="13812345678", body="办理结果")
    settings.NOTIFICATIONS_SMS_BACKEND = f"{__name__}.DyingGateway"
    with pytest.raises(KeyboardInterrupt):
        deliver.call(message.pk)
    settings.NOTIFICATIONS_SMS_BACKEND = "lianxin.notifications.sms.FileBackend"
    # The task is run again (requeued), and the deadline scan retries what waits.
    deliver.call(message.pk)
    call_command("scan_deadlines")
    assert sent_bodies(sms_file) == ["办理结果"]
    message.refresh_from_db()
    assert message.status == "sending"


def test_the_deadline_scan_sends_what_a_gateway_outage_left_queued(settings, sms_file):
    settings.NOTIFICATIONS_SMS_BACKEND = "lianxin.notifications.sms.BaseBackend"
    message = OutboundMessage.objects.create(channel="sms", to="13812345678", body="请评价")
    assert deliver.call(message.pk) == "failed"
    message.refresh_from_db()
    assert message.status == "queued" and "NotImplementedError" in message.error
    settings.NOTIFICATIONS_SMS_BACKEND = "lianxin.notifications.sms.FileBackend"
    call_command("scan_deadlines")
    call_command("scan_deadlines")
    assert sent_bodies(sms_file) == ["请评价"]


def test_a_task_left_running_by_a_killed_worker_is_queued_again_and_run_once(settings, sms_file):
    import datetime as dt

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        **settings.TASKS,
        "db": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }
    message = OutboundMessage.objects.create(channel="sms", to="13812345678", body="已办结")
    result = deliver.using(backend="db").enqueue(message.pk)
    # A worker claimed it and was killed (SIGKILL) before it finished.
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING", started_at=timezone.now() - dt.timedelta(hours=1)
    )
    call_command("run_tasks", "--batch", "--backend", "db")
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"
    call_command("run_tasks", "--batch", "--backend", "db")
    assert sent_bodies(sms_file) == ["已办结"]
