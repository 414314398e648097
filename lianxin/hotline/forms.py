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
