"""Duty reports (向原选区选民述职, S0): a deputy's account to the voters of the electoral unit
for a period, drafted from the duty record (never typed twice), edited and submitted by the
deputy, approved or returned by the office of the seat's congress, printed as a PDF and
published on the public site, where voters may comment on it through the station's
scan-to-speak page.

    draft ──submit──▶ submitted ──approve──▶ approved ──publish──▶ published
      ▲                  │                       ▲                    │
      └──── returned ◀──return                   └──── withdraw ──────┘

Each change writes one trail row (`duty.<verb>_report`); the approval is itself a duty in the
record (`DutyKind.REPORT`, see record.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianxin.accounts.access import can
from lianxin.core import dates, trail
from lianxin.core.errors import Conflict, Forbidden, ValidationFailed
from lianxin.core.pdf import render_pdf
from lianxin.core.validators import clean_text
from lianxin.org.models import Deputy

from .models import DutyEntry, DutyKind, DutyReport, Outcome, ProfilePublication

MAX_BODY = 20000
# The headings of the draft, in the order a report to voters reads: activities first, then what
# the deputy raised, then the work with the people.
SECTIONS = (
    (
        "activities",
        (DutyKind.ACTIVITY, DutyKind.TRAINING),
        gettext_lazy("一、参加人大活动和学习培训情况"),
    ),
    (
        "suggestions",
        (DutyKind.SUGGESTION, DutyKind.MOTION),
        gettext_lazy("二、提出议案、建议及办理情况"),
    ),
    ("receptions", (DutyKind.RECEPTION,), gettext_lazy("三、联系群众、接待选民情况")),
    ("opinions", (DutyKind.OPINION,), gettext_lazy("四、办理群众意见情况")),
    ("posts", (DutyKind.POST,), gettext_lazy("五、其他履职情况")),
)


def _require(user, action: str, obj) -> None:
    if not can(user, action, obj):
        raise Forbidden(_("您没有权限进行此操作。"))


@dataclass
class Line:
    date: dt.date
    text: str


def _outcomes(entries: list[DutyEntry]) -> dict[str, str]:
    """The present state of each suggestion or motion in `entries` (办理中, 已答复 · A 类…)."""
    from lianxin.casework.models import Case, Reply

    ids = {int(e.source_id) for e in entries if e.kind in (DutyKind.SUGGESTION, DutyKind.MOTION)}
    if not ids:
        return {}
    labels = {}
    for case in Case.objects.filter(pk__in=ids).only("id", "kind", "state"):
        labels[str(case.pk)] = case.state_label
    latest = (
        Reply.objects.filter(case_id__in=ids, category__isnull=False)
        .select_related("category")
        .order_by("case_id", "-round", "-id")
    )
    seen = set()
    for reply in latest:
        if reply.case_id in seen:
            continue
        seen.add(reply.case_id)
        labels[str(reply.case_id)] += _("，答复为 %(c)s 类") % {"c": reply.category.code}
    return labels


def draft(seat: Deputy, start: dt.date, end: dt.date) -> tuple[str, dict]:
    """The draft text and the figures of `seat`'s record between `start` and `end`."""
    entries = list(
        DutyEntry.objects.filter(deputy=seat, date__gte=start, date__lte=end).order_by("date", "id")
    )
    outcomes = _outcomes(entries)
    figures: dict[str, int] = {}
    parts = [
        _(
            "各位选民：\n"
            "现将本人%(start)s至%(end)s履行%(congress)s代表职责的情况报告如下，请予评议。"
        )
        % {
            "start": _long(start),
            "end": _long(end),
            "congress": seat.congress.name,
        }
    ]
    for key, kinds, heading in SECTIONS:
        rows = [e for e in entries if e.kind in kinds]
        figures[key] = len(rows)
        lines = []
        for e in rows:
            text = (
                f"{e.date:%Y-%m-%d} {e.get_kind_display()}（{e.get_outcome_display()}）：{e.title}"
            )
            if e.source_id in outcomes and e.outcome in (Outcome.SUBMITTED, Outcome.COSPONSORED):
                text += _("（%(state)s）") % {"state": outcomes[e.source_id]}
            lines.append(text)
        if not lines:
            lines = [_("本期无记录。")]
        parts.append(str(heading) + "\n" + "\n".join(lines))
    figures["attended"] = sum(
        1
        for e in entries
        if e.kind in (DutyKind.ACTIVITY, DutyKind.TRAINING) and e.outcome == Outcome.ATTENDED
    )
    figures["class_a"] = sum(1 for e in entries if e.outcome == Outcome.CLASS_A)
    parts.append(
        _("六、今后努力方向\n（请代表本人填写。）")
        + "\n\n"
        + _("以上报告，请各位选民评议。")
        + "\n"
        + _("述职人：%(name)s") % {"name": seat.person.name}
    )
    return "\n\n".join(parts), figures


