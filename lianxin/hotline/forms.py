from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Source


class UploadForm(forms.Form):
    source = forms.ModelChoiceField(Source.objects.none(), label=_("工单来源"))
    file = forms.FileField(
        label=_("文件"), help_text=_("Excel（.xlsx）、CSV（UTF-8 或 GBK 编码）或 JSON 文件。")
    )

    def __init__(self, *args, sources=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sources is not None:
            self.fields["source"].queryset = sources


class ConfirmForm(forms.Form):
    valid_rows_only = forms.BooleanField(label=_("仅导入有效行"), required=False)


class SourceForm(forms.Form):
    """A source's mapping as the staff edit it: one box per field of ours (the header of the
    hotline's file) and the state names, one `theirs = ours` a line."""

    name = forms.CharField(label=_("名称"), max_length=100)
    states = forms.CharField(
        label=_("状态对应关系"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("每行一项：对方状态 = 本系统状态，如“已派发 = dispatched”。"),
    )

    pull_url = forms.CharField(
        label=_("拉取地址"),
        max_length=500,
        required=False,
        help_text=_("返回工单 JSON 列表或 CSV 的 http(s) 地址；留空则不拉取。"),
    )
    pull_format = forms.ChoiceField(
        label=_("拉取格式"),
        choices=[("json", "JSON"), ("csv", "CSV")],
        initial="json",
        required=False,
    )
    pull_auth_header = forms.CharField(
        label=_("拉取认证头"),
        max_length=500,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("如“Authorization: Bearer …”；留空则保留原值。"),
    )
    clear_pull_auth = forms.BooleanField(label=_("清除拉取认证头"), required=False)
    pull_interval_minutes = forms.IntegerField(
        label=_("拉取间隔（分钟）"), min_value=1, max_value=10080, initial=60, required=False
    )
    webhook_url = forms.CharField(
        label=_("回推地址"),
        max_length=500,
        required=False,
        help_text=_("答复、办结、合并时以签名 webhook 通知对方的 http(s) 地址；留空则不回推。"),
    )
    webhook_secret = forms.CharField(
        label=_("签名密钥"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("HMAC-SHA256 签名所用的密钥，至少 16 个字符；留空则保留原值。"),
    )

    def __init__(self, *args, fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in fields:
            self.fields[f"col_{name}"] = forms.CharField(
                label=label, max_length=100, required=False
            )

    def column_fields(self):
        return [self[name] for name in self.fields if name.startswith("col_")]
