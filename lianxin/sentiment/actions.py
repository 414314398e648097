"""The only writers of sentiment reports and issues: `do_<verb>_…(…, acting_user)`.

Each checks the caller's right (`access.can`) and the report's state (`workflow.STEPS`), writes
inside one transaction with the report locked, and records one trail row per report changed
(`sentiment.<verb>`, object the report, with who is credited: the CPPCC, the author seat, the
sector and the co-authors, so the duty record can count adopted reports and instructions as
points). The authors hear of each step by an in-app notification queued with the change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.accounts.access import can, grants, visible_to
from lianxin.casework.attachments import clean_uploads
from lianxin.casework.models import Case, Category, CoSponsor
from lianxin.core import dates, trail
from lianxin.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from lianxin.core.queue import enqueue_with_transaction
from lianxin.core.validators import clean_text
from lianxin.org.models import Body, Cppcc, Member, SeatStatus

from .models import (
    AdoptionManner,
    Instruction,
    Level,
    Recipient,
    ReportAttachment,
    ReportState,
    SentimentIssue,
    SentimentReport,
)
from .workflow import STEPS

MAX_REPORTS_PER_ISSUE = 30


class NotNow(Conflict):
    """The report is not in a state where this action applies."""

    code = "invalid_transition"


class AlreadyAdopted(Conflict):
    code = "already_adopted"


class NotSentYet(Conflict):
    code = "not_sent"


def _require(user, action: str, obj) -> None:
    if not can(user, action, obj):
        raise Forbidden(_("您没有权限进行此操作。"))


# --- Authors --------------------------------------------------------------------------------------


def author_choices(user) -> list[tuple[str, str]]:
    """In whose name the user may write: each serving member seat, its sector, and for the
    CPPCC's staff the CPPCC itself and each of its sectors. Keys: member:<id>, sector:<id>,
    cppcc:<id>."""
    g = grants(user)
    out: list[tuple[str, str]] = []
    seats = Member.objects.filter(pk__in=g.member_ids, status=SeatStatus.SERVING).select_related(
        "cppcc", "sector", "person"
    )
    for seat in seats:
        out.append((f"member:{seat.pk}", _("本人（%(cppcc)s委员）") % {"cppcc": seat.cppcc.name}))
        if seat.sector_id:
            out.append(
                (f"sector:{seat.sector_id}", _("%(sector)s界别") % {"sector": seat.sector.name})
            )
    for cppcc in Cppcc.objects.filter(pk__in=list(g.cppcc_staff)):
        out.append((f"cppcc:{cppcc.pk}", _("%(cppcc)s机关") % {"cppcc": cppcc.name}))
        for sector in Body.objects.filter(cppcc=cppcc, kind=Body.Kind.SECTOR).order_by("name"):
            key = f"sector:{sector.pk}"
            if key not in dict(out):
                out.append((key, _("%(sector)s界别") % {"sector": sector.name}))
    return out


def resolve_author(user, key: str) -> tuple[Cppcc, Member | None, Body | None]:
    if key not in dict(author_choices(user)):
        raise ValidationFailed(_("请选择以谁的名义反映。"), field="author")
    kind, _sep, pk = key.partition(":")
    if kind == "member":
        seat = Member.objects.select_related("cppcc", "person").get(pk=int(pk))
        return seat.cppcc, seat, None
    if kind == "sector":
        sector = Body.objects.select_related("cppcc").get(pk=int(pk))
        return sector.cppcc, None, sector
    return Cppcc.objects.get(pk=int(pk)), None, None


def clean_co_authors(cppcc: Cppcc, author: Member | None, values: Iterable) -> list[Member]:
    ids = []
    for value in values or ():
        try:
            ids.append(int(getattr(value, "pk", value)))
        except (TypeError, ValueError):
            raise ValidationFailed(_("联名委员有误。"), field="co_authors") from None
    ids = [i for i in dict.fromkeys(ids) if not author or i != author.pk]
    found = {
        m.pk: m
        for m in Member.objects.filter(
            pk__in=ids, cppcc=cppcc, status=SeatStatus.SERVING
        ).select_related("person")
    }
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValidationFailed(
            _("联名委员须为%(cppcc)s的在任委员（%(ids)s 不是）。")
            % {"cppcc": cppcc.name, "ids": "、".join(missing)},
            field="co_authors",
        )
    return [found[i] for i in ids]


def _fields(data: dict) -> dict:
    category = data.get("category")
    if category not in (None, "") and not isinstance(category, Category):
        category = Category.objects.filter(code=str(category), is_active=True).first()
        if category is None:
            raise ValidationFailed(_("所属领域有误。"), field="category")
    return {
        "title": clean_text(
            data.get("title"), field="title", label=_("标题"), required=True, max_length=100
        ),
        "content": clean_text(
            data.get("content"), field="content", label=_("正文"), required=True, max_length=10000
        ),
        "category": category or None,
    }


# --- The trail and the notices ---------------------------------------------------------------------


def credit(report: SentimentReport) -> dict:
    """Who a report counts for (the duty record reads it from the trail)."""
    return {
        "cppcc": report.cppcc_id,
        "member": report.author_member_id,
        "sector": report.author_sector_id,
        "co_authors": sorted(report.co_authors.values_list("pk", flat=True)),
    }


def _record(verb: str, report: SentimentReport, acting_user, *, before: str = "", **change):
    if before and before != report.state:
        change["state"] = [before, report.state]
    trail.record(
        f"sentiment.{verb}",
        actor=acting_user,
        obj=report,
        object_label=report.shown_title,
        context={"cppcc_id": report.cppcc_id, "member_id": report.author_member_id},
        change=trail.jsonable({**change, "credit": credit(report)}),
    )


def author_users(report: SentimentReport):
    """The logins of the report's authors: the author seat and co-authors, every member of the
    sector it speaks for, and whoever wrote it."""
    from lianxin.accounts.models import Role, User

    seats = [report.author_member_id] if report.author_member_id else []
    seats += list(report.co_authors.values_list("pk", flat=True))
    if report.author_sector_id:
        seats += list(
            Member.objects.filter(
                sector_id=report.author_sector_id, status=SeatStatus.SERVING
            ).values_list("pk", flat=True)
        )
    ids = set(
        User.objects.filter(
            person__member_seats__pk__in=seats, roles__role=Role.MEMBER, is_active=True
        ).values_list("pk", flat=True)
    )
    if report.written_by_id:
        ids.add(report.written_by_id)
    return ids


def _tell(user_ids, verb: str, title: str, body: str, report: SentimentReport, acting_user):
    from lianxin.notifications.tasks import notify_users

    ids = sorted(set(user_ids) - {getattr(acting_user, "pk", None)})
    if ids:
        enqueue_with_transaction(
            notify_users, ids, verb, title[:200], body, report.get_absolute_url()
        )


def _tell_authors(report, verb: str, title: str, acting_user, body: str = "") -> None:
    _tell(author_users(report), verb, title, body, report, acting_user)


def _tell_staff(report, acting_user) -> None:
    from lianxin.accounts.models import Role, User

    staff = User.objects.filter(
        roles__role=Role.CPPCC_STAFF, roles__cppcc_id=report.cppcc_id, is_active=True
    ).values_list("pk", flat=True)
    _tell(
        staff,
        "sentiment_submitted",
        _("新报送的社情民意信息：%(title)s") % {"title": report.title},
        report.author_label,
        report,
        acting_user,
    )


# --- One step on one report ---------------------------------------------------------------------------


def _lock(report: SentimentReport) -> SentimentReport:
    row = SentimentReport.objects.select_for_update().filter(pk=report.pk).first()
    if row is None:
        raise NotFound(_("未找到该记录。"))
    return row


def _check(report: SentimentReport, verb: str, acting_user, *, version: int | None) -> str:
    step = STEPS[verb]
    _require(acting_user, step.rule, report)
    if version is not None and int(version) != report.version:
        raise Conflict(_("该信息已被他人更新，请刷新后再操作。"), code="stale_version")
    if report.state not in step.sources:
        raise NotNow(
            _("该信息当前为“%(state)s”，不能%(action)s。")
            % {"state": report.get_state_display(), "action": step.label}
        )
    return report.state


def _move(report: SentimentReport, verb: str, fields: list[str], *, keep: bool = False) -> None:
    target = STEPS[verb].target
    if target is not None and not keep:
        report.state = target
    report.version += 1
    report.save(update_fields=[*fields, "state", "version", "updated_at"])


def may(user, report: SentimentReport, verb: str) -> bool:
    """Whether the page should offer `verb` on `report` to `user` now."""
    step = STEPS[verb]
    return report.state in step.sources and can(user, step.rule, report)


# --- Writing and submitting -----------------------------------------------------------------------


def do_create_report(
    *,
    author: str,
    title: str,
    content: str,
    category=None,
    co_authors: Iterable = (),
    uploads: Iterable = (),
    acting_user,
) -> SentimentReport:
    """A member (in their own name or their sector's) or the CPPCC's staff write a draft."""
    cppcc, member, sector = resolve_author(acting_user, author)
    _require(acting_user, "sentiment.write", cppcc)
    fields = _fields({"title": title, "content": content, "category": category})
    others = clean_co_authors(cppcc, member, co_authors)
    files = clean_uploads(uploads or [])
    with transaction.atomic():
        report = SentimentReport.objects.create(
            cppcc=cppcc,
            author_member=member,
            author_sector=sector,
            written_by=acting_user,
            **fields,
        )
        report.co_authors.set(others)
        for spec in files:
            spec.pop("kind", None)
            ReportAttachment.objects.create(report=report, **spec)
        _record("create", report, acting_user, title=report.title, files=len(files))
    return report


def do_update_report(
    report: SentimentReport,
    *,
    title: str,
    content: str,
    category=None,
    co_authors: Iterable | None = None,
    acting_user,
    version: int | None = None,
) -> SentimentReport:
    """The author revises a draft or a returned report."""
    fields = _fields({"title": title, "content": content, "category": category})
    with transaction.atomic():
        row = _lock(report)
        _check(row, "update", acting_user, version=version)
        for key, value in fields.items():
            setattr(row, key, value)
        if co_authors is not None:
            row.co_authors.set(clean_co_authors(row.cppcc, row.author_member, co_authors))
        _move(row, "update", list(fields))
        _record("update", row, acting_user, title=row.title)
    return row


def do_submit_report(
    report: SentimentReport, *, acting_user, version: int | None = None
) -> SentimentReport:
    with transaction.atomic():
        row = _lock(report)
        before = _check(row, "submit", acting_user, version=version)
        row.submitted_at = timezone.now()
        row.return_reason = ""
        _move(row, "submit", ["submitted_at", "return_reason"])
        _record("submit", row, acting_user, before=before, year=_year(row))
        _tell_staff(row, acting_user)
    return row


def _year(report: SentimentReport) -> int:
    return timezone.localtime(report.submitted_at).year if report.submitted_at else 0


# --- The staff: return, accept, edit -------------------------------------------------------------------


def do_return_report(
    report: SentimentReport, *, reason: str, acting_user, version: int | None = None
) -> SentimentReport:
    reason = clean_text(reason, field="reason", label=_("退回理由"), required=True, max_length=2000)
    with transaction.atomic():
        row = _lock(report)
        before = _check(row, "return", acting_user, version=version)
        row.return_reason = reason
        _move(row, "return", ["return_reason"])
        _record("return", row, acting_user, before=before, reason=reason)
        _tell_authors(
            row,
            "sentiment_returned",
            _("社情民意信息已退回修改：%(title)s") % {"title": row.title},
            acting_user,
            body=reason,
        )
    return row


def do_accept_report(
    report: SentimentReport, *, acting_user, version: int | None = None
) -> SentimentReport:
    with transaction.atomic():
        row = _lock(report)
        before = _check(row, "accept", acting_user, version=version)
        _move(row, "accept", [])
        _record("accept", row, acting_user, before=before)
    return row


def do_edit_report(
    report: SentimentReport,
    *,
    edited_title: str,
    edited_content: str,
    acting_user,
    version: int | None = None,
) -> SentimentReport:
    """The staff edit and condense the text; the original stays as the author wrote it."""
    edited_title = clean_text(
        edited_title, field="edited_title", label=_("编辑后的标题"), required=True, max_length=100
    )
    edited_content = clean_text(
        edited_content,
        field="edited_content",
        label=_("编辑后的文稿"),
        required=True,
        max_length=10000,
    )
    with transaction.atomic():
        row = _lock(report)
        before = _check(row, "edit", acting_user, version=version)
        row.edited_title, row.edited_content = edited_title, edited_content
        row.edited_by, row.edited_at = acting_user, timezone.now()
        _move(row, "edit", ["edited_title", "edited_content", "edited_by", "edited_at"])
        _record(
            "edit",
            row,
            acting_user,
            before=before,
            length=[len(row.content), len(edited_content)],
        )
    return row


# --- Issues: compile and send ------------------------------------------------------------------------


def _report_ids(values) -> list[int]:
    ids = []
    for value in values or ():
        try:
            ids.append(int(getattr(value, "pk", value)))
        except (TypeError, ValueError):
            raise ValidationFailed(_("所选信息有误。"), field="reports") from None
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise ValidationFailed(_("请至少选择一条已编辑的信息。"), field="reports")
    if len(ids) > MAX_REPORTS_PER_ISSUE:
        raise ValidationFailed(
            _("一期最多编入 %(n)s 条信息。") % {"n": MAX_REPORTS_PER_ISSUE}, field="reports"
        )
    return ids


def do_compile_issue(
    cppcc: Cppcc, *, title: str, reports: Iterable, acting_user, year: int | None = None
) -> SentimentIssue:
    """Compile edited reports of `cppcc`, in the order given, into the next issue of the year."""
    _require(acting_user, "sentiment.compile", cppcc)
    title = clean_text(title, field="title", label=_("期刊标题"), required=True, max_length=200)
    ids = _report_ids(reports)
    year = int(year or dates.today().year)
    with transaction.atomic():
        # Only reports the staff may see: another's draft is as missing as a wrong id.
        seen = visible_to(acting_user, SentimentReport).filter(pk__in=ids, cppcc=cppcc)
        rows = {
            r.pk: r
            for r in SentimentReport.objects.select_for_update()
            .filter(pk__in=seen.values("pk"))
            .order_by("pk")
        }
        missing = [str(i) for i in ids if i not in rows]
        if missing:
            raise NotFound(_("未找到该记录。"))
        not_ready = [rows[i] for i in ids if rows[i].state != ReportState.EDITED]
        if not_ready:
            raise NotNow(
                _("只有已编辑的信息才能编入期刊：%(items)s。")
                % {
                    "items": "、".join(
                        f"《{r.shown_title}》（{r.get_state_display()}）" for r in not_ready
                    )
                }
            )
        last = (
            SentimentIssue.objects.select_for_update()
            .filter(cppcc=cppcc, year=year)
            .aggregate(n=Max("number"))["n"]
        )
        issue = SentimentIssue.objects.create(
            cppcc=cppcc, year=year, number=(last or 0) + 1, title=title, compiled_by=acting_user
        )
        trail.record(
            "sentiment.create_issue",
            actor=acting_user,
            obj=issue,
            object_label=f"{issue.label} {issue.title}"[:200],
            context={"cppcc_id": cppcc.pk},
            change={"year": year, "number": issue.number, "reports": ids},
        )
        for position, pk in enumerate(ids, start=1):
            row = rows[pk]
            before = row.state
            row.issue, row.position = issue, position
            _move(row, "compile", ["issue", "position"])
            _record("compile", row, acting_user, before=before, issue=issue.pk, label=issue.label)
            _tell_authors(
                row,
                "sentiment_compiled",
                _("社情民意信息已编入%(issue)s：%(title)s")
                % {"issue": issue.label, "title": row.shown_title},
                acting_user,
            )
    return issue


def clean_recipients(values) -> list[str]:
    chosen = [str(v) for v in (values or ()) if str(v)]
    bad = [v for v in chosen if v not in Recipient.values]
    if bad or not chosen:
        raise ValidationFailed(_("请选择报送对象（上级政协、党委、政府）。"), field="recipients")
    return [r for r in Recipient.values if r in chosen]


def do_send_issue(
    issue: SentimentIssue, *, recipients: Iterable, sent_on=None, acting_user
) -> SentimentIssue:
    """Send the issue up (to the higher CPPCC, the party committee, the government); every
    report it carries is sent with it."""
    _require(acting_user, "sentiment.manage", issue)
    chosen = clean_recipients(recipients)
    day = dates.parse_day(sent_on, field="sent_on", label=_("报送日期")) or dates.today()
    if day > dates.today():
        raise ValidationFailed(_("报送日期不能晚于今天。"), field="sent_on")
    with transaction.atomic():
        row = SentimentIssue.objects.select_for_update().get(pk=issue.pk)
        if row.sent_on is not None:
            raise NotNow(_("该期已于 %(date)s 报送。") % {"date": row.sent_on.isoformat()})
        row.recipients, row.sent_on = chosen, day
        row.save(update_fields=["recipients", "sent_on", "updated_at"])
        trail.record(
            "sentiment.send_issue",
            actor=acting_user,
            obj=row,
            object_label=f"{row.label} {row.title}"[:200],
            context={"cppcc_id": row.cppcc_id},
            change={"recipients": chosen, "sent_on": day.isoformat()},
        )
        labels = "、".join(row.recipient_labels)
        for report in SentimentReport.objects.select_for_update().filter(issue=row):
            before = report.state
            if before != ReportState.COMPILED:
                continue
            _move(report, "send", [])
            _record(
                "send",
                report,
                acting_user,
                before=before,
                recipients=chosen,
                sent_on=day,
                issue=row.pk,
            )
            _tell_authors(
                report,
                "sentiment_sent",
                _("社情民意信息已报送%(to)s：%(title)s")
                % {"to": labels, "title": report.shown_title},
                acting_user,
            )
    return row


# --- Adoption and instructions ---------------------------------------------------------------------------


def _choice(value, choices, *, field: str, message: str) -> str:
    value = str(value or "")
    if value not in choices.values:
        raise ValidationFailed(message, field=field)
    return value


def _past_date(value, *, field: str, label: str) -> dt.date:
    day = dates.parse_day(value, field=field, label=label)
    if day is None:
        raise ValidationFailed(_("请填写%(label)s。") % {"label": label}, field=field)
    if day > dates.today():
        raise ValidationFailed(_("%(label)s不能晚于今天。") % {"label": label}, field=field)
    return day


def do_adopt_report(
    report: SentimentReport,
    *,
    adopted_by: str,
    level: str,
    manner: str,
    adopted_on=None,
    acting_user,
    version: int | None = None,
) -> SentimentReport:
    """Record who adopted the report sent up, at what level, when and how (采用 / 转送)."""
    adopted_by = clean_text(
        adopted_by, field="adopted_by", label=_("采用单位"), required=True, max_length=100
    )
    level = _choice(level, Level, field="level", message=_("请选择级别（省级、市级、县级）。"))
    manner = _choice(
        manner, AdoptionManner, field="manner", message=_("请选择采用方式（采用或转送）。")
    )
    day = _past_date(adopted_on or dates.today(), field="adopted_on", label=_("采用日期"))
    with transaction.atomic():
        row = _lock(report)
        if row.adopted_on is not None:
            _require(acting_user, "sentiment.manage", row)
            raise AlreadyAdopted(
                _("该信息已登记为%(by)s%(manner)s，不能重复登记。")
                % {"by": row.adopted_by, "manner": row.get_adoption_manner_display()}
            )
        before = _check(row, "adopt", acting_user, version=version)
        row.adopted_by, row.adoption_level = adopted_by, level
        row.adoption_manner, row.adopted_on = manner, day
        # A report instructed on before its adoption was recorded stays 已获批示.
        _move(
            row,
            "adopt",
            ["adopted_by", "adoption_level", "adoption_manner", "adopted_on"],
            keep=before == ReportState.INSTRUCTED,
        )
        _record(
            "adopt",
            row,
            acting_user,
            before=before,
            adopted_by=adopted_by,
            level=level,
            manner=manner,
            adopted_on=day,
            year=day.year,
        )
        _tell_authors(
            row,
            "sentiment_adopted",
            _("社情民意信息已被%(by)s%(manner)s：%(title)s")
            % {
                "by": adopted_by,
                "manner": row.get_adoption_manner_display(),
                "title": row.shown_title,
            },
            acting_user,
        )
    return row


def do_instruct_report(
    report: SentimentReport,
    *,
    leader: str,
    level: str,
    text: str,
    given_on=None,
    acting_user,
    version: int | None = None,
) -> Instruction:
    """Record a leader's instruction (批示) on a report that was sent up."""
    leader = clean_text(leader, field="leader", label=_("批示领导"), required=True, max_length=50)
    level = _choice(level, Level, field="level", message=_("请选择级别（省级、市级、县级）。"))
    text = clean_text(text, field="text", label=_("批示内容"), required=True, max_length=2000)
    day = _past_date(given_on or dates.today(), field="given_on", label=_("批示日期"))
    with transaction.atomic():
        row = _lock(report)
        _require(acting_user, "sentiment.manage", row)
        if row.state not in STEPS["instruct"].sources:
            raise NotSentYet(
                _("只有已报送上级的信息才能登记领导批示（该信息当前为“%(state)s”）。")
                % {"state": row.get_state_display()}
            )
        before = _check(row, "instruct", acting_user, version=version)
        instruction = Instruction.objects.create(
            report=row, leader=leader, level=level, text=text, given_on=day, recorded_by=acting_user
        )
        _move(row, "instruct", [])
        _record(
            "instruct",
            row,
            acting_user,
            before=before,
            instruction=instruction.pk,
            leader=leader,
            level=level,
            given_on=day,
            year=day.year,
        )
        _tell_authors(
            row,
            "sentiment_instructed",
            _("%(leader)s对社情民意信息作出批示：%(title)s")
            % {"leader": leader, "title": row.shown_title},
            acting_user,
            body=text,
        )
    return instruction


# --- A declined proposal becomes a report (casework.conversions) -------------------------------------------


def do_convert_proposal(case: Case, *, acting_user, reason: str = "") -> SentimentReport:
    """The report a proposal declined with 转为社情民意信息 becomes, in the decline's transaction:
    the proposal's title and text, its member as author and its confirmed co-sponsors as
    co-authors, submitted at once (the member submitted it as a proposal), with the link back
    to the proposal."""
    _require(acting_user, "sentiment.compile", case.cppcc)
    if SentimentReport.objects.filter(source_proposal=case).exists():
        raise Conflict(_("该提案已转为社情民意信息。"), code="already_converted")
    co = Member.objects.filter(
        pk__in=CoSponsor.objects.filter(
            case_id=case.pk, status=CoSponsor.Status.CONFIRMED, member__isnull=False
        ).values("member_id")
    ).exclude(pk=case.raised_by_member_id)
    report = SentimentReport.objects.create(
        cppcc=case.cppcc,
        author_member_id=case.raised_by_member_id,
        written_by=acting_user,
        title=case.title[:100],
        content=case.content,
        category_id=case.category_id,
        source_proposal=case,
        state=ReportState.SUBMITTED,
        submitted_at=timezone.now(),
    )
    report.co_authors.set(co)
    _record(
        "convert_proposal",
        report,
        acting_user,
        proposal=case.pk,
        tracking_code=case.tracking_code,
        reason=reason,
        year=_year(report),
    )
    _tell_authors(
        report,
        "sentiment_converted",
        _("提案已转为社情民意信息：%(title)s") % {"title": report.title},
        acting_user,
        body=reason,
    )
    return report
