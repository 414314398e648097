"""Helpers shared by the actions of suggestions and motions (see `actions/__init__.py`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import replace

from django.utils.translation import gettext as _

from lianxin.accounts.access import grants
from lianxin.casework import deadlines, shared
from lianxin.casework.actions import finish, lock_case
from lianxin.casework.models import (
    Case,
    Category,
    Channel,
    DeadlinePolicy,
    Kind,
    Rating,
)
from lianxin.casework.workflow import Transition
from lianxin.core import dates
from lianxin.core.errors import Forbidden, ValidationFailed
from lianxin.core.validators import clean_text
from lianxin.org.models import Deputy, SeatStatus

from .. import queries
from ..models import Session
from ..workflow import MotionState, SuggestionState

S = SuggestionState
M = MotionState

MAX_TITLE = 100
MAX_CONTENT = 10000
MAX_COSPONSORS = 100
RATING_ORDER = {Rating.DISSATISFIED: 0, Rating.BASICALLY_SATISFIED: 1, Rating.SATISFIED: 2}


# --- Helpers ------------------------------------------------------------------------------------


def _row(workflow, action: str, target: str) -> Transition:
    """The table row of `action` that ends in `target` (see workflow.py)."""
    for t in workflow.transitions:
        if t.action == action and t.target == target:
            return t
    raise LookupError(f"{workflow.kind}: no {action} → {target}")


def _outcome(checked: Transition, workflow, target: str) -> Transition:
    """The checked transition, moved to the decision's target."""
    row = _row(workflow, checked.action, target)
    return replace(checked, target=row.target)


def seat_for(user, congress=None) -> Deputy:
    """The caller's serving seat in `congress`; `congress` is required for a deputy who sits in
    more than one."""
    g = grants(user)
    seats = list(
        Deputy.objects.filter(pk__in=g.deputy_ids, status=SeatStatus.SERVING).select_related(
            "congress__region", "person"
        )
    )
    if not seats:
        raise Forbidden(_("只有在任人大代表才能提出建议或议案。"))
    if congress is None:
        if len(seats) > 1:
            raise ValidationFailed(
                _("您是多个人民代表大会的代表，请选择以哪一级人大代表的身份提出。"),
                field="congress",
            )
        return seats[0]
    for seat in seats:
        if seat.congress_id == getattr(congress, "pk", congress):
            return seat
    raise ValidationFailed(_("您不是该人民代表大会的代表。"), field="congress")


def clean_cosponsors(author: Deputy, deputies: Iterable) -> list[Deputy]:
    """Co-sponsors: serving deputies of the author's congress, each once, never the author."""
    result: list[Deputy] = []
    seen: set[int] = set()
    for value in deputies:
        seat = value if isinstance(value, Deputy) else None
        if seat is None:
            text = str(value).strip()
            seat = (
                Deputy.objects.select_related("person").filter(pk=int(text)).first()
                if text.isdigit()
                else None
            )
        if seat is None or seat.congress_id != author.congress_id:
            raise ValidationFailed(
                _("联名代表“%(value)s”不是本级人民代表大会的代表。") % {"value": str(value)[:20]},
                field="co_sponsors",
            )
        if seat.status != SeatStatus.SERVING:
            raise ValidationFailed(
                _("%(name)s已不在任，不能联名。") % {"name": seat.person.name}, field="co_sponsors"
            )
        if seat.pk == author.pk:
            raise ValidationFailed(_("领衔代表不必再作为联名代表。"), field="co_sponsors")
        if seat.pk in seen:
            continue
        seen.add(seat.pk)
        result.append(seat)
    if len(result) > MAX_COSPONSORS:
        raise ValidationFailed(
            _("联名代表不能超过 %(n)s 人。") % {"n": MAX_COSPONSORS}, field="co_sponsors"
        )
    return result


def detail_url(case: Case) -> str:
    from django.urls import reverse

    return reverse("suggestion_detail", args=[case.pk])


def due_after_assignment(start: dt.date, *, complex: bool = False) -> dt.date:
    """Three calendar months from assignment, six for a complex suggestion (Deputies Law art.
    49). Counted as the Civil Code counts periods (arts. 201–203): the corresponding day of the
    last month, or its last day when it has none; a last day that falls on a holiday moves to
    the first working day after it."""
    step = DeadlinePolicy.Step.HANDLE_COMPLEX if complex else DeadlinePolicy.Step.HANDLE
    return due_by_policy(step, start)


def co_opinion_due(start: dt.date) -> dt.date:
    """When a co-handling unit's opinion to the lead unit is due: one calendar month from
    assignment (policy step `co_opinion`), counted as `due_after_assignment` counts."""
    return due_by_policy(DeadlinePolicy.Step.CO_OPINION, start)


def due_by_policy(step: str, start: dt.date) -> dt.date:
    """The suggestion policy's period for `step` from `start`; a last day that is not a working
    day moves to the first working day after it."""
    day = deadlines.due(Kind.SUGGESTION, step, start)
    while not deadlines.is_workday(day):
        day += dt.timedelta(days=1)
    return day


def unit_officers(unit_ids: Iterable[int]):
    from lianxin.accounts.models import Role, User

    return list(
        User.objects.filter(
            roles__role=Role.UNIT_OFFICER, roles__unit_id__in=list(unit_ids), is_active=True
        ).distinct()
    )


def _category(value) -> Category | None:
    if value in (None, "") or isinstance(value, Category):
        return value or None
    from lianxin.casework import resolve

    return resolve.category(value)


def _texts(title, content, problem, measures) -> dict[str, str]:
    return {
        "title": clean_text(
            title, field="title", label=_("标题"), max_length=MAX_TITLE, required=True
        ),
        "content": clean_text(
            content, field="content", label=_("建议内容"), max_length=MAX_CONTENT, required=True
        ),
        "problem": clean_text(
            problem, field="problem", label=_("存在的问题"), required=False, max_length=MAX_CONTENT
        ),
        "measures": clean_text(
            measures, field="measures", label=_("建议措施"), required=False, max_length=MAX_CONTENT
        ),
    }


def _owner(seat: Deputy) -> dict:
    congress = seat.congress
    return {
        "congress": congress,
        "region": congress.region,
        "scope_code": congress.region.code,
        "raised_by_deputy": seat,
        "channel": Channel.DEPUTY,
    }


def _session_for(congress, session: Session | None, in_session: bool | None):
    today = dates.today()
    if session is not None:
        if session.congress_id != congress.pk:
            raise ValidationFailed(_("所选会议不属于该人民代表大会。"), field="session")
        if in_session is False:
            return None, False
        return session, True
    if in_session is False:
        return None, False
    found = queries.open_session(congress, today)
    if found is None and in_session:
        raise ValidationFailed(
            _("%(congress)s当前不在会议期间，请作为闭会期间建议提出。")
            % {"congress": congress.name},
            field="in_session",
        )
    return found, found is not None


def _invite(case: Case, seats: Sequence[Deputy], acting_user) -> None:
    """Ask these deputies to co-sign: their rows, and one entry on the draft's timeline whose
    rule (suggestions.notices) tells them."""
    if not seats:
        return
    shared.invite(case, seats)
    finish(
        lock_case(case),
        None,
        acting_user,
        action="invite",
        note=_("邀请%(names)s联名。") % {"names": "、".join(s.person.name for s in seats)},
        data={"invited": [s.pk for s in seats]},
    )
