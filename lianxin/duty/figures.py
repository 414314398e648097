"""Duty points as a figure of casework's metrics layer (`casework.tallies`; issue 14).

Duty sits above casework, so it registers its figure there (`register`, from `DutyConfig.ready`)
rather than casework reading duty. The object counted is one seat's year ("deputy:year"): its
entries' points summed by month, under the seat's congress, delegation, station and the
station's region (the congress's region for a seat in no station). `scoring.recompute`, which
every change of points runs through (the duty record in the trail's transaction, a rule change),
recounts the seats and the year it rewrote (`refresh`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from lianxin.casework import tallies
from lianxin.org.models import Deputy

from .models import DutyEntry

SOURCE = "duty_points"


def _shares(ids: list[str]) -> dict[str, list[tallies.Share]]:
    wanted: dict[int, set[int]] = defaultdict(set)  # year → seats
    for object_id in ids:
        deputy, _sep, year = object_id.partition(":")
        if deputy.isdigit() and year.isdigit():
            wanted[int(year)].add(int(deputy))
    seats = {
        d["pk"]: d
        for d in Deputy.objects.filter(
            pk__in={s for group in wanted.values() for s in group}
        ).values(
            "pk",
            "congress_id",
            "congress__region__code",
            "delegation_id",
            "station_membership__station_id",
            "station_membership__station__region__code",
        )
    }
    out: dict[str, list[tallies.Share]] = {}
    for year, deputies in wanted.items():
        rows = (
            DutyEntry.objects.filter(deputy_id__in=deputies, date__year=year)
            .annotate(m=TruncMonth("date"))
            .values("deputy_id", "m")
            .annotate(n=Sum("points"))
            .order_by()
        )
        for row in rows:
            seat = seats.get(row["deputy_id"])
            if seat is None:
                continue
            out.setdefault(f"{row['deputy_id']}:{year}", []).append(
                tallies.Share(
                    "duty_points",
                    row["n"] or 0,
                    month=row["m"],
                    region_code=seat["station_membership__station__region__code"]
                    or seat["congress__region__code"]
                    or "",
                    station_id=seat["station_membership__station_id"] or 0,
                    congress_id=seat["congress_id"] or 0,
                    delegation_id=seat["delegation_id"] or 0,
                    deputies=(row["deputy_id"],),
                )
            )
    return out


def _all_ids() -> Iterable[str]:
    seen = (
        DutyEntry.objects.values_list("deputy_id", "date__year")
        .distinct()
        .order_by("deputy_id", "date__year")
    )
    return [f"{deputy}:{year}" for deputy, year in seen]


def refresh(congress_id: int, year: int, deputy_ids: Iterable[int] | None = None) -> None:
    """Recount these seats' year (every seat of the congress when none are given)."""
    if deputy_ids is None:
        deputy_ids = Deputy.objects.filter(congress_id=congress_id).values_list("pk", flat=True)
    tallies.refresh(SOURCE, [f"{d}:{year}" for d in deputy_ids])


def register() -> None:
    tallies.register_figure(
        "duty_points",
        _("履职积分"),
        _("按本届人大当年积分规则计算的代表履职积分之和（含封顶），记在履职发生的月份。"),
    )
    tallies.register_source(SOURCE, shares=_shares, all_ids=_all_ids)
