"""The public-sentiment reports' part of the CPPCC's figures of a year (proposals.figures):
reports written, returned, compiled into issues, sent up, adopted and instructed on, and the
same by the authors' sectors. Contributed to the report by registration (`register`)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from lianxin.casework import reportdoc
from lianxin.casework.reportdoc import Section

from .models import Instruction, ReportState, SentimentReport

R = ReportState
SENT = (R.SENT, R.ADOPTED, R.INSTRUCTED)
ADOPTED = (R.ADOPTED, R.INSTRUCTED)


def contribute(cppcc, year: int) -> tuple[list, list]:
    base = SentimentReport.objects.filter(cppcc=cppcc, submitted_at__year=year).exclude(
        state=R.DRAFT
    )
    counted = {
        "written": Count("pk"),
        "returned": Count("pk", filter=Q(state=R.RETURNED)),
        "compiled": Count("pk", filter=Q(issue__isnull=False)),
        "sent": Count("pk", filter=Q(state__in=SENT)),
        "adopted": Count("pk", filter=Q(state__in=ADOPTED)),
    }
    head = base.aggregate(**counted)
    instructed = (
        Instruction.objects.filter(report__in=base.values("pk")).values("report").distinct().count()
    )
    figures = [
        (_("报送社情民意信息"), head["written"]),
        (_("编入期刊"), head["compiled"]),
        (_("报送上级"), head["sent"]),
        (_("被采用"), head["adopted"]),
        (_("获领导批示"), instructed),
    ]
    # A report is the sector's own (author_sector) or a member's, counted under his sector.
    rows = (
        base.values("author_member__sector__name", "author_sector__name")
        .annotate(**counted)
        .order_by("-written")
    )
    merged: dict[str, list[int]] = {}
    for r in rows:
        name = r["author_sector__name"] or r["author_member__sector__name"] or _("未填写")
        totals = merged.setdefault(name, [0, 0, 0, 0])
        for i, key in enumerate(("written", "compiled", "sent", "adopted")):
            totals[i] += r[key]
    section = Section(
        "sentiment_sector",
        _("社情民意信息（按界别）"),
        [_("界别"), _("报送"), _("编入期刊"), _("报送上级"), _("被采用")],
        [[name, *totals] for name, totals in sorted(merged.items(), key=lambda x: -x[1][0])],
    )
    return figures, [section]


def register() -> None:
    reportdoc.contribute("cppcc_figures", contribute)
