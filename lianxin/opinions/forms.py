"""Forms of the opinion pages. They only parse; the actions validate (one set of rules and
messages for the pages and the API)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lianxin.casework.forms import MultipleFileField, MultipleFiles
from lianxin.casework.models import Category, Rating
from lianxin.casework.photos import MAX_PHOTOS
from lianxin.core.forms import FormKeyField
from lianxin.core.widgets import DayInput, PickOne


class OpinionForm(forms.Form):
    content = forms.CharField(
        label=_("反映的问题"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": 5000}),
        help_text=_("请写明什么地方、什么问题、希望怎样解决（不超过 5000 字）。"),
    )
    title = forms.CharField(
        label=_("标题"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 100}),
    )
    category = forms.ModelChoiceField(
        label=_("类别"),
        required=False,
        queryset=Category.objects.filter(is_active=True),
        empty_label=_("请选择（可不选）"),
    )
    place = forms.CharField(
        label=_("地点"), required=False, widget=forms.TextInput(attrs={"maxlength": 200})
    )
    photos = MultipleFileField(
        label=_("照片"),
        required=False,
        widget=MultipleFiles(attrs={"accept": "image/*", "multiple": True}),
        help_text=_("最多 %(n)s 张，每张不超过 5 MB；照片中的位置信息会被删除。")
        % {"n": MAX_PHOTOS},
    )
    contact_name = forms.CharField(
        label=_("您的姓名"), required=False, widget=forms.TextInput(attrs={"maxlength": 32})
    )
    contact_phone = forms.CharField(
        label=_("手机号码"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "maxlength": 20}),
        help_text=_("仅用于告知办理结果，不会公开。"),
    )
    anonymous = forms.BooleanField(label=_("匿名反映（不留姓名和电话）"), required=False)
    # Kept across Back and reload by the page's script (core.forms.FormKeyField).
    idempotency_key = FormKeyField()
    # Asked only near a limit (opinions/limits.py): the view puts the question in the label.
    challenge_token = forms.CharField(required=False, widget=forms.HiddenInput)
    challenge_answer = forms.CharField(
        label=_("验证问题"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean(self):
        data = super().clean()
        typed = [
            str(self.fields[f].label)
            for f in ("contact_name", "contact_phone")
            if (data.get(f) or "").strip()
        ]
        if data.get("anonymous") and typed:
            # Never drop what was typed without saying so.
            self.add_error(
                "anonymous",
                _(
                    "您选择了匿名反映，已填写的%(fields)s不会保存，也收不到短信告知。"
                    "如需告知办理结果，请取消“匿名反映”；确要匿名，请清空%(fields)s后再提交。"
                )
                % {"fields": "、".join(typed)},
            )
        return data


class IntakeForm(OpinionForm):
    """Staff after a reception at a station, or a deputy for people they met."""

    channel = forms.ChoiceField(
        label=_("来源"),
        choices=[("station_desk", _("联络站接待")), ("deputy_upload", _("代表收集"))],
    )
    station = forms.ModelChoiceField(label=_("联络站"), required=False, queryset=None)
    deputy = forms.ModelChoiceField(label=_("接待（收集）代表"), required=False, queryset=None)

    field_order = ["channel", "station", "deputy"]

    def __init__(self, *args, stations=None, deputies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations
        self.fields["deputy"].queryset = deputies
        self.fields["deputy"].label_from_instance = lambda d: (
            f"{d.person.name}（{d.congress.name}）"
        )


class EvaluationForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("您对办理结果的评价"), choices=Rating.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("意见（可不填）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
    )


class LogForm(forms.Form):
    kind = forms.ChoiceField(label=_("记录簿"), choices=[])
    # Every deputy and station in the user's scope, chosen by name with a filter box.
    deputy = forms.ModelChoiceField(
        label=_("代表"),
        required=False,
        queryset=None,
        widget=PickOne,
        blank=True,
        empty_label=_("（不限）"),
    )
    station = forms.ModelChoiceField(
        label=_("联络站"),
        required=False,
        queryset=None,
        widget=PickOne,
        blank=True,
        empty_label=_("（不限）"),
    )
    region = forms.CharField(label=_("区划"), required=False, max_length=12)
    start = forms.DateField(label=_("起始日期"), required=False, widget=DayInput())
    end = forms.DateField(label=_("截止日期"), required=False, widget=DayInput())

    def __init__(self, *args, kinds, deputies, stations, region_picker=None, **kwargs):
        super().__init__(*args, **kwargs)
        if region_picker is not None:
            # Chosen by name, submitted as the code (lianxin.core.widgets.RegionPicker).
            self.fields["region"].widget = region_picker
        self.fields["kind"].choices = [(k, str(v)) for k, v in kinds.items()]
        self.fields["deputy"].queryset = deputies
        self.fields["deputy"].label_from_instance = lambda d: (
            f"{d.person.name}（{d.congress.name}）"
        )
        self.fields["station"].queryset = stations
