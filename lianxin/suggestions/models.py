"""What is a suggestion's or a motion's own; everything the closed loop shares lives on
`casework.Case` (assignments, consultations, replies, evaluations, the timeline).

A suggestion or a motion is a `Case` of kind `suggestion` / `motion`; the models here hang off
it (one-to-one or many-to-one) and are written only by `suggestions.actions`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianxin.casework.models import Rating as SurveyRating

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


class Quality(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("较差")


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


class CoSponsor(models.Model):
    """A deputy asked to join a suggestion or a motion. The case counts a co-sponsor once
    confirmed; the lead sponsor is `Case.raised_by_deputy`."""

    class Status(models.TextChoices):
        INVITED = "invited", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        DECLINED = "declined", _("已谢绝")

    class Source(models.TextChoices):
        INVITED = "invited", _("联名邀请")
        MERGED = "merged", _("建议合并")
        CONVERTED = "converted", _("议案转建议")

    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="cosponsors")
    deputy = models.ForeignKey(
        "org.Deputy",
        verbose_name=_("代表"),
        on_delete=models.PROTECT,
        related_name="cosponsorships",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.INVITED
    )
    source = models.CharField(
        _("来源"), max_length=16, choices=Source.choices, default=Source.INVITED
    )
    invited_at = models.DateTimeField(_("邀请时间"), auto_now_add=True)
    responded_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("工作人员代为登记书面确认时为该工作人员。"),
    )

    class Meta:
        verbose_name = _("联名代表")
        verbose_name_plural = _("联名代表")
        ordering = ["case", "id"]
        indexes = [models.Index(fields=["deputy", "case"], name="cosponsor_deputy")]
        constraints = [
            models.UniqueConstraint(fields=["case", "deputy"], name="one_cosponsorship_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.deputy_id} → {self.case_id}"


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


class ReplySignoff(models.Model):
    """The unit head's sign-off of a reply letter before it leaves the unit."""

    reply = models.OneToOneField(
        "casework.Reply", primary_key=True, on_delete=models.CASCADE, related_name="signoff"
    )
    approved = models.BooleanField(_("同意签发"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    note = models.TextField(_("签发意见"), blank=True)

    class Meta:
        verbose_name = _("答复签发")
        verbose_name_plural = _("答复签发")

    def __str__(self) -> str:
        return f"{self.reply_id} {'✓' if self.approved else '✗'}"


class Commitment(models.Model):
    """What a reply promised (承诺事项), by whom and by when; followed up until kept, across
    years and sessions."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待签发")
        OPEN = "open", _("待兑现")
        KEPT = "kept", _("已兑现")
        NOT_KEPT = "not_kept", _("未兑现")
        VOID = "void", _("已作废")

    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="commitments")
    reply = models.ForeignKey(
        "casework.Reply", on_delete=models.CASCADE, related_name="commitments"
    )
    unit = models.ForeignKey(
        "org.HandlingUnit", verbose_name=_("承诺单位"), on_delete=models.PROTECT, related_name="+"
    )
    content = models.TextField(_("承诺事项"))
    due_on = models.DateField(_("承诺完成时间"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    close_note = models.TextField(_("兑现情况"), blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("承诺事项")
        verbose_name_plural = _("承诺事项")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="commitment_status"),
            models.Index(fields=["unit", "status"], name="commitment_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.content[:20]}（{self.due_on}）"


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


# --- Extensions, co-handling deadlines and the key-supervision survey ---------------------------


class ExtensionRequest(models.Model):
    """A lead unit's request for more time (延期申请) before its due date, decided by the office
    of the congress: approved (the due date moves) or rejected with a reason. At most one is
    pending per suggestion. A reply signed off lapses a pending request; the lead unit's
    returning its assignment withdraws it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已同意")
        REJECTED = "rejected", _("不同意")
        LAPSED = "lapsed", _("已失效")
        WITHDRAWN = "withdrawn", _("已撤回（交办已退回）")

    case = models.ForeignKey(
        "casework.Case", on_delete=models.CASCADE, related_name="extension_requests"
    )
    assignment = models.ForeignKey(
        "casework.Assignment", on_delete=models.CASCADE, related_name="extension_requests"
    )
    unit = models.ForeignKey(
        "org.HandlingUnit", verbose_name=_("申请单位"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("延期理由"))
    due_before = models.DateField(_("原答复期限"))
    requested_due = models.DateField(_("申请延至"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)
    approved_due = models.DateField(_("批准延至"), null=True, blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["case", "requested_at", "id"]
        indexes = [models.Index(fields=["status", "case"], name="extension_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status="pending"),
                name="one_pending_extension_per_case",
            )
        ]

    def __str__(self) -> str:
        return _("%(title)s：申请延至 %(date)s") % {
            "title": self.case.display_title,
            "date": self.requested_due.isoformat(),
        }

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("suggestion_detail", args=[self.case_id])


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


class SurveyRound(models.Model):
    """One round of the satisfaction survey (满意度测评) of a key-supervision suggestion: the
    deputies concerned (the lead sponsor and the confirmed co-sponsors when it opened) each rate
    the handling once, and may change their answer until the office closes the round."""

    case = models.ForeignKey(
        "casework.Case", on_delete=models.CASCADE, related_name="survey_rounds"
    )
    number = models.PositiveSmallIntegerField(_("轮次"))
    note = models.TextField(_("测评说明"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("满意度测评")
        verbose_name_plural = _("满意度测评")
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="one_survey_per_number"),
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(closed_at__isnull=True),
                name="one_open_survey_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} #{self.number}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class SurveyAnswer(models.Model):
    """One deputy's place in a survey round; `rating` stays empty until they answer."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="answers")
    deputy = models.ForeignKey(
        "org.Deputy", verbose_name=_("代表"), on_delete=models.PROTECT, related_name="+"
    )
    rating = models.CharField(
        _("测评结果"), max_length=32, choices=SurveyRating.choices, blank=True
    )
    comment = models.TextField(_("意见"), blank=True)
    answered_at = models.DateTimeField(_("填写时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("满意度测评答卷")
        verbose_name_plural = _("满意度测评答卷")
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "deputy"], name="one_answer_per_deputy")
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.deputy_id} {self.rating or '—'}"
