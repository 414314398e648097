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
    # A proposal of a party organisation, a sector or a special committee (党派、界别、专门委员会
    # 提案) of the same CPPCC; `Case.raised_by_member` is then the member who wrote it for the
    # body (执笔) or, when the staff entered it, the body's contact member (联系委员), who
    # submits it and rates the handling on the body's behalf.
    raised_by_body = models.ForeignKey(
        "org.Body",
        verbose_name=_("提案单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
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
    excellent_year = models.PositiveSmallIntegerField(
        _("评为优秀提案的年度"), null=True, blank=True, db_index=True
    )
    excellent_note = models.CharField(_("评选说明"), max_length=500, blank=True)
    # 重点提案: led and supervised by a member of the chairs' meeting (主席会议成员领办督办).
    # The case's `is_key_supervision` flag is set with it, so the metrics layer counts it.
    key_leader = models.CharField(_("领办督办的主席会议成员"), max_length=100, blank=True)
    key_leader_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("领办督办领导账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    key_marked_at = models.DateTimeField(_("列为重点提案的时间"), null=True, blank=True)
    key_result = models.TextField(_("重点提案办理结果通报"), blank=True)
    key_result_on = models.DateField(_("通报日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("政协提案")
        verbose_name_plural = _("政协提案")

    def __str__(self) -> str:
        return self.case.display_title


class ProposalResult(models.Model):
    """A result carried out (成果转化): the reply's proposal taken into the government's annual
    livelihood projects (民生实事), a plan or a policy document, with the document and its date
    (S0: proposals "吸纳进年度民生实事、专项三年行动计划")."""

    class Kind(models.TextChoices):
        LIVELIHOOD = "livelihood", _("纳入年度民生实事")
        PLAN = "plan", _("纳入专项规划或行动计划")
        POLICY = "policy", _("出台或修订政策文件")
        OTHER = "other", _("其他转化成果")

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("提案"), on_delete=models.CASCADE, related_name="results"
    )
    kind = models.CharField(_("转化方式"), max_length=16, choices=Kind.choices)
    document = models.CharField(_("文件或项目名称"), max_length=200)
    number = models.CharField(_("文号"), max_length=100, blank=True)
    issued_on = models.DateField(_("印发或实施日期"))
    note = models.TextField(_("说明"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("提案成果转化")
        verbose_name_plural = _("提案成果转化")
        ordering = ["issued_on", "id"]

    def __str__(self) -> str:
        return self.document


class KeyMeeting(models.Model):
    """A progress meeting of a key proposal (重点提案督办推进会): when, where, who, what."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("提案"), on_delete=models.CASCADE, related_name="key_meetings"
    )
    held_on = models.DateField(_("会议日期"))
    place = models.CharField(_("地点"), max_length=200)
    participants = models.TextField(_("参加人员"))
    summary = models.TextField(_("会议纪要"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("重点提案推进会")
        verbose_name_plural = _("重点提案推进会")
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.place}"


class MemberLetter(models.Model):
    """A member's letter (委员来信): what a proposal declined with the disposition `letter`
    becomes — the letter, the unit the committee forwards it to, and that unit's answer. The
    proposal keeps its history; each links to the other (`proposal.letter`)."""

    proposal = models.OneToOneField(
        Proposal, verbose_name=_("原提案"), on_delete=models.CASCADE, related_name="letter"
    )
    content = models.TextField(_("来信内容"))
    unit = models.ForeignKey(
        "org.HandlingUnit",
        verbose_name=_("转送单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="member_letters",
    )
    forwarded_at = models.DateTimeField(_("转送时间"), null=True, blank=True)
    forward_note = models.TextField(_("转送意见"), blank=True)
    answer = models.TextField(_("办理回复"), blank=True)
    answered_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回复人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("转为来信的时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("委员来信")
        verbose_name_plural = _("委员来信")

    def __str__(self) -> str:
        return self.proposal.case.display_title