def _trail(verb: str, report: DutyReport, acting_user, **change) -> None:
    trail.record(
        f"duty.{verb}",
        actor=acting_user,
        obj=report,
        context={"deputy_id": report.deputy_id, "congress_id": report.deputy.congress_id},
        change=trail.jsonable(change),
    )


def _long(day: dt.date) -> str:
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


def _period(start, end) -> tuple[dt.date, dt.date]:
    start = dates.parse_day(start, field="period_start", label=_("述职期间起"))
    end = dates.parse_day(end, field="period_end", label=_("述职期间止"))
    if start is None:
        raise ValidationFailed(_("请填写述职期间的开始日期。"), field="period_start")
    if end is None:
        raise ValidationFailed(_("请填写述职期间的结束日期。"), field="period_end")
    if end < start:
        raise ValidationFailed(_("述职期间的结束日期不能早于开始日期。"), field="period_end")
    if end > dates.today():
        raise ValidationFailed(_("述职期间不能晚于今天。"), field="period_end")
    if (end - start).days > 366 * 5:
        raise ValidationFailed(_("述职期间不能超过五年（一届）。"), field="period_start")
    return start, end


def do_draft_report(seat: Deputy, *, period_start, period_end, title: str = "", acting_user):
    """A new draft for one of the deputy's own seats, its text and figures read from the
    record of the period."""
    _require(acting_user, "dutyreport.write", seat)
    start, end = _period(period_start, period_end)
    title = clean_text(title, field="title", label=_("标题"), required=False, max_length=100) or _(
        "%(name)s代表%(year)s年度述职报告"
    ) % {"name": seat.person.name, "year": end.year}
    body, figures = draft(seat, start, end)
    with transaction.atomic():
        report = DutyReport.objects.create(
            deputy=seat,
            period_start=start,
            period_end=end,
            title=title,
            body=body,
            figures=figures,
        )
        _trail("draft_report", report, acting_user, period=[start, end], figures=figures)
    return report


def _lock(report: DutyReport) -> DutyReport:
    return (
        DutyReport.objects.select_for_update()
        .select_related("deputy__congress", "deputy__person")
        .get(pk=report.pk)
    )


def _state_conflict(row: DutyReport):
    return Conflict(
        _("该述职报告当前为“%(status)s”，不能进行此操作。") % {"status": row.get_status_display()},
        code="report_state",
    )


def do_edit_report(report: DutyReport, *, title: str, body: str, acting_user) -> DutyReport:
    _require(acting_user, "dutyreport.write", report.deputy)
    title = clean_text(title, field="title", label=_("标题"), required=True, max_length=100)
    body = clean_text(
        body, field="body", label=_("述职报告正文"), required=True, max_length=MAX_BODY
    )
    with transaction.atomic():
        row = _lock(report)
        if not row.editable:
            raise _state_conflict(row)
        row.title, row.body = title, body
        row.save(update_fields=["title", "body", "updated_at"])
        _trail("edit_report", row, acting_user, title=title, length=len(body))
    return row


