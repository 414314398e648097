"""Opinions on consultations in the full-text search (`casework.texts`; issue 14), registered
from `ConsultationConfig.ready`: found by those the consultation app's rule lets see them, each
hit leading to its consultation's page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lianxin.casework import texts


def register() -> None:
    texts.register(
        "consultation_opinion",
        _("征求意见"),
        model="consultation.Opinion",
        document=lambda o: (o.theme or o.consultation.title, o.content, o.created_at),
        url=lambda o: reverse("consultation_detail", args=[o.consultation_id]),
        actions=("consultation.",),
        related=("consultation",),
    )
