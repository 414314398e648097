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
