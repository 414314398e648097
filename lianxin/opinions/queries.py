"""Reading citizens' opinions for other apps' pages (registered with them, see apps.py)."""

from __future__ import annotations

from django.db.models import Count

from lianxin.casework.models import Case, Kind


def opinions_by_station_region(station_pks, year: int):
    """(region code of the station, opinions raised through it in `year`) for the stations'
    grid (liaison.queries.grid_counts), merged duplicates left out."""
    return (
        Case.objects.filter(
            kind=Kind.OPINION,
            station__in=station_pks,
            created_at__year=year,
            merged_into__isnull=True,
        )
        .values_list("station__region__code")
        .annotate(n=Count("pk"))
        .order_by()
    )
