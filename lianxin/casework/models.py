"""The one closed loop shared by every kind of case (opinion, suggestion, motion, proposal,
sentiment report, hotline work order).

A `Case` carries what every kind has in common; an intake app adds only what is its own and
links to its case. Workflow state is written only by `casework.actions`.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianxin.core.fields import EncryptedCharField, LookupHashField
from lianxin.core.models import AppendOnly, TimeStampedModel


class Kind(models.TextChoices):
    """The kinds of case. Each kind's states and transitions live in its intake app's
    `workflow.py`, registered with `casework.workflow`."""

    OPINION = "opinion", _("群众意见")
    SUGGESTION = "suggestion", _("代表建议")
    MOTION = "motion", _("议案")
    PROPOSAL = "proposal", _("政协提案")
    SENTIMENT_REPORT = "sentiment_report", _("社情民意信息")
    WORK_ORDER = "work_order", _("12345 工单")


class Channel(models.TextChoices):
    SCAN = "scan", _("码上说事")
    STATION_DESK = "station_desk", _("联络站接待")
    DEPUTY_UPLOAD = "deputy_upload", _("代表收集")
    API = "api", _("接口提交")
    HOTLINE = "hotline", _("12345 热线")
    OPEN311 = "open311", _("Open311")
    DEPUTY = "deputy", _("代表提出")
    MEMBER = "member", _("委员提出")
    STAFF = "staff", _("工作人员录入")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY_SATISFIED = "basically_satisfied", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class Quality(models.TextChoices):
    """How good a submission was, as the handling unit or the office rates it."""

    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("较差")


TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_tracking_code() -> str:
    """Ten characters without 0/O/1/I/L: read aloud over the phone, typed on a phone."""
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(10))


# --- Policy data (edited by administrators, seeded by a data migration) --------------------------


class Category(models.Model):
    """One classification for every channel (MISSION M15)."""

    code = models.SlugField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=32, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("问题类别")
        verbose_name_plural = _("问题类别")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class ReplyCategory(models.Model):
    """A / B / C: the codes are fixed, the labels are the office's wording."""

    code = models.CharField(_("代码"), max_length=1, unique=True)
    label = models.CharField(_("名称"), max_length=50)
    description = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("答复类别")
        verbose_name_plural = _("答复类别")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class DeadlinePolicy(models.Model):
    """A default deadline of one step of one kind, e.g. opinion / handle / 15 working days."""

    class Step(models.TextChoices):
        TRIAGE = "triage", _("梳理（审查）")
        HANDLE = "handle", _("办理答复")
        HANDLE_COMPLEX = "handle_complex", _("复杂事项办理答复")
        FEEDBACK = "feedback", _("答复后反馈")
        RETURN_WINDOW = "return_window", _("申请退回期限")
        CO_OPINION = "co_opinion", _("协办意见")
        REHANDLE = "rehandle", _("重新办理")
        AUTO_CONCLUDE = "auto_conclude", _("反馈后未评价自动办结")
        REMIND_BEFORE = "remind_before", _("到期前提醒")
        CO_OPINION_REMIND = "co_opinion_remind", _("协办意见到期前提醒")

    class Unit(models.TextChoices):
        WORKDAYS = "workdays", _("工作日")
        DAYS = "days", _("自然日")
        MONTHS = "months", _("个月")

    kind = models.CharField(_("案件类别"), max_length=32, choices=Kind.choices)
    step = models.CharField(_("环节"), max_length=32, choices=Step.choices)
    amount = models.PositiveSmallIntegerField(_("期限"))
    unit = models.CharField(_("单位"), max_length=16, choices=Unit.choices)
    note = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("办理期限")
        verbose_name_plural = _("办理期限")
        ordering = ["kind", "step"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "step"], name="one_deadline_per_kind_step")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_step_display()}：{self.amount}{self.get_unit_display()}"


