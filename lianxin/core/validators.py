"""Field rules shared by every app: one rule each, with a message naming the field the form
shows (its label), so a refusal reads the same on every page, API and import."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from .errors import ValidationFailed

MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Area code (3 or 4 digits from 0), number (7 or 8 digits), optional extension.
MAX_TEXT = 10000
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(?:(?:-|转|#)\d{1,6})?$")


def clean_phone(value, *, field: str, label: str) -> str:
    """A mainland mobile number (13812345678, kept as 11 digits) or a landline with its area
    code (0354-3012345 or 03543012345, optionally with an extension: -801, 转801). Spaces,
    brackets and a leading +86 are dropped; empty stays empty (whether a phone is required is
    the caller's rule). Anything else, short numbers such as 12345 included, is refused under
    `field` with a message naming `label`, the field as the form shows it."""
    if isinstance(value, float) and value.is_integer():
        value = str(int(value))
    text = "" if value is None else str(value).strip()
    if not text:
        return ""
    compact = re.sub(r"[\s()（）]", "", text)
    if compact.startswith("+86"):
        compact = compact[3:].lstrip("-")
    if MOBILE.match(compact.replace("-", "")):
        return compact.replace("-", "")
    if LANDLINE.match(compact):
        return compact
    raise ValidationFailed(
        _("%(label)s格式不正确：请填写手机号码或带区号的固定电话。") % {"label": label},
        field=field,
    )


def clean_text(value, *, field: str, label: str, required: bool, max_length: int = MAX_TEXT) -> str:
    """Text as typed (markup is kept and escaped on output), minus outer whitespace and NUL
    characters. `required` is always said: an empty required text is refused ("请填写…"), an
    optional one stays empty. Longer than `max_length` characters is refused under `field`."""
    text = "" if value is None else str(value)
    text = text.replace("\x00", "").strip()
    if required and not text:
        raise ValidationFailed(_("请填写%(label)s。") % {"label": label}, field=field)
    if len(text) > max_length:
        raise ValidationFailed(
            _("%(label)s不能超过 %(max)s 字（现有 %(n)s 字）。")
            % {"label": label, "max": max_length, "n": len(text)},
            field=field,
        )
    return text
