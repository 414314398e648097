"""The second factor: a time-based one-time code (TOTP, RFC 6238) from an authenticator app,
through django-otp's TOTP device.

- Who must have one is the rule "account.needs_second_factor" (lianxin.accounts.access), in
  force when `LIANXIN_OTP_REQUIRED` is on (on under production settings). Such an account
  without a device is, after its password, led to the enrolment page and can do nothing else;
  the API answers it 403 `otp_required`.
- Whoever has a confirmed device (required or not) gives its code at every sign-in: the page
  asks for it after the password (the account is signed in only then), `POST /api/v1/auth/token`
  takes it as `totp`.
- A wrong code counts as a failed sign-in against the same lock-out as a wrong password
  (django-axes, lianxin.accounts.lockout); a code is accepted once only (django-otp keeps the
  last time step used).
- The administrator resets a person's device (a lost phone) in the admin; the person enrols
  again at the next sign-in. Enrolment and reset are written to the security audit and the trail.
"""

from __future__ import annotations

import time

import segno
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from lianxin.core import trail
from lianxin.core.audit import record
from lianxin.core.errors import Forbidden, ValidationFailed
from lianxin.core.models import AuditLog

from . import access

# The sign-in waiting for its code: {"user": pk, "backend": …, "next": …, "at": seconds}.
PENDING = "lianxin_otp_pending"
PENDING_SECONDS = 300
DEVICE_NAME = "authenticator"


def confirmed_device(user) -> TOTPDevice | None:
    if user is None or user.pk is None:
        return None
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("-pk").first()


def required(user) -> bool:
    """Must this account have a second factor (setting on and the rule names it)?"""
    return bool(settings.LIANXIN_OTP_REQUIRED) and access.can(user, "account.needs_second_factor")


def must_enrol(user) -> bool:
    """Required, and no device yet: the account can only enrol."""
    return required(user) and confirmed_device(user) is None


def otp_required_error() -> Forbidden:
    return Forbidden(
        _("您的账号须先启用动态验证码（双因素认证），请在网页上登录并完成设置后再使用。"),
        code="otp_required",
    )


def _clean(code) -> str:
    return "".join(str(code or "").split())


def check_code(user, code, *, request) -> TOTPDevice | None:
    """The user's device when `code` is its current code; otherwise None, counted as a failed
    sign-in (the lock-out; the audit's `login_failed` with factor totp)."""
    device = confirmed_device(user)
    code = _clean(code)
    if device is not None and code.isdigit() and len(code) == device.digits:
        with transaction.atomic():
            locked = TOTPDevice.objects.select_for_update().filter(pk=device.pk).first()
            if locked is not None and locked.verify_token(code):
                return locked
    user_login_failed.send(
        sender=__name__,
        credentials={"username": user.get_username(), "totp": "********"},
        request=request,
    )
    return None


def mark_verified(request, device: TOTPDevice) -> None:
    """The signed-in session passed its second factor with this device."""
    otp_login(request, device)


def session_verified(request, device: TOTPDevice) -> bool:
    session = getattr(request, "session", None)
    return session is not None and session.get(DEVICE_ID_SESSION_KEY) == device.persistent_id


# --- The sign-in page's second step ---------------------------------------------------------------


def start_pending(request, user, next_url: str) -> None:
    request.session.cycle_key()
    request.session[PENDING] = {
        "user": user.pk,
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[-1]),
        "next": next_url,
        "at": time.time(),
    }


def pending(request) -> dict | None:
    data = request.session.get(PENDING)
    if not isinstance(data, dict):
        return None
    if time.time() - float(data.get("at", 0)) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    return data


def end_pending(request) -> None:
    request.session.pop(PENDING, None)


# --- Enrolment and reset --------------------------------------------------------------------------


def enrolment_device(user) -> TOTPDevice:
    """The device being set up (unconfirmed): its key is shown until a first code confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def manual_key(device: TOTPDevice) -> str:
    """The key as an authenticator app asks for it typed in: base32, in groups of four."""
    from base64 import b32encode

    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code (segno; no style attributes)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2)


def do_enrol_second_factor(user, *, code, request=None) -> TOTPDevice:
    """Confirm the device being set up with a first code from the app; it replaces any other."""
    with transaction.atomic(durable=True):
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("-pk")
            .first()
        )
        code = _clean(code)
        if device is None:
            raise ValidationFailed(_("请重新打开设置页面，扫描新的二维码。"), field="code")
        if not (code.isdigit() and len(code) == device.digits and device.verify_token(code)):
            raise ValidationFailed(
                _("验证码不正确，请核对手机时间后输入验证器应用中显示的 6 位数字。"), field="code"
            )
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record(AuditLog.Kind.OTP_ENROLLED, request=request, user=user, target=user.username)
        trail.record(
            "accounts.enrol_second_factor",
            actor=user,
            obj=user,
            object_label=user.username,
            change={"device": device.pk},
        )
    if request is not None:
        mark_verified(request, device)
    return device


def do_reset_second_factor(user, *, acting_user, request=None) -> int:
    """The administrator removes a person's devices (a lost phone): the person enrols again at
    the next sign-in; their API tokens end. Returns how many devices were removed."""
    from .actions import revoke_tokens

    if not access.grants(acting_user).is_admin:
        raise Forbidden(_("只有系统管理员可以重置动态验证码。"))
    with transaction.atomic(durable=True):
        ids = list(TOTPDevice.objects.filter(user=user).values_list("pk", flat=True))
        TOTPDevice.objects.filter(pk__in=ids).delete()
        record(
            AuditLog.Kind.OTP_RESET,
            request=request,
            user=acting_user,
            target=user.username,
            devices=ids,
        )
        trail.record(
            "accounts.reset_second_factor",
            actor=acting_user,
            obj=user,
            object_label=user.username,
            change={"devices": ids},
        )
        revoke_tokens(user, reason="otp_reset", acting_user=acting_user, request=request)
    return len(ids)
