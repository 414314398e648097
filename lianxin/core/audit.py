"""Writing the security trail. Every caller goes through `record`.

Each entry names the account, the seat it acted in (core.trail.seat_of, as written then), the
client address and the time. `AuditMiddleware` keeps the request at hand while it is served, so
that a refusal decided deep in the access layer (`refused`) is written with its address, once
per request: a 403 answer, or a 404 that the access layer knows to be "not yours", is one
`access_refused` entry."""

from __future__ import annotations

import contextvars
import logging
from typing import Any

from django.db import DatabaseError

from .models import AuditLog

_request: contextvars.ContextVar = contextvars.ContextVar("lianxin_audit_request", default=None)

logger = logging.getLogger("lianxin.audit")


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def current_request():
    return _request.get()


def _seat_label(user, context: dict | None) -> str:
    from .trail import seat_of

    seat = seat_of(user, **(context or {}))
    parts = [str(seat.label or seat.type), seat.body]
    return " ".join(p for p in parts if p)[:200]


def refused(reason: str, *, target: str = "", user=None) -> None:
    """A refused attempt (the access layer's "not yours", a 403): noted on the request being
    served and written once when it is answered; written at once outside a request."""
    request = current_request()
    if request is None:
        record(AuditLog.Kind.ACCESS_REFUSED, user=user, target=target, reason=reason)
        return
    if getattr(request, "_lianxin_refused", None) is None:
        request._lianxin_refused = {"reason": reason, "target": target[:200]}


class AuditMiddleware:
    """Holds the request for `record` and writes the request's refusal, if any: one entry per
    refused request, whatever the number of refusals inside it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        note = getattr(request, "_lianxin_refused", None)
        if note is None and response.status_code == 403:
            note = {"reason": "forbidden", "target": ""}
        if note is not None:
            try:
                record(
                    AuditLog.Kind.ACCESS_REFUSED,
                    request=request,
                    target=note["target"] or request.path[:200],
                    reason=note["reason"],
                    method=request.method,
                    path=request.path[:200],
                    status=response.status_code,
                )
            except DatabaseError:
                # The refusal stands even when the database cannot take its entry (down, full,
                # not migrated yet): the answer is still the 403/404, and the failure is logged.
                logger.exception("access_refused not recorded for %s", request.path[:200])
        return response


def record(
    kind: str,
    *,
    request=None,
    user=None,
    username: str = "",
    target: str = "",
    seat: str | None = None,
    context: dict | None = None,
    **detail: Any,
) -> AuditLog:
    """One entry: `seat` names the seat acted in, or it is found from `user` and `context` (the
    arguments of core.trail.seat_of); the address comes from `request` or the request being
    served."""
    if request is None:
        request = current_request()
    if user is None and request is not None and getattr(request, "user", None) is not None:
        if request.user.is_authenticated:
            user = request.user
    if user is not None and not username:
        username = user.get_username()
    if seat is None:
        seat = _seat_label(user, context) if user is not None else ""
    return AuditLog.objects.create(
        kind=kind,
        user=user,
        username=username[:150],
        seat=seat[:200],
        ip=client_ip(request),
        target=target[:200],
        detail=detail,
    )


def reveal(value: str, *, user, target: str, field: str, request=None) -> str:
    """Personal data shown unmasked on purpose (a phone number): the one way to do it, so that
    every reveal, page or API, leaves its `personal_data_viewed` entry naming who, what and
    which field. The caller has checked the right; returns `value`."""
    record(
        AuditLog.Kind.PERSONAL_DATA_VIEWED, request=request, user=user, target=target, field=field
    )
    return value
