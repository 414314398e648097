"""The workbench's lists of this app: the office's activities and units' proposals, the
deputy's pending invitations (lianxin.casework.worklists renders them)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from lianxin.accounts import access
from lianxin.casework import worklists

from . import queries

LIMIT = 5


@dataclass(frozen=True)
class Item:
    label: str
    url: str

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return self.url


def _when(value) -> str:
    return timezone.localtime(value).strftime("%m-%d %H:%M")


def upcoming(user):
    qs = queries.upcoming_of_office(user)
    items = [
        Item(f"{_when(a.starts_at)} {a.get_kind_display()} · {a.title}", a.get_absolute_url())
        for a in qs[:LIMIT]
    ]
    return items, qs.count(), reverse("duty_activity_list")


def to_approve(user):
    qs = queries.to_approve(user)
    items = [Item(f"{a.organiser_name} · {a.title}", a.get_absolute_url()) for a in qs[:LIMIT]]
    return items, qs.count(), reverse("duty_activity_list") + "?status=proposed"


def invitations(user):
    qs = queries.pending_invitations(user)
    items = [
        Item(f"{_when(i.activity.starts_at)} {i.activity.title}", i.get_absolute_url())
        for i in qs[:LIMIT]
    ]
    return items, qs.count(), reverse("duty_my_invitations")


def posts_to_review(user):
    qs = queries.posts_to_review(user)
    items = [Item(f"{p.deputy.person.name} · {p.title}", p.get_absolute_url()) for p in qs[:LIMIT]]
    return items, qs.count(), reverse("duty_post_list")


def my_posts(user):
    """The deputy's posts that are not counted yet (awaiting review, or returned)."""
    from .models import DutyPost

    qs = (
        queries.posts(user)
        .filter(deputy_id__in=list(access.grants(user).deputy_ids))
        .exclude(status=DutyPost.Status.APPROVED)
        .order_by("-created_at")
    )
    items = [
        Item(f"{p.get_status_display()} · {p.title}", p.get_absolute_url()) for p in qs[:LIMIT]
    ]
    return items, qs.count(), reverse("duty_record")


def top_scores(user):
    """The first five of the office's own congress this year (the page has the rest)."""
    from lianxin.core import dates

    from . import scoring

    own = list(access.grants(user).staff_congresses)
    if not own:
        return [], 0, reverse("duty_scores")
    board = scoring.scoreboard(own[0], dates.today().year)
    url = reverse("duty_scores")
    items = [
        Item(f"{r.rank}. {r.name} · {r.points}", reverse("duty_seat_record", args=[r.deputy_id]))
        for r in board.rows[:LIMIT]
    ]
    return items, len(board.rows), url


def reports_to_review(user):
    """Duty reports submitted to the user's office."""
    from .models import DutyReport

    g = access.grants(user)
    qs = (
        access.visible_to(user, DutyReport)
        .filter(
            status=DutyReport.Status.SUBMITTED, deputy__congress_id__in=list(g.staff_congresses)
        )
        .exclude(deputy_id__in=list(g.deputy_ids))
        .select_related("deputy__person")
        .order_by("submitted_at", "pk")
    )
    items = [Item(f"{r.deputy.person.name} · {r.title}", r.get_absolute_url()) for r in qs[:LIMIT]]
    return items, qs.count(), reverse("duty_report_list")


def my_reports(user):
    """The deputy's reports still in his hands (drafts and returned ones)."""
    from .models import DutyReport

    qs = (
        access.visible_to(user, DutyReport)
        .filter(
            deputy_id__in=list(access.grants(user).deputy_ids),
            status__in=(DutyReport.Status.DRAFT, DutyReport.Status.RETURNED),
        )
        .order_by("-updated_at")
    )
    items = [
        Item(f"{r.get_status_display()} · {r.title}", r.get_absolute_url()) for r in qs[:LIMIT]
    ]
    return items, qs.count(), reverse("duty_report_list")


def register() -> None:
    worklists.register(
        "staff",
        "duty_upcoming",
        gettext_lazy("近期履职活动"),
        upcoming,
        empty=gettext_lazy("暂无近期履职活动"),
    )
    worklists.register(
        "staff",
        "duty_to_approve",
        gettext_lazy("待审批的活动申请"),
        to_approve,
        empty=gettext_lazy("暂无待审批的活动申请"),
    )
    worklists.register(
        "deputy",
        "duty_invitations",
        gettext_lazy("待答复的活动邀请"),
        invitations,
        empty=gettext_lazy("暂无待答复的活动邀请"),
        when=lambda user: access.grants(user).is_deputy,
    )
    worklists.register(
        "staff",
        "duty_scores",
        gettext_lazy("履职积分排名"),
        top_scores,
        empty=gettext_lazy("暂无代表"),
    )
    for section in ("staff", "station"):
        worklists.register(
            section,
            f"duty_posts_{section}",
            gettext_lazy("待审核的履职登记"),
            posts_to_review,
            empty=gettext_lazy("暂无待审核的履职登记"),
        )
    worklists.register(
        "deputy",
        "duty_my_posts",
        gettext_lazy("我的履职登记"),
        my_posts,
        empty=gettext_lazy("暂无待审核或退回的履职登记"),
        when=lambda user: access.grants(user).is_deputy,
    )
    worklists.register(
        "staff",
        "duty_reports",
        gettext_lazy("待审核的述职报告"),
        reports_to_review,
        empty=gettext_lazy("暂无待审核的述职报告"),
        when=lambda user: bool(access.grants(user).staff_congresses),
    )
    worklists.register(
        "deputy",
        "duty_my_reports",
        gettext_lazy("我的述职报告"),
        my_reports,
        empty=gettext_lazy("暂无未提交或退回的述职报告"),
        when=lambda user: access.grants(user).is_deputy,
    )
