"""Reads of consultation events and studios, always through `visible_to`."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from lianxin.accounts.access import grants, visible_to

from .models import ConsultationEvent, ConsultationResult, Speech, Studio


def events_for(user, *, mine: bool = False, kind: str | None = None) -> QuerySet:
    qs = visible_to(user, ConsultationEvent)
    if mine:
        members = list(grants(user).member_ids)
        qs = qs.filter(
            pk__in=ConsultationEvent.objects.filter(participants__in=members).values("pk")
        )
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("cppcc").annotate(speech_count=Count("speeches", distinct=True))


def for_detail(qs: QuerySet) -> QuerySet:
    return qs.select_related("cppcc__region").prefetch_related(
        "participants__person",
        "invited_units",
        Prefetch(
            "speeches",
            Speech.objects.select_related("speaker_member__person", "speaker_unit", "sector"),
        ),
        Prefetch(
            "results",
            ConsultationResult.objects.prefetch_related("sent_to", "carried_out"),
        ),
    )


def results_for(user) -> QuerySet:
    return visible_to(user, ConsultationResult).select_related("event__cppcc")


def studios_for(user) -> QuerySet:
    return (
        visible_to(user, Studio)
        .select_related("cppcc", "region")
        .annotate(activity_count=Count("activities", distinct=True))
    )


def studio_detail(qs: QuerySet) -> QuerySet:
    return qs.select_related("cppcc", "region").prefetch_related(
        "members__person", "activities__members__person"
    )
