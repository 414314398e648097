"""Consultation (协商, M14): consultation events with their speeches and results, and the
places where members meet people (members' studios, township liaison groups). Rows are written
only by `xieshang.actions`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lianxin.core.models import TimeStampedModel
from lianxin.org.models import new_scan_code


class EventKind(models.TextChoices):
    STANDING_COMMITTEE = "standing_committee", _("议政性常委会会议")
    TOPICAL = "topical", _("专题协商")
    COUNTERPART = "counterpart", _("对口协商")
    SECTOR = "sector", _("界别协商")
    QUARTERLY = "quarterly", _("季度协商")
    MICRO = "micro", _("微协商")
    JOINT = "joint", _("联动协商")


class ResultState(models.TextChoices):
    RECORDED = "recorded", _("已形成")
    SENT = "sent", _("已报送交办")
    ADOPTED = "adopted", _("已采纳")
    IMPLEMENTED = "implemented", _("已落实")
    FEEDBACK = "feedback", _("已反馈")


class ConsultationEvent(TimeStampedModel):
    cppcc = models.ForeignKey(
        "org.Cppcc", verbose_name=_("政协"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("协商形式"), max_length=24, choices=EventKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    topic = models.TextField(_("协商议题"))
    held_on = models.DateField(_("日期"), db_index=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    agenda = models.JSONField(_("议程"), default=list, blank=True)
    joint_with = models.CharField(_("联动的政协"), max_length=200, blank=True)
    participants = models.ManyToManyField(
        "org.Member", verbose_name=_("参加委员"), blank=True, related_name="+"
    )
    invited_units = models.ManyToManyField(
        "org.HandlingUnit", verbose_name=_("邀请的单位"), blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("协商活动")
        verbose_name_plural = _("协商活动")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("xieshang_event", args=[self.pk])


class Speech(TimeStampedModel):
    """A speech at an event: by a member seat, or by a unit's representative (named)."""

    event = models.ForeignKey(
        ConsultationEvent,
        verbose_name=_("协商活动"),
        on_delete=models.CASCADE,
        related_name="speeches",
    )
    speaker_member = models.ForeignKey(
        "org.Member",
        verbose_name=_("发言委员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    speaker_unit = models.ForeignKey(
        "org.HandlingUnit",
        verbose_name=_("发言单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    speaker_name = models.CharField(_("发言人"), max_length=50)
    sector = models.ForeignKey(
        "org.Body",
        verbose_name=_("界别"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("发言内容"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("协商发言")
        verbose_name_plural = _("协商发言")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(speaker_member__isnull=True)
                | models.Q(speaker_unit__isnull=True),
                name="xieshang_speech_member_or_unit",
            )
        ]

    def __str__(self) -> str:
        return self.speaker_name


class ConsultationResult(TimeStampedModel):
    """A result (协商成果) of an event, followed to adoption, implementation and feedback."""

    event = models.ForeignKey(
        ConsultationEvent,
        verbose_name=_("协商活动"),
        on_delete=models.CASCADE,
        related_name="results",
    )
    title = models.CharField(_("成果名称"), max_length=200)
    content = models.TextField(_("成果内容"))
    state = models.CharField(
        _("状态"), max_length=16, choices=ResultState.choices, default=ResultState.RECORDED
    )
    sent_to = models.ManyToManyField(
        "org.HandlingUnit", verbose_name=_("报送交办单位"), blank=True, related_name="+"
    )
    sent_on = models.DateField(_("报送日期"), null=True, blank=True)
    adopted_on = models.DateField(_("采纳日期"), null=True, blank=True)
    implemented_on = models.DateField(_("落实日期"), null=True, blank=True)
    feedback = models.TextField(_("反馈情况"), blank=True)
    feedback_on = models.DateField(_("反馈日期"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("协商成果")
        verbose_name_plural = _("协商成果")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class ResultCarriedOut(TimeStampedModel):
    """A result taken into a document (a plan, a policy, the annual livelihood projects). The
    same record as proposals' `ProposalResult`, kept here because the two apps are of one layer
    and may not import each other."""

    class Kind(models.TextChoices):
        LIVELIHOOD = "livelihood", _("纳入民生实事")
        PLAN = "plan", _("纳入规划计划")
        POLICY = "policy", _("出台政策文件")
        OTHER = "other", _("其他")

    result = models.ForeignKey(
        ConsultationResult,
        verbose_name=_("协商成果"),
        on_delete=models.CASCADE,
        related_name="carried_out",
    )
    kind = models.CharField(_("转化形式"), max_length=16, choices=Kind.choices)
    document = models.CharField(_("文件名称"), max_length=200)
    number = models.CharField(_("文号"), max_length=100, blank=True)
    issued_on = models.DateField(_("日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("成果转化")
        verbose_name_plural = _("成果转化")
        ordering = ["issued_on", "id"]

    def __str__(self) -> str:
        return self.document


class Studio(TimeStampedModel):
    """A place where members meet people: a member's studio or a township liaison group."""

    class Kind(models.TextChoices):
        STUDIO = "studio", _("委员工作室")
        LIAISON_GROUP = "liaison_group", _("委员联络组")

    cppcc = models.ForeignKey(
        "org.Cppcc", verbose_name=_("政协"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey(
        "org.Region", verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    members = models.ManyToManyField(
        "org.Member", verbose_name=_("入驻委员"), blank=True, related_name="+"
    )
    scan_code = models.CharField(
        _("码上说事编码"), max_length=16, unique=True, default=new_scan_code
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("委员工作室")
        verbose_name_plural = _("委员工作室")
        ordering = ["region__code", "name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("xieshang_studio", args=[self.pk])


class StudioActivity(TimeStampedModel):
    studio = models.ForeignKey(
        Studio, verbose_name=_("工作室"), on_delete=models.CASCADE, related_name="activities"
    )
    held_on = models.DateField(_("日期"))
    title = models.CharField(_("活动名称"), max_length=200)
    notes = models.TextField(_("活动情况"), blank=True)
    members = models.ManyToManyField(
        "org.Member", verbose_name=_("参加委员"), blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("工作室活动")
        verbose_name_plural = _("工作室活动")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title
