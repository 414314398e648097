"""A proposal declined with the disposition 转为社情民意信息 becomes a report (registered with
`casework.conversions` from this app's ready(); proposals calls it in its decline)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lianxin.accounts.access import visible_to

from . import actions
from .models import SentimentReport


def from_proposal(case, *, acting_user, reason: str = "") -> SentimentReport:
    return actions.do_convert_proposal(case, acting_user=acting_user, reason=reason)


def link(case, user) -> tuple[str, str] | None:
    """The report the proposal became, for the proposal's page, if the user may see it."""
    report = visible_to(user, SentimentReport).filter(source_proposal_id=case.pk).first()
    if report is None:
        return None
    return _("已转为社情民意信息：%(title)s") % {"title": report.shown_title}, (
        report.get_absolute_url()
    )
