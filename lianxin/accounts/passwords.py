"""The password policy, as settings (docs/settings.md), in Django's password validators.

- complexity: at least `LIANXIN_PASSWORD_MIN_LENGTH` characters of at least `LIANXIN_PASSWORD_MIN_CLASSES` of the four kinds: capital
  letters, small letters, digits, other symbols;
- history: none of the account's last `LIANXIN_PASSWORD_HISTORY` passwords again (their hashes
  are kept in `PasswordHistory`, written whenever a password is saved, by any path: Django calls
  `password_changed` of every validator from `User.save()` after `set_password`);
- expiry: a password older than `LIANXIN_PASSWORD_MAX_AGE_DAYS` days leads, at the next sign-in,
  to the password change page (the `must_change_password` flow of a password set by staff).

Every path that sets a password runs these validators: the password change page and
`POST /api/v1/me/password`, accounts opened by staff (`do_create_account`) and the admin's forms.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


def character_classes(password: str) -> int:
    """How many of the four kinds of character the password has."""
    kinds = [
        any(c.isupper() for c in password),
        any(c.islower() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ]
    return sum(kinds)


class LengthValidator:
    """At least `LIANXIN_PASSWORD_MIN_LENGTH` characters (read when checking, so a change of the
    setting holds at once; Django's own validator has no Chinese message for this)."""

    def validate(self, password, user=None):
        need = settings.LIANXIN_PASSWORD_MIN_LENGTH
        if len(password) < need:
            raise ValidationError(
                _("密码太短，须至少包含 %(count)d 个字符。") % {"count": need},
                code="password_too_short",
            )

    def get_help_text(self):
        return _("密码须至少包含 %(count)d 个字符。") % {
            "count": settings.LIANXIN_PASSWORD_MIN_LENGTH
        }


class CharacterClassesValidator:
    """At least `LIANXIN_PASSWORD_MIN_CLASSES` of: capitals, small letters, digits, symbols."""

    def validate(self, password, user=None):
        need = settings.LIANXIN_PASSWORD_MIN_CLASSES
        if character_classes(password) < need:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号四类字符中的至少 %(count)d 类。")
                % {"count": need},
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("密码须包含大写字母、小写字母、数字、符号四类字符中的至少 %(count)d 类。") % {
            "count": settings.LIANXIN_PASSWORD_MIN_CLASSES
        }


def _recent_hashes(user) -> list[str]:
    from .models import PasswordHistory

    keep = settings.LIANXIN_PASSWORD_HISTORY
    if keep <= 0 or user is None or user.pk is None:
        return []
    rows = PasswordHistory.objects.filter(user_id=user.pk).order_by("-created_at", "-pk")
    return list(rows.values_list("password", flat=True)[:keep])


class HistoryValidator:
    """None of the last `LIANXIN_PASSWORD_HISTORY` passwords of the account again (the current
    one included, also when it was set before the history was kept)."""

    def validate(self, password, user=None):
        keep = settings.LIANXIN_PASSWORD_HISTORY
        if keep <= 0 or user is None or user.pk is None:
            return
        from .models import User

        hashes = _recent_hashes(user)
        current = User.objects.filter(pk=user.pk).values_list("password", flat=True).first()
        if current:
            hashes.append(current)
        if any(check_password(password, h) for h in hashes if h and not h.startswith("!")):
            raise ValidationError(
                _("新密码不能与最近使用过的 %(count)d 个密码相同。") % {"count": keep},
                code="password_reused",
            )

    def password_changed(self, password, user=None):
        """Keep the new password's hash (the user's, just saved) and when it was set."""
        from .models import PasswordHistory, User

        if user is None or user.pk is None or not user.password:
            return
        now = timezone.now()
        User.objects.filter(pk=user.pk).update(password_changed_at=now)
        user.password_changed_at = now
        if not user.has_usable_password():
            return
        PasswordHistory.objects.create(user_id=user.pk, password=user.password)
        keep = max(settings.LIANXIN_PASSWORD_HISTORY, 1)
        old = PasswordHistory.objects.filter(user_id=user.pk).order_by("-created_at", "-pk")
        stale = list(old.values_list("pk", flat=True)[keep:])
        if stale:
            PasswordHistory.objects.filter(pk__in=stale).delete()

    def get_help_text(self):
        return _("新密码不能与最近使用过的 %(count)d 个密码相同。") % {
            "count": settings.LIANXIN_PASSWORD_HISTORY
        }


def password_expired(user) -> bool:
    """Is the user's password older than `LIANXIN_PASSWORD_MAX_AGE_DAYS`?"""
    days = settings.LIANXIN_PASSWORD_MAX_AGE_DAYS
    changed = getattr(user, "password_changed_at", None)
    if days <= 0 or changed is None:
        return False
    return timezone.now() - changed > timedelta(days=days)


def expire_if_due(user) -> bool:
    """At a sign-in: an expired password must be changed (the flow of a password set by
    staff). True when it was due."""
    if user.must_change_password or not password_expired(user):
        return False
    user.must_change_password = True
    type(user).objects.filter(pk=user.pk).update(must_change_password=True)
    return True
