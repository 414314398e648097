"""Security trail for sign-in events. Receivers only write the audit log: no business effects."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from lianxin.core.audit import record
from lianxin.core.models import AuditLog


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record(AuditLog.Kind.LOGIN, request=request, user=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(AuditLog.Kind.LOGOUT, request=request, user=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    record(
        AuditLog.Kind.LOGIN_FAILED, request=request, username=str(credentials.get("username", ""))
    )


@receiver(user_locked_out)
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    record(AuditLog.Kind.LOCKED_OUT, request=request, username=str(username or ""))
