"""The workbench's lists of this app: consultations open now, for the office (with how many
opinions await a decision) and for the deputy (those whose audience includes them)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianxin.accounts import access
from lianxin.casework import worklists

from .models import Consultation, Opinion

LIMIT = 5


@dataclass(frozen=True)
class Item:
    label: str
    url: str

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return self.url


def _open(user):
    now = timezone.now()
    return access.visible_to(user, Consultation).filter(opens_at__lte=now, closes_at__gt=now)


def for_office(user):
    g = access.grants(user)
    qs = (
        _open(user)
        .filter(congress_id__in=list(g.staff_congresses))
        .annotate(waiting=Count("opinions", filter=Q(opinions__decision=Opinion.Decision.PENDING)))
        .order_by("closes_at")
    )
    items = [
        Item(
            _("%(title)s（截止 %(at)s，待研究 %(n)s 条）")
            % {
                "title": c.title,
                "at": timezone.localtime(c.closes_at).strftime("%m-%d"),
                "n": c.waiting,
            },
            c.get_absolute_url(),
        )
        for c in qs[:LIMIT]
    ]
    return items, qs.count(), reverse("consultation_list")


def for_deputy(user):
    qs = _open(user).order_by("closes_at")
    items = [
        Item(
            _("%(title)s（截止 %(at)s）")
            % {"title": c.title, "at": timezone.localtime(c.closes_at).strftime("%m-%d")},
            c.get_absolute_url(),
        )
        for c in qs[:LIMIT]
    ]
    return items, qs.count(), reverse("consultation_list")


def register() -> None:
    worklists.register(
        "staff",
        "consultations_open",
        gettext_lazy("征求意见中的议题和法规草案"),
        for_office,
        empty=gettext_lazy("暂无征求意见中的议题和法规草案"),
        when=lambda user: bool(access.grants(user).staff_congresses),
    )
    worklists.register(
        "deputy",
        "consultations_for_me",
        gettext_lazy("征求代表意见"),
        for_deputy,
        empty=gettext_lazy("暂无征求代表意见的议题和法规草案"),
        when=lambda user: access.grants(user).is_deputy,
    )