def do_submit_report(report: DutyReport, *, acting_user) -> DutyReport:
    _require(acting_user, "dutyreport.write", report.deputy)
    with transaction.atomic():
        row = _lock(report)
        if not row.editable:
            raise _state_conflict(row)
        row.status = DutyReport.Status.SUBMITTED
        row.submitted_at = timezone.now()
        row.reason = ""
        row.save(update_fields=["status", "submitted_at", "reason", "updated_at"])
        _trail("submit_report", row, acting_user)
    return row


def do_decide_report(report: DutyReport, *, approve: bool, reason: str = "", acting_user):
    """The office approves a submitted report (it then counts as a duty) or returns it to the
    deputy with a reason."""
    _require(acting_user, "dutyreport.decide", report)
    reason = clean_text(
        reason, field="reason", label=_("退回原因"), required=not approve, max_length=500
    )
    with transaction.atomic():
        row = _lock(report)
        if row.status != DutyReport.Status.SUBMITTED:
            raise _state_conflict(row)
        row.status = DutyReport.Status.APPROVED if approve else DutyReport.Status.RETURNED
        row.reason = "" if approve else reason
        row.decided_by = acting_user
        row.decided_at = timezone.now()
        row.save(update_fields=["status", "reason", "decided_by", "decided_at", "updated_at"])
        _trail("approve_report" if approve else "return_report", row, acting_user, reason=reason)
    return row


def do_publish_report(report: DutyReport, *, publish: bool = True, acting_user) -> DutyReport:
    """Publish an approved report on the deputy's public page, or withdraw it from there."""
    _require(acting_user, "dutyreport.decide", report)
    with transaction.atomic():
        row = _lock(report)
        wanted = DutyReport.Status.APPROVED if publish else DutyReport.Status.PUBLISHED
        if row.status != wanted:
            raise _state_conflict(row)
        row.status = DutyReport.Status.PUBLISHED if publish else DutyReport.Status.APPROVED
        row.published_at = timezone.now() if publish else None
        row.save(update_fields=["status", "published_at", "updated_at"])
        _trail("publish_report" if publish else "withdraw_report", row, acting_user)
    return row


def report_pdf(report: DutyReport) -> bytes:
    seat = report.deputy
    return render_pdf(
        "duty/print/report.html",
        {
            "report": report,
            "seat": seat,
            "paragraphs": [p for p in report.body.split("\n\n") if p.strip()],
            "issued": dates.today(),
        },
    )


def publication(congress_id: int) -> ProfilePublication:
    """What the congress's office publishes (every figure when it has not chosen)."""
    return ProfilePublication.objects.filter(congress_id=congress_id).first() or (
        ProfilePublication(congress_id=congress_id)
    )


def do_set_publication(congress, data: dict, *, acting_user) -> ProfilePublication:
    _require(acting_user, "dutyreport.publication", congress)
    fields = ("receptions", "suggestions", "activities", "opinions", "reports")
    with transaction.atomic():
        row, _created = ProfilePublication.objects.select_for_update().get_or_create(
            congress=congress
        )
        for name in fields:
            setattr(row, name, bool(data.get(name)))
        row.save()
        trail.record(
            "duty.set_publication",
            actor=acting_user,
            obj=row,
            context={"congress_id": congress.pk},
            change={name: getattr(row, name) for name in fields},
        )
    return row


