"""The hotline staff's lists on the workbench (casework.worklists): orders to triage and
dispatch, and orders replied that wait for the return visit."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lianxin.accounts.access import grants
from lianxin.casework import worklists

from . import queries
from .workflow import W

LIMIT = 10


def _office(user):
    return queries.orders_for(user).filter(congress_id__in=list(grants(user).staff_congresses))


def _to_sort(user):
    qs = _office(user).filter(state__in=[W.RECEIVED, W.TRIAGED])
    return list(qs[:LIMIT]), qs.count(), reverse("work_order_list") + "?state=received,triaged"


def _to_visit(user):
    qs = _office(user).filter(state=W.REPLIED)
    return list(qs[:LIMIT]), qs.count(), reverse("work_order_list") + "?state=replied"


def _is_staff(user) -> bool:
    return bool(grants(user).staff_congresses)


def register() -> None:
    worklists.register(
        "staff", "work_orders_to_sort", _("待分类、派单的 12345 工单"), _to_sort, when=_is_staff
    )
    worklists.register(
        "staff", "work_orders_to_visit", _("待回访的 12345 工单"), _to_visit, when=_is_staff
    )
