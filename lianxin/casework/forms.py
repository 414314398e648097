"""One form per action of the loop. The forms parse; the actions validate and decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lianxin.core.widgets import DayInput, PickMany, PickOne

from .actions import FEEDBACK_METHODS
from .models import Category, Consultation, Rating, ReplyCategory


class Versioned(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class TriageForm(Versioned):
    category = forms.ModelChoiceField(
        label=_("类别"), queryset=Category.objects.filter(is_active=True)
    )
    # The code is what the action validates; the widget shows names (core.widgets).
    region = forms.CharField(
        label=_("所涉区划"),
        required=False,
        max_length=12,
        help_text=_("逐级选择市、县（区、市）、乡镇（街道）；不选则沿用登记时的区划。"),
    )
    station = forms.ModelChoiceField(label=_("联络站"), required=False, queryset=None)
    deputy = forms.ModelChoiceField(label=_("责任代表"), required=False, queryset=None)
    title = forms.CharField(label=_("标题"), required=False, max_length=200)
    note = forms.CharField(
        label=_("梳理意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, stations=None, deputies=None, region_picker=None, **kwargs):
        super().__init__(*args, **kwargs)
        if region_picker is not None:
            self.fields["region"].widget = region_picker
        self.fields["station"].queryset = stations
        self.fields["deputy"].queryset = deputies
        self.fields["deputy"].label_from_instance = lambda d: (
            f"{d.person.name}（{d.congress.name}）"
        )


class MergeForm(Versioned):
    merge_into = forms.CharField(
        label=_("并入案件"), max_length=16, help_text=_("填写目标案件的查询码或编号。")
    )
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class OptionalNoteForm(Versioned):
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(Versioned):
    reason = forms.CharField(
        label=_("理由"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AssignForm(Versioned):
    lead_unit = forms.ModelChoiceField(label=_("主办单位"), queryset=None, widget=PickOne)
    co_units = forms.ModelMultipleChoiceField(
        label=_("协办单位"), required=False, queryset=None, widget=PickMany
    )
    due_at = forms.DateField(
        label=_("答复期限"),
        required=False,
        widget=DayInput(),
        help_text=_("可不填，按规定的工作日自动计算（节假日顺延）。"),
    )
    note = forms.CharField(
        label=_("交办意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = units
        self.fields["co_units"].queryset = units


class ConsultForm(Versioned):
    stage = forms.ChoiceField(label=_("阶段"), choices=Consultation.Stage.choices)
    form = forms.ChoiceField(label=_("方式"), choices=Consultation.Form.choices)
    held_on = forms.DateField(label=_("日期"), required=False, widget=DayInput())
    with_whom = forms.CharField(label=_("沟通对象"), required=False, max_length=100)
    summary = forms.CharField(
        label=_("情况摘要"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MultipleFiles(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; the action checks each (type, size, metadata)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFiles(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ReplyForm(Versioned):
    content = forms.CharField(
        label=_("答复内容"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    category = forms.ChoiceField(label=_("答复类别"), required=False, choices=[])
    public = forms.BooleanField(label=_("答复可以公开"), required=False)
    attachments = MultipleFileField(
        label=_("附件"),
        required=False,
        help_text=_("可上传答复函等，最多 5 个，每个不超过 10 MB。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The codes are fixed (A/B/C); their wording is policy data.
        self.fields["category"].choices = [("", _("（不分类）"))] + [
            (c.code, str(c)) for c in ReplyCategory.objects.all()
        ]


class FeedbackForm(Versioned):
    content = forms.CharField(
        label=_("反馈内容"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    method = forms.ChoiceField(
        label=_("反馈方式"), choices=[(k, v) for k, v in FEEDBACK_METHODS.items()]
    )


class EvaluateForm(Versioned):
    rating = forms.ChoiceField(
        label=_("群众评价"), choices=Rating.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("群众意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RehandleForm(Versioned):
    reason = forms.CharField(
        label=_("重新办理要求"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_at = forms.DateField(
        label=_("新的答复期限"),
        required=False,
        widget=DayInput(),
        help_text=_("可不填，按规定的工作日自动计算。"),
    )


class NoteForm(Versioned):
    note = forms.CharField(
        label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def derived_title() -> forms.CharField:
    return forms.CharField(
        label=_("标题"),
        required=False,
        max_length=200,
        help_text=_("留空则按意见内容拟定；转为草稿后，提交前仍可修改。"),
    )


class DeriveForm(Versioned):
    """Turn this case, and others the user chooses, into a draft of another kind
    (casework.lineage): a deputy's suggestion made from citizens' opinions."""

    kind = forms.ChoiceField(label=_("转为"), choices=())
    also = forms.MultipleChoiceField(
        label=_("一并转办的其他意见"),
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("反映同一问题的意见可以合为一件建议。"),
    )
    title = derived_title()

    def __init__(self, *args, targets=(), others=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(t.kind, t.label) for t in targets]
        self.fields["also"].choices = [
            (str(c.pk), f"{c.tracking_code or c.pk} {c.display_title}") for c in others
        ]


class DeriveManyForm(forms.Form):
    """From one's work list: several citizens' opinions turned into one draft of another kind
    (a deputy's suggestion) at once."""

    origins = forms.MultipleChoiceField(
        label=_("选择要转办的意见"),
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一件意见。")},
    )
    kind = forms.ChoiceField(label=_("转为"), choices=())
    title = derived_title()

    def __init__(self, *args, targets=(), candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(t.kind, t.label) for t in targets]
        self.fields["origins"].choices = [
            (str(c.pk), f"{c.tracking_code or c.pk} {c.display_title}") for c in candidates
        ]


class BatchTriageForm(forms.Form):
    """Batch triage from the case list: one category for every ticked opinion."""

    category = forms.ModelChoiceField(
        label=_("类别"), queryset=Category.objects.filter(is_active=True)
    )
    note = forms.CharField(
        label=_("梳理意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)


class BatchAssignForm(AssignForm):
    """Batch assignment from the case list: one lead unit (and co-units) for every ticked case."""

    version = None