def public_performance(seat: Deputy) -> dict:
    """The published figures of a person's seats (亮履职), by what each seat's office chose."""
    seats = list(Deputy.objects.filter(person_id=seat.person_id).values_list("pk", "congress_id"))
    shown: dict[str, list[int]] = {
        k: [] for k in ("receptions", "suggestions", "activities", "opinions", "reports")
    }
    rows = {
        p.congress_id: p
        for p in ProfilePublication.objects.filter(congress_id__in={c for _, c in seats})
    }
    for pk, congress_id in seats:
        choice = rows.get(congress_id) or ProfilePublication(congress_id=congress_id)
        for key in shown:
            if getattr(choice, key):
                shown[key].append(pk)
    entries = DutyEntry.objects.filter(deputy_id__in=[pk for pk, _ in seats])
    figures = {"shown": {k: bool(v) for k, v in shown.items()}}
    if shown["suggestions"]:
        sub = entries.filter(
            deputy_id__in=shown["suggestions"],
            kind__in=(DutyKind.SUGGESTION, DutyKind.MOTION),
        )
        figures["suggestions"] = sub.filter(outcome=Outcome.SUBMITTED).count()
        figures["cosponsored"] = sub.filter(outcome=Outcome.COSPONSORED).count()
        figures["class_a"] = sub.filter(outcome=Outcome.CLASS_A).count()
    if shown["activities"]:
        figures["activities"] = entries.filter(
            deputy_id__in=shown["activities"],
            kind__in=(DutyKind.ACTIVITY, DutyKind.TRAINING),
            outcome=Outcome.ATTENDED,
        ).count()
    if shown["opinions"]:
        figures["opinions"] = entries.filter(
            deputy_id__in=shown["opinions"], kind=DutyKind.OPINION
        ).count()
    figures["reports"] = (
        list(
            DutyReport.objects.filter(
                deputy_id__in=shown["reports"], status=DutyReport.Status.PUBLISHED
            ).order_by("-period_end", "-id")[:3]
        )
        if shown["reports"]
        else []
    )
    return figures


# --- Deputies' stories (履职故事, M12) ----------------------------------------------------------
def do_write_story(seat: Deputy, *, title: str, body: str, acting_user):
    """A story of a seat by its deputy or its office; it waits for the office's review."""
    from .models import DutyStory

    _require(acting_user, "dutystory.write", seat)
    title = clean_text(title, field="title", label=_("标题"), required=True, max_length=100)
    body = clean_text(body, field="body", label=_("正文"), required=True, max_length=MAX_BODY)
    with transaction.atomic():
        story = DutyStory.objects.create(deputy=seat, title=title, body=body, author=acting_user)
        trail.record(
            "duty.write_story",
            actor=acting_user,
            obj=story,
            context={"deputy_id": seat.pk, "congress_id": seat.congress_id},
            change={"title": title, "length": len(body)},
        )
    return story


def do_decide_story(story, *, publish: bool, reason: str = "", acting_user):
    """Publish a pending story on the public site or return it with a reason."""
    from .models import DutyStory

    _require(acting_user, "dutystory.decide", story)
    reason = clean_text(
        reason, field="reason", label=_("退回原因"), required=not publish, max_length=500
    )
    with transaction.atomic():
        row = DutyStory.objects.select_for_update().select_related("deputy").get(pk=story.pk)
        if row.status != DutyStory.Status.PENDING:
            raise Conflict(
                _("该履职故事当前为“%(status)s”，不能重复审核。")
                % {"status": row.get_status_display()},
                code="story_state",
            )
        row.status = DutyStory.Status.PUBLISHED if publish else DutyStory.Status.RETURNED
        row.reason = "" if publish else reason
        row.decided_by = acting_user
        row.published_at = timezone.now() if publish else None
        row.save(update_fields=["status", "reason", "decided_by", "published_at", "updated_at"])
        trail.record(
            "duty.publish_story" if publish else "duty.return_story",
            actor=acting_user,
            obj=row,
            context={"deputy_id": row.deputy_id, "congress_id": row.deputy.congress_id},
            change={"reason": reason},
        )
    return row


def public_stories(seat: Deputy, limit: int = 5):
    from .models import DutyStory

    return list(
        DutyStory.objects.filter(
            deputy__person_id=seat.person_id, status=DutyStory.Status.PUBLISHED
        ).order_by("-published_at", "-id")[:limit]
    )
