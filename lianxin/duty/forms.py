"""Page forms; every rule is the action's (lianxin.duty.actions), the forms only collect."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianxin.casework.forms import MultipleFileField, MultipleFiles
from lianxin.core.widgets import DayInput
from lianxin.org.models import Body, Expertise

from .models import Activity, Invitation


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value):
        if hasattr(value, "strftime"):
            return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")
        return value


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("活动名称"), max_length=200)
    kind = forms.ChoiceField(label=_("活动类别"), choices=Activity.Kind.choices)
    topic = forms.CharField(
        label=_("主题"),
        max_length=200,
        required=False,
        help_text=_("如“养老服务”；推荐代表时与代表的专业领域、职业相比较。"),
    )
    expertise = forms.ModelMultipleChoiceField(
        label=_("涉及专业领域"),
        queryset=Expertise.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=DateTimeInput)
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=DateTimeInput)
    place = forms.CharField(label=_("地点"), max_length=200)
    capacity = forms.IntegerField(label=_("人数上限"), required=False, min_value=1)
    hours = forms.DecimalField(
        label=_("培训学时"), required=False, help_text=_("培训类活动必填，签到后计入学时。")
    )
    organiser_body = forms.ModelChoiceField(
        label=_("组织机构"), queryset=Body.objects.none(), required=False
    )
    description = forms.CharField(label=_("活动说明"), widget=forms.Textarea, required=False)

    def __init__(self, *args, congress=None, propose: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if propose or congress is None:
            del self.fields["organiser_body"]
        else:
            self.fields["organiser_body"].queryset = Body.objects.filter(
                congress=congress, kind__in=Body.CONGRESS_KINDS
            ).exclude(kind__in=[Body.Kind.DELEGATION, Body.Kind.ELECTORAL_UNIT])

    def action_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["expertise"] = [e.pk for e in data.get("expertise") or []]
        body = data.get("organiser_body")
        data["organiser_body"] = body.pk if body else None
        return data

    @classmethod
    def initial_of(cls, activity: Activity) -> dict:
        return {
            "title": activity.title,
            "kind": activity.kind,
            "topic": activity.topic,
            "expertise": list(activity.expertise.all()),
            "starts_at": activity.starts_at,
            "ends_at": activity.ends_at,
            "place": activity.place,
            "capacity": activity.capacity,
            "hours": activity.hours,
            "organiser_body": activity.organiser_body,
            "description": activity.description,
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=500, required=False)


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("是否参加"),
        choices=[("accept", _("参加")), ("decline", _("请假"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("请假事由"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("请假时必填。"),
    )


class AttendanceForm(forms.Form):
    attendance = forms.ChoiceField(
        label=_("出席情况"),
        choices=[
            (Invitation.Attendance.ON_LEAVE, _("请假")),
            (Invitation.Attendance.ABSENT, _("缺席")),
        ],
    )
    note = forms.CharField(label=_("说明"), max_length=500, required=False)


class MaterialForm(forms.Form):
    file = forms.FileField(label=_("活动材料"))


class PostForm(forms.Form):
    """A deputy's own duty post (the action checks the seat, the date and the photos)."""

    seat = forms.TypedChoiceField(label=_("履职身份"), coerce=int)
    title = forms.CharField(label=_("履职事项"), max_length=100)
    date = forms.DateField(label=_("履职日期"), widget=DayInput())
    content = forms.CharField(label=_("履职情况"), widget=forms.Textarea(attrs={"rows": 5}))
    photos = MultipleFileField(
        label=_("照片"),
        required=False,
        widget=MultipleFiles(attrs={"accept": "image/*", "multiple": True}),
        help_text=_("最多 9 张，每张不超过 5 MB；照片中的位置信息会被删除。"),
    )

    def __init__(self, *args, seats=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seat"].choices = [
            (s.pk, _("%(congress)s代表") % {"congress": s.congress.name}) for s in seats
        ]


class DecidePostForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核意见"),
        choices=[("approve", _("通过")), ("return", _("退回"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("退回原因"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# --- Duty reports (述职报告) -----------------------------------------------------------------
class NewReportForm(forms.Form):
    seat = forms.TypedChoiceField(label=_("代表身份"), coerce=int)
    period_start = forms.DateField(label=_("述职期间起"), widget=DayInput())
    period_end = forms.DateField(label=_("述职期间止"), widget=DayInput())
    title = forms.CharField(
        label=_("标题"),
        max_length=100,
        required=False,
        help_text=_("留空则为“某某代表某年度述职报告”。"),
    )

    def __init__(self, *args, seats=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seat"].choices = [
            (s.pk, _("%(congress)s代表") % {"congress": s.congress.name}) for s in seats
        ]


class EditReportForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=100)
    body = forms.CharField(
        label=_("述职报告正文"),
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text=_("草稿由履职记录生成，可修改补充；段落之间空一行。"),
    )
    submit = forms.BooleanField(label=_("保存后提交审核"), required=False)


class DecideReportForm(DecidePostForm):
    pass


class PublicationForm(forms.Form):
    receptions = forms.BooleanField(label=_("公开联络站接待情况"), required=False)
    suggestions = forms.BooleanField(label=_("公开提出建议及办理结果"), required=False)
    activities = forms.BooleanField(label=_("公开参加活动情况"), required=False)
    opinions = forms.BooleanField(label=_("公开办理群众意见情况"), required=False)
    reports = forms.BooleanField(label=_("公开述职报告"), required=False)


class StoryForm(forms.Form):
    seat = forms.TypedChoiceField(label=_("代表"), coerce=int)
    title = forms.CharField(label=_("标题"), max_length=100)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 14}))

    def __init__(self, *args, seats=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seat"].choices = [
            (s.pk, f"{s.person.name}（{s.congress.name}）") for s in seats
        ]


class DecideStoryForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核意见"),
        choices=[("publish", _("通过并公开")), ("return", _("退回"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("退回原因"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DrawTypicalForm(forms.Form):
    case = forms.CharField(
        label=_("事项编号"),
        max_length=20,
        help_text=_("已办结事项页面上的编号；群众的姓名、电话等个人信息会自动删除。"),
    )


class TypicalCaseForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=100)
    problem = forms.CharField(label=_("反映的问题"), widget=forms.Textarea(attrs={"rows": 6}))
    handling = forms.CharField(label=_("办理情况"), widget=forms.Textarea(attrs={"rows": 8}))
