"""API authentication: `Authorization: Bearer <token>`, or the signed-in session for GETs from
our own pages.

A login whose password was set by staff (`User.must_change_password`) gets 403
`password_change_required` from every endpoint but those that let it change the password
(`bearer_unchanged`); so does one whose password has expired (lianxin.accounts.passwords). A login
that must have a second factor and has none gets 403 `otp_required` (lianxin.accounts.otp)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from lianxin.accounts import otp
from lianxin.accounts.models import ApiToken, hash_token
from lianxin.accounts.passwords import password_expired
from lianxin.core.errors import Forbidden


def token_for(raw: str) -> ApiToken | None:
    """The valid token behind a raw bearer value, with its user."""
    if not raw or len(raw) > 200:
        return None
    return (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), expires_at__gt=timezone.now(), user__is_active=True)
        .first()
    )


def user_for_token(raw: str):
    token = token_for(raw)
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.user.api_token = token  # the token this request came with (logout revokes it)
    return token.user


def issue_token(user, request=None) -> str:
    """A new token. Asked from a signed-in session of the same user, it is linked to that
    session, and signing out there revokes it."""
    raw = ApiToken.new_raw()
    session_key = ""
    if request is not None:
        same = getattr(getattr(request, "user", None), "pk", None) == user.pk
        session = getattr(request, "session", None)
        if same and session is not None and session.session_key:
            session_key = session.session_key
    ApiToken.objects.create(
        user=user,
        key_hash=hash_token(raw),
        expires_at=timezone.now() + timedelta(days=settings.LIANXIN_API_TOKEN_DAYS),
        session_key=session_key,
        device=(request.headers.get("User-Agent", "") if request is not None else "")[:200],
    )
    return raw


def password_change_required(user=None) -> Forbidden:
    if user is not None and password_expired(user):
        message = _("您的密码已超过规定的使用期限，请先修改密码后再使用。")
    else:
        message = _("您的密码由工作人员设置，请先修改密码后再使用。")
    return Forbidden(message, code="password_change_required")


class BearerOrSession(HttpBearer):
    def __init__(self, *, allow_unchanged_password: bool = False):
        super().__init__()
        self.allow_unchanged_password = allow_unchanged_password

    def __call__(self, request):
        if request.headers.get("Authorization"):
            user = super().__call__(request)
        else:
            user = getattr(request, "user", None)
            if user is None or not user.is_authenticated or request.method not in ("GET", "HEAD"):
                return None
        if user and not self.allow_unchanged_password:
            if user.must_change_password:
                raise password_change_required(user)
            if otp.must_enrol(user):
                raise otp.otp_required_error()
        return user

    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


def optional_user(request):
    """For public endpoints that answer more to a signed-in caller."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        user = user_for_token(header[7:].strip())
    else:
        user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.must_change_password:
        return None  # a login that must change its password is answered as anyone
    if otp.must_enrol(user):
        return None  # so is one that must first enrol a second factor
    return user


bearer = BearerOrSession()
# For the endpoints a login with a password set by staff may still call: changing it, signing out.
bearer_unchanged = BearerOrSession(allow_unchanged_password=True)
