"""The workbench's lists of this app (lianxin.casework.worklists renders them): the CPPCC
staff's reports to edit (待编辑) and a member's reports returned for revision."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lianxin.accounts.access import grants
from lianxin.casework import worklists

from . import queries
from .models import ReportState

LIMIT = 5


def _to_edit(user):
    qs = queries.to_edit(user)
    url = reverse("sentiment_list") + f"?state={ReportState.SUBMITTED},{ReportState.ACCEPTED}"
    return list(qs[:LIMIT]), qs.count(), url


def _returned(user):
    qs = queries.returned_to(user)
    return list(qs[:LIMIT]), qs.count(), reverse("sentiment_list") + "?state=returned&mine=1"


def register() -> None:
    worklists.register(
        "cppcc",
        "sentiment_to_edit",
        _("待编辑的社情民意信息"),
        _to_edit,
        empty=_("暂无待编辑的社情民意信息"),
        when=lambda user: bool(grants(user).cppcc_staff),
    )
    worklists.register(
        "member",
        "sentiment_returned",
        _("退回修改的社情民意信息"),
        _returned,
        empty=_("暂无退回修改的社情民意信息"),
        when=lambda user: bool(grants(user).member_ids),
    )
