"""Sentiment reports in the full-text search (`casework.texts`; issue 14), registered from
`SentimentConfig.ready`: found by those the sentiment app's rule lets see them."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lianxin.casework import texts


def register() -> None:
    texts.register(
        "sentiment_report",
        _("社情民意信息"),
        model="sentiment.SentimentReport",
        document=lambda r: (r.title, r.content, r.created_at),
        url=lambda r: reverse("sentiment_detail", args=[r.pk]),
        actions=("sentiment.",),
    )
