"""Notifications: the in-app list on the workbench, and e-mail and SMS messages that a task
sends after the business transaction has committed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianxin.core.fields import EncryptedCharField, LookupHashField


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    verb = models.CharField(_("事项"), max_length=32)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    # The deadline scan runs again and again; the key makes each reminder arrive once.
    dedupe_key = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_once_per_key",
            )
        ]

    def __str__(self) -> str:
        return self.title


class DigestItem(models.Model):
    """An informational notice held for the recipient's daily digest (their notice mode is
    "digest"); `digest` is the notification that listed it, empty while it waits."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="digest_items",
    )
    verb = models.CharField(_("事项"), max_length=32)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    digest = models.ForeignKey(
        Notification,
        verbose_name=_("所在摘要"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="digest_items",
    )

    class Meta:
        verbose_name = _("摘要事项")
        verbose_name_plural = _("摘要事项")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["recipient", "digest"], name="digest_item_pending")]

    def __str__(self) -> str:
        return self.title


class OutboundMessage(models.Model):
    """An e-mail or SMS waiting to be sent, sent, or failed; the task sends each once."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("电子邮件")
        SMS = "sms", _("短信")

    class Status(models.TextChoices):
        QUEUED = "queued", _("待发送")
        # Claimed by a delivery that is sending it now (or died while sending: never sent twice).
        SENDING = "sending", _("正在发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")
        # Waiting or being sent when the backup a restore loaded was made: it may have gone out
        # after the backup, so nothing sends it until a person has checked the gateway's record.
        HELD = "held", _("待核对")

    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    # A citizen's phone for an SMS: sealed at rest (core.crypto), counted by its keyed hash.
    to = EncryptedCharField(_("收件人"), max_length=254)
    to_hash = LookupHashField(source="to", kind="recipient", db_index=False)
    subject = models.CharField(_("主题"), max_length=200, blank=True)
    body = models.TextField(_("内容"))
    status = models.CharField(
        _("状态"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("外发消息")
        verbose_name_plural = _("外发消息")
        ordering = ["-created_at", "-id"]
        # The daily cap of SMS per number counts a number's messages of the day.
        indexes = [models.Index(fields=["to_hash", "created_at"], name="outbound_to_recent")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.to}"
