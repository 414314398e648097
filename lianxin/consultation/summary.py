"""The summary of a consultation for the meeting: its opinions grouped by article (in the
draft's order), then by theme, then the general ones, each with its source and what the office
decided; as data (the page, the API), as an Excel workbook and as a PDF."""

from __future__ import annotations

from collections import Counter

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianxin.core import dates
from lianxin.core.pdf import render_pdf, table_layout
from lianxin.core.xlsx import workbook_bytes

from .models import Consultation, Opinion


def opinions_of(consultation: Consultation):
    return (
        consultation.opinions.select_related("article", "deputy__person", "station")
        .prefetch_related("files")
        .order_by("article__number", "theme", "pk")
    )


def groups(consultation: Consultation, opinions=None) -> list[dict]:
    """[{label, article, opinions}] in the draft's order: articles first, then themes, then
    the general opinions."""
    out: dict[tuple, dict] = {}
    for o in opinions if opinions is not None else opinions_of(consultation):
        if o.article_id:
            key = (0, o.article.number, "")
        elif o.theme:
            key = (1, 0, o.theme)
        else:
            key = (2, 0, "")
        group = out.setdefault(key, {"label": o.group_label, "article": o.article, "opinions": []})
        group["opinions"].append(o)
    return [out[k] for k in sorted(out)]


def counts(opinions) -> dict:
    c = Counter(o.decision for o in opinions)
    return {
        "total": sum(c.values()),
        "deputies": sum(1 for o in opinions if o.source == Opinion.Source.DEPUTY),
        "citizens": sum(1 for o in opinions if o.source == Opinion.Source.CITIZEN),
        **{d: c.get(d, 0) for d in Opinion.Decision.values},
    }


def source_of(o: Opinion) -> str:
    if o.source == Opinion.Source.DEPUTY:
        return _("%(name)s代表") % {"name": o.deputy.person.name}
    return _("%(station)s群众") % {"station": o.station.name}


COLUMNS = (
    gettext_lazy("序号"),
    gettext_lazy("条文或主题"),
    gettext_lazy("来源"),
    gettext_lazy("意见内容"),
    gettext_lazy("采纳情况"),
    gettext_lazy("理由"),
)


def _rows(consultation: Consultation) -> list[list[str]]:
    rows, n = [], 0
    for g in groups(consultation):
        for o in g["opinions"]:
            n += 1
            rows.append(
                [
                    str(n),
                    g["label"],
                    source_of(o),
                    o.content,
                    str(o.get_decision_display()),
                    o.decision_reason,
                ]
            )
    return rows


def summary_xlsx(consultation: Consultation) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = _("意见汇总")
    ws.append([consultation.title])
    ws["A1"].font = Font(bold=True, size=14)
    closes = timezone.localtime(consultation.closes_at).strftime("%Y-%m-%d %H:%M")
    ws.append(
        [
            _("类别：%(kind)s；征求意见截止：%(at)s")
            % {"kind": consultation.get_kind_display(), "at": closes}
        ]
    )
    ws.append([str(c) for c in COLUMNS])
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for row in _rows(consultation):
        ws.append(row)
    for column, width in zip("ABCDEF", (6, 16, 24, 60, 10, 40), strict=True):
        ws.column_dimensions[column].width = width
    for row in ws.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    c = counts(list(opinions_of(consultation)))
    ws.append([])
    ws.append(
        [
            _(
                "合计 %(total)s 条：代表意见 %(d)s 条，群众意见 %(c)s 条；采纳 %(a)s 条，部分采纳 %(p)s 条，未采纳 %(n)s 条，待研究 %(w)s 条。"
            )
            % {
                "total": c["total"],
                "d": c["deputies"],
                "c": c["citizens"],
                "a": c["adopted"],
                "p": c["partly"],
                "n": c["not_adopted"],
                "w": c["pending"],
            }
        ]
    )
    return workbook_bytes(wb)


def summary_pdf(consultation: Consultation) -> bytes:
    rows = _rows(consultation)
    layout = table_layout([str(c) for c in COLUMNS], rows)
    return render_pdf(
        "consultation/print/summary.html",
        {
            "consultation": consultation,
            "closes": timezone.localtime(consultation.closes_at),
            "layout": layout,
            "rows": rows,
            "counts": counts(list(opinions_of(consultation))),
            "issued": dates.today(),
        },
    )
