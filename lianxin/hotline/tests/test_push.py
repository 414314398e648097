"""Pushing back to a hotline: the signed webhook (a local server that checks the signature,
one that times out then answers, one that answers 400), the delivery log with "retry now",
and the export of a source's work orders as Excel and CSV, read back."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from lianxin.casework import actions
from lianxin.casework.models import Case
from lianxin.core.errors import Conflict
from lianxin.core.models import TrailEvent

from .. import jobs, push
from ..models import Delivery, WorkOrder
from . import helpers
from .httpserver import Server

pytestmark = pytest.mark.django_db

SECRET = "hotline-shared-secret-0123"


@pytest.fixture
def server():
    s = Server().start()
    yield s
    s.stop()


def _orders(api, django_capture_on_commit_callbacks, users, hook: str, n: int = 2):
    src = helpers.source()
    jobs.save_source(
        src,
        name=src.name,
        mapping=src.mapping,
        states_text="\n".join(f"{k} = {v}" for k, v in src.state_mapping.items()),
        acting_user=users["jz_staff"],
        connection={
            "pull_url": "",
            "pull_format": "json",
            "pull_interval_minutes": 60,
            "webhook_url": hook,
            "webhook_secret": SECRET,
        },
    )
    # Rows 2.. are received, not dispatched (row 1 is dispatched on import).
    table = helpers.rows(n + 1, prefix="H")[1:]
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_user("jz_staff").post_multipart(
            "/api/v1/work-orders/imports",
            {"file": SimpleUploadedFile("h.csv", helpers.csv_bytes(table)), "source": src.name},
        )
    assert response.status_code == 202, response.content
    return src, list(WorkOrder.objects.filter(source=src).order_by("number"))


def _act(client, pk, action, body):
    response = client.post(f"/api/v1/cases/{pk}/actions/{action}", body)
    assert response.status_code == 200, (action, response.content)


def _reply_and_conclude(api, pk):
    staff, unit = api.as_user("jz_staff"), api.as_user("unit_demo")
    _act(staff, pk, "triage", {"category": "transport"})
    _act(staff, pk, "assign", {"lead_unit": "JZ-JTYSJ"})
    _act(unit, pk, "reply", {"content": "已安排维修，三日内完成。"})
    _act(staff, pk, "evaluate", {"rating": "satisfied", "comment": "满意"})
    _act(staff, pk, "conclude", {"note": ""})


def _signed_ok(request) -> bool:
    expected = "sha256=" + hmac.new(SECRET.encode(), request["body"], hashlib.sha256).hexdigest()
    return hmac.compare_digest(request["headers"]["X-Lianxin-Signature"], expected)


def test_reply_conclusion_and_merge_are_delivered_signed_once(
    api, django_capture_on_commit_callbacks, users, server
):
    src, (order, other) = _orders(
        api, django_capture_on_commit_callbacks, users, server.url + "/hook"
    )
    _reply_and_conclude(api, order.case_id)
    # A merge, as the loop's merge writes it: the duplicate's "merge", the main case's
    # "merged_in".
    with transaction.atomic():
        dup = Case.objects.select_for_update().get(pk=other.case_id)
        dup.merged_into_id = order.case_id
        actions.finish(dup, None, users["jz_staff"], action="merge", fields=["merged_into"])
        main = Case.objects.select_for_update().get(pk=order.case_id)
        actions.finish(main, None, users["jz_staff"], action="merged_in", data={"case": dup.pk})
    call_command("deliver_webhooks")
    events = sorted(Delivery.objects.filter(source=src).values_list("event", flat=True))
    assert events == ["conclude", "merge", "merged_in", "reply"]
    assert set(Delivery.objects.values_list("status", flat=True)) == {"delivered"}
    assert len(server.received) == 4
    for request in server.received:
        assert request["method"] == "POST" and _signed_ok(request)
        headers = request["headers"]
        body = json.loads(request["body"])
        assert headers["Idempotency-Key"] == body["id"] == headers["X-Lianxin-Delivery"]
        assert headers["X-Lianxin-Event"] == body["event"]
        assert abs(int(headers["X-Lianxin-Timestamp"]) - timezone.now().timestamp()) < 60
    bodies = {json.loads(r["body"])["event"]: json.loads(r["body"]) for r in server.received}
    assert bodies["reply"]["number"] == order.number
    assert bodies["reply"]["reply"]["content"] == "已安排维修，三日内完成。"
    assert bodies["conclude"]["state"] == "concluded"
    assert bodies["merge"]["number"] == other.number
    assert bodies["merge"]["merged_into"]["number"] == order.number
    # Nothing is sent twice: the next step finds nothing; the reader's cursor has moved.
    assert push.step() == 0
    assert len(server.received) == 4
    # A tampered body would not match.
    forged = {**server.received[0], "body": server.received[0]["body"] + b" "}
    assert not _signed_ok(forged)


@override_settings(LIANXIN_HOTLINE_HTTP_TIMEOUT=0.5)
def test_timeout_and_500_are_retried_with_backoff_then_delivered(
    api, django_capture_on_commit_callbacks, users, server
):
    server.script = [("hold",), ("status", 503), ("status", 200)]
    src, (order, _other) = _orders(
        api, django_capture_on_commit_callbacks, users, server.url + "/hook"
    )
    staff, unit = api.as_user("jz_staff"), api.as_user("unit_demo")
    _act(staff, order.case_id, "triage", {"category": "transport"})
    _act(staff, order.case_id, "assign", {"lead_unit": "JZ-JTYSJ"})
    _act(unit, order.case_id, "reply", {"content": "已处理。"})
    before = timezone.now()
    push.step()
    d = Delivery.objects.get(source=src)
    assert (d.status, d.attempts) == ("pending", 1)
    assert "请求超时" in d.last_error
    # Base 30 s, doubling, capped.
    assert dt.timedelta(seconds=29) < d.next_attempt_at - before < dt.timedelta(seconds=40)
    assert [push.backoff(n) for n in (1, 2, 3, 20)] == [30, 60, 120, 3600]
    assert push.send_due() == 0  # not due yet
    Delivery.objects.filter(pk=d.pk).update(next_attempt_at=timezone.now())
    push.send_due()
    d.refresh_from_db()
    assert (d.status, d.attempts, d.last_status_code) == ("pending", 2, 503)
    Delivery.objects.filter(pk=d.pk).update(next_attempt_at=timezone.now())
    push.send_due()
    d.refresh_from_db()
    assert (d.status, d.attempts, d.last_status_code, d.last_error) == ("delivered", 3, 200, "")
    keys = {r["headers"]["Idempotency-Key"] for r in server.received}
    assert keys == {d.key} and len(server.received) == 3
    # After the attempts allowed, a retryable failure is final.
    server.script = [("status", 500)]
    _act(staff, order.case_id, "evaluate", {"rating": "satisfied"})
    _act(staff, order.case_id, "conclude", {})
    with override_settings(LIANXIN_HOTLINE_WEBHOOK_MAX_ATTEMPTS=1):
        push.step()
    last = Delivery.objects.get(source=src, event="conclude")
    assert (last.status, last.attempts) == ("failed", 1)


def test_400_is_not_retried_and_retry_now_on_the_log_page(
    api, django_capture_on_commit_callbacks, users, server
):
    server.script = [("status", 400)]
    src, (order, _other) = _orders(
        api, django_capture_on_commit_callbacks, users, server.url + "/hook"
    )
    staff, unit = api.as_user("jz_staff"), api.as_user("unit_demo")
    _act(staff, order.case_id, "triage", {"category": "transport"})
    _act(staff, order.case_id, "assign", {"lead_unit": "JZ-JTYSJ"})
    _act(unit, order.case_id, "reply", {"content": "已处理。"})
    push.step()
    d = Delivery.objects.get(source=src)
    assert (d.status, d.attempts, d.last_status_code) == ("failed", 1, 400)
    assert "HTTP 400" in d.last_error and d.next_attempt_at is None
    Delivery.objects.filter(pk=d.pk).update(next_attempt_at=timezone.now())
    assert push.send_due() == 0
    client = Client()
    client.force_login(users["jz_staff"])
    url = f"/work-orders/sources/{src.pk}/deliveries/"
    page = client.get(url).content.decode()
    assert 'class="delivery delivery-failed"' in page and "HTTP 400" in page
    # Retry now: the receiver still refuses, then accepts.
    response = client.post(url, {"delivery": d.pk}, follow=True)
    assert "未送达" in response.content.decode()
    d.refresh_from_db()
    assert (d.status, d.attempts) == ("failed", 2)
    server.script = [("status", 200)]
    response = client.post(url, {"delivery": d.pk}, follow=True)
    assert "已送达" in response.content.decode()
    d.refresh_from_db()
    assert (d.status, d.attempts) == ("delivered", 3)
    assert TrailEvent.objects.filter(action="hotline.delivery_retry").count() == 2
    with pytest.raises(Conflict):
        push.retry_now(d, acting_user=users["jz_staff"])
    refused = client.post(url, {"delivery": d.pk})
    assert refused.status_code == 409 and "不再重发" in refused.content.decode()
    assert len(server.received) == 3
    # Another county's staff: 404, as for a source that does not exist.
    other = Client()
    other.force_login(users["yc_staff"])
    assert other.post(url, {"delivery": d.pk}).status_code == 404


def test_export_as_excel_and_csv_for_a_period(api, django_capture_on_commit_callbacks, users):
    from openpyxl import load_workbook

    src, (order, other, third) = _orders(api, django_capture_on_commit_callbacks, users, "", n=3)
    _reply_and_conclude(api, order.case_id)
    client = Client()
    client.force_login(users["jz_staff"])
    url = f"/work-orders/sources/{src.pk}/export"
    assert client.get(url).status_code == 200
    response = client.get(url, {"format": "xlsx"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("工单编号", "受理时间", "受理渠道", "热线状态", "本系统状态")
    by_number = {r[0]: r for r in rows[1:]}
    assert set(by_number) == {order.number, other.number, third.number}
    done = by_number[order.number]
    assert (
        done[4] == "已办结"
        and done[7] == "已安排维修，三日内完成。"
        and done[10].startswith("满意")
    )
    # A period: the orders received in it only (row i was received in month 1 + i % 9).
    received = timezone.localtime(order.received_at).date()
    response = client.get(url, {"format": "csv", "from": received, "to": received})
    text = response.content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert [r[0] for r in table[1:]] == [order.number]
    assert TrailEvent.objects.filter(action="hotline.export").count() == 2
    bad = client.get(url, {"format": "xlsx", "from": "2020-13-01"})
    assert bad.status_code == 422 and "年-月-日" in bad.content.decode()
    assert client.get(url, {"format": "pdf"}).status_code == 422


def test_a_webhook_set_later_does_not_replay_earlier_events(
    api, django_capture_on_commit_callbacks, users, server
):
    src, (order, other) = _orders(api, django_capture_on_commit_callbacks, users, "")
    staff, unit = api.as_user("jz_staff"), api.as_user("unit_demo")
    _act(staff, order.case_id, "triage", {"category": "transport"})
    _act(staff, order.case_id, "assign", {"lead_unit": "JZ-JTYSJ"})
    _act(unit, order.case_id, "reply", {"content": "已处理。"})
    jobs.save_source(
        src,
        name=src.name,
        mapping=src.mapping,
        states_text="",
        acting_user=users["jz_staff"],
        connection={"webhook_url": server.url + "/hook", "webhook_secret": SECRET},
    )
    _act(staff, order.case_id, "evaluate", {"rating": "satisfied"})
    _act(staff, order.case_id, "conclude", {})
    push.step()
    assert list(Delivery.objects.values_list("event", "status")) == [("conclude", "delivered")]
    assert len(server.received) == 1
