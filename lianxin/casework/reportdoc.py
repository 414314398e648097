"""A report of figures and sections for a chairs' meeting — the suggestions' special report,
the CPPCC's figures of a year — rendered three ways from the same `Report`: on a page, as a
printable PDF and as an Excel workbook, so that they can never disagree. The figures come from
the one metrics layer (`casework.metrics`) wherever it defines them.

Other apps add sections to a report they do not own by registering a contributor under the
report's name (`contribute`): the CPPCC's figures take the public-sentiment reports' section
from lianxin.sentiment without lianxin.proposals importing it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from lianxin.core.errors import ValidationFailed
from lianxin.core.pdf import render_pdf, table_layout
from lianxin.core.xlsx import workbook_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Section:
    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)


@dataclass
class Report:
    title: str
    owner: str  # the congress or the CPPCC
    period: str
    generated_at: object
    figures: list[tuple[str, object]]
    sections: list[Section]
    slug: str
    audit_target: str = ""

    @property
    def congress(self) -> str:
        return self.owner

    def figure(self, label: str):
        return dict(self.figures).get(label)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


def pct(n: int, total: int) -> str:
    return f"{n * 100 / total:.1f}%" if total else "—"


_CONTRIBUTORS: dict[str, list[Callable]] = {}


def contribute(report: str, fn: Callable) -> None:
    """Register `fn(*args) → (figures, sections)` to add to the report named `report`."""
    fns = _CONTRIBUTORS.setdefault(report, [])
    if fn not in fns:
        fns.append(fn)


def contributions(report: str, *args) -> tuple[list, list]:
    figures: list = []
    sections: list = []
    for fn in _CONTRIBUTORS.get(report, []):
        more_figures, more_sections = fn(*args)
        figures += more_figures
        sections += more_sections
    return figures, sections


def to_pdf(report: Report) -> bytes:
    tables = []
    for section in report.sections:
        layout = table_layout(section.columns, section.rows, font_pt=10.5, margin_mm=16)
        tables.append((section, layout, layout.cells(section.rows)))
    return render_pdf("casework/report_print.html", {"report": report, "tables": tables})


def to_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="999999")
    border = Border(top=thin, bottom=thin, left=thin, right=thin)
    wb = Workbook()
    ws = wb.active
    ws.title = _("总体情况")
    ws.append([report.title])
    ws["A1"].font = Font(size=16, bold=True)
    ws.append(
        [_("%(congress)s    %(period)s") % {"congress": report.owner, "period": report.period}]
    )
    ws.append([_("统计时间"), report.generated_at.strftime("%Y-%m-%d %H:%M")])
    ws.append([])
    ws.append([_("项目"), _("数量")])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        cell.border = border
    for label, value in report.figures:
        ws.append([label, value])
        for cell in ws[ws.max_row]:
            cell.border = border
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 14
    for section in report.sections:
        sheet = wb.create_sheet(section.title[:31])
        sheet.append(section.columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center")
            cell.border = border
        for row in section.rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                cell.border = border
        for i, title in enumerate(section.columns):
            longest = max([len(str(title)), *(len(str(r[i])) for r in section.rows)] or [4])
            sheet.column_dimensions[get_column_letter(i + 1)].width = min(
                60, max(10, longest * 1.6)
            )
        sheet.freeze_panes = "A2"
    return workbook_bytes(wb)


def export(report: Report, fmt: str, *, user, request=None) -> tuple[bytes, str, str]:
    """The file, its content type and its name; the export is written to the security trail."""
    from lianxin.core.audit import record
    from lianxin.core.models import AuditLog

    if fmt == "xlsx":
        content, content_type = to_xlsx(report), XLSX
    elif fmt == "pdf":
        content, content_type = to_pdf(report), "application/pdf"
    else:
        raise ValidationFailed(_("格式应为 xlsx 或 pdf。"), field="format")
    record(
        AuditLog.Kind.EXPORTED,
        request=request,
        user=user,
        target=(report.audit_target or f"{report.slug}:{report.owner}:{report.period}")[:200],
        format=fmt,
    )
    return content, content_type, f"{report.slug}.{fmt}"


def download(report: Report, fmt: str, *, user, request):
    """The report as a file to download (`export`, audited), or None when `fmt` names no file
    format: the page is shown instead."""
    if fmt not in ("pdf", "xlsx"):
        return None
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    content, content_type, filename = export(report, fmt, user=user, request=request)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
