"""Bulletins and learning material for deputies (M12): 政情通报, new laws and regulations,
learning material (the Deputies Law), sent by a congress's office to all its deputies or to
chosen ones, with a read receipt per recipient."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lianxin.core.models import TimeStampedModel


class Bulletin(TimeStampedModel):
    class Kind(models.TextChoices):
        BRIEFING = "briefing", _("政情通报")
        NEW_LAW = "new_law", _("新法规")
        LEARNING = "learning", _("学习资料")

    class Audience(models.TextChoices):
        ALL = "all", _("本级全体代表")
        CHOSEN = "chosen", _("指定代表")

    congress = models.ForeignKey(
        "org.Congress", verbose_name=_("人大"), on_delete=models.PROTECT, related_name="bulletins"
    )
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    audience = models.CharField(_("发送对象"), max_length=16, choices=Audience.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("bulletin_detail", args=[self.pk])


class Receipt(models.Model):
    """One recipient (a seat) of a bulletin, and when they first read it."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="receipts")
    deputy = models.ForeignKey(
        "org.Deputy", verbose_name=_("代表"), on_delete=models.PROTECT, related_name="receipts"
    )
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("阅读回执")
        verbose_name_plural = _("阅读回执")
        ordering = ["bulletin", "deputy__person__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["bulletin", "deputy"], name="one_receipt_per_seat")
        ]

    def __str__(self) -> str:
        return f"{self.bulletin_id}:{self.deputy_id}"
