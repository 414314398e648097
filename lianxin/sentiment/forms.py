"""Page forms; every rule is the action's (lianxin.sentiment.actions), the forms only collect."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lianxin.casework.forms import MultipleFileField
from lianxin.casework.models import Category
from lianxin.core import dates
from lianxin.org.models import Member, SeatStatus

from . import actions
from .models import AdoptionManner, Level, Recipient


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _categories():
    return [("", _("请选择"))] + [
        (c.code, c.name) for c in Category.objects.filter(is_active=True).order_by("sort_order")
    ]


class ReportForm(forms.Form):
    author = forms.ChoiceField(label=_("以谁的名义反映"), choices=[])
    title = forms.CharField(label=_("标题"), max_length=100)
    category = forms.ChoiceField(label=_("所属领域"), choices=[], required=False)
    content = forms.CharField(
        label=_("正文"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("写明反映的情况、原因分析和意见建议。"),
    )
    co_authors = forms.MultipleChoiceField(
        label=_("联名委员"), required=False, widget=forms.CheckboxSelectMultiple, choices=[]
    )
    attachments = MultipleFileField(
        label=_("附件"),
        required=False,
        help_text=_("可上传调研材料、照片等，最多 5 个，每个不超过 10 MB。"),
    )

    def __init__(self, *args, user, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _categories()
        if report is not None:
            del self.fields["author"]
            del self.fields["attachments"]
            cppcc_id, exclude = report.cppcc_id, report.author_member_id
        else:
            choices = actions.author_choices(user)
            self.fields["author"].choices = choices
            if choices:
                self.fields["author"].initial = choices[0][0]
            cppccs = {c.partition(":")[0] for c, _l in choices}
            cppcc_id, exclude = None, None
            seats = [int(k.split(":")[1]) for k, _l in choices if k.startswith("member:")]
            member = Member.objects.filter(pk__in=seats).first()
            if member is not None:
                cppcc_id, exclude = member.cppcc_id, member.pk
            elif "cppcc" in cppccs:
                cppcc_id = int(next(k for k, _l in choices if k.startswith("cppcc:")).split(":")[1])
        others = Member.objects.filter(cppcc_id=cppcc_id, status=SeatStatus.SERVING).exclude(
            pk=exclude
        )
        self.fields["co_authors"].choices = [
            (str(m.pk), m.person.name) for m in others.select_related("person")[:200]
        ]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("退回理由"), widget=forms.Textarea(attrs={"rows": 4}))


class ConfirmForm(forms.Form):
    pass


class EditForm(forms.Form):
    edited_title = forms.CharField(label=_("编辑后的标题"), max_length=100)
    edited_content = forms.CharField(
        label=_("编辑后的文稿"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("编辑、压缩后的文稿编入期刊，反映人看到的是编辑后的文稿；原文保留。"),
    )


class AdoptForm(forms.Form):
    adopted_by = forms.CharField(
        label=_("采用单位"), max_length=100, help_text=_("如“山西省政协”“中共晋中市委办公室”。")
    )
    level = forms.ChoiceField(label=_("级别"), choices=Level.choices)
    manner = forms.ChoiceField(
        label=_("采用方式"), choices=AdoptionManner.choices, widget=forms.RadioSelect
    )
    adopted_on = forms.DateField(label=_("采用日期"), widget=DateInput, initial=dates.today)


class InstructForm(forms.Form):
    leader = forms.CharField(label=_("批示领导"), max_length=50)
    level = forms.ChoiceField(label=_("级别"), choices=Level.choices)
    text = forms.CharField(label=_("批示内容"), widget=forms.Textarea(attrs={"rows": 4}))
    given_on = forms.DateField(label=_("批示日期"), widget=DateInput, initial=dates.today)


class IssueForm(forms.Form):
    title = forms.CharField(label=_("期刊标题"), max_length=200)
    reports = forms.MultipleChoiceField(
        label=_("编入的信息"),
        widget=forms.CheckboxSelectMultiple,
        choices=[],
        help_text=_("按列出的顺序编入本期。"),
    )

    def __init__(self, *args, reports, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reports"].choices = [(str(r.pk), r.shown_title) for r in reports]

    def ordered(self) -> list[int]:
        """The chosen reports in the order the form lists them."""
        chosen = set(self.cleaned_data["reports"])
        return [int(v) for v, _l in self.fields["reports"].choices if v in chosen]


class SendForm(forms.Form):
    recipients = forms.MultipleChoiceField(
        label=_("报送对象"), choices=Recipient.choices, widget=forms.CheckboxSelectMultiple
    )
    sent_on = forms.DateField(label=_("报送日期"), widget=DateInput, initial=dates.today)
