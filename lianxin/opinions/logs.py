"""The three logs (三薄, MISSION M6), generated from the data, never kept by hand:

- contact log (联系和接待走访群众记录簿): every contact with citizens — opinions received by scan,
  at a station desk or by a deputy, and reception or visit records that raised no opinion;
- suggestion log (提出建议意见情况记录簿): the opinions taken up and sent on for handling, and the
  suggestions and motions a deputy raised;
- feedback log (反馈群众意见和诉求情况记录簿): every feedback given to a citizen, with the result
  and the citizen's rating.

For a deputy (all of the person's seats), a station, or a region subtree, over a period; as a
page, an Excel workbook and a printable PDF. Phone numbers are masked; exports are audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianxin.accounts.access import can, get_visible_or_404, mask_phone, visible_to
from lianxin.casework.models import Case, CaseEvent, Channel, Kind, Rating, Reply
from lianxin.casework.workflow import workflow_for
from lianxin.core import dates
from lianxin.core.errors import Forbidden, ValidationFailed
from lianxin.core.pdf import render_pdf, table_layout
from lianxin.core.xlsx import workbook_bytes

KINDS = {
    "contact": gettext_lazy("联系和接待走访群众记录簿"),
    "suggestion": gettext_lazy("提出建议意见情况记录簿"),
    "feedback": gettext_lazy("反馈群众意见和诉求情况记录簿"),
}

EXCERPT = 200


@dataclass
class Log:
    kind: str
    title: str
    subject: str
    period: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    generated_at: dt.datetime = field(default_factory=timezone.now)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "title": self.title,
            "subject": self.subject,
            "period": self.period,
            "columns": self.columns,
            "rows": self.rows,
            "count": len(self.rows),
        }

    @property
    def labelled_rows(self) -> list[list[tuple[str, str]]]:
        return [list(zip(self.columns, row, strict=False)) for row in self.rows]

    @property
    def slug(self) -> str:
        return f"{self.title}-{self.subject}-{self.period}".replace(" ", "")


@dataclass
class Scope:
    label: str
    cases: Q
    deputy_ids: list[int] | None = None
    station_id: int | None = None
    region_code: str | None = None


def _excerpt(text: str, n: int = EXCERPT) -> str:
    text = " ".join((text or "").split())
    return text[:n] + ("…" if len(text) > n else "")


def _with_title(title: str, content: str) -> str:
    """ "标题：内容", unless the content already begins with the title."""
    title, content = (title or "").strip(), (content or "").strip()
    if not title or content.startswith(title.rstrip("…")):
        return content
    return f"{title}：{content}"


def _day(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m-%d")


def resolve_scope(user, *, deputy=None, station=None, region=None) -> Scope:
    from lianxin.liaison.models import Station
    from lianxin.org.models import Deputy, Region

    given = [x for x in (deputy, station, region) if x not in (None, "")]
    if len(given) != 1:
        raise ValidationFailed(
            _("请指定一位代表、一个联络站或一个区划（三者选一）。"), field="deputy"
        )
    if deputy not in (None, ""):
        seat = get_visible_or_404(
            user, Deputy.objects.select_related("person", "congress__region"), pk=deputy
        )
        if not can(user, "logs.view", seat):
            raise Forbidden(_("您没有权限查看该代表的记录簿。"))
        seat_ids = list(
            visible_to(user, Deputy).filter(person_id=seat.person_id).values_list("pk", flat=True)
        )
        return Scope(
            label=_("代表 %(name)s") % {"name": seat.person.name},
            cases=Q(deputy_id__in=seat_ids) | Q(raised_by_deputy_id__in=seat_ids),
            deputy_ids=seat_ids,
        )
    if station not in (None, ""):
        st = get_visible_or_404(user, Station.objects.select_related("region"), pk=station)
        if not can(user, "logs.view", st):
            raise Forbidden(_("您没有权限查看该联络站的记录簿。"))
        return Scope(label=st.name, cases=Q(station_id=st.pk), station_id=st.pk)
    from lianxin.org.queries import region_or_422

    r: Region = region_or_422(region)
    if not can(user, "logs.view", r):
        raise Forbidden(_("您没有权限查看该区划的记录簿。"))
    return Scope(label=str(r), cases=Q(region__code__startswith=r.code), region_code=r.code)


def period_of(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    today = dates.today()
    start = start or dt.date(today.year, 1, 1)
    end = end or today
    if start > end:
        raise ValidationFailed(_("起始日期不能晚于截止日期。"), field="from")
    if (end - start).days > 366 * 5:
        raise ValidationFailed(_("查询期间不能超过五年。"), field="from")
    return start, end


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return lo, hi


def build(user, kind: str, *, deputy=None, station=None, region=None, start=None, end=None) -> Log:
    if kind not in KINDS:
        raise ValidationFailed(_("没有这种记录簿。"), field="kind")
    scope = resolve_scope(user, deputy=deputy, station=station, region=region)
    start, end = period_of(start, end)
    lo, hi = _bounds(start, end)
    cases = visible_to(user, Case).filter(scope.cases)
    log = Log(
        kind=kind,
        title=str(KINDS[kind]),
        subject=scope.label,
        period=_("%(start)s 至 %(end)s") % {"start": f"{start:%Y-%m-%d}", "end": f"{end:%Y-%m-%d}"},
        columns=[],
    )
    if kind == "contact":
        _contact(log, user, scope, cases, lo, hi, start, end)
    elif kind == "suggestion":
        _suggestion(log, cases, lo, hi)
    else:
        _feedback(log, cases, lo, hi)
    return log


def _contact(log: Log, user, scope: Scope, cases, lo, hi, start, end) -> None:
    log.columns = [
        _("序号"),
        _("日期"),
        _("方式"),
        _("代表"),
        _("联络站"),
        _("群众"),
        _("联系电话"),
        _("反映的问题"),
        _("查询码"),
    ]
    entries = []
    qs = (
        cases.filter(kind=Kind.OPINION, created_at__gte=lo, created_at__lt=hi)
        .select_related("deputy__person", "station")
        .order_by("created_at", "id")
    )
    for c in qs:
        who = _("匿名") if c.is_anonymous else (c.contact_name or _("未留姓名"))
        entries.append(
            (
                timezone.localtime(c.created_at).date(),
                [
                    str(Channel(c.channel).label) if c.channel in Channel.values else c.channel,
                    c.deputy.person.name if c.deputy_id else "",
                    c.station.name if c.station_id else "",
                    who,
                    mask_phone(c.contact_phone) if not c.is_anonymous else "",
                    _excerpt(_with_title(c.title, c.content)),
                    c.tracking_code,
                ],
            )
        )
    entries += _reception_entries(user, scope, start, end)
    entries.sort(key=lambda e: e[0])
    log.rows = [[str(i), _day(day), *rest] for i, (day, rest) in enumerate(entries, start=1)]


def _reception_entries(user, scope: Scope, start: dt.date, end: dt.date) -> list:
    """Receptions and visits recorded at stations that did not become an opinion (those that
    did are listed once, as the opinion)."""
    from lianxin.liaison import models as liaison

    record_model = getattr(liaison, "ReceptionRecord", None)
    if record_model is None:
        return []
    qs = record_model.objects.filter(date__range=(start, end))
    if scope.deputy_ids is not None:
        qs = qs.filter(deputies__in=scope.deputy_ids)
    elif scope.station_id is not None:
        qs = qs.filter(station_id=scope.station_id)
    else:
        qs = qs.filter(station__region__code__startswith=scope.region_code)
    qs = qs.filter(station__in=visible_to(user, liaison.Station))
    if hasattr(record_model, "OpinionState"):
        qs = qs.exclude(opinion_state=record_model.OpinionState.RAISED)
    qs = qs.select_related("station").prefetch_related("deputies__person").distinct()
    rows = []
    for r in qs.order_by("date", "id"):
        rows.append(
            (
                r.date,
                [
                    str(r.get_kind_display()),
                    "、".join(d.person.name for d in r.deputies.all()),
                    r.station.name,
                    r.visitor_name or _("未留姓名"),
                    mask_phone(r.visitor_phone),
                    _excerpt(_with_title(r.subject, r.content)),
                    "",
                ],
            )
        )
    return rows


HANDLED_STATES = {"triaged", "handling", "replied", "fed_back", "evaluated", "concluded"}


def _suggestion(log: Log, cases, lo, hi) -> None:
    log.columns = [
        _("序号"),
        _("日期"),
        _("类别"),
        _("标题"),
        _("主要内容"),
        _("办理方式"),
        _("办理状态"),
        _("答复情况"),
    ]
    qs = (
        cases.filter(created_at__gte=lo, created_at__lt=hi)
        .filter(
            Q(kind=Kind.OPINION, state__in=HANDLED_STATES)
            | Q(kind__in=[Kind.SUGGESTION, Kind.MOTION])
        )
        .select_related("category")
        .prefetch_related("assignments__unit", "replies__category", "replies__unit")
        .order_by("created_at", "id")
    )
    for i, c in enumerate(qs, start=1):
        units = [a for a in c.assignments.all() if a.status == "active"]
        lead = [a.unit.name for a in units if a.role == "lead"]
        co = [a.unit.name for a in units if a.role == "co"]
        if lead:
            how = _("交办：%(lead)s主办") % {"lead": "、".join(lead)}
            if co:
                how += _("，%(co)s协办") % {"co": "、".join(co)}
        elif c.replies.all():
            how = _("代表直接答复")
        else:
            how = _("待处理")
        replies = list(c.replies.all())
        last = replies[-1] if replies else None
        answer = ""
        if last is not None:
            answer = (f"{last.category.code}类 " if last.category_id else "") + _excerpt(
                last.content, 100
            )
        log.rows.append(
            [
                str(i),
                _day(c.created_at),
                str(c.get_kind_display()) + (f"·{c.category.name}" if c.category_id else ""),
                c.display_title,
                _excerpt(c.content),
                how,
                workflow_for(c.kind).state_label(c.state),
                answer,
            ]
        )


def _feedback(log: Log, cases, lo, hi) -> None:
    log.columns = [
        _("序号"),
        _("反馈日期"),
        _("群众"),
        _("联系电话"),
        _("反映的问题"),
        _("办理结果"),
        _("反馈内容"),
        _("反馈方式"),
        _("反馈人"),
        _("群众评价"),
    ]
    from lianxin.casework.actions import FEEDBACK_METHODS

    events = (
        CaseEvent.objects.filter(
            action="feedback", at__gte=lo, at__lt=hi, case__in=cases.values("pk")
        )
        .select_related("case")
        .order_by("at", "id")
    )
    events = list(events)
    case_ids = {e.case_id for e in events}
    replies: dict[int, list[Reply]] = {}
    for r in Reply.objects.filter(case_id__in=case_ids).order_by("created_at", "id"):
        replies.setdefault(r.case_id, []).append(r)
    ratings: dict[tuple[int, int], str] = {}
    for e in CaseEvent.objects.filter(case_id__in=case_ids, action="evaluate").order_by("at"):
        rating = (e.data or {}).get("rating")
        if rating in Rating.values:
            ratings[(e.case_id, (e.data or {}).get("round", 1))] = str(Rating(rating).label)
    rounds: dict[int, int] = {}
    for i, e in enumerate(events, start=1):
        c = e.case
        rounds[c.pk] = rounds.get(c.pk, 0) + 1
        before = [r for r in replies.get(c.pk, []) if r.created_at <= e.at]
        result = _excerpt(before[-1].content, 100) if before else ""
        method = (e.data or {}).get("method", "platform")
        log.rows.append(
            [
                str(i),
                _day(e.at),
                _("匿名") if c.is_anonymous else (c.contact_name or _("未留姓名")),
                "" if c.is_anonymous else mask_phone(c.contact_phone),
                _excerpt(c.display_title, 60),
                result,
                _excerpt(e.note),
                str(FEEDBACK_METHODS.get(method, method)),
                e.actor_label,
                ratings.get((c.pk, before[-1].round if before else rounds[c.pk]), ""),
            ]
        )


# --- Files ------------------------------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def to_xlsx(log: Log) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = log.title[:31]
    n = len(log.columns)
    ws.append([log.title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    ws["A1"].font = Font(size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(
        [
            _("对象：%(s)s    期间：%(p)s    共 %(n)s 条")
            % {"s": log.subject, "p": log.period, "n": len(log.rows)}
        ]
    )
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=n)
    ws.append(log.columns)
    thin = Side(style="thin", color="999999")
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for row in log.rows:
        ws.append(row)
        for cell in ws[ws.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    widths = {0: 6, 1: 12}
    for i, title in enumerate(log.columns):
        longest = max([len(title), *(len(r[i]) for r in log.rows)] or [len(title)])
        ws.column_dimensions[get_column_letter(i + 1)].width = widths.get(
            i, min(60, max(10, longest * 1.6))
        )
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    return workbook_bytes(wb)


def to_pdf(log: Log) -> bytes:
    layout = table_layout(log.columns, log.rows)
    return render_pdf(
        "opinions/log_print.html", {"log": log, "layout": layout, "rows": layout.cells(log.rows)}
    )


def export(log: Log, fmt: str, *, user, request=None) -> tuple[bytes, str, str]:
    """The file, its content type and its name; the export is written to the security trail."""
    from lianxin.core.audit import record
    from lianxin.core.models import AuditLog

    if fmt == "xlsx":
        content, content_type = to_xlsx(log), XLSX
    elif fmt == "pdf":
        content, content_type = to_pdf(log), "application/pdf"
    else:
        raise ValidationFailed(_("格式应为 xlsx 或 pdf。"), field="format")
    record(
        AuditLog.Kind.EXPORTED,
        request=request,
        user=user,
        target=f"log:{log.kind}:{log.subject}"[:200],
        format=fmt,
        period=log.period,
        rows=len(log.rows),
    )
    return content, content_type, f"{log.slug}.{fmt}"
