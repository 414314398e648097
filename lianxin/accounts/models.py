"""Accounts, the roles they hold with a scope each, and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    class NoticeMode(models.TextChoices):
        """How informational notices reach the user (what they can act on always comes at
        once): one by one, or grouped into one digest a day (lianxin.notifications.digest)."""

        IMMEDIATE = "immediate", _("立即通知")
        DIGEST = "digest", _("每日摘要")

    display_name = models.CharField(_("姓名"), max_length=32, blank=True)
    person = models.OneToOneField(
        "org.Person",
        verbose_name=_("对应人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
        help_text=_("代表、委员本人的账号对应其人员信息。"),
    )
    notice_mode = models.CharField(
        _("动态通知方式"),
        max_length=12,
        choices=NoticeMode.choices,
        default=NoticeMode.DIGEST,
        help_text=_("需要本人办理的事项随时通知；其他动态可逐条通知，或每天汇总为一条摘要。"),
    )
    # Set when staff or the administrator choose the password (a new account, a reset): the
    # login then leads to the password change page, and the API answers 403
    # password_change_required, until the user has chosen their own.
    must_change_password = models.BooleanField(
        _("须修改密码"),
        default=False,
        help_text=_("由工作人员设置的初始密码或重置的密码，本人首次登录时须修改。"),
    )

    # When the password was last set (accounts.passwords: its expiry).
    password_changed_at = models.DateTimeField(_("密码设置时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")

    def __str__(self) -> str:
        return self.display_name or self.username


class Role(models.TextChoices):
    """Each role is held with one scope; the field that carries it is in SCOPE_FIELD."""

    DEPUTY_AFFAIRS_STAFF = "deputy_affairs_staff", _("人大代表工作人员")
    STATION_MANAGER = "station_manager", _("联络站管理员")
    UNIT_OFFICER = "unit_officer", _("承办单位经办人")
    DEPUTY = "deputy", _("人大代表")
    CPPCC_STAFF = "cppcc_staff", _("政协工作人员")
    MEMBER = "member", _("政协委员")
    LEADER = "leader", _("领导")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")


SCOPE_FIELD: dict[str, str | None] = {
    Role.DEPUTY_AFFAIRS_STAFF: "congress",
    Role.STATION_MANAGER: "station",
    Role.UNIT_OFFICER: "unit",
    Role.DEPUTY: None,  # self: the user's person
    Role.CPPCC_STAFF: "cppcc",
    Role.MEMBER: None,  # self: the user's person
    Role.LEADER: "region",
    Role.SYSTEM_ADMIN: None,
}


def scope_field(assignment) -> str | None:
    """The field holding a role's scope. A deputy's role is held over the person's seats, all of
    them, or, when `congress` is set, only the seats in that congress: a county office opens a
    login for its own seat, never for the person's city seat."""
    if assignment.role == Role.DEPUTY and assignment.congress_id:
        return "congress"
    return SCOPE_FIELD.get(assignment.role)


class RoleAssignment(models.Model):
    user = models.ForeignKey(
        User, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    congress = models.ForeignKey(
        "org.Congress", verbose_name=_("人大"), null=True, blank=True, on_delete=models.CASCADE
    )
    cppcc = models.ForeignKey(
        "org.Cppcc", verbose_name=_("政协"), null=True, blank=True, on_delete=models.CASCADE
    )
    unit = models.ForeignKey(
        "org.HandlingUnit",
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    station = models.ForeignKey(
        "liaison.Station", verbose_name=_("联络站"), null=True, blank=True, on_delete=models.CASCADE
    )
    region = models.ForeignKey(
        "org.Region", verbose_name=_("行政区划"), null=True, blank=True, on_delete=models.CASCADE
    )
    # A unit's reply leaves it only when signed off by one of its officers who holds this, and
    # never by the officer who wrote it (the suggestions' `suggestion.sign_off`).
    can_sign = models.BooleanField(
        _("签发人"),
        default=False,
        help_text=_("承办单位经办人中有权签发本单位答复的人员（单位负责人或其授权的人员）。"),
    )
    granted_at = models.DateTimeField(_("授予时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(can_sign=False) | models.Q(role="unit_officer"),
                name="only_unit_officers_sign",
                violation_error_message=_("只有承办单位经办人可以设为签发人。"),
            )
        ]

    def __str__(self) -> str:
        scope = self.scope
        return f"{self.get_role_display()}（{scope}）" if scope else str(self.get_role_display())

    @property
    def scope(self):
        field = scope_field(self)
        return getattr(self, field) if field else None


# accounts sits below org and liaison (their rules register with accounts.access). Its tables
# point at theirs (a login's person, a role's scope); its code reaches those models through
# these relations, never by importing or naming them.


def scope_model(field: str) -> type[models.Model]:
    """The model a role's scope field points at (org's Congress, Cppcc, HandlingUnit, Region,
    liaison's Station)."""
    return RoleAssignment._meta.get_field(field).related_model


def seat_model(seats: str) -> type[models.Model]:
    """The seat model behind a person's `deputy_seats` or `member_seats` (org's Deputy, Member)."""
    person = User._meta.get_field("person").related_model
    return person._meta.get_field(seats).related_model


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token; only its hash is stored. Revoking one deletes it (its owner's token page
    and `DELETE /api/v1/auth/tokens/{id}`, signing out, a password change, a lock-out, the
    administrator)."""

    user = models.ForeignKey(
        User, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    # The signed-in session the token was asked from, if any: signing out there revokes it.
    session_key = models.CharField(max_length=40, blank=True, default="", db_index=True)
    device = models.CharField(_("设备"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("到期时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d}"

    @staticmethod
    def new_raw() -> str:
        return secrets.token_urlsafe(32)


class PasswordHistory(models.Model):
    """The hashes of an account's last passwords (accounts.passwords.HistoryValidator): a new
    password may not be one of them. Only hashes, like the account's own."""

    user = models.ForeignKey(
        User, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField(_("密码散列"), max_length=128)
    created_at = models.DateTimeField(_("设置时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d}"
