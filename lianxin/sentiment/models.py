"""Public-sentiment reports (社情民意信息, M14): what members, sectors and the CPPCC's staff
write about what people say, edited by the staff, compiled into the CPPCC's issues (期刊), sent
up, adopted and instructed by leaders. Rows are written only by `sentiment.actions`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lianxin.core.models import TimeStampedModel


class ReportState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已采用待编辑")
    EDITED = "edited", _("已编辑")
    COMPILED = "compiled", _("已编入期刊")
    SENT = "sent", _("已报送上级")
    ADOPTED = "adopted", _("已被采用")
    INSTRUCTED = "instructed", _("已获批示")


class Level(models.TextChoices):
    """The level of the body that adopted a report or of the leader who instructed on it."""

    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")


class Recipient(models.TextChoices):
    HIGHER_CPPCC = "higher_cppcc", _("上级政协")
    PARTY_COMMITTEE = "party_committee", _("党委")
    GOVERNMENT = "government", _("政府")


class AdoptionManner(models.TextChoices):
    ADOPTED = "adopted", _("采用")
    FORWARDED = "forwarded", _("转送")


class SentimentIssue(TimeStampedModel):
    """One issue of a CPPCC's 社情民意信息, numbered per year (2026年第N期)."""

    cppcc = models.ForeignKey(
        "org.Cppcc", verbose_name=_("政协"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveSmallIntegerField(_("期号"))
    title = models.CharField(_("标题"), max_length=200)
    compiled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("编辑人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recipients = models.JSONField(_("报送对象"), default=list, blank=True)
    sent_on = models.DateField(_("报送日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("社情民意信息期刊")
        verbose_name_plural = _("社情民意信息期刊")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["cppcc", "year", "number"], name="one_sentiment_issue_number_per_year"
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _("%(year)s年第%(number)s期") % {"year": self.year, "number": self.number}

    def get_absolute_url(self) -> str:
        return reverse("sentiment_issue", args=[self.pk])

    @property
    def recipient_labels(self) -> list[str]:
        names = dict(Recipient.choices)
        return [str(names.get(r, r)) for r in self.recipients]


class SentimentReport(TimeStampedModel):
    cppcc = models.ForeignKey(
        "org.Cppcc", verbose_name=_("政协"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("状态"),
        max_length=16,
        choices=ReportState.choices,
        default=ReportState.DRAFT,
        db_index=True,
    )
    title = models.CharField(_("标题"), max_length=100)
    content = models.TextField(_("原文"))
    category = models.ForeignKey(
        "casework.Category",
        verbose_name=_("所属领域"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author_member = models.ForeignKey(
        "org.Member",
        verbose_name=_("反映人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sentiment_reports",
    )
    author_sector = models.ForeignKey(
        "org.Body",
        verbose_name=_("反映界别"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sentiment_reports",
    )
    co_authors = models.ManyToManyField(
        "org.Member", verbose_name=_("联名委员"), blank=True, related_name="+"
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撰写人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_proposal = models.ForeignKey(
        "casework.Case",
        verbose_name=_("来源提案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True, db_index=True)
    return_reason = models.TextField(_("退回理由"), blank=True)
    edited_title = models.CharField(_("编辑后的标题"), max_length=100, blank=True)
    edited_content = models.TextField(_("编辑后的文稿"), blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("编辑人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    edited_at = models.DateTimeField(_("编辑时间"), null=True, blank=True)
    issue = models.ForeignKey(
        SentimentIssue,
        verbose_name=_("期刊"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    position = models.PositiveSmallIntegerField(_("刊内顺序"), null=True, blank=True)
    adopted_by = models.CharField(_("采用单位"), max_length=100, blank=True)
    adoption_level = models.CharField(
        _("采用级别"), max_length=16, choices=Level.choices, blank=True
    )
    adoption_manner = models.CharField(
        _("采用方式"), max_length=16, choices=AdoptionManner.choices, blank=True
    )
    adopted_on = models.DateField(_("采用日期"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("社情民意信息")
        verbose_name_plural = _("社情民意信息")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~(
                    models.Q(author_member__isnull=False) & models.Q(author_sector__isnull=False)
                ),
                name="sentiment_author_member_or_sector",
            )
        ]

    def __str__(self) -> str:
        return self.shown_title

    def get_absolute_url(self) -> str:
        return reverse("sentiment_detail", args=[self.pk])

    @property
    def shown_title(self) -> str:
        """The title as printed: the edited one once the staff have edited it."""
        return self.edited_title or self.title

    @property
    def shown_content(self) -> str:
        return self.edited_content or self.content

    @property
    def author_label(self) -> str:
        if self.author_sector_id:
            return str(_("%(sector)s界别") % {"sector": self.author_sector.name})
        if self.author_member_id:
            return str(_("%(name)s委员") % {"name": self.author_member.person.name})
        return self.cppcc.name


class ReportAttachment(TimeStampedModel):
    report = models.ForeignKey(
        SentimentReport,
        verbose_name=_("社情民意信息"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("文件"), upload_to="sentiment/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class Instruction(TimeStampedModel):
    """A leader's instruction (批示) on a report that was sent up."""

    report = models.ForeignKey(
        SentimentReport,
        verbose_name=_("社情民意信息"),
        on_delete=models.CASCADE,
        related_name="instructions",
    )
    leader = models.CharField(_("批示领导"), max_length=50)
    level = models.CharField(_("级别"), max_length=16, choices=Level.choices)
    text = models.TextField(_("批示内容"))
    given_on = models.DateField(_("批示日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("领导批示")
        verbose_name_plural = _("领导批示")
        ordering = ["given_on", "id"]

    def __str__(self) -> str:
        return f"{self.leader} {self.given_on}"
