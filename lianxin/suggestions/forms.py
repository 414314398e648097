"""One form per page action. The forms parse; the actions validate and decide (so every message
a deputy sees is the same whether they use a page or the API)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lianxin.casework.forms import ConsultForm, MultipleFileField, ReasonForm, Versioned
from lianxin.casework.models import Category, Quality, Rating, ReplyCategory
from lianxin.core.widgets import DayInput, PickMany, PickOne

from .models import HandlingRating, Outcome


def _deputy_label(d) -> str:
    return f"{d.person.name}（{d.delegation.name if d.delegation_id else d.congress.name}）"


class SuggestionForm(forms.Form):
    """Writing a suggestion (or editing its draft): phone-first, few fields."""

    title = forms.CharField(label=_("标题"), required=False, max_length=200)
    category = forms.ModelChoiceField(
        label=_("类别"),
        required=False,
        queryset=Category.objects.filter(is_active=True),
        empty_label=_("（请选择）"),
    )
    content = forms.CharField(
        label=_("建议内容"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    problem = forms.CharField(
        label=_("存在的问题"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    measures = forms.CharField(
        label=_("建议措施"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    in_session = forms.TypedChoiceField(
        label=_("提出时间"),
        choices=[
            ("auto", _("按当前是否在会议期间自动确定")),
            ("1", _("会议期间")),
            ("0", _("闭会期间")),
        ],
        initial="auto",
        coerce=lambda v: {"1": True, "0": False}.get(v),
        empty_value=None,
        required=False,
    )
    co_sponsors = forms.ModelMultipleChoiceField(
        label=_("联名代表"),
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("所选代表确认后方可提交；可不选。"),
    )
    attachments = MultipleFileField(
        label=_("附件"), required=False, help_text=_("可上传调研材料等，最多 5 个。")
    )

    def __init__(self, *args, fellows=None, draft: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_sponsors"].queryset = fellows
        self.fields["co_sponsors"].label_from_instance = _deputy_label
        if draft:
            del self.fields["in_session"]
            del self.fields["attachments"]


class MotionForm(forms.Form):
    title = forms.CharField(label=_("案由（标题）"), required=False, max_length=200)
    content = forms.CharField(
        label=_("案据和方案"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    co_sponsors = forms.ModelMultipleChoiceField(
        label=_("附议代表"),
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )
    by_delegation = forms.BooleanField(
        label=_("以本人所在代表团名义提出（不需附议代表）"), required=False
    )

    def __init__(self, *args, fellows=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_sponsors"].queryset = fellows
        self.fields["co_sponsors"].label_from_instance = _deputy_label


class CosignForm(Versioned):
    """An invited deputy's answer: to co-sign a suggestion (联名) or a motion (附议)."""

    accept = forms.TypedChoiceField(
        label=_("是否同意联名"),
        choices=[("1", _("确认联名")), ("0", _("谢绝"))],
        coerce=lambda v: v == "1",
        initial="1",
        widget=forms.RadioSelect,
    )
    deputy = forms.ModelChoiceField(
        label=_("代为登记哪位代表的书面附议"), required=False, queryset=None
    )

    def __init__(
        self, *args, pending=None, on_behalf: bool = False, motion: bool = False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        if motion:
            self.fields["accept"].label = _("是否同意附议")
            self.fields["accept"].choices = [("1", _("确认附议")), ("0", _("谢绝"))]
        if on_behalf:
            self.fields["deputy"].queryset = pending
            self.fields["deputy"].label_from_instance = lambda d: d.person.name
        else:
            del self.fields["deputy"]


class NoteForm(Versioned):
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReviewForm(Versioned):
    decision = forms.ChoiceField(
        label=_("审查意见"),
        choices=[("accept", _("通过")), ("return", _("退回修改")), ("merge", _("并入相近建议"))],
        widget=forms.RadioSelect,
        initial="accept",
    )
    note = forms.CharField(
        label=_("意见或理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("退回修改时必须说明理由。"),
    )
    merge_into = forms.CharField(
        label=_("并入建议"),
        required=False,
        max_length=16,
        help_text=_("并入时填写目标建议的编号或查询码。"),
    )
    category = forms.ModelChoiceField(
        label=_("类别"),
        required=False,
        queryset=Category.objects.filter(is_active=True),
        empty_label=_("（不变）"),
    )
    complex = forms.BooleanField(label=_("涉及面广、处理难度大（六个月内答复）"), required=False)


class ResubmitForm(Versioned):
    title = forms.CharField(label=_("标题"), required=False, max_length=200)
    content = forms.CharField(
        label=_("建议内容"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    note = forms.CharField(
        label=_("修改说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(Versioned):
    lead_unit = forms.ModelChoiceField(label=_("主办单位"), queryset=None, widget=PickOne)
    co_units = forms.ModelMultipleChoiceField(
        label=_("协办单位"), required=False, queryset=None, widget=PickMany
    )
    complex = forms.BooleanField(label=_("涉及面广、处理难度大（六个月内答复）"), required=False)
    note = forms.CharField(
        label=_("交办意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = units
        self.fields["co_units"].queryset = units


class ContentForm(Versioned):
    content = forms.CharField(
        label=_("会办意见"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReplyForm(Versioned):
    category = forms.ModelChoiceField(
        label=_("答复类别"),
        required=False,
        queryset=ReplyCategory.objects.all(),
        to_field_name="code",
        empty_label=_("（请选择）"),
    )
    content = forms.CharField(
        label=_("答复内容"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    commitment = forms.CharField(
        label=_("承诺事项"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("B 类答复须写明承诺办成的事项。"),
    )
    commitment_due = forms.DateField(label=_("承诺完成时间"), required=False, widget=DayInput())
    public = forms.BooleanField(label=_("答复可以公开"), required=False)
    attachments = MultipleFileField(
        label=_("答复函等附件"), required=False, help_text=_("最多 5 个，每个不超过 10 MB。")
    )


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
    rating = forms.ChoiceField(label=_("评价"), choices=Rating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SuperviseForm(Versioned):
    leader = forms.CharField(label=_("督办领导"), required=False, max_length=50)
    committee = forms.ModelChoiceField(label=_("督办委员会"), required=False, queryset=None)
    note = forms.CharField(
        label=_("督办意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, committees=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees


class ProgressForm(Versioned):
    note = forms.CharField(
        label=_("督办情况"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    result = forms.BooleanField(label=_("作为督办结果通报"), required=False)


class QualityForm(Versioned):
    quality = forms.ChoiceField(
        label=_("建议质量"), choices=Quality.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DetermineForm(Versioned):
    handling_rating = forms.ChoiceField(
        label=_("办理评价"), choices=HandlingRating.choices, widget=forms.RadioSelect
    )
    outcome = forms.ChoiceField(label=_("办理结果认定"), choices=Outcome.choices)
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecideForm(Versioned):
    decision = forms.ChoiceField(
        label=_("主席团决定"),
        choices=[("agenda", _("列入会议议程")), ("convert", _("作为建议处理"))],
        widget=forms.RadioSelect,
    )
    referred_to = forms.ModelChoiceField(
        label=_("交付审议的专门委员会"), required=False, queryset=None
    )
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, committees=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referred_to"].queryset = committees


class ExtensionRequestForm(Versioned):
    due_at = forms.DateField(
        label=_("申请延至"),
        required=False,
        widget=DayInput(),
        help_text=_("须晚于现答复期限。"),
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
        label=_("批准延至"),
        required=False,
        widget=DayInput(),
        help_text=_("缺省为申请的日期。"),
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


class SurveyAnswerForm(Versioned):
    rating = forms.ChoiceField(
        label=_("对办理情况的评价"), choices=Rating.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        if current is not None and current.rating and not self.is_bound:
            self.initial.setdefault("rating", current.rating)
            self.initial.setdefault("comment", current.comment)
            self.fields["rating"].help_text = _("您已填写，测评结束前可以修改。")


class CloseCommitmentForm(forms.Form):
    kept = forms.TypedChoiceField(
        label=_("兑现情况"),
        choices=[("1", _("已兑现")), ("0", _("未兑现"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


__all__ = ["ConsultForm", "ReasonForm"]
