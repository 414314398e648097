"""Page forms; every rule is the action's (lianxin.consultation.actions), the forms only
collect."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianxin.casework.forms import MultipleFileField
from lianxin.core.forms import FormKeyField
from lianxin.org.models import Expertise

from .models import Consultation, Opinion


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value):
        if hasattr(value, "strftime"):
            # The field's prepare_value gives local time already, without its zone.
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return value.strftime("%Y-%m-%dT%H:%M")
        return value


class ConsultationForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=Consultation.Kind.choices)
    title = forms.CharField(label=_("标题"), max_length=200, required=False)
    text = forms.CharField(
        label=_("正文"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("法规草案请每条另起一行，以“第X条”开头，系统据此分条征求意见。"),
    )
    opens_at = forms.DateTimeField(label=_("征求意见开始时间"), widget=DateTimeInput)
    closes_at = forms.DateTimeField(label=_("征求意见截止时间"), widget=DateTimeInput)
    audience = forms.ChoiceField(
        label=_("征求对象"), choices=Consultation.Audience.choices, widget=forms.RadioSelect
    )
    expertise = forms.ModelMultipleChoiceField(
        label=_("专业领域"),
        queryset=Expertise.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("征求对象为相关专业领域的代表时选择。"),
    )
    documents = MultipleFileField(label=_("附件"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].initial = Consultation.Audience.ALL
        now = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["opens_at"].initial = now
        self.fields["closes_at"].initial = now + dt.timedelta(days=15)


def _article_choices(consultation: Consultation) -> list[tuple[str, str]]:
    return [("", _("总体意见（不针对具体条文）"))] + [
        (str(a.pk), f"{a.label} {a.text[len(a.label) :][:30].strip()}")
        for a in consultation.articles.all()
    ]


class OpinionForm(forms.Form):
    seat = forms.ChoiceField(label=_("代表身份"), required=False)
    article = forms.ChoiceField(label=_("针对条文"), required=False)
    theme = forms.CharField(
        label=_("主题"), max_length=100, required=False, help_text=_("不针对具体条文时可填写。")
    )
    content = forms.CharField(
        label=_("意见内容"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    files = MultipleFileField(label=_("附件"), required=False)

    def __init__(self, *args, consultation: Consultation, seats, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seat"].choices = [(str(d.pk), f"{d.congress.name}{_('代表')}") for d in seats]
        if len(seats) == 1:
            self.fields["seat"].widget = forms.HiddenInput()
            self.fields["seat"].initial = str(seats[0].pk)
        self.fields["article"].choices = _article_choices(consultation)
        if not consultation.articles.exists():
            self.fields["article"].widget = forms.HiddenInput()


class CitizenOpinionForm(forms.Form):
    article = forms.ChoiceField(label=_("针对条文"), required=False)
    content = forms.CharField(
        label=_("您的意见"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    citizen_name = forms.CharField(label=_("姓名（可不填）"), max_length=32, required=False)
    citizen_phone = forms.CharField(label=_("联系电话（可不填）"), max_length=20, required=False)
    idempotency_key = FormKeyField()

    def __init__(self, *args, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article"].choices = _article_choices(consultation)
        if not consultation.articles.exists():
            self.fields["article"].widget = forms.HiddenInput()


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("采纳情况"),
        choices=[c for c in Opinion.Decision.choices if c[0] != Opinion.Decision.PENDING],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("理由"), max_length=500, required=False)
