"""The proposals' lists on the workbench (casework.worklists): a member's own proposals and
invitations to co-sponsor; the CPPCC staff's proposals to register and to chase."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lianxin.accounts.access import grants
from lianxin.casework import worklists
from lianxin.core import dates

from . import queries
from .workflow import UNDER_HANDLING, P

LIMIT = 10


def _page(qs, query: str):
    return list(qs[:LIMIT]), qs.count(), reverse("proposal_list") + query


def _mine(user):
    return _page(queries.proposals_for(user, mine=True), "?mine=1")


def _invitations(user):
    qs = queries.invitations_for(user)
    return list(qs[:LIMIT]), qs.count(), reverse("proposal_list") + "?mine=1"


def _office(user):
    return queries.proposals_for(user).filter(cppcc_id__in=grants(user).cppcc_staff)


def _to_register(user):
    return _page(_office(user).filter(state=P.SUBMITTED), f"?state={P.SUBMITTED}")


def _to_chase(user):
    """Proposals under handling that are overdue or due within the reminder period."""
    soon = dates.today() + dt.timedelta(days=14)
    qs = (
        _office(user)
        .filter(state__in=UNDER_HANDLING)
        .filter(Q(is_overdue=True) | Q(due_date__lte=soon))
    )
    return _page(qs.order_by("due_date", "id"), "?state=" + ",".join(UNDER_HANDLING))


def _is_member(user) -> bool:
    return bool(grants(user).member_ids)


def _is_cppcc_staff(user) -> bool:
    return bool(grants(user).cppcc_staff)


def register() -> None:
    worklists.register("member", "my_proposals", _("我的提案"), _mine, when=_is_member)
    worklists.register(
        "member", "proposal_invitations", _("待确认的联名邀请"), _invitations, when=_is_member
    )
    worklists.register(
        "cppcc", "proposals_to_register", _("待立案审查的提案"), _to_register, when=_is_cppcc_staff
    )
    worklists.register(
        "cppcc", "proposals_to_chase", _("临近期限或逾期的提案"), _to_chase, when=_is_cppcc_staff
    )
