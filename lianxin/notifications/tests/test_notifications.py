"""In-app notifications, e-mail through Django's mail backends, SMS through a pluggable backend."""

import io
import json

import pytest
from django.core import mail
from django.template import Context, Template
from django.test import RequestFactory

from lianxin.accounts.models import User
from lianxin.core.crypto import lookup_hash
from lianxin.notifications import sms
from lianxin.notifications.models import Notification, OutboundMessage
from lianxin.notifications.services import notify, send_sms

pytestmark = pytest.mark.django_db


def test_a_key_makes_a_notification_arrive_once():
    user = User.objects.get(username="yc_staff")
    for _ in range(3):
        notify([user], verb="due_soon", title="即将到期", dedupe_key="due_soon:1:2026-03-23")
    assert (
        Notification.objects.filter(recipient=user, dedupe_key="due_soon:1:2026-03-23").count() == 1
    )


def test_email_goes_through_the_mail_backend_once(django_capture_on_commit_callbacks):
    user = User.objects.get(username="yc_staff")
    user.email = "yc@example.org"
    user.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        notify([user], verb="assign", title="新交办", body="请办理", email=True, dedupe_key="k1")
        notify([user], verb="assign", title="新交办", body="请办理", email=True, dedupe_key="k1")
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "新交办"
    assert (
        OutboundMessage.objects.get(to_hash=lookup_hash("yc@example.org", kind="recipient")).status
        == "sent"
    )


def test_sms_backends_console_and_file(settings, tmp_path, django_capture_on_commit_callbacks):
    out = io.StringIO()
    sms.ConsoleBackend(stream=out).send("13812345678", "您好")
    # The console is the server's log: the number is masked there (core.logmask).
    assert "to=138****5678" in out.getvalue() and "您好" in out.getvalue()
    assert "13812345678" not in out.getvalue()
    settings.NOTIFICATIONS_SMS_BACKEND = "lianxin.notifications.sms.FileBackend"
    settings.NOTIFICATIONS_SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    with django_capture_on_commit_callbacks(execute=True):
        send_sms("13812345678", "办理结果已反馈", dedupe_key="fb:1")
        send_sms("13812345678", "办理结果已反馈", dedupe_key="fb:1")
    lines = (tmp_path / "sms.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["body"] for x in lines] == ["办理结果已反馈"]


def test_a_failing_gateway_is_recorded_not_raised(settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATIONS_SMS_BACKEND = "lianxin.notifications.sms.BaseBackend"
    with django_capture_on_commit_callbacks(execute=True):
        message = send_sms("13812345678", "测试")
    message.refresh_from_db()
    assert (
        message.status == "queued"
        and message.attempts == 1
        and "NotImplementedError" in message.error
    )


def test_the_workbench_partial_lists_unread_notifications():
    user = User.objects.get(username="unit_demo")
    notify([user], verb="assign", title="新交办：测试事项", url="/cases/1/")
    request = RequestFactory().get("/workbench/")
    request.user = user
    html = Template("{% load notifications %}{% unread_notifications %}").render(
        Context({"request": request})
    )
    assert "新交办：测试事项" in html and "未读" in html
