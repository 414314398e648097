"""What every page form shares."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
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
