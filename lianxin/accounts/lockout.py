"""Sign-in lock-out (django-axes), keyed by account name and client address.

Failures are counted per (account name, address): whoever types a name wrongly from one address
locks that name at that address only, so nobody can lock a colleague, or the administrator, out
by typing their name. An account-wide count over every address (a higher threshold,
`LIANXIN_LOGIN_ACCOUNT_FAILURE_LIMIT`) still locks the account everywhere against guessing from
many addresses; that lock-out also revokes the account's API tokens. A successful sign-in, page
or API, clears the failures counted from its address. The administrator unlocks an account in
the admin (the accounts' action 解除登录锁定, or axes' own access attempts)."""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db.models import Sum

from lianxin.core.audit import record
from lianxin.core.models import AuditLog


def account_failures(username: str, request=None) -> int:
    """Failures of this account name from every address within the cool-off time."""
    if not username:
        return 0
    rows = AccessAttempt.objects.filter(
        username=username, attempt_time__gte=get_cool_off_threshold(request)
    )
    return rows.aggregate(n=Sum("failures_since_start"))["n"] or 0


def account_locked(username: str, request=None) -> bool:
    return account_failures(username, request) >= settings.LIANXIN_LOGIN_ACCOUNT_FAILURE_LIMIT


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, with the account-wide threshold on top of the per-address one:
    the failures it reports reach axes' limit when either does."""

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        if account_locked(get_client_username(request, credentials), request):
            return max(failures, get_failure_limit(request, credentials))
        return failures


def unlock(username: str, *, acting_user=None, request=None) -> int:
    """Clear every failure counted for the account name (all addresses)."""
    count = reset(username=username)
    record(AuditLog.Kind.UNLOCKED, request=request, user=acting_user, target=username)
    return count
