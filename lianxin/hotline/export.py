"""A source's work orders as a file for the hotline (`/work-orders/sources/<id>/export`): the
hotline's number, our state, the reply, the return visit and every merge, for a period of
receipt, as .xlsx or CSV (UTF-8 with BOM, which Excel opens). Cells that a spreadsheet would
read as a formula are kept as text."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.casework.models import Case, Evaluation, Reply
from lianxin.core.errors import ValidationFailed
from lianxin.core.xlsx import is_risky, workbook_bytes

from .models import Source, WorkOrder

MAX_ROWS = 100_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def columns() -> list[str]:
    return [
        _("工单编号"),
        _("受理时间"),
        _("受理渠道"),
        _("热线状态"),
        _("本系统状态"),
        _("查询码"),
        _("类别"),
        _("答复内容"),
        _("答复单位"),
        _("答复时间"),
        _("回访结果"),
        _("办结时间"),
        _("并入案件"),
        _("并入本件的案件"),
    ]


def period(start: str, end: str) -> tuple[dt.date | None, dt.date | None]:
    """The period's dates from the query (YYYY-MM-DD, either may be empty)."""
    out = []
    for label, value in ((_("开始日期"), start), (_("结束日期"), end)):
        value = (value or "").strip()
        if not value:
            out.append(None)
            continue
        try:
            out.append(dt.date.fromisoformat(value))
        except ValueError:
            raise ValidationFailed(
                _("%(label)s应为“年-月-日”，如 2020-01-31：%(v)s") % {"label": label, "v": value}
            ) from None
    if out[0] and out[1] and out[0] > out[1]:
        raise ValidationFailed(_("开始日期晚于结束日期。"))
    return out[0], out[1]


def orders(source: Source, start: dt.date | None, end: dt.date | None):
    qs = WorkOrder.objects.filter(source=source)
    tz = timezone.get_current_timezone()
    if start:
        qs = qs.filter(received_at__gte=dt.datetime.combine(start, dt.time.min, tz))
    if end:
        qs = qs.filter(
            received_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tz)
        )
    return (
        qs.select_related("case__category", "case__merged_into__work_order")
        .prefetch_related(
            Prefetch("case__replies", queryset=Reply.objects.select_related("unit").order_by("pk")),
            Prefetch(
                "case__evaluations",
                queryset=Evaluation.objects.filter(
                    direction=Evaluation.Direction.HANDLING
                ).order_by("pk"),
            ),
            Prefetch("case__merged", queryset=Case.objects.order_by("pk")),
        )
        .order_by("received_at", "number")
    )


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _row(order: WorkOrder) -> list[str]:
    case = order.case
    replies = list(case.replies.all())
    reply = replies[-1] if replies else None
    visits = list(case.evaluations.all())
    visit = visits[-1] if visits else None
    into = case.merged_into
    into_label = ""
    if into is not None:
        number = getattr(getattr(into, "work_order", None), "number", "")
        into_label = f"{into.tracking_code} {number}".strip()
    return [
        order.number,
        _when(order.received_at),
        order.channel,
        order.hotline_state,
        str(case.state_label),
        case.tracking_code,
        case.category.name if case.category_id else "",
        reply.content if reply else "",
        str(reply.unit) if reply and reply.unit_id else "",
        _when(case.replied_at),
        (visit.get_rating_display() + (f"（{visit.comment}）" if visit.comment else ""))
        if visit
        else "",
        _when(case.concluded_at),
        into_label,
        "、".join(c.tracking_code for c in case.merged.all()),
    ]


def build(source: Source, start, end, fmt: str) -> tuple[bytes, str, str, int]:
    """(content, content type, file name, rows) of the export."""
    qs = orders(source, start, end)
    total = qs.count()
    if total > MAX_ROWS:
        raise ValidationFailed(
            _("共 %(n)s 件，超过一次导出的上限 %(max)s 件，请缩短时间段。")
            % {"n": total, "max": MAX_ROWS}
        )
    rows = [_row(o) for o in qs.iterator(chunk_size=1000)]
    stem = f"work-orders-{source.pk}-{start or 'all'}-{end or 'all'}"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(columns())
        for row in rows:
            writer.writerow(["'" + v if is_risky(v) else v for v in row])
        return (
            ("\ufeff" + out.getvalue()).encode("utf-8"),
            "text/csv; charset=utf-8",
            stem + ".csv",
            total,
        )
    if fmt != "xlsx":
        raise ValidationFailed(_("导出格式应为 xlsx 或 csv。"))
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = _("工单")
    ws.append(columns())
    for row in rows:
        ws.append(row)
    ws.freeze_panes = "A2"
    return workbook_bytes(wb), XLSX, stem + ".xlsx", total
