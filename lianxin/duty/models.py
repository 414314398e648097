"""Deputies' activities between sessions (M9, M10): inspections, investigations, checks,
observing the standing committee, symposiums, trainings, state organs' events and station
days; the invitations sent to deputies, their answers and their sign-in on the day."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lianxin.core.models import TimeStampedModel


def new_checkin_code() -> str:
    """The secret part of an activity's sign-in address (its QR code): not guessable, so that
    only those who see the code on the day can scan it."""
    return secrets.token_urlsafe(12)


class Activity(TimeStampedModel):
    class Kind(models.TextChoices):
        INSPECTION = "inspection", _("视察")
        INVESTIGATION = "investigation", _("调研")
        LAW_ENFORCEMENT_CHECK = "law_enforcement_check", _("执法检查")
        ATTEND_AS_OBSERVER = "attend_as_observer", _("列席常委会会议")
        SYMPOSIUM = "symposium", _("座谈")
        TRAINING = "training", _("培训")
        STATE_ORGANS = "state_organs", _("一府一委两院活动")
        STATION_DAY = "station_day", _("站点活动日")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("待审批")
        PUBLISHED = "published", _("已发布")
        REJECTED = "rejected", _("未批准")
        CANCELLED = "cancelled", _("已取消")

    congress = models.ForeignKey(
        "org.Congress",
        verbose_name=_("人大"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    organiser_body = models.ForeignKey(
        "org.Body",
        verbose_name=_("组织机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    organiser_unit = models.ForeignKey(
        "org.HandlingUnit",
        verbose_name=_("组织单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    title = models.CharField(_("活动名称"), max_length=200)
    kind = models.CharField(_("活动类别"), max_length=32, choices=Kind.choices, db_index=True)
    topic = models.CharField(_("主题"), max_length=200, blank=True)
    expertise = models.ManyToManyField(
        "org.Expertise", verbose_name=_("涉及专业领域"), blank=True, related_name="activities"
    )
    description = models.TextField(_("活动说明"), blank=True)
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=200)
    capacity = models.PositiveIntegerField(_("人数上限"), null=True, blank=True)
    hours = models.DecimalField(
        _("培训学时"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PUBLISHED, db_index=True
    )
    status_reason = models.CharField(_("原因"), max_length=500, blank=True)
    checkin_code = models.CharField(
        _("签到码"), max_length=32, unique=True, default=new_checkin_code
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
        verbose_name = _("履职活动")
        verbose_name_plural = _("履职活动")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="activity_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("duty_activity", args=[self.pk])

    @property
    def organiser_name(self) -> str:
        if self.organiser_unit_id:
            return self.organiser_unit.name
        if self.organiser_body_id:
            return self.organiser_body.name
        return self.congress.name

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Material(TimeStampedModel):
    """A file handed out with an activity (agenda, briefing, reading)."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="materials"
    )
    file = models.FileField(_("文件"), upload_to="duty/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))

    class Meta:
        verbose_name = _("活动材料")
        verbose_name_plural = _("活动材料")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class Invitation(TimeStampedModel):
    """One deputy seat invited to one activity: the answer, then the attendance."""

    class Answer(models.TextChoices):
        PENDING = "pending", _("待答复")
        ACCEPTED = "accepted", _("参加")
        DECLINED = "declined", _("请假")

    class Attendance(models.TextChoices):
        UNKNOWN = "", _("未登记")
        PRESENT = "present", _("出席")
        LATE = "late", _("迟到")
        ON_LEAVE = "on_leave", _("请假")
        ABSENT = "absent", _("缺席")

    class SignIn(models.TextChoices):
        SCAN = "scan", _("扫码签到")
        LIST = "list", _("名单签到")

    activity = models.ForeignKey(
        Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="invitations"
    )
    deputy = models.ForeignKey(
        "org.Deputy",
        verbose_name=_("代表"),
        on_delete=models.PROTECT,
        related_name="activity_invitations",
    )
    match_reason = models.CharField(_("推荐理由"), max_length=300, blank=True)
    answer = models.CharField(
        _("答复"), max_length=16, choices=Answer.choices, default=Answer.PENDING, db_index=True
    )
    answer_reason = models.CharField(_("请假事由"), max_length=500, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    attendance = models.CharField(
        _("出席情况"), max_length=16, choices=Attendance.choices, blank=True, default=""
    )
    attendance_note = models.CharField(_("说明"), max_length=500, blank=True)
    signed_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    signed_in_by = models.CharField(
        _("签到方式"), max_length=8, choices=SignIn.choices, blank=True, default=""
    )
    hours = models.DecimalField(
        _("计入学时"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("活动邀请")
        verbose_name_plural = _("活动邀请")
        ordering = ["activity_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "deputy"], name="one_invitation_per_seat")
        ]

    def __str__(self) -> str:
        return f"{self.activity.title} · {self.deputy.person.name}"

    def get_absolute_url(self) -> str:
        return reverse("duty_invitation", args=[self.pk])


# --- The duty record (M11) and its points -------------------------------------------------------
class DutyKind(models.TextChoices):
    """The kinds of duty a seat's record holds, each read from the trail (see record.py)."""

    ACTIVITY = "activity", _("参加活动")
    TRAINING = "training", _("参加培训")
    SUGGESTION = "suggestion", _("代表建议")
    MOTION = "motion", _("议案")
    RECEPTION = "reception", _("联络站接待群众")
    OPINION = "opinion", _("办理群众意见")
    POST = "post", _("履职登记")
    REPORT = "report", _("向选民述职")
    CONSULTATION = "consultation", _("立法和议题征求意见")


class Outcome(models.TextChoices):
    """What came of a duty; a scoring rule may name one (else it scores every outcome)."""

    ATTENDED = "attended", _("出席")
    ABSENT = "absent", _("缺席（未请假）")
    SUBMITTED = "submitted", _("领衔提出")
    COSPONSORED = "cosponsored", _("联名附议")
    CLASS_A = "class_a", _("答复为 A 类")
    FED_BACK = "fed_back", _("办理并反馈")
    RECEIVED = "received", _("接待")
    APPROVED = "approved", _("审核通过")
    OPINION_GIVEN = "opinion_given", _("提出意见")
    ADOPTED = "adopted", _("意见被采纳")
    PARTLY_ADOPTED = "partly_adopted", _("意见被部分采纳")


class DutyPost(TimeStampedModel):
    """A duty the deputy posts himself (text and photos); it counts once the station manager or
    the office approves it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        RETURNED = "returned", _("已退回")

    deputy = models.ForeignKey(
        "org.Deputy", verbose_name=_("代表"), on_delete=models.PROTECT, related_name="duty_posts"
    )
    station = models.ForeignKey(
        "liaison.Station",
        verbose_name=_("联络站"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duty_posts",
    )
    title = models.CharField(_("履职事项"), max_length=100)
    content = models.TextField(_("履职情况"))
    date = models.DateField(_("履职日期"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    reason = models.CharField(_("退回原因"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("履职登记")
        verbose_name_plural = _("履职登记")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("duty_post", args=[self.pk])


class DutyPostPhoto(models.Model):
    post = models.ForeignKey(
        DutyPost, verbose_name=_("履职登记"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("照片"), upload_to="duty/posts/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=100)

    class Meta:
        verbose_name = _("履职照片")
        verbose_name_plural = _("履职照片")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class DutyEntry(models.Model):
    """One duty of one seat, read from the trail event that recorded it (never typed twice).
    `points` is written by scoring.recompute from the congress's rules of the year."""

    deputy = models.ForeignKey(
        "org.Deputy", verbose_name=_("代表"), on_delete=models.PROTECT, related_name="duty_entries"
    )
    kind = models.CharField(_("履职类别"), max_length=16, choices=DutyKind.choices)
    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome.choices)
    date = models.DateField(_("日期"))
    title = models.CharField(_("事项"), max_length=200)
    points = models.IntegerField(_("积分"), default=0)
    source_type = models.CharField(_("来源类别"), max_length=64)
    source_id = models.CharField(_("来源编号"), max_length=64)
    trail = models.ForeignKey(
        "core.TrailEvent",
        verbose_name=_("操作记录"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("履职记录")
        verbose_name_plural = _("履职记录")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["trail", "deputy"], name="one_entry_per_event_seat")
        ]
        indexes = [
            models.Index(fields=["deputy", "date"], name="duty_entry_seat_date"),
            models.Index(fields=["source_type", "source_id"], name="duty_entry_source"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.title}"


class Period(models.TextChoices):
    QUARTER = "quarter", _("每季度")
    YEAR = "year", _("每年")


class ScoringRule(models.Model):
    """Points of one kind of duty (and outcome) for a congress's deputies in one year, edited by
    administrators; `cap` bounds what the kind earns a seat per quarter or per year, and
    `absence_deduction` is taken for each absence without leave from such a duty."""

    congress = models.ForeignKey(
        "org.Congress", verbose_name=_("人大"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("履职类别"), max_length=16, choices=DutyKind.choices)
    outcome = models.CharField(
        _("结果"),
        max_length=16,
        choices=Outcome.choices,
        blank=True,
        help_text=_("留空表示该类履职的各种结果均按此计分。"),
    )
    points = models.PositiveSmallIntegerField(_("每次积分"))
    cap = models.PositiveSmallIntegerField(_("积分上限"), null=True, blank=True)
    cap_period = models.CharField(
        _("上限周期"), max_length=8, choices=Period.choices, default=Period.YEAR
    )
    absence_deduction = models.PositiveSmallIntegerField(_("无故缺席扣分"), default=0)

    class Meta:
        verbose_name = _("积分规则")
        verbose_name_plural = _("积分规则")
        ordering = ["congress", "-year", "kind", "outcome"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "year", "kind", "outcome"], name="one_rule_per_duty_year"
            )
        ]

    def __str__(self) -> str:
        outcome = f" · {self.get_outcome_display()}" if self.outcome else ""
        return f"{self.year} {self.get_kind_display()}{outcome}"

    def clean(self) -> None:
        from .scoring import check_rule

        check_rule(self)


class GradeBand(models.Model):
    """A grade of the year's points: from `min_points` up to (not including) `max_points`."""

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("优秀")
        COMPETENT = "competent", _("称职")
        BASIC = "basic", _("基本称职")
        INCOMPETENT = "incompetent", _("不称职")

    congress = models.ForeignKey(
        "org.Congress", verbose_name=_("人大"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    grade = models.CharField(_("等次"), max_length=16, choices=Grade.choices)
    min_points = models.IntegerField(_("最低积分（含）"))
    max_points = models.IntegerField(_("最高积分（不含）"), null=True, blank=True)

    class Meta:
        verbose_name = _("评定等次")
        verbose_name_plural = _("评定等次")
        ordering = ["congress", "-year", "-min_points"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "year", "grade"], name="one_band_per_grade_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_grade_display()}"

    def clean(self) -> None:
        from .scoring import check_band

        check_band(self)


class DutyReport(TimeStampedModel):
    """A deputy's report to the voters of the electoral unit (向原选区选民述职) for a period:
    drafted from the duty record, edited and submitted by the deputy, approved (or returned)
    by the office of the seat's congress, printed, and published on the public site."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待审核")
        RETURNED = "returned", _("已退回")
        APPROVED = "approved", _("已通过")
        PUBLISHED = "published", _("已公开")

    deputy = models.ForeignKey(
        "org.Deputy",
        verbose_name=_("代表"),
        on_delete=models.PROTECT,
        related_name="duty_reports",
    )
    period_start = models.DateField(_("述职期间起"))
    period_end = models.DateField(_("述职期间止"))
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("述职报告正文"))
    figures = models.JSONField(_("履职数据"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    reason = models.CharField(_("退回原因"), max_length=500, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("述职报告")
        verbose_name_plural = _("述职报告")
        ordering = ["-period_end", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="duty_report_period_order",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("duty_report", args=[self.pk])

    @property
    def editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class ProfilePublication(models.Model):
    """What the office of a congress publishes of its deputies' performance on their public
    pages (亮履职); a congress without a row publishes every figure."""

    congress = models.OneToOneField(
        "org.Congress",
        verbose_name=_("人大"),
        on_delete=models.CASCADE,
        related_name="profile_publication",
    )
    receptions = models.BooleanField(_("公开联络站接待情况"), default=True)
    suggestions = models.BooleanField(_("公开提出建议及办理结果"), default=True)
    activities = models.BooleanField(_("公开参加活动情况"), default=True)
    opinions = models.BooleanField(_("公开办理群众意见情况"), default=True)
    reports = models.BooleanField(_("公开述职报告"), default=True)

    class Meta:
        verbose_name = _("履职公开设置")
        verbose_name_plural = _("履职公开设置")

    def __str__(self) -> str:
        return str(self.congress)


class DutyStory(TimeStampedModel):
    """A deputy's story of duty (履职故事), written by the deputy or by the office, reviewed by
    the office of the seat's congress (not by its author) and published on the public site,
    linked from the deputy's page."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        RETURNED = "returned", _("已退回")
        PUBLISHED = "published", _("已公开")

    deputy = models.ForeignKey(
        "org.Deputy", verbose_name=_("代表"), on_delete=models.PROTECT, related_name="stories"
    )
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("正文"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撰写人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    reason = models.CharField(_("退回原因"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("履职故事")
        verbose_name_plural = _("履职故事")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("duty_story", args=[self.pk])


class TypicalCase(TimeStampedModel):
    """A typical case (典型案例) drawn from a concluded case for deputies' learning and the public
    site: what was raised and how it was handled, with the citizens' personal data removed
    (names, phone numbers, identity numbers, tracking codes) and edited by the office."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已公开")

    case = models.ForeignKey(
        "casework.Case",
        verbose_name=_("来源事项"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    congress = models.ForeignKey(
        "org.Congress", verbose_name=_("人大"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("标题"), max_length=100)
    kind_label = models.CharField(_("事项类别"), max_length=32)
    region_name = models.CharField(_("地区"), max_length=100, blank=True)
    problem = models.TextField(_("反映的问题"))
    handling = models.TextField(_("办理情况"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("编写人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("典型案例")
        verbose_name_plural = _("典型案例")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("duty_typical_case", args=[self.pk])
