"""Page forms; every check that matters is the action's own."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lianxin.org.models import Body, HandlingUnit, Member, SeatStatus

from .models import EventKind, ResultCarriedOut


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("协商形式"), choices=EventKind.choices)
    title = forms.CharField(label=_("名称"), max_length=200)
    topic = forms.CharField(label=_("协商议题"), widget=forms.Textarea(attrs={"rows": 3}))
    held_on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    agenda = forms.CharField(
        label=_("议程（每行一项）"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    joint_with = forms.CharField(label=_("联动的政协"), max_length=200, required=False)
    participants = forms.ModelMultipleChoiceField(
        label=_("参加委员"), queryset=Member.objects.none(), required=False
    )
    sectors = forms.ModelMultipleChoiceField(
        label=_("按界别邀请"), queryset=Body.objects.none(), required=False
    )
    invited_units = forms.ModelMultipleChoiceField(
        label=_("邀请的单位"), queryset=HandlingUnit.objects.none(), required=False
    )

    def __init__(self, *args, cppcc, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = Member.objects.filter(
            cppcc=cppcc, status=SeatStatus.SERVING
        ).select_related("person", "cppcc")
        self.fields["participants"].label_from_instance = lambda m: m.person.name
        self.fields["sectors"].queryset = Body.objects.filter(cppcc=cppcc, kind=Body.Kind.SECTOR)
        self.fields["invited_units"].queryset = HandlingUnit.objects.filter(is_active=True)


class SpeechForm(forms.Form):
    member = forms.ModelChoiceField(
        label=_("发言委员"), queryset=Member.objects.none(), required=False
    )
    unit = forms.ModelChoiceField(
        label=_("或发言单位"), queryset=HandlingUnit.objects.none(), required=False
    )
    speaker_name = forms.CharField(label=_("单位代表姓名"), max_length=50, required=False)
    text = forms.CharField(label=_("发言内容"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.filter(
            cppcc_id=event.cppcc_id, status=SeatStatus.SERVING
        ).select_related("person", "cppcc")
        self.fields["member"].label_from_instance = lambda m: m.person.name
        self.fields["unit"].queryset = HandlingUnit.objects.filter(is_active=True)


class ResultForm(forms.Form):
    title = forms.CharField(label=_("成果名称"), max_length=200)
    content = forms.CharField(label=_("成果内容"), widget=forms.Textarea(attrs={"rows": 3}))


class StepForm(forms.Form):
    on = forms.DateField(
        label=_("日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    units = forms.ModelMultipleChoiceField(
        label=_("报送交办的单位"),
        queryset=HandlingUnit.objects.filter(is_active=True),
        required=False,
    )
    feedback = forms.CharField(
        label=_("反馈情况"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CarriedOutForm(forms.Form):
    kind = forms.ChoiceField(label=_("转化形式"), choices=ResultCarriedOut.Kind.choices)
    document = forms.CharField(label=_("文件名称"), max_length=200)
    number = forms.CharField(label=_("文号"), max_length=100, required=False)
    issued_on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))


class ActivityForm(forms.Form):
    held_on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("活动名称"), max_length=200)
    notes = forms.CharField(
        label=_("活动情况"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    members = forms.ModelMultipleChoiceField(
        label=_("参加委员"), queryset=Member.objects.none(), required=False
    )

    def __init__(self, *args, studio, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = studio.members.select_related("person", "cppcc")
        self.fields["members"].label_from_instance = lambda m: m.person.name
