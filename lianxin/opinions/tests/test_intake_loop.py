"""A public API submission is acknowledged once its case row is committed; the intake loop
then writes its registration entry and sends its notifications, once, in one transaction per
case (casework.actions.complete_intake, `manage.py complete_intake`)."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.management import call_command
from django.test import Client

from lianxin.casework.actions import complete_intake
from lianxin.casework.models import Case, CaseEvent
from lianxin.casework.tests.helpers import demo_seat
from lianxin.casework.tests.test_notify_queue import DB_TASKS, run_worker
from lianxin.core.crypto import lookup_hash
from lianxin.notifications.models import DigestItem, Notification, OutboundMessage

pytestmark = pytest.mark.django_db


def submit(key: str | None = None, **body):
    body = {"content": "顺城街路灯不亮，夜间出行不便。", "deputy": demo_seat().scan_code, **body}
    return Client().post(
        "/api/v1/opinions",
        body,
        content_type="application/json",
        headers={"Idempotency-Key": key or uuid.uuid4().hex},
    )


def test_the_api_acknowledges_the_committed_case_and_the_loop_completes_its_registration(
    settings,
):
    settings.TASKS = DB_TASKS  # as under `make run`: the worker delivers notifications
    r = submit(contact_phone="13812345678")
    assert r.status_code == 201
    case = Case.objects.get(pk=r.json()["id"])
    assert case.tracking_code == r.json()["tracking_code"]
    assert case.intake_pending and case.state == "registered"
    assert not case.events.exists()
    # Already followed: the tracking page knows it.
    track = Client().get(f"/api/v1/opinions/track/{case.tracking_code}")
    assert track.status_code == 200 and track.json()["state"] == "registered"
    assert [e["action"] for e in track.json()["timeline"]] == ["register"]
    deputy_users = Notification.objects.filter(url=f"/cases/{case.pk}/")
    assert not deputy_users.exists()

    assert complete_intake() == 1
    case.refresh_from_db()
    assert not case.intake_pending
    event = case.events.get()
    assert (event.action, event.actor_label, event.data) == ("register", "群众", {"channel": "api"})
    assert event.at == case.created_at and event.is_public
    run_worker()
    # Its notifications went out: the deputy's news waits for the daily digest (the office
    # counts it in its triage work list), the citizen has an SMS with the tracking code.
    assert DigestItem.objects.filter(
        url=f"/cases/{case.pk}/", recipient__username="deputy_demo"
    ).exists()
    sms = OutboundMessage.objects.get(to_hash=lookup_hash("13812345678", kind="recipient"))
    assert case.tracking_code in sms.body and "已登记" in sms.body

    # Once only, on the tracking page too.
    assert complete_intake() == 0
    assert case.events.count() == 1
    track = Client().get(f"/api/v1/opinions/track/{case.tracking_code}").json()
    assert [e["action"] for e in track["timeline"]] == ["register"]


def test_a_retry_before_and_after_completion_returns_the_same_case():
    key = uuid.uuid4().hex
    first = submit(key)
    again = submit(key)
    assert again.status_code == 201 and again.json()["replayed"] is True
    assert again.json()["id"] == first.json()["id"]
    complete_intake()
    third = submit(key)
    assert third.json()["id"] == first.json()["id"]
    assert Case.objects.filter(intake_key=f"opinion:{key}").count() == 1
    assert CaseEvent.objects.filter(case_id=first.json()["id"]).count() == 1


def test_the_same_key_with_other_content_is_refused():
    key = uuid.uuid4().hex
    assert submit(key).status_code == 201
    r = submit(key, content="另一件事：小区噪声扰民。")
    assert r.status_code == 409 and r.json()["code"] == "idempotency_mismatch"


def test_the_command_completes_what_is_pending_and_the_scan_page_needs_no_loop():
    pending = [submit().json()["id"] for _ in range(3)]
    out = io.StringIO()
    call_command("complete_intake", stdout=out)
    assert "完成登记 3 件" in out.getvalue()
    assert CaseEvent.objects.filter(case_id__in=pending, action="register").count() == 3
    # The scan-to-speak page (a person on a phone) registers in the request itself.
    client = Client()
    html = client.get(f"/s/{demo_seat().scan_code}").content.decode()
    key = html.split('name="idempotency_key" value="')[1].split('"')[0]
    client.post(
        f"/s/{demo_seat().scan_code}",
        {"content": "北关街道积水严重。", "idempotency_key": key},
    )
    case = Case.objects.get(intake_key=f"opinion:{key}")
    assert not case.intake_pending and case.events.filter(action="register").exists()


def test_the_deadline_scan_completes_pending_intake_when_no_loop_runs():
    case_id = submit().json()["id"]
    call_command("scan_deadlines", stdout=io.StringIO())
    assert CaseEvent.objects.filter(case_id=case_id, action="register").exists()
