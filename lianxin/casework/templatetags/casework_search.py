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


@register.inclusion_tag("casework/_reply_quality.html", takes_context=True)
def reply_quality(context, case, text, reply_id=None):
    """The reply-quality check of `text` as the reply to `case`, to whoever may see it
    (`case.check_reply`); nothing for anyone else."""
    from lianxin.accounts.access import can
    from lianxin.casework import reply_quality as rq

    request = context.get("request")
    user = getattr(request, "user", None)
    if (
        user is None
        or not user.is_authenticated
        or not text
        or not can(user, "case.check_reply", case)
    ):
        return {"rq": None}
    return {"rq": rq.check(case, text), "rq_id": f"reply-quality-{reply_id}"}
