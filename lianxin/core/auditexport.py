"""The audit of a period as an Excel workbook, for the assessor: the security trail and the trail
of actions, each row with its hashes so the copy can be checked against `verify_audit`. Written
from the administration site (an administrator's page) and by `manage.py export_audit`; each
export is itself an `audit_exported` entry."""

from __future__ import annotations

import datetime as dt
import json

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AuditLog, TrailEvent
from .xlsx import workbook_bytes

MAX_ROWS = 1_000_000  # one sheet of Excel holds 1,048,576 rows


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")


def workbook(start: dt.datetime, end: dt.datetime) -> bytes:
    """Rows with `start <= at < end`, oldest first."""
    from openpyxl import Workbook

    wb = Workbook(write_only=False)
    audit = wb.active
    audit.title = _("安全审计记录")
    audit.append(
        [
            _("编号"),
            _("时间"),
            _("类别"),
            _("账号"),
            _("身份"),
            _("IP 地址"),
            _("对象"),
            _("详情"),
            _("上一条校验值"),
            _("校验值"),
        ]
    )
    kinds = dict(AuditLog.Kind.choices)
    rows = AuditLog.objects.filter(at__gte=start, at__lt=end).order_by("pk")[:MAX_ROWS]
    for r in rows.iterator(chunk_size=2000):
        audit.append(
            [
                r.pk,
                _local(r.at),
                str(kinds.get(r.kind, r.kind)),
                r.username,
                r.seat,
                r.ip or "",
                r.target,
                json.dumps(r.detail, ensure_ascii=False, sort_keys=True),
                r.prev_hash,
                r.row_hash,
            ]
        )
    events = wb.create_sheet(_("操作记录"))
    events.append(
        [
            _("编号"),
            _("时间"),
            _("事项"),
            _("操作人"),
            _("身份"),
            _("机构"),
            _("对象"),
            _("变更"),
            _("上一条校验值"),
            _("校验值"),
        ]
    )
    rows = TrailEvent.objects.filter(at__gte=start, at__lt=end).order_by("pk")[:MAX_ROWS]
    for e in rows.iterator(chunk_size=2000):
        events.append(
            [
                e.pk,
                _local(e.at),
                e.action,
                e.actor_label,
                e.seat_label,
                e.body,
                f"{e.object_type}:{e.object_id} {e.object_label}".strip(),
                json.dumps(e.change, ensure_ascii=False, sort_keys=True),
                e.prev_hash,
                e.row_hash,
            ]
        )
    return workbook_bytes(wb)


def export(start: dt.datetime, end: dt.datetime, *, request=None, user=None) -> bytes:
    """The workbook, and its `audit_exported` entry."""
    from .audit import record

    data = workbook(start, end)
    record(
        AuditLog.Kind.AUDIT_EXPORTED,
        request=request,
        user=user,
        target="audit",
        start=start.isoformat(),
        end=end.isoformat(),
    )
    return data
