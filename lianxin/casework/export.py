"""The case list as a file: exactly the filtered list, personal data masked as the list shows."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.core.errors import ValidationFailed
from lianxin.core.xlsx import workbook_bytes

from . import queries, serialize

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 20000


def columns() -> list[str]:
    return [
        _("查询码"),
        _("事项"),
        _("状态"),
        _("类别"),
        _("分类"),
        _("区划"),
        _("代表"),
        _("联络站"),
        _("联系电话"),
        _("期限"),
        _("逾期"),
        _("登记时间"),
    ]


def _row(c: dict) -> list:
    local = timezone.localtime(c["created_at"])
    return [
        c["tracking_code"],
        c["title"],
        c["state_label"],
        c["kind_label"],
        c["category"] or "",
        c["region"]["name"] if c["region"] else "",
        c["deputy"]["name"] if c["deputy"] else "",
        c["station"]["name"] if c["station"] else "",
        c["contact_phone"],  # masked by serialize.case_row
        c["due_date"].isoformat() if c["due_date"] else "",
        _("是") if c["is_overdue"] else "",
        local.strftime("%Y-%m-%d %H:%M"),
    ]


def cases_xlsx(qs) -> tuple[bytes, int]:
    """The workbook of the cases of `qs` (already filtered and visible), in the list's order,
    and how many rows it holds. More than MAX_ROWS is refused: narrow the filters."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    total = qs.count()
    if total > MAX_ROWS:
        raise ValidationFailed(
            _("共 %(n)s 件，超过一次导出的上限 %(max)s 件，请缩小筛选范围。")
            % {"n": total, "max": MAX_ROWS}
        )
    wb = Workbook()
    ws = wb.active
    ws.title = _("办理事项")
    heads = columns()
    ws.append(heads)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    rows = [_row(serialize.case_row(c)) for c in queries.for_list(qs).iterator(chunk_size=1000)]
    for row in rows:
        ws.append(row)
    for i, head in enumerate(heads):
        longest = max([len(head), *(len(str(r[i])) for r in rows[:500])])
        ws.column_dimensions[get_column_letter(i + 1)].width = min(50, max(8, longest * 1.6))
    ws.freeze_panes = "A2"
    return workbook_bytes(wb), len(rows)
