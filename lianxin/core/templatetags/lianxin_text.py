"""Long texts on pages: `{{ text|folded }}` shows a long text folded to its first lines, with a
「展开全文」 button (lianxin/site.js); without JavaScript the whole text shows."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()

FOLD_CHARS = 600  # longer than this, or
FOLD_LINES = 12  # more lines than this, a text is folded


@register.filter(is_safe=True)
def folded(text) -> str:
    text = "" if text is None else str(text)
    body = linebreaksbr(text, autoescape=True)
    if len(text) <= FOLD_CHARS and text.count("\n") < FOLD_LINES:
        return body
    more = _("展开全文（共 %(n)s 字）") % {"n": len(text)}
    return format_html(
        '<div class="fold" data-fold><div class="fold-body">{}</div>'
        '<button type="button" class="link fold-toggle" aria-expanded="false" hidden'
        ' data-more="{}" data-less="{}">{}</button></div>',
        body,
        more,
        _("收起全文"),
        more,
    )
