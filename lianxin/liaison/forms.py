"""Forms of the station workbench. They parse and present; the actions validate and write,
and a refusal from an action is shown on the field it names."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import HolidayPolicy, Point, ReceptionRecord, ReceptionRule, Station
from .schedule import ORDINALS, WEEKDAYS


class StationForm(forms.Form):
    code = forms.CharField(label=_("站点编码"), max_length=32)
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类别"), choices=Station.Kind.choices)
    fused_kinds = forms.MultipleChoiceField(
        label=_("融合类别"),
        required=False,
        choices=[c for c in Station.Kind.choices if c[0] != Station.Kind.FUSION],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("仅融合站点填写"),
    )
    specialty = forms.CharField(label=_("专业领域"), max_length=32, required=False)
    region = forms.CharField(label=_("区划代码"), max_length=12, help_text=_("例如 140702001"))
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    host_org = forms.CharField(label=_("依托单位"), max_length=100, required=False)
    longitude = forms.CharField(label=_("经度"), max_length=20, required=False)
    latitude = forms.CharField(label=_("纬度"), max_length=20, required=False)
    opening_hours = forms.CharField(label=_("开放时间"), max_length=100, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=32, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    introduction = forms.CharField(
        label=_("简介"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    manager_name = forms.CharField(label=_("站长（内部）"), max_length=32, required=False)
    manager_phone = forms.CharField(label=_("站长手机（内部）"), max_length=20, required=False)
    notes = forms.CharField(
        label=_("内部备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    @classmethod
    def initial_for(cls, station: Station) -> dict:
        data = {f: getattr(station, f) for f in cls.base_fields if hasattr(station, f)}
        data["region"] = station.region.code
        data["fused_kinds"] = station.fused_kind_list
        for key in ("latitude", "longitude"):
            data[key] = "" if data[key] is None else str(data[key])
        return data

    def data_for_action(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("code", None)
        return data


class PointForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类别"), choices=Point.Kind.choices)
    region = forms.CharField(
        label=_("区划代码"), max_length=12, required=False, help_text=_("不填则与联络站相同")
    )
    place = forms.CharField(label=_("村（社区）"), max_length=64, required=False)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    host_org = forms.CharField(label=_("依托单位"), max_length=100, required=False)
    longitude = forms.CharField(label=_("经度"), max_length=20, required=False)
    latitude = forms.CharField(label=_("纬度"), max_length=20, required=False)
    opening_hours = forms.CharField(label=_("开放时间"), max_length=100, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=32, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)

    @classmethod
    def initial_for(cls, point: Point) -> dict:
        data = {f: getattr(point, f) for f in cls.base_fields}
        data["region"] = point.region.code
        for key in ("latitude", "longitude"):
            data[key] = "" if data[key] is None else str(data[key])
        return data


class DeputyChoiceField(forms.MultipleChoiceField):
    """Deputies offered by the view; ids are checked again by the action."""

    widget = forms.CheckboxSelectMultiple


TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RuleForm(forms.Form):
    frequency = forms.ChoiceField(label=_("周期"), choices=ReceptionRule.Frequency.choices)
    day_of_month = forms.IntegerField(label=_("每月几日"), required=False)
    week_of_month = forms.TypedChoiceField(
        label=_("第几个"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *[(k, v) for k, v in ORDINALS.items()]],
    )
    weekday = forms.TypedChoiceField(
        label=_("星期"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *enumerate(WEEKDAYS)],
    )
    start_time = forms.TimeField(label=_("开始时间"), widget=TIME_INPUT)
    end_time = forms.TimeField(label=_("结束时间"), widget=TIME_INPUT)
    valid_from = forms.DateField(label=_("起始日期"), required=False, widget=DATE_INPUT)
    valid_until = forms.DateField(label=_("截止日期"), required=False, widget=DATE_INPUT)
    holiday_policy = forms.ChoiceField(
        label=_("遇法定节假日"), choices=HolidayPolicy.choices, initial=HolidayPolicy.POSTPONE
    )
    place = forms.CharField(label=_("接待地点"), max_length=200, required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
    deputies = DeputyChoiceField(label=_("值班代表"), required=False)


class DayForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=DATE_INPUT)
    start_time = forms.TimeField(label=_("开始时间"), widget=TIME_INPUT)
    end_time = forms.TimeField(label=_("结束时间"), widget=TIME_INPUT)
    place = forms.CharField(label=_("接待地点"), max_length=200, required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
    deputies = DeputyChoiceField(label=_("值班代表"), required=False)


class RecordForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=DATE_INPUT)
    kind = forms.ChoiceField(label=_("方式"), choices=ReceptionRecord.Kind.choices)
    deputies = DeputyChoiceField(label=_("接待代表"))
    visitor_name = forms.CharField(label=_("来访群众"), max_length=64, required=False)
    visitor_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    visitor_count = forms.IntegerField(label=_("人数"), initial=1)
    subject = forms.CharField(label=_("事项"), max_length=100)
    content = forms.CharField(label=_("反映的问题"), widget=forms.Textarea(attrs={"rows": 4}))
    response = forms.CharField(
        label=_("现场答复及处理"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    raise_opinion = forms.BooleanField(
        label=_("转入群众意见办理（登记—梳理—处理—反馈—评议）"), required=False
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))
    import_valid_rows = forms.BooleanField(label=_("有错误时，仍导入无误的行"), required=False)
    dry_run = forms.BooleanField(label=_("只检查，不导入"), required=False)


class CommitmentForm(forms.Form):
    year = forms.IntegerField(label=_("年度"))
    content = forms.CharField(label=_("承诺内容"), max_length=300)
