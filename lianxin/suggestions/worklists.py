"""The suggestions' work lists on the workbench (registered with lianxin.casework.worklists):
what the office is to review and to assign, its extension requests to decide, the replies a
unit is to sign off and the co-handling opinions it owes, the co-sponsorships and surveys a
deputy was asked to answer. Each shows the first few
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


def to_review(user) -> tuple[list[Case], int, str]:
    """Suggestions and motions submitted to the user's own office and waiting for its review
    (the first tier, or the next one)."""
    g = access.grants(user)
    qs = access.visible_to(user, Case).filter(
        kind__in=("suggestion", "motion"),
        state__in=("submitted", "in_review"),
        congress_id__in=list(g.staff_congresses),
    )
    items = list(qs.order_by("created_at", "id")[:LIMIT])
    return items, qs.count(), reverse("suggestion_list") + "?state=submitted"


def to_chase(user) -> tuple[list[Case], int, str]:
    """Suggestions of the user's office that were replied and still wait for their deputies'
    rating, the longest waiting first (the office reminds them)."""
    g = access.grants(user)
    qs = access.visible_to(user, Case).filter(
        kind="suggestion", state="replied", congress_id__in=list(g.staff_congresses)
    )
    items = list(qs.order_by("replied_at", "id")[:LIMIT])
    return items, qs.count(), reverse("suggestion_list") + "?state=replied"


def to_sign_off(user) -> tuple[list[Case], int, str]:
    """Replies that the units the user signs for (签发人) wrote and that wait for sign-off,
    except those the user wrote himself (`suggestion.sign_off`)."""
    from lianxin.casework.models import Assignment, Reply

    g = access.grants(user)
    leads = Assignment.objects.filter(
        unit_id__in=list(g.signing_unit_ids),
        role=Assignment.Role.LEAD,
        status=Assignment.Status.ACTIVE,
    ).values("case_id")
    own = Reply.objects.filter(signoff__isnull=True, author_id=user.pk).values("case_id")
    qs = (
        access.visible_to(user, Case)
        .filter(kind="suggestion", state="reply_pending_signoff", pk__in=leads)
        .exclude(pk__in=own)
    )
    items = list(qs.order_by("updated_at", "id")[:LIMIT])
    return items, qs.count(), reverse("suggestion_list") + "?state=reply_pending_signoff"


def invitations(user) -> tuple[list[Item], int, str]:
    """Drafts the deputy was asked to co-sign and has not answered yet."""
    qs = queries.pending_invitations(user)
    items = [
        Item(
            _("%(lead)s邀请联名：%(title)s")
            % {
                "lead": c.raised_by_deputy.person.name if c.raised_by_deputy_id else "",
                "title": c.display_title,
            },
            _detail(c.pk),
        )
        for c in qs[:LIMIT]
    ]
    return items, qs.count(), reverse("suggestion_list")


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
        "staff",
        "review",
        gettext_lazy("待审查的建议和议案"),
        to_review,
        after="triage",
        empty=gettext_lazy("暂无待审查的建议和议案"),
    )
    worklists.register(
        "staff", "assign", gettext_lazy("待交办的代表建议"), to_assign, after="review"
    )
    worklists.register(
        "staff",
        "to_chase",
        gettext_lazy("待代表评价的建议"),
        to_chase,
        empty=gettext_lazy("暂无待代表评价的建议"),
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
        "sign_off",
        gettext_lazy("待签发的答复"),
        to_sign_off,
        empty=gettext_lazy("暂无待签发的答复"),
        when=lambda user: bool(access.grants(user).signing_unit_ids),
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
        "invitations",
        gettext_lazy("待确认的联名邀请"),
        invitations,
        empty=gettext_lazy("暂无待确认的联名邀请"),
    )
    worklists.register(
        "deputy",
        "surveys",
        gettext_lazy("待填写的满意度测评"),
        surveys,
        empty=gettext_lazy("暂无待填写的满意度测评"),
    )
