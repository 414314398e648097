"""What every page form shares."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .errors import LianxinError

T = TypeVar("T")


def show_error(form: forms.Form, exc: LianxinError) -> None:
    """Put an action's refusal on the form: on the field it names (`commitment.due_on` → the
    `commitment` field) when the form shows that field, else above the form, so that no refusal
    lands on a hidden field where nobody would read it."""
    name = exc.field.split(".")[0] if exc.field else None
    field = form.fields.get(name) if name else None
    visible = field is not None and not field.widget.is_hidden
    form.add_error(name if visible else None, exc.message)


def run_form_page(
    request: HttpRequest,
    form: forms.Form,
    act: Callable[[dict[str, Any]], T],
    *,
    success: str | None,
    on_success: Callable[[T], HttpResponse],
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """A page whose one form runs one action. On a POST whose form is valid, `act` runs once
    with the form's cleaned data; when it succeeds, the `success` message is added (None:
    `on_success` adds its own) and `on_success(result)` answers, usually with a redirect.
    Otherwise (a GET, an invalid form, a refusal, which `show_error` puts on the form) the page
    is rendered from `template` with `form` and `context`: 200 for a GET, 422 after a POST so
    that clients see the refusal."""
    if request.method == "POST" and form.is_valid():
        try:
            result = act(form.cleaned_data)
        except LianxinError as exc:
            show_error(form, exc)
        else:
            if success is not None:
                messages.success(request, success)
            return on_success(result)
    status = 422 if request.method == "POST" else 200
    return render(request, template, {"form": form, **context}, status=status)


# --- The idempotency key of a page form -----------------------------------------------------------
# One key per form shown to one person, so that submitting that form again (a double tap, Back
# and submit, a reload) leads to what the first submission made. The key is made here, but it
# survives Back and reload only in the browser: `lianxin/form-key.js` (loaded by every page with
# such a form) keeps the key a history entry's form was first given in that entry's state and
# puts it back when the page is shown again, since the page itself is never cached. A form
# opened afresh is a new history entry and keeps its new key. Without JavaScript a restored
# form carries a new key, as before.

FORM_KEY_SALT = "lianxin.form-key"


def new_form_key() -> str:
    """A fresh key for one form: random, and signed, so that a page can tell a key it issued
    (known only to whoever was shown the form) from one a client chose (the API takes any)."""
    return signing.Signer(salt=FORM_KEY_SALT).sign(uuid.uuid4().hex)


def issued_form_key(value: str | None) -> bool:
    """Whether `value` is a key `new_form_key` made."""
    try:
        signing.Signer(salt=FORM_KEY_SALT).unsign(value or "")
    except signing.BadSignature:
        return False
    return True


class FormKeyBoundField(forms.BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        # "new": made for this response, the script puts back the key this history entry's form
        # was first given; "kept": it came back with a submission (or replaced a used one) and
        # stays.
        attrs["data-form-key"] = "kept" if self.form.is_bound else "new"
        return attrs


class FormKeyField(forms.CharField):
    """The hidden idempotency key of a page form, new for every form shown."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("initial", new_form_key)
        super().__init__(**kwargs)

    def get_bound_field(self, form, field_name):
        return FormKeyBoundField(form, self, field_name)


def renew_form_key(form: forms.Form, name: str = "idempotency_key") -> str:
    """Give a submitted form a fresh key, so that its next submission is a new one (its key was
    already used for a submission with other content: the person changed the restored form)."""
    key = new_form_key()
    form.data = form.data.copy()
    form.data[name] = key
    return key
