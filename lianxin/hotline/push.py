"""Pushing back to a hotline by signed webhook (`Source.webhook_url`, `Source.webhook_secret`).

- **Queued from the trail.** The reader `hotline.webhooks` (core.trail.follow, with its own
  cursor, so no event is lost if the sender is down) turns every reply, conclusion and merge
  (either side) of a work order whose source has a webhook into one `Delivery` with the payload
  fixed at that moment — events from the time the webhook was set (`Source.webhook_since`). The delivery's key is the source and the trail event: one event, one
  delivery, whatever happens to the reader.
- **Sent** (`send_due`, `manage.py deliver_webhooks --every SECONDS`) as a JSON POST with
  `X-Lianxin-Signature: sha256=<HMAC-SHA256 of the raw body with the source's secret>`,
  `X-Lianxin-Timestamp` (Unix seconds of the attempt), `X-Lianxin-Event` and
  `Idempotency-Key` / `X-Lianxin-Delivery` (the delivery's key, the same on every attempt).
- **Retried** on a timeout, a failed connection, 5xx, 408 and 429, after base × 2^(n-1)
  seconds capped (`LIANXIN_HOTLINE_WEBHOOK_BACKOFF_BASE`, `…_MAX_BACKOFF`), up to
  `LIANXIN_HOTLINE_WEBHOOK_MAX_ATTEMPTS`; any other 4xx fails at once (the receiver refused the
  request; sending it again would not change that). A delivery is claimed before it is sent
  (pending → sending, one conditional update), so two senders never send it twice; once
  delivered it is never sent again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.accounts.access import can
from lianxin.core import trail
from lianxin.core.errors import Conflict, Forbidden

from . import http
from .models import Delivery, WorkOrder

READER = "hotline.webhooks"
EVENTS = {
    "casework.reply": "reply",
    "casework.conclude": "conclude",
    "casework.merge": "merge",
    "casework.merged_in": "merged_in",
    "casework.unmerge": "unmerge",
}
D = Delivery.Status


def register() -> None:
    trail.follow(READER, queue)


def _payload(event, order: WorkOrder) -> dict:
    case = order.case
    body = {
        "id": "",
        "event": EVENTS[event.action],
        "at": event.at.isoformat(),
        "source": order.source.name,
        "number": order.number,
        "tracking_code": case.tracking_code,
        "state": case.state,
        "hotline_state": order.hotline_state,
    }
    data = (event.change or {}).get("data") or {}
    if body["event"] == "reply":
        reply = case.replies.order_by("-pk").first()
        body["reply"] = (
            {
                "content": reply.content,
                "unit": str(reply.unit) if reply.unit_id else "",
                "round": reply.round,
            }
            if reply
            else None
        )
    if body["event"] == "merge":
        target = case.merged_into
        body["merged_into"] = (
            {
                "tracking_code": target.tracking_code,
                "kind": target.kind,
                "number": getattr(getattr(target, "work_order", None), "number", ""),
            }
            if target
            else data
        )
    if body["event"] == "merged_in":
        body["merged_case"] = data
    return body


def queue(events) -> int:
    """The trail reader: one delivery per relevant event of a work order with a webhook."""
    wanted = [e for e in events if e.action in EVENTS and e.object_type == "casework.case"]
    if not wanted:
        return 0
    ids = {int(e.object_id) for e in wanted if e.object_id.isdigit()}
    orders = {
        o.case_id: o
        for o in WorkOrder.objects.filter(case_id__in=ids)
        .exclude(source__webhook_url="")
        .select_related("source", "case__merged_into")
    }
    rows = []
    for e in wanted:
        order = orders.get(int(e.object_id)) if e.object_id.isdigit() else None
        if order is None:
            continue
        since = order.source.webhook_since
        if since is not None and e.at < since:
            continue  # before the webhook was set
        key = f"lx-{order.source_id}-{e.id}"
        payload = _payload(e, order)
        payload["id"] = key
        rows.append(
            Delivery(
                source=order.source,
                event=payload["event"],
                trail_id=e.id,
                key=key,
                payload=payload,
                next_attempt_at=timezone.now(),
            )
        )
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def body_of(delivery: Delivery) -> bytes:
    return json.dumps(
        delivery.payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode("utf-8")


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def backoff(attempts: int) -> float:
    base = settings.LIANXIN_HOTLINE_WEBHOOK_BACKOFF_BASE
    return min(settings.LIANXIN_HOTLINE_WEBHOOK_MAX_BACKOFF, base * 2 ** max(0, attempts - 1))


def _retryable(status: int) -> bool:
    return status >= 500 or status in (408, 429)


def send(delivery_id: int) -> Delivery | None:
    """Claim and send one delivery; None when another sender has it or it is not pending."""
    if not Delivery.objects.filter(pk=delivery_id, status=D.PENDING).update(status=D.SENDING):
        return None
    d = Delivery.objects.select_related("source").get(pk=delivery_id)
    now = timezone.now()
    d.attempts += 1
    d.last_attempt_at = now
    d.last_status_code = None
    source = d.source
    retry = True
    if not source.webhook_url or not source.webhook_secret:
        error, retry = _("该来源未设置回推地址或签名密钥。"), False
    else:
        body = body_of(d)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Lianxin-Webhook/1",
            "X-Lianxin-Event": d.event,
            "X-Lianxin-Delivery": d.key,
            "Idempotency-Key": d.key,
            "X-Lianxin-Timestamp": str(int(time.time())),
            "X-Lianxin-Signature": signature(source.webhook_secret, body),
        }
        try:
            answer = http.call(
                source.webhook_url, method="POST", headers=headers, body=body, max_bytes=65536
            )
        except http.CallFailed as exc:
            error, retry = exc.message, exc.retry
        else:
            d.last_status_code = answer.status
            if 200 <= answer.status < 300:
                d.status = D.DELIVERED
                d.delivered_at = timezone.now()
                d.last_error = ""
                d.next_attempt_at = None
                d.save()
                return d
            snippet = answer.body[:200].decode("utf-8", "replace").strip()
            error = _("对方返回 HTTP %(code)s。") % {"code": answer.status}
            if snippet:
                error = f"{error} {snippet}"
            retry = _retryable(answer.status)
    d.last_error = error
    if retry and d.attempts < settings.LIANXIN_HOTLINE_WEBHOOK_MAX_ATTEMPTS:
        d.status = D.PENDING
        d.next_attempt_at = now + dt.timedelta(seconds=backoff(d.attempts))
    else:
        d.status = D.FAILED
        d.next_attempt_at = None
    d.save()
    return d


def send_due(*, limit: int = 100) -> int:
    """Send the deliveries whose next attempt is due; returns how many were tried. A delivery
    left "sending" by a sender that died is taken back after three timeouts (the receiver
    recognises a repeat by its idempotency key)."""
    stale = timezone.now() - dt.timedelta(seconds=3 * settings.LIANXIN_HOTLINE_HTTP_TIMEOUT + 60)
    Delivery.objects.filter(status=D.SENDING, last_attempt_at__lt=stale).update(
        status=D.PENDING, next_attempt_at=timezone.now()
    )
    ids = list(
        Delivery.objects.filter(status=D.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in ids if send(pk) is not None)


def step() -> int:
    """One step of the webhook loop: queue new events, then send what is due."""
    queued = 0
    while n := trail.deliver(READER):
        queued += n
    return queued + send_due()


def retry_now(delivery: Delivery, *, acting_user) -> Delivery:
    """Staff's "retry now": a pending or failed delivery is sent at once (one more attempt)."""
    if not can(acting_user, "work_order.import", delivery.source):
        raise Forbidden(_("您没有权限操作该来源的回推。"))
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if locked.status == D.DELIVERED:
            raise Conflict(_("该回推已送达，不再重发。"), code="already_delivered")
        if locked.status == D.SENDING:
            raise Conflict(_("该回推正在发送。"), code="sending")
        locked.status = D.PENDING
        locked.next_attempt_at = timezone.now()
        locked.save(update_fields=["status", "next_attempt_at"])
        trail.record(
            "hotline.delivery_retry",
            actor=acting_user,
            obj=locked.source,
            change={"delivery": locked.key, "event": locked.event, "attempts": locked.attempts},
        )
    return send(locked.pk) or locked