class WorkdayOverride(models.Model):
    """Corrections to the maintained holiday calendar (a local day off, a late announcement).

    The calendar library covers the State Council's holidays and make-up workdays; a row here
    wins over it for that date.
    """

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    note = models.CharField(_("说明"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("工作日调整")
        verbose_name_plural = _("工作日调整")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'工作日' if self.is_workday else '休息日'}"


# --- The case ------------------------------------------------------------------------------------


class Case(TimeStampedModel):
    kind = models.CharField(_("类别"), max_length=32, choices=Kind.choices)
    # No choices here: each kind has its own states (see its workflow).
    state = models.CharField(_("状态"), max_length=32)
    version = models.PositiveIntegerField(_("版本"), default=0)
    tracking_code = models.CharField(
        _("查询码"), max_length=16, unique=True, default=new_tracking_code
    )
    title = models.CharField(_("标题"), max_length=200, blank=True)
    content = models.TextField(_("内容"))
    category = models.ForeignKey(
        Category,
        verbose_name=_("类别"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    region = models.ForeignKey(
        "org.Region",
        verbose_name=_("所涉区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,  # the composite case_region index leads with it
    )
    place = models.CharField(_("地点"), max_length=200, blank=True)

    # Who raised it.
    channel = models.CharField(_("来源渠道"), max_length=32, choices=Channel.choices)
    # Sealed at rest (core.crypto, SM4); found by an equal name or number through the keyed
    # hashes beside them (casework.queries.lookup_q). Masked wherever shown.
    contact_name = EncryptedCharField(_("联系人"), max_length=32, blank=True)
    contact_phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True)
    contact_name_hash = LookupHashField(source="contact_name", kind="name")
    contact_phone_hash = LookupHashField(source="contact_phone", kind="phone")
    # PIPL: when `manage.py anonymise_personal_data` replaced the name and phone (years after
    # the case was concluded).
    anonymised_at = models.DateTimeField(_("个人信息匿名化时间"), null=True, blank=True)
    is_anonymous = models.BooleanField(_("匿名"), default=False)
    raised_by_deputy = models.ForeignKey(
        "org.Deputy",
        verbose_name=_("提出代表"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="raised_cases",
    )
    raised_by_member = models.ForeignKey(
        "org.Member",
        verbose_name=_("提出委员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="raised_cases",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entered_cases",
    )

    # Who owns it now: the office that acts, and where it sits in the liaison network.
    congress = models.ForeignKey(
        "org.Congress",
        verbose_name=_("主管人大"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,  # the composite case_congress index leads with it
    )
    cppcc = models.ForeignKey(
        "org.Cppcc",
        verbose_name=_("主管政协"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    # The owning body's region code, copied so that region-subtree scopes are one indexed
    # prefix match on the case table (the case list must stay fast at 100,000 rows); see the
    # case_scope index below.
    scope_code = models.CharField(_("主管区划代码"), max_length=12)
    station = models.ForeignKey(
        "liaison.Station",
        verbose_name=_("联络站"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,  # the composite case_station index leads with it
    )
    deputy = models.ForeignKey(
        "org.Deputy",
        verbose_name=_("责任代表"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,  # the composite case_deputy index leads with it
    )

    # Lineage.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("来源案件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("并入案件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
    )

    # Deadlines: the due date of the step the case is in now.
    due_date = models.DateField(_("当前环节期限"), null=True, blank=True)
    is_overdue = models.BooleanField(_("已逾期"), default=False)
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)

    # Supervision.
    is_key_supervision = models.BooleanField(_("重点督办"), default=False)
    supervised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("督办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised_cases",
    )
    supervision_note = models.TextField(_("督办意见"), blank=True)

    # Milestones, kept for figures and time-driven steps.
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    fed_back_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    evaluated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    rating = models.CharField(_("评价"), max_length=32, choices=Rating.choices, blank=True)

    # Intake. A retried submission carrying the same idempotency key finds the first case by
    # the unique key (the fingerprint tells a retry from a different submission reusing it).
    # A public submission is acknowledged once its case row is committed; its registration
    # entry on the timeline and its notifications are written right after by the intake
    # loop (`manage.py complete_intake`), which clears `intake_pending` (see
    # casework.actions.complete_intake).
    intake_key = models.CharField(
        _("提交幂等键"), max_length=120, null=True, blank=True, unique=True, editable=False
    )
    intake_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    intake_pending = models.BooleanField(_("登记待完成"), default=False, editable=False)

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The scope columns are included so that a list filtered by kind and state (the
            # suggestions work list) is counted from the index alone.
            models.Index(
                fields=["kind", "state", "-created_at"],
                name="case_kind_state",
                include=["scope_code", "congress", "cppcc"],
            ),
            models.Index(fields=["congress", "kind", "-created_at"], name="case_congress"),
            models.Index(fields=["station", "-created_at"], name="case_station"),
            models.Index(fields=["deputy", "-created_at"], name="case_deputy"),
            models.Index(fields=["region", "-created_at"], name="case_region"),
            models.Index(fields=["due_date", "state"], name="case_due"),
            models.Index(
                fields=["is_overdue"],
                name="case_overdue",
                condition=models.Q(is_overdue=True),
            ),
            models.Index(fields=["-created_at", "-id"], name="case_newest"),
            models.Index(
                fields=["id"],
                name="case_intake_pending",
                condition=models.Q(intake_pending=True),
            ),
            # Region-subtree scopes are `scope_code LIKE '1407%'`: on PostgreSQL the pattern
            # operator class serves the prefix match, and the included columns let the count
            # of a list be answered from the index alone (visibility also tests the owner and,
            # for drafts, kind and state). Other databases make a plain index on scope_code.
            models.Index(
                fields=["scope_code"],
                name="case_scope",
                opclasses=["varchar_pattern_ops"],
                include=["congress", "cppcc", "kind", "state"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.display_title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse(self.workflow.detail_url_name, args=[self.pk])

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        text = " ".join(self.content.split())
        return text[:30] + ("…" if len(text) > 30 else "")

    @property
    def workflow(self):
        from .workflow import workflow_for

        return workflow_for(self.kind)

    @property
    def state_label(self) -> str:
        return self.workflow.state_label(self.state)

    @property
    def is_closed(self) -> bool:
        return self.state in self.workflow.final


class Assignment(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("主办")
        CO = "co", _("协办")

    class Status(models.TextChoices):
        ACTIVE = "active", _("已交办")
        RETURNED = "returned", _("已退回")
        WITHDRAWN = "withdrawn", _("已撤回")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        "org.HandlingUnit",
        verbose_name=_("承办单位"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    role = models.CharField(_("办理方式"), max_length=8, choices=Role.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    assigned_at = models.DateTimeField(_("交办时间"), default=timezone.now)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("交办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_date = models.DateField(_("答复期限"))
    return_deadline = models.DateField(_("申请退回截止"))
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True)

    class Meta:
        verbose_name = _("交办")
        verbose_name_plural = _("交办")
        ordering = ["case", "role", "assigned_at"]
        indexes = [
            models.Index(fields=["unit", "status", "case"], name="assignment_unit"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "unit"],
                condition=models.Q(status="active"),
                name="one_active_assignment_per_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit}（{self.get_role_display()}）"


class Consultation(models.Model):
    class Stage(models.TextChoices):
        BEFORE = "before", _("办前沟通")
        DURING = "during", _("办中沟通")
        AFTER = "after", _("办后沟通")

    class Form(models.TextChoices):
        VISIT = "visit", _("走访")
        PHONE = "phone", _("电话")
        MEETING = "meeting", _("座谈会")
        ONLINE = "online", _("网络")
        LETTER = "letter", _("书面")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consultations")
    unit = models.ForeignKey(
        "org.HandlingUnit",
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    stage = models.CharField(_("阶段"), max_length=8, choices=Stage.choices)
    form = models.CharField(_("方式"), max_length=8, choices=Form.choices)
    held_on = models.DateField(_("日期"))
    with_whom = models.CharField(_("沟通对象"), max_length=100, blank=True)
    summary = models.TextField(_("情况摘要"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("沟通记录")
        verbose_name_plural = _("沟通记录")
        ordering = ["case", "held_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.held_on}"


class Reply(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="replies")
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    unit = models.ForeignKey(
        "org.HandlingUnit",
        verbose_name=_("答复单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deputy = models.ForeignKey(
        "org.Deputy",
        verbose_name=_("答复代表"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    category = models.ForeignKey(
        ReplyCategory,
        verbose_name=_("答复类别"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    content = models.TextField(_("答复内容"))
    is_public = models.BooleanField(_("可公开"), default=False)
    created_at = models.DateTimeField(_("答复时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("答复")
        verbose_name_plural = _("答复")
        ordering = ["case", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} #{self.round}"

    @property
    def replier(self) -> str:
        if self.unit_id:
            return self.unit.name
        if self.deputy_id:
            return self.deputy.person.name
        return str(_("工作机构"))


def attachment_path(instance: Attachment, filename: str) -> str:
    now = timezone.now()
    return f"cases/{now:%Y/%m}/{secrets.token_hex(12)}{_suffix(filename)}"


def _suffix(filename: str) -> str:
    dot = filename.rfind(".")
    ext = filename[dot:].lower() if dot >= 0 else ""
    return ext if ext in STORED_SUFFIXES else ""


STORED_SUFFIXES = {
    ".jpg",
    ".jpeg",
    ".png",
    ".pdf",
    ".txt",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".ppt",
    ".pptx",
}


class Attachment(models.Model):
    class Kind(models.TextChoices):
        PHOTO = "photo", _("照片")
        DOCUMENT = "document", _("文件")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    reply = models.ForeignKey(
        Reply, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    file = models.FileField(_("文件"), upload_to=attachment_path)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return self.original_name or self.file.name


class Evaluation(models.Model):
    """One rating on the loop, in one of two directions: whoever raised the case rates the
    handling (`rating`: satisfied / basically / dissatisfied), or a handling unit rates the
    submission's quality (`quality`: excellent … poor). The rater is the citizen, a deputy's or
    a CPPCC member's seat, or a unit; kinds that declare `blind_evaluation` show each side the
    other's rating only after it has given its own (casework.evaluations)."""

    class Direction(models.TextChoices):
        HANDLING = "handling", _("对办理工作的评价")
        SUBMISSION = "submission", _("对提交件质量的评价")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evaluations")
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    direction = models.CharField(
        _("评价方向"), max_length=16, choices=Direction.choices, default=Direction.HANDLING
    )
    rating = models.CharField(_("评价"), max_length=32, choices=Rating.choices, blank=True)
    quality = models.CharField(_("质量评价"), max_length=16, choices=Quality.choices, blank=True)
    comment = models.TextField(_("意见"), blank=True)
    by_citizen = models.BooleanField(_("群众本人评价"), default=False)
    by_deputy = models.ForeignKey(
        "org.Deputy", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by_member = models.ForeignKey(
        "org.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by_unit = models.ForeignKey(
        "org.HandlingUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("评价时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        ordering = ["case", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(direction="handling") & ~models.Q(rating=""))
                | (
                    models.Q(direction="submission")
                    & ~models.Q(quality="")
                    & models.Q(by_unit__isnull=False)
                ),
                name="evaluation_direction_has_its_scale",
            )
        ]

    def __str__(self) -> str:
        if self.direction == self.Direction.SUBMISSION:
            return self.get_quality_display()
        return self.get_rating_display()


class CaseEvent(AppendOnly):
    """The case timeline: shown to users and the source of the figures. Append-only."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    action = models.CharField(_("事项"), max_length=32)
    from_state = models.CharField(_("原状态"), max_length=32, blank=True)
    to_state = models.CharField(_("新状态"), max_length=32, blank=True)
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
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("详情"), default=dict, blank=True)
    is_public = models.BooleanField(_("向群众公开"), default=False)
    # Its row in the trail (core.TrailEvent), which names the seat the actor acted in.
    trail = models.OneToOneField(
        "core.TrailEvent",
        verbose_name=_("操作记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_event",
    )

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["case", "at", "id"]
        indexes = [
            models.Index(fields=["case", "at"], name="event_case"),
            models.Index(fields=["action", "at"], name="event_action"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class CaseOrigin(models.Model):
    """Lineage across kinds: `case` was made from `origin` (citizens' opinions turned into a
    deputy's suggestion; later a hot issue into a proposal, an opinion into a sentiment report).
    Written only by `casework.lineage`."""

    case = models.ForeignKey(
        Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="origin_links"
    )
    origin = models.ForeignKey(
        Case, verbose_name=_("来源案件"), on_delete=models.PROTECT, related_name="derived_links"
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # When the link ended: the derived case was withdrawn (the origin went back to be handled
    # on its own) or merged into another (the link moved there).
    released_at = models.DateTimeField(_("解除时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("案件来源")
        verbose_name_plural = _("案件来源")
        ordering = ["case", "at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "origin"], name="one_link_per_case_origin")
        ]

    def __str__(self) -> str:
        return f"{self.origin_id} → {self.case_id}"


# --- Shared pieces for any seat: co-sponsors, sign-off, commitments, extensions, surveys ---------
#
# A deputy's seat (org.Deputy) and a CPPCC member's seat (org.Member) both take part: each row
# names exactly one of the two. Suggestions and motions use them for deputies, CPPCC proposals
# for members; the actions that write them are in casework.shared.


def one_seat(prefix: str) -> models.CheckConstraint:
    """Exactly one of `deputy` and `member` is set."""
    return models.CheckConstraint(
        condition=models.Q(deputy__isnull=False, member__isnull=True)
        | models.Q(deputy__isnull=True, member__isnull=False),
        name=f"{prefix}_one_seat",
    )


class SeatRow(models.Model):
    """A row that belongs to one deputy's or one CPPCC member's seat."""

    deputy = models.ForeignKey(
        "org.Deputy",
        verbose_name=_("代表"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="%(class)s_rows",
    )
    member = models.ForeignKey(
        "org.Member",
        verbose_name=_("委员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="%(class)s_rows",
    )

    class Meta:
        abstract = True

    @property
    def seat(self):
        return self.deputy if self.deputy_id else self.member

    @property
    def seat_key(self) -> tuple[str, int]:
        return ("deputy", self.deputy_id) if self.deputy_id else ("member", self.member_id)

    @property
    def seat_name(self) -> str:
        seat = self.seat
        return seat.person.name if seat is not None else ""


class CoSponsor(SeatRow):
    """A seat asked to join a case as co-sponsor (联名): deputies on a suggestion or a motion,
    members on a joint proposal. The case counts a co-sponsor once confirmed; the lead is the
    case's `raised_by_deputy` / `raised_by_member`."""

    class Status(models.TextChoices):
        INVITED = "invited", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        DECLINED = "declined", _("已谢绝")

    class Source(models.TextChoices):
        INVITED = "invited", _("联名邀请")
        MERGED = "merged", _("合并")
        CONVERTED = "converted", _("议案转建议")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="cosponsors")
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.INVITED
    )
    source = models.CharField(
        _("来源"), max_length=16, choices=Source.choices, default=Source.INVITED
    )
    invited_at = models.DateTimeField(_("邀请时间"), default=timezone.now)
    # Reply by this date; an invitation still open after it lapses (casework.shared).
    respond_by = models.DateField(_("确认截止日期"), null=True, blank=True)
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
        verbose_name = _("联名人")
        verbose_name_plural = _("联名人")
        ordering = ["case", "id"]
        indexes = [
            models.Index(fields=["deputy", "case"], name="cosponsor_deputy"),
            models.Index(fields=["member", "case"], name="cosponsor_member"),
        ]
        constraints = [
            one_seat("cosponsor"),
            models.UniqueConstraint(fields=["case", "deputy"], name="one_cosponsorship_per_case"),
            models.UniqueConstraint(
                fields=["case", "member"], name="one_member_cosponsorship_per_case"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seat_key} → {self.case_id}"


class ReplySignoff(models.Model):
    """The unit head's sign-off of a reply letter before it leaves the unit (内部签发)."""

    reply = models.OneToOneField(
        Reply, primary_key=True, on_delete=models.CASCADE, related_name="signoff"
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

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="commitments")
    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="commitments")
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
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

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

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("case_detail", args=[self.case_id])


class ExtensionRequest(models.Model):
    """A lead unit's request for more time (延期申请) before its due date, decided by the office:
    approved (the due date moves) or rejected with a reason. At most one is pending per case. A
    reply signed off lapses a pending request; the lead unit's returning its assignment
    withdraws it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已同意")
        REJECTED = "rejected", _("不同意")
        LAPSED = "lapsed", _("已失效")
        WITHDRAWN = "withdrawn", _("已撤回（交办已退回）")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extension_requests")
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="extension_requests"
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

        return reverse("case_detail", args=[self.case_id])


class SurveyRound(models.Model):
    """One round of a satisfaction survey (满意度测评): the seats concerned (the lead and the
    confirmed co-sponsors when it opened) each rate the handling once, and may change their
    answer until the office closes the round."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="survey_rounds")
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


class SurveyAnswer(SeatRow):
    """One seat's place in a survey round; `rating` stays empty until it answers."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="answers")
    rating = models.CharField(_("测评结果"), max_length=32, choices=Rating.choices, blank=True)
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
            one_seat("survey_answer"),
            models.UniqueConstraint(fields=["round", "deputy"], name="one_answer_per_deputy"),
            models.UniqueConstraint(fields=["round", "member"], name="one_answer_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.seat_key} {self.rating or '—'}"


class SavedFilter(models.Model):
    """A filter of the case list that a person keeps under a name of their own ("本周逾期",
    "北关街道待交办"): a link to the list with the same query, for that person only."""

    MAX_PER_USER = 20

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters"
    )
    name = models.CharField(_("名称"), max_length=30)
    query = models.CharField(_("筛选条件"), max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_filter_name_per_user")
        ]
        verbose_name = _("常用筛选")
        verbose_name_plural = _("常用筛选")

    def __str__(self) -> str:
        return self.name


class CaseFollow(models.Model):
    """Someone who may see a case and asked to hear of its progress although no rule names them
    (a leader watching a hot issue, a deputy whose citizen asked about it): told of each step as
    news (their daily digest, or at once if they chose so)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_cases"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="case_follow_once")]
        verbose_name = _("关注")
        verbose_name_plural = _("关注")

    def __str__(self) -> str:
        return f"{self.user_id} → {self.case_id}"


# --- The search index ------------------------------------------------------------------------------


class SearchEntry(models.Model):
    """One case in the full-text index (`casework.search`): its text segmented by rjieba.

    The table is not Django's to manage: migration 0014 creates it per database, an SQLite FTS5
    virtual table (the row id is the case's id) or a PostgreSQL table with a `tsvector` column
    generated from both token columns under a GIN index. `words` holds the words of the case,
    its replies included, separated by spaces; `grams` the distinct character pairs of its runs of
    Chinese text, so that a word the segmenter cut otherwise in this text (路 / 灯不亮) is still
    found by its pairs (路灯)."""

    case = models.OneToOneField(
        Case,
        primary_key=True,
        db_column="rowid",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="search_entry",
    )
    words = models.TextField()
    grams = models.TextField()

    class Meta:
        managed = False
        db_table = "casework_search"

    def __str__(self) -> str:
        return str(self.case_id)


class TriageCorrection(models.Model):
    """Staff chose otherwise than the learned triage proposed (casework/triage.py): the text as
    it was, what the model said and what staff chose; the next `triage_train` uses it."""

    class Head(models.TextChoices):
        CATEGORY = "category", _("类别")
        UNIT = "unit", _("承办单位")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="triage_corrections")
    head = models.CharField(_("所改事项"), max_length=16, choices=Head.choices)
    text = models.TextField(_("文本"))
    proposed = models.CharField(_("建议"), max_length=64, blank=True)
    confidence = models.FloatField(_("把握"), default=0)
    chosen = models.CharField(_("实际选择"), max_length=64)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("分类纠正")
        verbose_name_plural = _("分类纠正")

    def __str__(self) -> str:
        return f"{self.case_id} {self.head}: {self.proposed} → {self.chosen}"


# --- Figures (casework.metrics) -------------------------------------------------------------
# The counts every figure is made of, per case (`CaseFact`) and summed per cell of the
# dimensions the dashboards group by (`MetricCell`). Both are kept by `casework.metrics` from
# the trail inside each action's transaction and rebuilt by `manage.py rebuild_metrics`.
METRIC_COUNTS = (
    "collected",
    "registered",
    "assigned",
    "replied",
    "fed_back",
    "rated",
    "satisfied",
    "overdue",
    "handling_days",
    "reply_a",
    "reply_b",
    "reply_c",
    "consulted",
    "key_supervision",
)
METRIC_DIMENSIONS = (
    "kind",
    "region_code",
    "station_id",
    "deputy_id",
    "unit_id",
    "category_id",
    "month",
)


class MetricCounts(models.Model):
    kind = models.CharField(max_length=32)
    region_code = models.CharField(max_length=12, blank=True)
    # Ids without a foreign key (0: none), so that every dimension of a cell is a plain value
    # and the unique constraint holds on SQLite and PostgreSQL alike.
    station_id = models.IntegerField(default=0)
    deputy_id = models.IntegerField(default=0)
    unit_id = models.IntegerField(default=0)
    category_id = models.IntegerField(default=0)
    month = models.DateField()
    collected = models.IntegerField(default=0)
    registered = models.IntegerField(default=0)
    assigned = models.IntegerField(default=0)
    replied = models.IntegerField(default=0)
    fed_back = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    overdue = models.IntegerField(default=0)
    handling_days = models.IntegerField(default=0)
    reply_a = models.IntegerField(default=0)
    reply_b = models.IntegerField(default=0)
    reply_c = models.IntegerField(default=0)
    consulted = models.IntegerField(default=0)
    key_supervision = models.IntegerField(default=0)

    class Meta:
        abstract = True


class CaseFact(MetricCounts):
    """One case's dimensions and counts (0 or 1; `handling_days`: working days to its reply),
    as last counted; `ever_overdue` stays set once the case has been overdue."""

    case = models.OneToOneField(Case, primary_key=True, on_delete=models.CASCADE, related_name="+")
    ever_overdue = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.kind} {self.case_id}"


class MetricCell(MetricCounts):
    """The sum of the facts that share every dimension: what a dashboard reads."""

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=list(METRIC_DIMENSIONS), name="metric_cell_dimensions")
        ]
        indexes = [models.Index(fields=["kind", "region_code", "month"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.region_code} {self.month:%Y-%m}"


# --- The duplicate detector's stored terms ---------------------------------------------------------


class CaseTerms(models.Model):
    """What the duplicate detector (`casework.duplicates`) keeps of a case, written when the
    case is registered or its text changes, so that a lookup never segments a candidate again:
    its strongest keywords with their weight in the text (`words`, at most 40), the specific
    places it names (estates, roads, streets, schools, villages…) and its districts (A3区,
    榆次区). `CaseTerm` rows are the inverted index over the same keywords."""

    case = models.OneToOneField(
        Case, primary_key=True, on_delete=models.CASCADE, related_name="duplicate_terms"
    )
    words = models.JSONField(default=dict)
    places = models.JSONField(default=list)
    districts = models.JSONField(default=list)

    def __str__(self) -> str:
        return str(self.case_id)


class CaseTerm(models.Model):
    """One keyword of one case (`CaseTerms.words`): which cases have a word, and how many."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    term = models.CharField(max_length=32)

    class Meta:
        indexes = [models.Index(fields=["term", "case"], name="casework_term_term_case")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.term}"


class HotIssue(TimeStampedModel):
    """A hot issue (热点问题): open and recent cases of any kind about one problem in one county,
    found by `casework.hot` from the duplicate detector's stored terms. Its id stays the same
    across recomputations (a new cluster takes the id of the stored one it shares most of its
    cases with), so an issue pushed to deputies keeps its identity and its address."""

    class State(models.TextChoices):
        HOT = "hot", _("热点")
        COOLED = "cooled", _("已降温")
        CONVERTED = "converted", _("已转化")

    region = models.ForeignKey(
        "org.Region", verbose_name=_("县（市、区）"), on_delete=models.PROTECT, related_name="+"
    )
    township = models.ForeignKey(
        "org.Region",
        verbose_name=_("乡镇（街道）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("领域"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("标题"), max_length=200)
    words = models.JSONField(_("关键词"), default=list)
    places = models.JSONField(_("地点"), default=list)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.HOT)
    heat = models.FloatField(_("热度"), default=0)
    case_count = models.PositiveIntegerField(_("件数"), default=0)
    raisers = models.PositiveIntegerField(_("反映人数"), default=0)
    repeats = models.PositiveIntegerField(_("重复反映"), default=0)
    first_at = models.DateTimeField(_("最早反映"), null=True)
    last_at = models.DateTimeField(_("最近反映"), null=True)
    computed_at = models.DateTimeField(_("计算时间"), null=True)
    # The number of cases when it was last pushed (a grown issue is pushed again).
    pushed_count = models.PositiveIntegerField(_("推送时件数"), default=0)
    pushed_at = models.DateTimeField(_("推送时间"), null=True, blank=True)
    pushed_deputies = models.ManyToManyField(
        "org.Deputy", verbose_name=_("推送代表"), blank=True, related_name="hot_issues"
    )
    pushed_members = models.ManyToManyField(
        "org.Member", verbose_name=_("推送委员"), blank=True, related_name="hot_issues"
    )
    converted_case = models.ForeignKey(
        Case,
        verbose_name=_("转化为"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("热点问题")
        verbose_name_plural = _("热点问题")
        ordering = ["-heat", "-id"]
        indexes = [models.Index(fields=["region", "state", "-heat"], name="hot_region_heat")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("hot_issue", args=[self.pk])


class HotIssueCase(models.Model):
    """One case of a hot issue (the member set is rewritten on each recomputation)."""

    issue = models.ForeignKey(HotIssue, on_delete=models.CASCADE, related_name="members")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="hot_links")
    raised_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issue", "case"], name="one_hot_membership")]
        indexes = [models.Index(fields=["raised_at", "issue"], name="hot_member_raised")]

    def __str__(self) -> str:
        return f"{self.issue_id}:{self.case_id}"


# --- Tallies: figures of other records (casework.tallies) -----------------------------------------

TALLY_DIMENSIONS = (
    "figure",
    "region_code",
    "station_id",
    "deputy_id",
    "congress_id",
    "delegation_id",
    "month",
)


class TallyFact(models.Model):
    """What one source object (a reception record, a deputy's year of duty points) adds to the
    tally cells: its rows, each the dimensions of a cell and a number, kept so that a change
    moves only the difference."""

    source = models.CharField(max_length=32)
    object_id = models.CharField(max_length=64)
    rows = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "object_id"], name="tally_fact_object")
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.object_id}"


class TallyCell(models.Model):
    """The sum of one figure over the facts that share every dimension. A deputy's share is a
    row of its own (`deputy_id` set) beside the whole (`deputy_id` 0), so a reception with two
    deputies counts once for its station and once for each deputy."""

    figure = models.CharField(max_length=32)
    region_code = models.CharField(max_length=12, blank=True, default="")
    station_id = models.IntegerField(default=0)
    deputy_id = models.IntegerField(default=0)
    congress_id = models.IntegerField(default=0)
    delegation_id = models.IntegerField(default=0)
    month = models.DateField()
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=list(TALLY_DIMENSIONS), name="tally_cell_dimensions")
        ]
        indexes = [models.Index(fields=["figure", "region_code", "month"])]

    def __str__(self) -> str:
        return f"{self.figure} {self.region_code} {self.month:%Y-%m}"


# --- Other texts in the full-text index (casework.texts) ----------------------------------------


class TextEntry(models.Model):
    """A text other than a case, kept for the full-text search (`casework.texts`): a duty post,
    a story, a published duty report, a sentiment report, a consultation opinion. `kind` is
    the registered text kind, `object_id` its row; title, body, date and the link are what the
    hits show, so a page of hits reads no source table."""

    kind = models.CharField(max_length=32)
    object_id = models.IntegerField()
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    date = models.DateField()
    url = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="text_entry_object")
        ]
        indexes = [models.Index(fields=["kind", "date"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class TextSearchRow(models.Model):
    """A text's row of the full-text index: like `SearchEntry`, an FTS5 virtual table on
    SQLite, a table with a generated `tsvector` under a GIN index on PostgreSQL (migration
    0021); the row id is the `TextEntry`'s id."""

    entry = models.OneToOneField(
        TextEntry,
        primary_key=True,
        db_column="rowid",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="search_row",
    )
    words = models.TextField()
    grams = models.TextField()

    class Meta:
        managed = False
        db_table = "casework_text_search"

    def __str__(self) -> str:
        return str(self.entry_id)
