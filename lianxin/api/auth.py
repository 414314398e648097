"""API authentication: `Authorization: Bearer <token>`, or the signed-in session for GETs from
our own pages."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from ninja.security import HttpBearer

from lianxin.accounts.models import ApiToken, hash_token


def user_for_token(raw: str):
    if not raw or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), expires_at__gt=timezone.now(), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def issue_token(user) -> str:
    raw = ApiToken.new_raw()
    ApiToken.objects.create(
        user=user,
        key_hash=hash_token(raw),
        expires_at=timezone.now() + timedelta(days=settings.LIANXIN_API_TOKEN_DAYS),
    )
    return raw


class BearerOrSession(HttpBearer):
    def __call__(self, request):
        if request.headers.get("Authorization"):
            return super().__call__(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and request.method in ("GET", "HEAD"):
            return user
        return None

    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


def optional_user(request):
    """For public endpoints that answer more to a signed-in caller."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return user_for_token(header[7:].strip())
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


bearer = BearerOrSession()
