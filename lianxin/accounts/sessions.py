"""Signed-in sessions: an idle timeout, the absolute limit, and the password a login must change.

- A session unused for `LIANXIN_SESSION_IDLE_MINUTES` (30) ends; so does one signed in longer
  than `SESSION_COOKIE_AGE` (10 hours) ago, however busy. The page warns two minutes before
  (`lianxin/session.js`, whose 继续 button pings `session_ping`).
- A login whose password was set by staff or the administrator, or has expired
  (`User.must_change_password`, lianxin.accounts.passwords) is led to the password change page
  until it has chosen its own; the API answers it 403 `password_change_required`
  (lianxin.api.auth).
- A login that must have a second factor and has none is led to its enrolment page and may open
  nothing else; the API answers it 403 `otp_required`. A session of an account with a device
  that did not pass its code ends (lianxin.accounts.otp).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

STARTED = "lianxin_signed_in_at"
SEEN = "lianxin_seen_at"
# The last-seen time is written at most once a minute (a session write per request otherwise).
SEEN_EVERY = 60


def idle_seconds() -> int:
    return max(0, settings.LIANXIN_SESSION_IDLE_MINUTES) * 60


def _expired(session, now: float) -> bool:
    started, seen = session.get(STARTED), session.get(SEEN)
    idle = idle_seconds()
    if idle and seen is not None and now - seen > idle:
        return True
    return started is not None and now - started > settings.SESSION_COOKIE_AGE


class SessionGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        session, now = request.session, time.time()
        if _expired(session, now):
            logout(request)
            messages.info(request, _("您已较长时间未操作，为保护账号安全已自动退出，请重新登录。"))
            if request.path.startswith("/api/") or request.path == reverse("session_ping"):
                return self.get_response(request)  # answered as to anyone not signed in
            return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
        session.setdefault(STARTED, now)
        seen = session.get(SEEN)
        if seen is None or now - seen >= SEEN_EVERY or request.path == reverse("session_ping"):
            session[SEEN] = now
        if user.must_change_password and not _may_pass_unchanged(request.path):
            return redirect("password_change")
        if (refused := _second_factor(request, user)) is not None:
            return refused
        return self.get_response(request)


def mark_signed_in(request) -> None:
    """At a page sign-in: the session's clocks start (not for an API sign-in, which has none)."""
    session = getattr(request, "session", None)
    if session is not None and SESSION_KEY in session:
        now = time.time()
        session[STARTED] = now
        session[SEEN] = now


def _second_factor(request, user):
    """A session of an account with a device that has not shown its code (signed in some other
    way) ends; an account that must have a device and has none may only enrol
    (lianxin.accounts.otp). None: carry on."""
    from . import otp

    device = otp.confirmed_device(user)
    if device is not None:
        if otp.session_verified(request, device):
            return None
        logout(request)
        if request.path.startswith("/api/"):
            return None  # answered as to anyone not signed in
        return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
    if not otp.required(user) or _may_pass_unenrolled(request.path):
        return None
    return redirect("otp_setup")


def _may_pass_unenrolled(path: str) -> bool:
    """What a login that must enrol a second factor may still open (the API answers itself)."""
    if path.startswith(("/api/", settings.STATIC_URL)):
        return True
    return path in {
        reverse("otp_setup"),
        reverse("password_change"),
        reverse("logout"),
        reverse("session_ping"),
    }


def _may_pass_unchanged(path: str) -> bool:
    """What a login that must change its password may still open (the API answers itself)."""
    if path.startswith(("/api/", settings.STATIC_URL)):
        return True
    return path in {reverse("password_change"), reverse("logout"), reverse("session_ping")}


def session_context(request) -> dict:
    """For base.html: how long an unused page stays signed in (the warning script)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"session_idle_seconds": idle_seconds()}
