from django import forms

from lianxin.accounts.models import User


class NoticeModeForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["notice_mode"]
        widgets = {"notice_mode": forms.RadioSelect}
