"""What is a suggestion's or a motion's own; everything the closed loop shares lives on
`casework.Case` (assignments, consultations, replies, evaluations, the timeline).

A suggestion or a motion is a `Case` of kind `suggestion` / `motion`; the models here hang off
it (one-to-one or many-to-one) and are written only by `suggestions.actions`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianxin.casework.models import Quality

# --- Congress sessions and policy (edited by administrators) ------------------------------------


class Session(models.Model):
    """One session (会议) of a congress: suggestions raised between its opening and its deadline
    are `in_session`; motions may only be submitted then."""

    congress = models.ForeignKey(
        "org.Congress", verbose_name=_("人大"), on_delete=models.CASCADE, related_name="sessions"
    )
    term = models.PositiveSmallIntegerField(_("届次"))
    number = models.PositiveSmallIntegerField(_("会次"))
    name = models.CharField(_("名称"), max_length=100)
    opens_on = models.DateField(_("开幕日期"))
    closes_on = models.DateField(_("闭幕日期"))
    suggestion_deadline = models.DateField(
        _("建议截止日期"), null=True, blank=True, help_text=_("缺省为闭幕日期。")
    )
    motion_deadline = models.DateField(
        _("议案截止日期"), null=True, blank=True, help_text=_("缺省为闭幕日期。")
    )

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["congress", "-opens_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "term", "number"], name="one_session_per_number"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def accepts_suggestions_on(self, day) -> bool:
        return self.opens_on <= day <= (self.suggestion_deadline or self.closes_on)

    def accepts_motions_on(self, day) -> bool:
        return self.opens_on <= day <= (self.motion_deadline or self.closes_on)


class ReviewTier(models.Model):
    """One tier of the review of suggestions, configured per congress. Without rows a congress
    uses DEFAULT_TIERS (see `queries.review_tiers`)."""

    class Body(models.TextChoices):
        DELEGATION = "delegation", _("代表团")
        SESSION_GROUP = "session_group", _("议案建议审查组")
        COMMITTEE = "committee", _("专门委员会（工作机构）")
        OFFICE = "office", _("代表工作机构")

    congress = models.ForeignKey(
        "org.Congress",
        verbose_name=_("人大"),
        on_delete=models.CASCADE,
        related_name="review_tiers",
    )
    order = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("名称"), max_length=50)
    body = models.CharField(_("审查机构"), max_length=32, choices=Body.choices)
    in_session = models.BooleanField(_("适用于会议期间建议"), default=True)
    in_recess = models.BooleanField(_("适用于闭会期间建议"), default=False)
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("建议审查层级")
        verbose_name_plural = _("建议审查层级")
        ordering = ["congress", "order"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "order"], name="one_tier_per_order")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class MotionPolicy(models.Model):
    """Per-congress settings of motions; without a row the number comes from the level
    (county and above 10, township 5)."""

    congress = models.OneToOneField(
        "org.Congress",
        verbose_name=_("人大"),
        on_delete=models.CASCADE,
        related_name="motion_policy",
    )
    min_cosponsors = models.PositiveSmallIntegerField(_("议案最少附议代表人数"))

    class Meta:
        verbose_name = _("议案规则")
        verbose_name_plural = _("议案规则")

    def __str__(self) -> str:
        return f"{self.congress}：{self.min_cosponsors}"


# --- A suggestion's and a motion's own records --------------------------------------------------


class HandlingRating(models.TextChoices):
    GOOD = "good", _("好")
    FAIR = "fair", _("较好")
    POOR = "poor", _("一般")


class Outcome(models.TextChoices):
    SOLVED = "solved", _("已解决或采纳")
    BEING_SOLVED = "being_solved", _("正在解决")
    PLANNED = "planned", _("列入计划解决")
    EXPLAINED = "explained", _("解释说明、留作参考")
    NOT_SOLVED = "not_solved", _("未解决")


class Suggestion(models.Model):
    case = models.OneToOneField(
        "casework.Case", primary_key=True, on_delete=models.CASCADE, related_name="suggestion"
    )
    session = models.ForeignKey(
        Session,
        verbose_name=_("会议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestions",
    )
    in_session = models.BooleanField(_("会议期间提出"), default=False)
    problem = models.TextField(_("存在的问题"), blank=True)
    measures = models.TextField(_("建议措施"), blank=True)
    is_complex = models.BooleanField(_("涉及面广、处理难度大"), default=False)
    # The order of the review tier it waits at (0: not in review).
    review_tier = models.PositiveSmallIntegerField(_("当前审查层级"), default=0)
    return_reason = models.TextField(_("退回修改理由"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("审查通过时间"), null=True, blank=True)
    # Staff's evaluations: the suggestion's quality, the handling, the outcome (办理结果认定).
    quality = models.CharField(_("建议质量"), max_length=16, choices=Quality.choices, blank=True)
    handling_rating = models.CharField(
        _("办理评价"), max_length=16, choices=HandlingRating.choices, blank=True
    )
    outcome = models.CharField(
        _("办理结果认定"), max_length=16, choices=Outcome.choices, blank=True
    )
    assessment_note = models.TextField(_("评价说明"), blank=True)

    class Meta:
        verbose_name = _("代表建议")
        verbose_name_plural = _("代表建议")
        indexes = [models.Index(fields=["session", "case"], name="suggestion_session")]

    def __str__(self) -> str:
        return str(self.case)


class Motion(models.Model):
    class Decision(models.TextChoices):
        AGENDA = "agenda", _("列入会议议程")
        CONVERT = "convert", _("作为建议处理")

    case = models.OneToOneField(
        "casework.Case", primary_key=True, on_delete=models.CASCADE, related_name="motion"
    )
    session = models.ForeignKey(
        Session, verbose_name=_("会议"), on_delete=models.PROTECT, related_name="motions"
    )
    delegation = models.ForeignKey(
        "org.Body",
        verbose_name=_("代表团"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("以代表团名义提出的议案不需附议代表。"),
    )
    decision = models.CharField(
        _("主席团决定"), max_length=16, choices=Decision.choices, blank=True
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    referred_to = models.ForeignKey(
        "org.Body",
        verbose_name=_("交付审议的专门委员会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("议案")
        verbose_name_plural = _("议案")

    def __str__(self) -> str:
        return str(self.case)


class CoOpinion(models.Model):
    """A co-handling unit's opinion (会办意见), sent to the lead unit before it replies."""

    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="co_opinions")
    unit = models.ForeignKey(
        "org.HandlingUnit", verbose_name=_("协办单位"), on_delete=models.PROTECT, related_name="+"
    )
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    content = models.TextField(_("会办意见"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("会办意见")
        verbose_name_plural = _("会办意见")
        ordering = ["case", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.unit_id} → {self.case_id}"


class KeySupervision(models.Model):
    """A suggestion chosen for key supervision, with the leader or committee who supervises it,
    and the circulated result."""

    case = models.OneToOneField(
        "casework.Case", primary_key=True, on_delete=models.CASCADE, related_name="key_supervision"
    )
    leader = models.CharField(_("督办领导"), max_length=50, blank=True)
    committee = models.ForeignKey(
        "org.Body",
        verbose_name=_("督办委员会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    chosen_at = models.DateTimeField(_("确定时间"), auto_now_add=True)
    result = models.TextField(_("督办结果"), blank=True)

    class Meta:
        verbose_name = _("重点督办建议")
        verbose_name_plural = _("重点督办建议")

    def __str__(self) -> str:
        return str(self.case_id)

    @property
    def supervisor(self) -> str:
        parts = [self.leader, self.committee.name if self.committee_id else ""]
        return "、".join(p for p in parts if p)


# --- Co-handling deadlines ----------------------------------------------------------------------


class CoOpinionDeadline(models.Model):
    """When a co-handling unit owes the lead unit its opinion: one calendar month from the
    assignment (rolled to the next working day). Watched by the deadline scan until the opinion
    is sent; `is_overdue` is set once, after the due date."""

    assignment = models.OneToOneField(
        "casework.Assignment",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="co_opinion_deadline",
    )
    case = models.ForeignKey(
        "casework.Case", on_delete=models.CASCADE, related_name="co_opinion_deadlines"
    )
    unit = models.ForeignKey(
        "org.HandlingUnit", verbose_name=_("协办单位"), on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("会办意见期限"))
    opinion = models.ForeignKey(
        CoOpinion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_overdue = models.BooleanField(_("已逾期"), default=False)

    class Meta:
        verbose_name = _("会办意见期限")
        verbose_name_plural = _("会办意见期限")
        ordering = ["case", "due_on", "pk"]
        indexes = [
            models.Index(fields=["due_on"], name="co_deadline_due"),
            models.Index(fields=["unit", "due_on"], name="co_deadline_unit"),
        ]

    def __str__(self) -> str:
        return _("%(title)s：会办意见 %(date)s 前提出") % {
            "title": self.case.display_title,
            "date": self.due_on.isoformat(),
        }

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("suggestion_detail", args=[self.case_id])
