"""What is a CPPCC proposal's own; everything the closed loop shares lives on `casework.Case`
(co-sponsors, assignments, replies with their sign-off and commitments, both directions of the
evaluation, the timeline).

A proposal is a `Case` of kind `proposal` owned by a CPPCC (`Case.cppcc`) and raised by one of
its members (`Case.raised_by_member`); the row here hangs off it one-to-one and is written only
by `proposals.actions`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Proposal(models.Model):
    class Disposition(models.TextChoices):
        """What becomes of a proposal that is not registered (不予立案)."""

        NONE = "", _("不作处理")
        LETTER = "letter", _("转为委员来信")
        SENTIMENT = "sentiment", _("留作社情民意信息")

    case = models.OneToOneField(
        "casework.Case",
        verbose_name=_("案件"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="proposal",
    )
    in_session = models.BooleanField(
        _("大会提案"), default=False, help_text=_("否：闭会期间提出的平时提案。")
    )
    registered_at = models.DateTimeField(_("立案时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审查人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decline_reason = models.TextField(_("不予立案的理由"), blank=True)
    disposition = models.CharField(
        _("不予立案后的处理"), max_length=16, choices=Disposition.choices, blank=True
    )

    class Meta:
        verbose_name = _("政协提案")
        verbose_name_plural = _("政协提案")

    def __str__(self) -> str:
        return self.case.display_title
