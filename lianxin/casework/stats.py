"""Figures of the loop (MISSION M5, M16): collected, fed back, feedback rate, satisfaction and
overdue, by region, station, deputy, category or month — counted from the cases and their
timeline within what the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianxin.accounts.access import visible_to
from lianxin.core.errors import ValidationFailed

from . import kinds
from .models import Case, CaseEvent, Rating

GROUPS = {
    "region": (gettext_lazy("区划"), ("region__code", "region__name")),
    "station": (gettext_lazy("联络站"), ("station_id", "station__name")),
    "deputy": (gettext_lazy("代表"), ("deputy__person_id", "deputy__person__name")),
    "category": (gettext_lazy("类别"), ("category_id", "category__name")),
    "month": (gettext_lazy("月份"), ("month",)),
}


@dataclass
class FigureRow:
    key: str
    label: str
    collected: int
    fed_back: int
    evaluated: int
    satisfied: int
    overdue: int

    @property
    def feedback_rate(self) -> float | None:
        return round(100 * self.fed_back / self.collected, 1) if self.collected else None

    @property
    def satisfaction(self) -> float | None:
        return round(100 * self.satisfied / self.evaluated, 1) if self.evaluated else None

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "collected": self.collected,
            "fed_back": self.fed_back,
            "feedback_rate": self.feedback_rate,
            "evaluated": self.evaluated,
            "satisfied": self.satisfied,
            "satisfaction": self.satisfaction,
            "overdue": self.overdue,
        }


def figures(
    user,
    *,
    by: str = "month",
    kind: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> tuple[list[FigureRow], FigureRow]:
    """Rows grouped `by` one of GROUPS, and the total. `satisfied` counts satisfied and
    basically satisfied; `overdue` counts cases overdue now or at any time before."""
    if by not in GROUPS:
        raise ValidationFailed(_("分组方式有误。"), field="by")
    spec = kinds.kind_spec(kind)
    if spec is None or not spec.figures:
        raise ValidationFailed(_("案件类别有误。"), field="kind")
    qs = visible_to(user, Case).filter(kind=kind)
    tz = timezone.get_current_timezone()
    if start:
        qs = qs.filter(created_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz))
    if end:
        qs = qs.filter(
            created_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        )
    qs = qs.filter(merged_into__isnull=True)
    qs = qs.annotate(
        was_overdue=Exists(CaseEvent.objects.filter(case=OuterRef("pk"), action="overdue"))
    )
    measures = {
        "collected": Count("id"),
        "fed_back": Count("id", filter=Q(fed_back_at__isnull=False)),
        "evaluated": Count("id", filter=~Q(rating="")),
        "satisfied": Count(
            "id", filter=Q(rating__in=[Rating.SATISFIED, Rating.BASICALLY_SATISFIED])
        ),
        "overdue": Count("id", filter=Q(is_overdue=True) | Q(was_overdue=True)),
    }
    fields = GROUPS[by][1]
    grouped = qs.annotate(month=TruncMonth("created_at", tzinfo=tz)) if by == "month" else qs
    rows = []
    for r in grouped.values(*fields).annotate(**measures).order_by(*fields):
        key = r[fields[0]]
        if by == "month":
            label = f"{key:%Y-%m}" if key else _("未知")
            key = label
        else:
            label = r[fields[-1]] or _("未指定")
        rows.append(
            FigureRow(
                key=str(key or ""),
                label=str(label),
                **{m: r[m] for m in measures},
            )
        )
    if by != "month":
        rows.sort(key=lambda row: (-row.collected, row.label))
    total = qs.aggregate(**measures)
    return rows, FigureRow(key="", label=_("合计"), **total)
