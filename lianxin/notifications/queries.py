"""Reads of a user's notifications (the workbench shows `unread_for`)."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Notification


def inbox(user) -> QuerySet[Notification]:
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def unread_for(user, limit: int = 10) -> list[Notification]:
    return list(inbox(user).filter(read_at__isnull=True)[:limit])


def unread_count(user) -> int:
    return inbox(user).filter(read_at__isnull=True).count()
