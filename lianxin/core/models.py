from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class AppendOnly(models.Model):
    """Rows written once and never changed (the audit, the trail, case timelines): saving a
    saved row is refused; only an explicit retention command deletes."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError(f"{type(self).__name__} rows are append-only")
        chain = getattr(type(self), "hash_chain", None)
        if chain is None:
            super().save(*args, **kwargs)
            return
        from . import chain as chaining

        # The chain's lock is taken, the row sealed and inserted, and the head moved in one
        # transaction (core.chain).
        with chaining.sealing(type(self), [self]):
            super().save(*args, **kwargs)


class ChainedQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        from . import chain as chaining

        objs = list(objs)
        with chaining.sealing(self.model, objs):
            return super().bulk_create(objs, *args, **kwargs)


class AuditLog(AppendOnly):
    """The security trail: logins, role changes, exports, every viewing of personal data.

    Append-only: nothing updates or deletes a row except an explicit retention command.
    """

    class Kind(models.TextChoices):
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKED_OUT = "locked_out", _("账号锁定")
        LOGOUT = "logout", _("退出")
        TOKEN_ISSUED = "token_issued", _("签发接口令牌")
        TOKEN_REVOKED = "token_revoked", _("撤销接口令牌")
        PASSWORD_CHANGED = "password_changed", _("修改密码")
        PASSWORD_SET = "password_set", _("设置初始密码")
        OTP_ENROLLED = "otp_enrolled", _("启用动态验证码")
        OTP_RESET = "otp_reset", _("重置动态验证码")
        UNLOCKED = "unlocked", _("解除锁定")
        USER_CREATED = "user_created", _("创建账号")
        ROLE_GRANTED = "role_granted", _("授予角色")
        ROLE_REVOKED = "role_revoked", _("撤销角色")
        PERSONAL_DATA_VIEWED = "personal_data_viewed", _("查看个人信息")
        EXPORTED = "exported", _("导出数据")
        RETENTION_APPLIED = "retention_applied", _("按保存期限清理")
        RESTORED = "restored", _("从备份恢复")
        ACCESS_REFUSED = "access_refused", _("访问被拒绝")
        IMPORTED = "imported", _("导入数据")
        AUDIT_EXPORTED = "audit_exported", _("导出审计记录")
        PERSONAL_DATA_ANONYMISED = "personal_data_anonymised", _("个人信息匿名化")
        DATA_KEY_ROTATED = "data_key_rotated", _("更换数据密钥")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    kind = models.CharField(_("类别"), max_length=32, choices=Kind.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("账号"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    # The seat the account acted in when it is known (core.trail.seat_of), as written then.
    seat = models.CharField(_("身份"), max_length=200, blank=True)
    target = models.CharField(_("对象"), max_length=200, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    # The hash chain (core.chain): the previous row's hash and this row's.
    prev_hash = models.CharField(_("上一条校验值"), max_length=80, blank=True, editable=False)
    row_hash = models.CharField(_("校验值"), max_length=80, blank=True, editable=False)

    objects = ChainedQuerySet.as_manager()
    hash_chain = "audit"

    class Meta:
        verbose_name = _("安全审计记录")
        verbose_name_plural = _("安全审计记录")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.username}"


class TrailEvent(AppendOnly):
    """One row for every state-changing action of every app: who acted, in which seat, on what,
    and what changed. Append-only.

    The trail is what readers downstream of the actions (notifications, the duty record, the
    dashboards, the audit, the search index) follow: each reads the rows after its own cursor
    (`TrailCursor`) instead of polling every table. Its ids only grow, so "after the cursor" is
    one indexed range query."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    # "<app>.<verb>", e.g. "casework.assign", "liaison.create_station", "accounts.grant_role".
    action = models.CharField(_("事项"), max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as written at the time: a renamed account does not rewrite history.
    actor_label = models.CharField(_("操作人"), max_length=100, blank=True)
    # The seat the actor acted in: a deputy seat (org.Deputy), a CPPCC seat (org.Member), a
    # role held over a body (accounts.RoleAssignment), a citizen, or the system.
    seat_type = models.CharField(_("身份类别"), max_length=32, blank=True)
    seat_id = models.PositiveBigIntegerField(_("身份编号"), null=True, blank=True)
    seat_label = models.CharField(_("身份"), max_length=200, blank=True)
    # The body the seat belongs to ("congress:3", "cppcc:1", "unit:7", "station:12", "region:…").
    body = models.CharField(_("机构"), max_length=64, blank=True)
    object_type = models.CharField(_("对象类别"), max_length=64)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_label = models.CharField(_("对象"), max_length=200, blank=True)
    change = models.JSONField(_("变更"), default=dict, blank=True)
    prev_hash = models.CharField(_("上一条校验值"), max_length=80, blank=True, editable=False)
    row_hash = models.CharField(_("校验值"), max_length=80, blank=True, editable=False)

    objects = ChainedQuerySet.as_manager()
    hash_chain = "trail"

    class Meta:
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="trail_object"),
            models.Index(fields=["seat_type", "seat_id", "at"], name="trail_seat"),
            models.Index(fields=["action", "at"], name="trail_action"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"


class TrailCursor(models.Model):
    """How far one reader of the trail has got: the id of the last event it has handled."""

    name = models.CharField(_("读取方"), max_length=64, unique=True)
    last_id = models.PositiveBigIntegerField(_("已处理到"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("操作记录读取进度")
        verbose_name_plural = _("操作记录读取进度")

    def __str__(self) -> str:
        return f"{self.name}: {self.last_id}"


class LoopHeartbeat(models.Model):
    """The last good step of a background loop (core.loops), read by /readyz."""

    name = models.CharField(max_length=64, primary_key=True)
    beat_at = models.DateTimeField()
    interval = models.FloatField()
    pid = models.PositiveIntegerField(default=0)
    host = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("后台循环心跳")
        verbose_name_plural = _("后台循环心跳")

    def __str__(self) -> str:
        return self.name


class ChainHead(models.Model):
    """Where each hash chain (core.chain) ends: the id and hash of its last row. Locked by every
    writer of either chain, so each chain stays one line under concurrent writers."""

    chain = models.CharField(_("链"), max_length=16, primary_key=True)
    last_id = models.PositiveBigIntegerField(_("最后一条"), default=0)
    last_hash = models.CharField(_("最后校验值"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("审计链末端")
        verbose_name_plural = _("审计链末端")

    def __str__(self) -> str:
        return f"{self.chain}: {self.last_id}"


class ChainAnchor(models.Model):
    """Left by retention for each run of consecutive rows of a chain it deletes: the hash the
    first of them named as its previous hash and the hash of the last, which the next row kept
    names as its previous hash."""

    chain = models.CharField(_("链"), max_length=16)
    prev_hash = models.CharField(_("之前的校验值"), max_length=80, blank=True)
    through_id = models.PositiveBigIntegerField(_("删除至"))
    last_hash = models.CharField(_("最后删除的校验值"), max_length=80)
    removed = models.PositiveIntegerField(_("删除条数"), default=0)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("审计链锚点")
        verbose_name_plural = _("审计链锚点")
        indexes = [models.Index(fields=["chain", "prev_hash"], name="chain_anchor")]

    def __str__(self) -> str:
        return f"{self.chain} ≤ {self.through_id}"
