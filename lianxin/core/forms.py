"""What every page form shares."""

from __future__ import annotations

from django import forms

from .errors import LianxinError


def show_error(form: forms.Form, exc: LianxinError) -> None:
    """Put an action's refusal on the form: on the field it names (`commitment.due_on` → the
    `commitment` field) when the form shows that field, else above the form, so that no refusal
    lands on a hidden field where nobody would read it."""
    name = exc.field.split(".")[0] if exc.field else None
    field = form.fields.get(name) if name else None
    visible = field is not None and not field.widget.is_hidden
    form.add_error(name if visible else None, exc.message)
