"""Batch triage and batch assignment of opinions from the case list: all or nothing.

Each case goes through the same action as when it is handled alone (`do_triage_case`,
`do_assign_case`), so each gets its own timeline entry, trail row and notifications; the
whole batch runs in one transaction. Every case is tried, so that a refusal names all the
cases that cannot take the action and why; then, if any was refused, nothing is kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianxin.accounts.access import visible_to
from lianxin.core.errors import Conflict, LianxinError, ValidationFailed

from . import actions
from .models import Case, Kind

MAX_BATCH = 100

LABELS = {"triage": gettext_lazy("批量梳理"), "assign": gettext_lazy("批量交办")}


@dataclass(frozen=True)
class Refusal:
    case: Case
    reason: str

    def __str__(self) -> str:
        return f"{self.case.tracking_code}“{self.case.display_title}”：{self.reason}"


class BatchRefused(Conflict):
    """One case or more cannot take the action: nothing was done. `refusals` says which, why."""

    code = "batch_refused"

    def __init__(self, action: str, refusals: Sequence[Refusal]):
        self.refusals = list(refusals)
        shown = "；".join(str(r) for r in self.refusals[:10])
        more = len(self.refusals) - 10
        message = _("以下 %(n)s 件不能%(action)s，本批未作任何办理：%(list)s") % {
            "n": len(self.refusals),
            "action": _("梳理") if action == "triage" else _("交办"),
            "list": shown,
        }
        if more > 0:
            message += _("；另有 %(n)s 件") % {"n": more}
        super().__init__(message)


def cases_of(user, ids: Sequence[int]) -> list[Case]:
    """The cases of a batch, as the user may see them, in the order given. A duplicate id, an
    empty or oversized batch, or a case the user may not see is refused (422) before anything
    is tried."""
    ids = list(ids)
    if not ids:
        raise ValidationFailed(_("请至少勾选一件。"), field="ids")
    if len(ids) > MAX_BATCH:
        raise ValidationFailed(_("一次最多办理 %(n)s 件。") % {"n": MAX_BATCH}, field="ids")
    if len(set(ids)) != len(ids):
        raise ValidationFailed(_("同一件不能重复列入。"), field="ids")
    found = {
        c.pk: c
        for c in visible_to(user, Case)
        .filter(pk__in=[i for i in ids if 0 < i < 2**63])  # beyond a database id: unknown
        .select_related("category", "region")
    }
    unknown = [i for i in ids if i not in found]
    if unknown:
        raise ValidationFailed(
            _("案件 %(ids)s 不存在。") % {"ids": "、".join(map(str, unknown[:10]))}, field="ids"
        )
    return [found[i] for i in ids]


def _run(action: str, cases: Sequence[Case], one: Callable[[Case], object]) -> list[int]:
    with transaction.atomic():
        refusals = []
        for case in cases:
            if case.kind != Kind.OPINION:
                refusals.append(Refusal(case, _("只能批量办理群众意见。")))
                continue
            try:
                with transaction.atomic():  # a refused case leaves nothing behind
                    one(case)
            except LianxinError as exc:
                refusals.append(Refusal(case, exc.message))
        if refusals:
            transaction.set_rollback(True)
            raise BatchRefused(action, refusals)
    return [c.pk for c in cases]


def do_triage_cases(cases: Sequence[Case], *, category, note: str = "", acting_user) -> list[int]:
    """Triage every case into `category`, all or nothing."""
    if category is None:
        raise ValidationFailed(_("请选择类别。"), field="category")
    return _run(
        "triage",
        cases,
        lambda case: actions.do_triage_case(
            case, category=category, note=note, acting_user=acting_user
        ),
    )


def do_assign_cases(
    cases: Sequence[Case],
    *,
    lead_unit,
    co_units: Sequence = (),
    due_date: dt.date | str | None = None,
    note: str = "",
    acting_user,
) -> list[int]:
    """Assign every case to the same lead unit (and co-handling units), all or nothing."""
    if lead_unit is None:
        raise ValidationFailed(_("请选择主办单位。"), field="lead_unit")
    return _run(
        "assign",
        cases,
        lambda case: actions.do_assign_case(
            case,
            lead_unit=lead_unit,
            co_units=list(co_units),
            due_date=due_date,
            note=note,
            acting_user=acting_user,
        ),
    )
