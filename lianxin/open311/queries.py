"""Reading requests for the public GETs: the filters of `GET /requests`, and one request as the
standard shows it. Only requests filed through Open311 are published, and nothing personal
(no name, phone or e-mail; the citizen's tracking code neither, since it lets its holder rate
the handling)."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.casework.models import Assignment
from lianxin.casework.workflow import workflow_for
from lianxin.core.errors import ValidationFailed

from .models import Open311Request

MAX_RESULTS = 1000
MAX_DAYS = 90
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
ISO_WITH_ZONE = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$"
)


def stamp(value: dt.datetime | None) -> str | None:
    """W3C date-time in China's time, full seconds, with its offset."""
    if value is None:
        return None
    return value.astimezone(SHANGHAI).replace(microsecond=0).isoformat()


def parse_datetime(value: str, field: str) -> dt.datetime:
    text = value.strip()
    # "+08:00" sent unencoded in a query string arrives as " 08:00".
    text = re.sub(r" (\d{2}:?\d{2})$", r"+\1", text)
    if not ISO_WITH_ZONE.match(text):
        raise ValidationFailed(
            _(
                "%(field)s 应为带时区的 ISO 8601 时间，如 2026-11-20T09:15:00+08:00 或 "
                "2026-11-20T01:15:00Z。"
            )
            % {"field": field},
            field=field,
        )
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationFailed(
            _("%(field)s 不是有效的日期时间。") % {"field": field}, field=field
        ) from None


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _base():
    return Open311Request.objects.select_related("case", "case__category").prefetch_related(
        Prefetch(
            "case__assignments",
            queryset=Assignment.objects.filter(
                status=Assignment.Status.ACTIVE, role=Assignment.Role.LEAD
            ).select_related("unit"),
            to_attr="lead_assignments",
        )
    )


def search(params) -> list[Open311Request]:
    """`GET /requests`: a list of ids overrides every other filter; else service codes, status
    and a window on the request time of at most 90 days (the last 90 days by default), newest
    first, at most 1000."""
    ids = _split(params.get("service_request_id"))
    qs = _base()
    if ids:
        numbers = [int(i) for i in ids if i.isdigit()]
        return list(qs.filter(pk__in=numbers).order_by("-created_at", "-id")[:MAX_RESULTS])
    codes = _split(params.get("service_code"))
    if codes:
        qs = qs.filter(service_code__in=codes)
    statuses = _split(params.get("status"))
    bad = [s for s in statuses if s not in ("open", "closed")]
    if bad:
        raise ValidationFailed(_("status 只能为 open、closed 或 open,closed。"), field="status")
    if len(set(statuses)) == 1:
        final = _final_states()
        if statuses[0] == "closed":
            qs = qs.filter(case__state__in=final)
        else:
            qs = qs.exclude(case__state__in=final)
    start = params.get("start_date") or ""
    end = params.get("end_date") or ""
    start_at = parse_datetime(start, "start_date") if start.strip() else None
    end_at = parse_datetime(end, "end_date") if end.strip() else None
    window = dt.timedelta(days=MAX_DAYS)
    if start_at and end_at:
        if end_at < start_at:
            raise ValidationFailed(_("end_date 不能早于 start_date。"), field="end_date")
        if end_at - start_at > window:
            raise ValidationFailed(
                _("查询时段不能超过 %(n)s 天。") % {"n": MAX_DAYS}, field="end_date"
            )
    elif start_at:
        end_at = start_at + window
    elif end_at:
        start_at = end_at - window
    else:
        end_at = timezone.now()
        start_at = end_at - window
    qs = qs.filter(case__created_at__gte=start_at, case__created_at__lte=end_at)
    return list(qs.order_by("-created_at", "-id")[:MAX_RESULTS])


def one(request_id: str) -> Open311Request | None:
    if not request_id.isdigit():
        return None
    return _base().filter(pk=int(request_id)).first()


def by_token(token: str) -> Open311Request | None:
    return Open311Request.objects.filter(token=token).first() if token else None


def _final_states() -> list[str]:
    from lianxin.casework.models import Kind

    return sorted(workflow_for(Kind.OPINION).final)


def status_of(case) -> tuple[str, str]:
    """(open | closed, status_notes): closed once the case is in a final state of its
    workflow (concluded, declined, merged); the notes give our finer state in words."""
    wf = workflow_for(case.kind)
    closed = case.state in wf.final
    notes = wf.state_label(case.state)
    if case.state == "merged":
        notes = _("%(state)s：与反映同一问题的其他意见合并办理，办理结果见合并后的案件。") % {
            "state": notes
        }
    elif case.state == "converted":
        notes = _("%(state)s：由人大代表作为建议提出，答复后告知。") % {"state": notes}
    return ("closed" if closed else "open"), str(notes)


def updated_at(case) -> dt.datetime:
    if case.state in workflow_for(case.kind).final and case.concluded_at:
        return case.concluded_at
    return case.updated_at


def expected_at(case) -> str | None:
    """The due date of the step the case is in (end of that day in China), while open."""
    if case.state in workflow_for(case.kind).final or case.due_date is None:
        return None
    end = dt.datetime.combine(case.due_date, dt.time(23, 59, 59), tzinfo=SHANGHAI)
    return stamp(end)


def as_request(filed: Open311Request) -> dict:
    case = filed.case
    status, notes = status_of(case)
    leads = getattr(case, "lead_assignments", None)
    if leads is None:
        leads = list(
            case.assignments.filter(
                status=Assignment.Status.ACTIVE, role=Assignment.Role.LEAD
            ).select_related("unit")
        )
    return {
        "service_request_id": filed.service_request_id,
        "status": status,
        "status_notes": notes,
        "service_name": case.category.name if case.category_id else None,
        "service_code": filed.service_code,
        "description": case.content,
        "agency_responsible": leads[0].unit.name if leads else None,
        "service_notice": None,
        "requested_datetime": stamp(case.created_at),
        "updated_datetime": stamp(updated_at(case)),
        "expected_datetime": expected_at(case),
        "address": filed.address or None,
        "address_id": filed.address_id or None,
        "zipcode": None,
        "lat": filed.lat,
        "long": filed.long,
        "media_url": filed.media_url or None,
    }
