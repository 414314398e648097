"""Duty's texts in the full-text search (`casework.texts`; issue 14): duty posts, deputies'
stories and published duty reports, registered from `DutyConfig.ready` (duty sits above
casework). Who finds them is who may see them by duty's rules (`duty.rules`: the seat's deputy,
its station's manager, the offices of its congress and above, leaders)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lianxin.casework import texts

from .models import DutyPost, DutyReport, DutyStory


def _post(post: DutyPost):
    return post.title, post.content, post.date


def _story(story: DutyStory):
    return story.title, story.body, story.published_at or story.created_at


def _report(report: DutyReport):
    return report.title, report.body, report.published_at or report.period_end


def register() -> None:
    texts.register(
        "duty_post",
        _("履职记录"),
        model="duty.DutyPost",
        document=_post,
        url=lambda obj: reverse("duty_post", args=[obj.pk]),
        actions=("duty.submit_post", "duty.approve_post", "duty.return_post"),
    )
    texts.register(
        "duty_story",
        _("履职故事"),
        model="duty.DutyStory",
        document=_story,
        url=lambda obj: reverse("duty_story", args=[obj.pk]),
        actions=("duty.write_story", "duty.publish_story", "duty.return_story"),
    )
    texts.register(
        "duty_report",
        _("述职报告"),
        model="duty.DutyReport",
        document=_report,
        url=lambda obj: reverse("duty_report", args=[obj.pk]),
        counts=Q(status=DutyReport.Status.PUBLISHED),
        actions=("duty.publish_report", "duty.withdraw_report", "duty.edit_report"),
    )
