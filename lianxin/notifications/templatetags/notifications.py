"""`{% load notifications %}{% unread_notifications %}`: the unread list for the workbench."""

from django import template

from ..queries import unread_count, unread_for

register = template.Library()


@register.inclusion_tag("notifications/_unread.html", takes_context=True)
def unread_notifications(context, limit: int = 8):
    user = context["request"].user
    return {
        "items": unread_for(user, limit),
        "count": unread_count(user),
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
    }
