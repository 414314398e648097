"""Forms of the proposals' pages; each action's form feeds one function of `actions.py`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lianxin.casework.forms import Versioned
from lianxin.casework.models import Quality, Rating, ReplyCategory
from lianxin.core.widgets import DayInput
from lianxin.org.models import Member, SeatStatus

from .models import Proposal, ProposalResult


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("案由"), max_length=100)
    content = forms.CharField(
        label=_("提案内容"), widget=forms.Textarea(attrs={"rows": 8}), max_length=10000
    )
    in_session = forms.TypedChoiceField(
        label=_("提出时间"),
        choices=[("0", _("平时提案（闭会期间）")), ("1", _("大会提案（会议期间）"))],
        coerce=lambda v: v == "1",
        initial="0",
        widget=forms.RadioSelect,
    )
    co_sponsors = forms.ModelMultipleChoiceField(
        label=_("联名委员"),
        required=False,
        queryset=Member.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("只能邀请本政协的在任委员；受邀委员须在确认截止日期前确认。"),
    )
    respond_by = forms.DateField(
        label=_("联名确认截止日期"),
        required=False,
        widget=DayInput(),
    )
    body = forms.ChoiceField(
        label=_("提案者"),
        required=False,
        choices=[],
        help_text=_("可以本人所在党派团体或界别的名义提出，由本人执笔。"),
    )

    def __init__(self, *args, seat: Member, **kwargs):
        super().__init__(*args, **kwargs)
        own = [b for b in (seat.party_org, seat.sector) if b is not None]
        if own:
            self.fields["body"].choices = [("", _("本人"))] + [(str(b.pk), b.name) for b in own]
        else:
            del self.fields["body"]
        self.fields["co_sponsors"].queryset = (
            Member.objects.filter(cppcc_id=seat.cppcc_id, status=SeatStatus.SERVING)
            .exclude(pk=seat.pk)
            .filter(person__user__isnull=False)
            .select_related("person")
            .order_by("person__name")
        )
        self.fields["co_sponsors"].label_from_instance = lambda m: m.person.name


class CosignForm(Versioned):
    accept = forms.TypedChoiceField(
        label=_("是否联名"),
        choices=[("1", _("确认联名")), ("0", _("谢绝联名"))],
        coerce=lambda v: v == "1",
        initial="1",
        widget=forms.RadioSelect,
    )


class EmptyForm(Versioned):
    pass


class RegisterForm(Versioned):
    decision = forms.ChoiceField(
        label=_("审查意见"),
        choices=[("register", _("立案")), ("merge", _("并案")), ("decline", _("不予立案"))],
        widget=forms.RadioSelect,
        initial="register",
    )
    merge_into = forms.CharField(
        label=_("并入的提案（编号或查询码）"), required=False, max_length=20
    )
    disposition = forms.ChoiceField(
        label=_("不予立案后的处理"), required=False, choices=Proposal.Disposition.choices
    )
    note = forms.CharField(
        label=_("理由或说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("不予立案时必填。"),
    )


class ReplyForm(Versioned):
    content = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 6}))
    category = forms.ChoiceField(label=_("答复类别"), choices=[])
    commitment = forms.CharField(label=_("承诺事项"), required=False, max_length=2000)
    due_on = forms.DateField(label=_("承诺完成时间"), required=False, widget=DayInput())
    public = forms.BooleanField(label=_("答复可以公开"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c.code, str(c)) for c in ReplyCategory.objects.all()]


class SignOffForm(Versioned):
    approve = forms.TypedChoiceField(
        label=_("签发意见"),
        choices=[("1", _("同意签发")), ("0", _("退回经办人修改"))],
        coerce=lambda v: v == "1",
        initial="1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class EvaluateForm(Versioned):
    rating = forms.ChoiceField(label=_("对办理工作的评价"), choices=Rating.choices)
    comment = forms.CharField(
        label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class QualityForm(Versioned):
    quality = forms.ChoiceField(label=_("提案质量"), choices=Quality.choices)
    comment = forms.CharField(
        label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ResultForm(Versioned):
    kind = forms.ChoiceField(label=_("转化方式"), choices=ProposalResult.Kind.choices)
    document = forms.CharField(label=_("文件或项目名称"), max_length=200)
    number = forms.CharField(label=_("文号"), max_length=100, required=False)
    issued_on = forms.DateField(label=_("印发或实施日期"), widget=DayInput())
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ExcellentForm(Versioned):
    excellent = forms.TypedChoiceField(
        label=_("评选"),
        choices=[("1", _("评为优秀提案")), ("0", _("撤销优秀提案"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    note = forms.CharField(label=_("评选说明"), required=False, max_length=500)


class KeyForm(Versioned):
    leader = forms.CharField(
        label=_("领办督办的主席会议成员"),
        required=False,
        max_length=100,
        help_text=_("姓名和职务，如“张某某（市政协副主席）”；选择领导账号时可不填。"),
    )
    leader_user = forms.ChoiceField(label=_("领导账号"), required=False, choices=[])
    note = forms.CharField(
        label=_("督办要求"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, leaders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader_user"].choices = [("", _("（不选择）"))] + [
            (str(u.pk), u.display_name or u.username) for u in leaders
        ]


class KeyMeetingForm(Versioned):
    held_on = forms.DateField(label=_("会议日期"), required=False, widget=DayInput())
    place = forms.CharField(label=_("地点"), required=False, max_length=200)
    participants = forms.CharField(
        label=_("参加人员"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    summary = forms.CharField(
        label=_("会议纪要"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )


class KeyResultForm(Versioned):
    text = forms.CharField(
        label=_("办理结果通报"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    circulated_on = forms.DateField(
        label=_("通报日期"), required=False, widget=DayInput(), help_text=_("缺省为今天。")
    )


class ExtensionRequestForm(Versioned):
    due_at = forms.DateField(
        label=_("申请延至"), required=False, widget=DayInput(), help_text=_("须晚于现答复期限。")
    )
    reason = forms.CharField(
        label=_("延期理由"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ExtensionDecisionForm(Versioned):
    decision = forms.ChoiceField(
        label=_("审批意见"),
        choices=[("approve", _("同意延期")), ("reject", _("不同意延期"))],
        widget=forms.RadioSelect,
        initial="approve",
    )
    due_at = forms.DateField(
        label=_("批准延至"), required=False, widget=DayInput(), help_text=_("缺省为申请的日期。")
    )
    note = forms.CharField(
        label=_("说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("不同意延期时须说明理由。"),
    )

    def __init__(self, *args, pending=None, **kwargs):
        super().__init__(*args, **kwargs)
        if pending is not None:
            self.fields["decision"].help_text = _(
                "%(unit)s申请将答复期限由%(before)s延至%(date)s。理由：%(reason)s"
            ) % {
                "unit": pending.unit.name,
                "before": pending.due_before.isoformat(),
                "date": pending.requested_due.isoformat(),
                "reason": pending.reason,
            }


class ForwardLetterForm(Versioned):
    unit = forms.ChoiceField(label=_("转送单位"), choices=[])
    note = forms.CharField(
        label=_("转送意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(str(u.pk), u.name) for u in units]


class AnswerLetterForm(Versioned):
    answer = forms.CharField(
        label=_("办理回复"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
