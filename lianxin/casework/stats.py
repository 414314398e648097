"""Figures of the loop (MISSION M5, M16): collected, fed back, feedback rate, satisfaction and
overdue, by region, station, deputy, category or month — read from the metrics layer
(`casework.metrics`, the cells kept by the trail) within what the user may see. The period is
counted by whole months (the month of `start` to the month of `end`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from lianxin.accounts.access import grants
from lianxin.core.errors import ValidationFailed

from . import kinds, metrics, rules

GROUPS = {
    key: (label, ())
    for key, label in metrics.GROUPS.items()
    if key in ("region", "station", "deputy", "category", "month")
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
        return metrics.FIGURES["feedback_rate"].value(
            {"fed_back": self.fed_back, "collected": self.collected}
        )

    @property
    def satisfaction(self) -> float | None:
        return metrics.satisfaction({"satisfied": self.satisfied, "rated": self.evaluated})

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
    qs = metrics.cells(rules.figure_scope(grants(user)), kinds=[kind], start=start, end=end)
    rows = [_row(r) for r in metrics.grouped(qs, by)]
    return rows, _row(metrics.total(qs))


def _row(r: metrics.Row) -> FigureRow:
    c = r.counts
    return FigureRow(
        key=r.key,
        label=str(r.label),
        collected=c["collected"],
        fed_back=c["fed_back"],
        evaluated=c["rated"],
        satisfied=c["satisfied"],
        overdue=c["overdue"],
    )
