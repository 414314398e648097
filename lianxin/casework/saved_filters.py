"""A person's own named filters of the case list. A preference of one account, like the notice
mode, not a step of any case: nothing here is written to the trail."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from lianxin.core.errors import NotFound, ValidationFailed

from .models import SavedFilter

# The case list's filters; anything else in a saved query (the page number, stray parameters)
# is dropped.
FILTER_KEYS = ("kind", "state", "region", "overdue", "mine", "supervised", "q")


def clean_query(raw: str) -> str:
    """The filters of a query string in a fixed order, empty values and unknown keys left out."""
    given = QueryDict(raw or "")
    kept = [(k, given.get(k, "").strip()) for k in FILTER_KEYS]
    return urlencode([(k, v) for k, v in kept if v])


def of(user) -> list[SavedFilter]:
    return list(SavedFilter.objects.filter(user=user))


def save(user, *, name: str, query: str) -> SavedFilter:
    """Keep the filters under a name; the same name again replaces that filter's conditions."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("请为常用筛选起一个名称。"), field="name")
    if len(name) > SavedFilter._meta.get_field("name").max_length:
        raise ValidationFailed(_("名称不超过 30 个字。"), field="name")
    query = clean_query(query)
    if not query:
        raise ValidationFailed(_("当前没有选择任何筛选条件，无需保存。"), field="query")
    with transaction.atomic():
        existing = SavedFilter.objects.select_for_update().filter(user=user, name=name).first()
        if existing is not None:
            existing.query = query
            existing.save(update_fields=["query"])
            return existing
        if SavedFilter.objects.filter(user=user).count() >= SavedFilter.MAX_PER_USER:
            raise ValidationFailed(
                _("常用筛选最多保存 %(n)s 个，请先删除不用的。") % {"n": SavedFilter.MAX_PER_USER},
                field="name",
            )
        try:
            with transaction.atomic():
                return SavedFilter.objects.create(user=user, name=name, query=query)
        except IntegrityError:  # the same name saved at the same moment in another tab
            return SavedFilter.objects.get(user=user, name=name)


def delete(user, pk) -> str:
    """Remove one of the user's own filters (someone else's is not found)."""
    row = SavedFilter.objects.filter(user=user, pk=pk).first()
    if row is None:
        raise NotFound(_("没有这个常用筛选。"))
    row.delete()
    return row.name
