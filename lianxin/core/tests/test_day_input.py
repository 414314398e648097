"""A date picker's value is YYYY-MM-DD whatever the language: with the Chinese locale's format
(2026/12/07) the browser shows an initial date as an empty field."""

import datetime as dt

from django import forms
from django.utils import translation

from lianxin.core.widgets import DayInput


class _Form(forms.Form):
    day = forms.DateField(widget=DayInput())


def test_an_initial_date_is_written_in_iso_form_in_every_language():
    for language in ("zh-hans", "en"):
        with translation.override(language):
            html = str(_Form(initial={"day": dt.date(2026, 12, 7)})["day"])
        assert 'type="date"' in html and 'value="2026-12-07"' in html
