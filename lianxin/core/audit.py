"""Writing the security trail. Every caller goes through `record`."""

from __future__ import annotations

from typing import Any

from .models import AuditLog


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    kind: str, *, request=None, user=None, username: str = "", target: str = "", **detail: Any
) -> AuditLog:
    if user is None and request is not None and getattr(request, "user", None) is not None:
        if request.user.is_authenticated:
            user = request.user
    if user is not None and not username:
        username = user.get_username()
    return AuditLog.objects.create(
        kind=kind,
        user=user,
        username=username[:150],
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
