"""`{% similar_cases case %}`: the similar-items panel of every kind's case page, from the
search index (`casework.search.similar`), within what the reader may see."""

from django import template

from lianxin.casework import search

register = template.Library()


@register.inclusion_tag("casework/_similar_cases.html", takes_context=True)
def similar_cases(context, case):
    request = context.get("request")
    user = getattr(request, "user", None)
    hits = search.similar(user, case) if user is not None and user.is_authenticated else []
    return {"similar_hits": hits}
