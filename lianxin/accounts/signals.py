"""Security trail for sign-in events. Receivers write the audit log and end the API tokens a
sign-out or an account-wide lock-out ends; no business effects."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from lianxin.core.audit import record
from lianxin.core.models import AuditLog

from .actions import revoke_tokens
from .lockout import account_locked
from .models import User
from .passwords import expire_if_due
from .sessions import mark_signed_in


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record(AuditLog.Kind.LOGIN, request=request, user=user)
    mark_signed_in(request)
    # An expired password leads to the password change page (the API: 403).
    expire_if_due(user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(AuditLog.Kind.LOGOUT, request=request, user=user)
        # Tokens asked from this session end with it (any sign-out: the page, the admin, idle).
        session = getattr(request, "session", None)
        if session is not None and session.session_key:
            revoke_tokens(user, reason="logout", session_key=session.session_key, request=request)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    record(
        AuditLog.Kind.LOGIN_FAILED,
        request=request,
        username=str(credentials.get("username", "")),
        **({"factor": "totp"} if "totp" in credentials else {}),
    )


@receiver(user_locked_out)
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    record(AuditLog.Kind.LOCKED_OUT, request=request, username=str(username or ""))
    # Locked at every address (not only at the one that typed wrongly): no token stays valid.
    if username and account_locked(str(username), request):
        for user in User.objects.filter(username=username):
            revoke_tokens(user, reason="locked_out", request=request)
