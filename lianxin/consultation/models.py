"""Law-making and agenda consultations (M9): a standing-committee agenda topic or a draft
regulation opened to deputies for a period, its articles (第X条), the opinions deputies give
and those citizens give at grassroots legislative contact points (scan-to-speak), and what the
office decided of each."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianxin.core.models import TimeStampedModel


def new_link_code() -> str:
    """The secret part of a contact point's scan-to-speak address for one consultation."""
    return secrets.token_urlsafe(9)


class Consultation(TimeStampedModel):
    class Kind(models.TextChoices):
        AGENDA = "agenda", _("常委会会议议题")
        DRAFT = "draft", _("法规草案")

    class Audience(models.TextChoices):
        ALL = "all", _("本级全体代表")
        FIELDS = "fields", _("相关专业领域的代表")

    congress = models.ForeignKey(
        "org.Congress",
        verbose_name=_("人大"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("正文"), blank=True)
    opens_at = models.DateTimeField(_("征求意见开始时间"))
    closes_at = models.DateTimeField(_("征求意见截止时间"), db_index=True)
    audience = models.CharField(
        _("征求对象"), max_length=16, choices=Audience.choices, default=Audience.ALL
    )
    expertise = models.ManyToManyField(
        "org.Expertise", verbose_name=_("专业领域"), blank=True, related_name="consultations"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("征求意见")
        verbose_name_plural = _("征求意见")
        ordering = ["-opens_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultation_detail", args=[self.pk])

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at


class Article(models.Model):
    """One article (第X条) of a draft, as parsed from its text."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="articles"
    )
    number = models.PositiveIntegerField(_("序号"))
    label = models.CharField(_("条"), max_length=32)
    text = models.TextField(_("条文"))

    class Meta:
        verbose_name = _("条文")
        verbose_name_plural = _("条文")
        ordering = ["consultation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "number"], name="one_article_number_per_consultation"
            )
        ]

    def __str__(self) -> str:
        return self.label


class Document(models.Model):
    """An attachment of the consultation (the draft's explanation, background material)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="documents"
    )
    file = models.FileField(_("文件"), upload_to="consultations/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class ContactLink(models.Model):
    """The scan-to-speak address of one grassroots legislative contact point for one
    consultation: citizens who scan it give their opinion on this draft at this point."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="contact_links"
    )
    station = models.ForeignKey(
        "liaison.Station",
        verbose_name=_("基层立法联系点"),
        on_delete=models.PROTECT,
        related_name="consultation_links",
    )
    code = models.CharField(max_length=32, unique=True, default=new_link_code)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "station"], name="one_link_per_consultation_station"
            )
        ]

    def __str__(self) -> str:
        return self.code


class Opinion(TimeStampedModel):
    """An opinion on a consultation: a deputy's (for one seat) or a citizen's (at a contact
    point)."""

    class Source(models.TextChoices):
        DEPUTY = "deputy", _("代表意见")
        CITIZEN = "citizen", _("基层立法联系点群众意见")

    class Decision(models.TextChoices):
        PENDING = "pending", _("待研究")
        ADOPTED = "adopted", _("采纳")
        PARTLY = "partly", _("部分采纳")
        NOT_ADOPTED = "not_adopted", _("未采纳")

    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, related_name="opinions"
    )
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    deputy = models.ForeignKey(
        "org.Deputy",
        verbose_name=_("代表"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultation_opinions",
    )
    station = models.ForeignKey(
        "liaison.Station",
        verbose_name=_("基层立法联系点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultation_opinions",
    )
    article = models.ForeignKey(
        Article,
        verbose_name=_("针对条文"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinions",
    )
    theme = models.CharField(_("主题"), max_length=100, blank=True)
    content = models.TextField(_("意见内容"))
    citizen_name = models.CharField(_("群众姓名"), max_length=32, blank=True)
    citizen_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    intake_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    decision = models.CharField(
        _("采纳情况"),
        max_length=16,
        choices=Decision.choices,
        default=Decision.PENDING,
        db_index=True,
    )
    decision_reason = models.CharField(_("理由"), max_length=500, blank=True)
    decided_at = models.DateTimeField(_("研究时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("征求意见反馈")
        verbose_name_plural = _("征求意见反馈")
        ordering = ["consultation", "article__number", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source="deputy", deputy__isnull=False)
                | models.Q(source="citizen", station__isnull=False),
                name="consultation_opinion_has_its_source",
            )
        ]

    def __str__(self) -> str:
        return self.content[:40]

    @property
    def author(self) -> str:
        if self.deputy_id:
            return self.deputy.person.name
        return self.citizen_name or str(_("群众"))

    @property
    def group_label(self) -> str:
        """Where the opinion is grouped: its article, else its theme, else 总体意见."""
        if self.article_id:
            return self.article.label
        return self.theme or str(_("总体意见"))


class OpinionFile(models.Model):
    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("文件"), upload_to="consultations/opinions/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name
