"""The suggestions' work lists on the workbench (registered with lianxin.casework.worklists):
the suggestions the office is to assign, its extension requests to decide, the co-handling
opinions a unit owes, and the surveys a deputy was asked to answer. Each shows the first few
and counts them all."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianxin.accounts import access
from lianxin.casework import worklists
from lianxin.casework.models import Case

from . import queries

LIMIT = 10


@dataclass(frozen=True)
class Item:
    text: str
    url: str

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return self.url


def _detail(case_id: int) -> str:
    return reverse("suggestion_detail", args=[case_id])


def to_assign(user) -> tuple[list[Case], int, str]:
    """Suggestions accepted in review and waiting for assignment by the user's own office."""
    g = access.grants(user)
    qs = access.visible_to(user, Case).filter(
        kind="suggestion", state="accepted", congress_id__in=list(g.staff_congresses)
    )
    items = list(qs.order_by("-created_at", "-id")[:LIMIT])
    return items, qs.count(), reverse("suggestion_assign_batch")


def extensions(user) -> tuple[list[Item], int, str]:
    qs = queries.pending_extensions(user)
    items = [
        Item(
            _("%(unit)s申请延至%(date)s：%(title)s")
            % {
                "unit": r.unit.name,
                "date": r.requested_due.isoformat(),
                "title": r.case.display_title,
            },
            _detail(r.case_id),
        )
        for r in qs[:LIMIT]
    ]
    return items, qs.count(), reverse("suggestion_list") + "#extension-requests"


def co_opinions(user) -> tuple[list[Item], int, str]:
    qs = queries.co_opinions_due(user)
    items = [
        Item(
            (
                _("%(title)s（会办意见 %(date)s 前提出，已逾期）")
                if r.is_overdue
                else _("%(title)s（会办意见 %(date)s 前提出）")
            )
            % {"title": r.case.display_title, "date": r.due_on.isoformat()},
            _detail(r.case_id),
        )
        for r in qs[:LIMIT]
    ]
    return items, qs.count(), reverse("suggestion_list") + "#co-opinions-due"


def surveys(user) -> tuple[list[Item], int, str]:
    qs = queries.surveys_to_answer(user)
    items = [
        Item(
            a.round.case.display_title,
            reverse("suggestion_action", args=[a.round.case_id, "answer_survey"]),
        )
        for a in qs[:LIMIT]
    ]
    return items, qs.count(), reverse("suggestion_list") + "#surveys-to-answer"


def register() -> None:
    worklists.register(
        "staff", "assign", gettext_lazy("待交办的代表建议"), to_assign, after="triage"
    )
    worklists.register(
        "staff",
        "extensions",
        gettext_lazy("待审批的延期申请"),
        extensions,
        empty=gettext_lazy("暂无待审批的延期申请"),
    )
    worklists.register(
        "unit",
        "co_opinions",
        gettext_lazy("待提出的会办意见"),
        co_opinions,
        empty=gettext_lazy("暂无待提出的会办意见"),
    )
    worklists.register(
        "deputy",
        "surveys",
        gettext_lazy("待填写的满意度测评"),
        surveys,
        empty=gettext_lazy("暂无待填写的满意度测评"),
    )
