"""The only writers of case state. One function per change: `do_<verb>_case(case, *, …,
acting_user)`.

Inside each: lock the row, check the transition against the kind's workflow (and the caller's
permission), write with update_fields, append the timeline event in the same transaction, and
queue its notifications (casework.tasks.notify_event) so that they exist exactly when the change
commits. Views, htmx partials, the API, the deadline scan, imports and the admin all call these.

`acting_user=None` is trusted code: the deadline scan (system transitions) or the public
tracking page after it matched the tracking code (`as_citizen=True`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from dataclasses import replace

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianxin.core import dates, trail
from lianxin.core.errors import Conflict, NotFound, ValidationFailed
from lianxin.core.models import TrailEvent
from lianxin.core.queue import enqueue_with_transaction
from lianxin.core.validators import clean_phone, clean_text

from . import deadlines, triage
from .models import (
    Assignment,
    Attachment,
    Case,
    CaseEvent,
    Category,
    Consultation,
    DeadlinePolicy,
    Evaluation,
    Rating,
    Reply,
    ReplyCategory,
)
from .queries import active_assignments, forget_assignments
from .tasks import notify_event
from .workflow import Transition, workflow_for

Step = DeadlinePolicy.Step

MAX_CONTENT = 5000


# --- Helpers shared by every action --------------------------------------------------------------


def actor_label(user, *, as_citizen: bool = False) -> str:
    if user is None:
        return _("群众") if as_citizen else _("系统")
    return (getattr(user, "display_name", "") or user.get_username())[:100]


# The three steps every action takes, public so that an intake app's own actions (suggestions'
# review, co-sponsors, extensions…) take them the same way: lock the row, check the transition,
# write and append the timeline event.


def lock_case(case: Case, *, version: int | None = None) -> Case:
    """The case row, locked for this transaction; 409 `stale` if `version` is not current."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if version is not None and locked.version != version:
        raise Conflict(_("该案件已被他人更新，请刷新后重试。"), code="stale")
    return locked


def begin(
    case: Case,
    action: str,
    user,
    *,
    version: int | None = None,
    as_citizen: bool = False,
) -> tuple[Case, Transition]:
    locked = lock_case(case, version=version)
    transition = locked.workflow.check(locked, action, user, as_citizen=as_citizen)
    return locked, transition


def finish(
    locked: Case,
    transition: Transition | None,
    user,
    *,
    action: str | None = None,
    fields: Sequence[str] = (),
    note: str = "",
    data: dict | None = None,
    is_public: bool = False,
    as_citizen: bool = False,
    at: dt.datetime | None = None,
) -> CaseEvent:
    """Move to the transition's target, keep the due date in step, save, append the event and
    schedule its notifications."""
    fields = list(fields)
    from_state = locked.state
    if transition is not None and transition.target and transition.target != from_state:
        locked.state = transition.target
        fields.append("state")
        steps = locked.workflow.deadline_steps
        if steps.get(locked.state) != steps.get(from_state) and "due_date" not in fields:
            step = steps.get(locked.state)
            locked.due_date = deadlines.due(locked.kind, step) if step else None
            locked.is_overdue = False
            fields += ["due_date", "is_overdue"]
    now = at or timezone.now()
    locked.version += 1
    locked.updated_at = now
    locked.save(update_fields=list(dict.fromkeys([*fields, "version", "updated_at"])))
    event = append_event(
        locked,
        action or transition.action,
        user,
        at=now,
        from_state=from_state,
        to_state=locked.state,
        note=note,
        data=data,
        is_public=is_public,
        as_citizen=as_citizen,
    )
    if event.to_state != from_state:
        for follow_up in _FOLLOW_UPS:
            follow_up(locked, event)
    return event


def seat_context(case: Case, user) -> dict:
    """What a case says about the seat its actor acts in (core.trail.seat_of)."""
    context = {
        "deputy_id": case.deputy_id or case.raised_by_deputy_id,
        "member_id": case.raised_by_member_id,
        "congress_id": case.congress_id,
        "cppcc_id": case.cppcc_id,
        "station_id": case.station_id,
    }
    if user is not None and getattr(user, "is_authenticated", False):
        from lianxin.accounts.access import grants

        units = grants(user).unit_ids
        if units:
            context["unit_ids"] = list(
                Assignment.objects.filter(case=case, unit_id__in=units).values_list(
                    "unit_id", flat=True
                )
            )
    return context


def case_seat(case: Case, user, *, as_citizen: bool = False) -> trail.Seat:
    if as_citizen:
        return trail.CITIZEN
    return trail.seat_of(user, **seat_context(case, user))


def trail_event(case: Case, event: CaseEvent, user, *, seat: trail.Seat) -> TrailEvent:
    """The trail row of one timeline event (unsaved: `append_event` and bulk actions save it)."""
    change = {"from": event.from_state, "to": event.to_state, "kind": case.kind}
    if event.data:
        change["data"] = event.data
    return trail.event(
        f"casework.{event.action}",
        actor=user,
        actor_label=event.actor_label,
        seat=seat,
        obj=case,
        change=change,
        at=event.at,
    )


def append_event(
    case: Case,
    action: str,
    user,
    *,
    at: dt.datetime | None = None,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict | None = None,
    is_public: bool = False,
    as_citizen: bool = False,
) -> CaseEvent:
    """The one writer of case events: the timeline entry, its trail row naming the seat the
    actor acted in, and the notifications its kind's rules name, queued in this transaction."""
    event = CaseEvent(
        case=case,
        at=at or timezone.now(),
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=user,
        actor_label=actor_label(user, as_citizen=as_citizen),
        note=note,
        data=data or {},
        is_public=is_public,
    )
    row = trail_event(case, event, user, seat=case_seat(case, user, as_citizen=as_citizen))
    event.trail = trail.record_many([row])[0]
    event.save()
    enqueue_with_transaction(notify_event, event.pk)
    return event


# Steps that follow a state change in the same transaction, registered by casework modules
# (lineage: a derived case's reply reaches the cases it came from). Each gets the case and
# the event just written.
_FOLLOW_UPS: list = []


def register_follow_up(fn) -> None:
    if fn not in _FOLLOW_UPS:
        _FOLLOW_UPS.append(fn)


def _set_due(locked: Case, due_date: dt.date) -> list[str]:
    locked.due_date = due_date
    locked.is_overdue = False
    return ["due_date", "is_overdue"]


def _own_units(user, case: Case) -> list[Assignment]:
    from lianxin.accounts.access import grants

    unit_ids = grants(user).unit_ids if user is not None else frozenset()
    return [a for a in active_assignments(case) if a.unit_id in unit_ids]


def _future_date(value, *, field: str, label: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            raise ValidationFailed(
                _("%(label)s格式有误，应为 YYYY-MM-DD。") % {"label": label}, field=field
            ) from None
    if value < dates.today():
        raise ValidationFailed(_("%(label)s不能早于今天。") % {"label": label}, field=field)
    if value > dates.today() + dt.timedelta(days=800):
        raise ValidationFailed(_("%(label)s过远。") % {"label": label}, field=field)
    return value


# --- Intake ----------------------------------------------------------------------------------------


def fingerprint(*parts: object) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(str(part or "").encode())
        h.update(b"\x1f")
    return h.hexdigest()


def do_register_case(
    *,
    kind: str,
    content: str,
    channel: str,
    scope_code: str,
    acting_user=None,
    intake_key: str | None = None,
    intake_fingerprint: str = "",
    attachments: Iterable[dict] = (),
    note: str = "",
    defer_followups: bool = False,
    **fields,
) -> tuple[Case, bool]:
    """Register a new case in its kind's initial state; returns (case, created).

    With `intake_key`, a retried submission returns the case the first one created (never a
    second one); the same key with different content is refused (409). Callers validate the
    content first (see the intake app's own actions).

    With `defer_followups` (a citizen's public submission) the call commits the case row (and
    its photos) and returns: that row is the durable acknowledgement. The registration entry
    on the timeline and the notifications are written by `complete_intake`, run by the intake
    loop within seconds, in one transaction per case. Every other registration writes them
    here, in the same transaction as the case.
    """
    workflow = workflow_for(kind)
    attachments = list(attachments)
    if fields.get("contact_phone"):  # the one phone rule, whichever kind registers the case
        fields["contact_phone"] = clean_phone(
            fields["contact_phone"], field="contact_phone", label=_("联系电话")
        )
    # A deferred submission without files is one INSERT: in autocommit mode that statement is
    # its own transaction, and the round trips of a transaction block are saved.
    one_statement = (
        defer_followups and not attachments and not transaction.get_connection().in_atomic_block
    )
    # A retried submission is found by the unique key: the insert below fails and the first
    # case is returned (one query less for every new submission than looking first).
    try:
        with nullcontext() if one_statement else transaction.atomic():
            case = Case(
                kind=kind,
                state=workflow.initial,
                content=content,
                channel=channel,
                scope_code=scope_code,
                entered_by=acting_user,
                intake_key=intake_key or None,
                intake_fingerprint=intake_fingerprint if intake_key else "",
                intake_pending=defer_followups,
                **fields,
            )
            step = workflow.deadline_steps.get(workflow.initial)
            if step:
                case.due_date = deadlines.due(kind, step)
            case.save()
            for spec in attachments:
                Attachment.objects.create(case=case, uploaded_by=acting_user, **spec)
            if not defer_followups:
                _write_registration(case, acting_user, note=note)
    except IntegrityError:
        # The key was used before (a retry, or two submissions racing): the first one won.
        existing = _existing_intake(intake_key, intake_fingerprint) if intake_key else None
        if existing is None:
            raise
        return existing, False
    return case, True


def _write_registration(case: Case, acting_user, *, note: str = "") -> None:
    append_event(
        case,
        "register",
        acting_user,
        at=case.created_at,
        to_state=workflow_for(case.kind).initial,
        note=note,
        data={"channel": case.channel},
        is_public=True,
        as_citizen=acting_user is None,
    )


def complete_intake(*, limit: int = 500) -> int:
    """Write the registration entry and queue the notifications of the cases acknowledged
    with `defer_followups`; returns how many were completed. Each case is completed in its own
    transaction, exactly once even when loops on several machines run at the same time: the
    case's row is claimed with `select_for_update(skip_locked=True)` (another loop's case is
    skipped, not waited for; core.claims) and the flag cleared by a conditional update before
    anything is written."""
    pending = list(
        Case.objects.filter(intake_pending=True).order_by("pk").values_list("pk", flat=True)[:limit]
    )
    done = 0
    for pk in pending:
        with transaction.atomic():
            claimed = Case.objects.select_for_update(skip_locked=True).filter(
                pk=pk, intake_pending=True
            )
            if not list(claimed.values_list("pk", flat=True)):
                continue  # another loop completes or completed it
            if not Case.objects.filter(pk=pk, intake_pending=True).update(intake_pending=False):
                continue
            case = Case.objects.select_related("entered_by").get(pk=pk)
            _write_registration(case, case.entered_by)
        done += 1
    return done


def _existing_intake(key: str, fp: str) -> Case | None:
    case = Case.objects.filter(intake_key=key).first()
    if case is None:
        return None
    if fp and case.intake_fingerprint and case.intake_fingerprint != fp:
        raise Conflict(
            _("该提交标识已用于另一条不同的内容，请刷新页面后重新提交。"),
            code="idempotency_mismatch",
        )
    return case


# --- Triage, merge, decline --------------------------------------------------------------------------


@transaction.atomic
def do_triage_case(
    case: Case,
    *,
    category: Category,
    region=None,
    station=None,
    deputy=None,
    title: str | None = None,
    note: str = "",
    acting_user,
    version: int | None = None,
) -> Case:
    locked, t = begin(case, "triage", acting_user, version=version)
    fields = ["category"]
    locked.category = category
    data = {"category": category.name}
    if region is not None:
        locked.region = region
        fields.append("region")
        data["region"] = region.code
    if station is not None:
        locked.station = station
        fields.append("station")
        data["station"] = station.name
    if deputy is not None:
        locked.deputy = deputy
        fields.append("deputy")
        data["deputy"] = deputy.person.name
    if title:
        locked.title = clean_text(
            title, field="title", label=_("标题"), max_length=200, required=True
        )
        fields.append("title")
    finish(
        locked,
        t,
        acting_user,
        fields=fields,
        note=clean_text(note, field="note", label=_("说明"), required=False),
        data=data,
        is_public=True,
    )
    triage.note_decision(locked, head="category", chosen=category.code, acting_user=acting_user)
    return locked


def _not_found_target(field: str = "merge_into") -> ValidationFailed:
    # The same answer as a case the user cannot see (casework.resolve.case).
    return ValidationFailed(_("案件不存在或无权办理。"), field=field)


@transaction.atomic
def do_merge_case(
    case: Case, *, into: Case, note: str = "", acting_user, version: int | None = None
) -> Case:
    """A duplicate joins an open main case reporting the same problem; whoever raised it keeps
    their tracking code and follows the main case (its progress, replies and evaluations, the
    reply SMS). Which kinds may join which: `kinds.may_merge` (citizens' opinions and 12345
    work orders with each other, every other kind within its own). The main case must be one
    its office (or station) may take duplicates into; any other is answered like a case that
    does not exist. Cases already merged into this one follow it to the main case."""
    from lianxin.accounts.access import can

    from .kinds import may_merge

    if into.pk == case.pk:
        raise ValidationFailed(_("不能并入案件本身。"), field="merge_into")
    locked, t = begin(case, "merge", acting_user, version=version)
    target = Case.objects.select_for_update().get(pk=into.pk)
    if acting_user is not None and not can(acting_user, "case.merge_into", target):
        raise _not_found_target()
    if not may_merge(locked.kind, target.kind):
        raise ValidationFailed(
            _(
                "“%(kind)s”不能并入“%(into)s”：群众意见和 12345 工单可以相互合并，其他类别只能并入同一类别的案件。"
            )
            % {"kind": locked.get_kind_display(), "into": target.get_kind_display()},
            field="merge_into",
        )
    if target.merged_into_id or target.is_closed:
        raise ValidationFailed(_("目标案件已办结或已并入其他案件。"), field="merge_into")
    locked.merged_into = target
    text = clean_text(note, field="note", label=_("说明"), required=False)
    # Duplicates already merged into this one now follow the main case.
    followers = list(Case.objects.select_for_update().filter(merged_into=locked).order_by("pk"))
    for c in followers:
        c.merged_into = target
        c.save(update_fields=["merged_into"])
    finish(
        locked,
        t,
        acting_user,
        fields=["merged_into"],
        note=text,
        data={
            "into": target.tracking_code,
            "into_id": target.pk,
            "moved": [c.pk for c in followers],
        },
        is_public=True,
    )
    finish(
        target,
        None,
        acting_user,
        action="merged_in",
        note=text,
        data={"case": locked.pk, "tracking_code": locked.tracking_code, "kind": locked.kind},
    )
    return locked


@transaction.atomic
def do_unmerge_case(case: Case, *, note: str = "", acting_user, version: int | None = None) -> Case:
    """Restore a merged case as its own case: back to the state it had before the merge, with
    its own timeline (the merge and this entry included); it no longer hears of the main case.
    Only the office that owns both cases may; anyone else is answered as if neither existed."""
    from lianxin.accounts.access import can

    current = Case.objects.filter(pk=case.pk).only("merged_into_id").first()
    main = (
        Case.objects.filter(pk=current.merged_into_id).first()
        if current and current.merged_into_id
        else None
    )
    if acting_user is not None and not (
        can(acting_user, "case.unmerge", case)
        and (main is None or can(acting_user, "case.unmerge", main))
    ):
        raise NotFound(_("案件不存在。"))
    locked, t = begin(case, "unmerge", acting_user, version=version)
    merged = CaseEvent.objects.filter(case=locked, action="merge").order_by("-at", "-id").first()
    if merged is None or not merged.from_state or locked.merged_into_id is None:
        raise Conflict(_("本件没有合并记录，不能撤销合并。"), code="invalid_transition")
    target = Case.objects.select_for_update().get(pk=locked.merged_into_id)
    text = clean_text(note, field="note", label=_("说明"), required=False)
    locked.merged_into = None
    finish(
        locked,
        replace(t, target=merged.from_state),
        acting_user,
        fields=["merged_into"],
        note=text,
        data={"from": target.tracking_code, "from_id": target.pk},
        is_public=True,
    )
    finish(
        target,
        None,
        acting_user,
        action="unmerged_out",
        note=text,
        data={"case": locked.pk, "tracking_code": locked.tracking_code, "kind": locked.kind},
    )
    return locked


@transaction.atomic
def do_decline_case(case: Case, *, reason: str, acting_user, version: int | None = None) -> Case:
    reason = clean_text(reason, field="reason", label=_("不予受理的理由"), required=True)
    locked, t = begin(case, "decline", acting_user, version=version)
    locked.concluded_at = timezone.now()
    finish(locked, t, acting_user, fields=["concluded_at"], note=reason, is_public=True)
    return locked


# --- Assignment and handling -----------------------------------------------------------------------


@transaction.atomic
def do_assign_case(
    case: Case,
    *,
    lead_unit,
    co_units: Iterable = (),
    due_date: dt.date | str | None = None,
    is_complex: bool = False,
    note: str = "",
    acting_user,
    version: int | None = None,
) -> Case:
    """Assign to one lead unit and any co-handling units, each due by the kind's policy (the
    longer "complex" deadline when `is_complex`), or on `due_date`; each may ask to return it
    within the return window."""
    if lead_unit is None:
        raise ValidationFailed(_("请选择主办单位。"), field="lead_unit")
    co = [u for u in dict.fromkeys(co_units) if u.pk != lead_unit.pk]
    for unit in [lead_unit, *co]:
        if not unit.is_active:
            raise ValidationFailed(
                _("%(unit)s已停用，不能交办。") % {"unit": unit.name}, field="lead_unit"
            )
    due = _future_date(due_date, field="due_at", label=_("答复期限"))
    locked, t = begin(case, "assign", acting_user, version=version)
    today = dates.today()
    due = due or deadlines.due(
        locked.kind, Step.HANDLE_COMPLEX if is_complex else Step.HANDLE, today
    )
    return_deadline = deadlines.due(locked.kind, Step.RETURN_WINDOW, today)
    busy = {a.unit_id for a in active_assignments(locked)}
    rows = []
    for unit, role in [(lead_unit, Assignment.Role.LEAD), *[(u, Assignment.Role.CO) for u in co]]:
        if unit.pk in busy:
            raise ValidationFailed(
                _("%(unit)s已在办理该案件。") % {"unit": unit.name}, field="co_units"
            )
        rows.append(
            Assignment(
                case=locked,
                unit=unit,
                role=role,
                assigned_by=acting_user,
                due_date=due,
                return_deadline=return_deadline,
            )
        )
    Assignment.objects.bulk_create(rows)
    forget_assignments(locked)
    fields = _set_due(locked, due)
    finish(
        locked,
        t,
        acting_user,
        fields=fields,
        note=clean_text(note, field="note", label=_("交办意见"), required=False),
        data={
            "lead_unit": lead_unit.name,
            "co_units": [u.name for u in co],
            "due_date": due.isoformat(),
            "complex": is_complex,
        },
        is_public=True,
    )
    triage.note_decision(locked, head="unit", chosen=lead_unit.code, acting_user=acting_user)
    return locked


@transaction.atomic
def do_return_case(
    case: Case, *, reason: str, unit=None, acting_user, version: int | None = None
) -> Case:
    """A unit returns a wrong assignment with a reason, within the return window; staff then
    reassign."""
    reason = clean_text(reason, field="reason", label=_("退回理由"), required=True)
    locked, t = begin(case, "return", acting_user, version=version)
    mine = _own_units(acting_user, locked)
    if unit is not None:
        mine = [a for a in mine if a.unit_id == unit.pk]
    if not mine:
        raise ValidationFailed(_("您的单位没有该案件的交办。"), field="unit")
    assignment = mine[0]
    if dates.today() > assignment.return_deadline:
        raise Conflict(
            _("已超过申请退回的期限（%(date)s），请与交办机关联系。")
            % {"date": assignment.return_deadline.isoformat()},
            code="return_window_passed",
        )
    assignment.status = Assignment.Status.RETURNED
    assignment.returned_at = timezone.now()
    assignment.return_reason = reason
    assignment.save(update_fields=["status", "returned_at", "return_reason"])
    forget_assignments(locked)
    finish(
        locked,
        t,
        acting_user,
        note=reason,
        data={"unit": assignment.unit.name, "role": assignment.role},
    )
    return locked


@transaction.atomic
def do_consult_case(
    case: Case,
    *,
    stage: str,
    form: str,
    summary: str,
    held_on: dt.date | str | None = None,
    with_whom: str = "",
    acting_user,
    version: int | None = None,
) -> Consultation:
    if stage not in Consultation.Stage.values:
        raise ValidationFailed(_("沟通阶段有误。"), field="stage")
    if form not in Consultation.Form.values:
        raise ValidationFailed(_("沟通方式有误。"), field="form")
    summary = clean_text(summary, field="summary", label=_("情况摘要"), required=True)
    with_whom = clean_text(
        with_whom, field="with_whom", label=_("沟通对象"), required=False, max_length=100
    )
    if held_on in (None, ""):
        day = dates.today()
    else:
        try:
            day = held_on if isinstance(held_on, dt.date) else dt.date.fromisoformat(str(held_on))
        except ValueError:
            raise ValidationFailed(_("日期格式有误。"), field="held_on") from None
        if day > dates.today():
            raise ValidationFailed(_("沟通日期不能晚于今天。"), field="held_on")
    locked, t = begin(case, "consult", acting_user, version=version)
    mine = _own_units(acting_user, locked)
    consultation = Consultation.objects.create(
        case=locked,
        unit=mine[0].unit if mine else None,
        stage=stage,
        form=form,
        held_on=day,
        with_whom=with_whom,
        summary=summary,
        recorded_by=acting_user,
    )
    finish(
        locked,
        t,
        acting_user,
        note=summary,
        data={
            "stage": stage,
            "form": form,
            "held_on": day.isoformat(),
            "consultation": consultation.pk,
        },
    )
    return consultation


@transaction.atomic
def do_reply_case(
    case: Case,
    *,
    content: str,
    category: str | ReplyCategory | None = None,
    is_public: bool = False,
    attachments: Iterable[dict] = (),
    attachment_ids: Iterable[int] = (),
    acting_user,
    version: int | None = None,
) -> Reply:
    """The lead unit's reply (or the deputy's direct answer), with its A/B/C category. New files
    come as `attachments`; files the replier uploaded to the case beforehand (through
    `attachments.do_attach_case`) are named by `attachment_ids`."""
    content = clean_text(content, field="content", label=_("答复内容"), required=True)
    reply_category = None
    if category not in (None, ""):
        if isinstance(category, ReplyCategory):
            reply_category = category
        else:
            reply_category = ReplyCategory.objects.filter(
                code=str(category).strip().upper()
            ).first()
            if reply_category is None:
                raise ValidationFailed(_("答复类别应为 A、B 或 C。"), field="category")
    locked, t = begin(case, "reply", acting_user, version=version)
    if reply_category is None and locked.workflow.reply_category_required:
        raise ValidationFailed(_("请选择答复类别（A、B 或 C）。"), field="category")
    from .attachments import adoptable, link

    uploads = adoptable(locked, attachment_ids, acting_user=acting_user)
    lead = [a for a in _own_units(acting_user, locked) if a.role == Assignment.Role.LEAD]
    deputy = None
    if not lead and locked.deputy_id:
        from lianxin.accounts.access import grants

        if acting_user is not None and locked.deputy_id in grants(acting_user).deputy_ids:
            deputy = locked.deputy
    reply = Reply.objects.create(
        case=locked,
        round=locked.round,
        unit=lead[0].unit if lead else None,
        deputy=deputy,
        author=acting_user,
        category=reply_category,
        content=content,
        is_public=bool(is_public),
    )
    for spec in attachments:
        Attachment.objects.create(case=locked, reply=reply, uploaded_by=acting_user, **spec)
    link(uploads, reply)
    locked.replied_at = reply.created_at
    finish(
        locked,
        t,
        acting_user,
        fields=["replied_at"],
        note=content if is_public else "",
        data={
            "reply": reply.pk,
            "category": reply_category.code if reply_category else "",
            "by": reply.replier,
            "round": locked.round,
            **({"attachments": [a.pk for a in uploads]} if uploads else {}),
        },
        is_public=True,
    )
    return reply


@transaction.atomic
def do_feedback_case(
    case: Case,
    *,
    content: str,
    method: str = "platform",
    acting_user,
    version: int | None = None,
) -> Case:
    """Tell whoever raised the case what was done (shown on the tracking page; by SMS too when
    they left a number)."""
    content = clean_text(content, field="content", label=_("反馈内容"), required=True)
    if method not in FEEDBACK_METHODS:
        raise ValidationFailed(_("反馈方式有误。"), field="method")
    locked, t = begin(case, "feedback", acting_user, version=version)
    locked.fed_back_at = timezone.now()
    finish(
        locked,
        t,
        acting_user,
        fields=["fed_back_at"],
        note=content,
        data={"method": method},
        is_public=True,
    )
    return locked


FEEDBACK_METHODS = {
    "platform": gettext_lazy("平台反馈"),
    "sms": gettext_lazy("短信"),
    "phone": gettext_lazy("电话"),
    "visit": gettext_lazy("当面"),
    "letter": gettext_lazy("书面"),
}


@transaction.atomic
def do_evaluate_case(
    case: Case,
    *,
    rating: str,
    comment: str = "",
    by_deputy=None,
    acting_user=None,
    as_citizen: bool = False,
    version: int | None = None,
) -> Evaluation:
    """The rating of whoever raised the case: the citizen (on the tracking page, or taken by
    staff on a return call), or a deputy author of a suggestion (`by_deputy`)."""
    if rating not in Rating.values:
        raise ValidationFailed(_("请选择满意、基本满意或不满意。"), field="rating")
    comment = clean_text(
        comment, field="comment", label=_("评价意见"), required=False, max_length=1000
    )
    locked, t = begin(case, "evaluate", acting_user, version=version, as_citizen=as_citizen)
    evaluation = Evaluation.objects.create(
        case=locked,
        round=locked.round,
        rating=rating,
        comment=comment,
        by_citizen=as_citizen,
        by_deputy=by_deputy,
        recorded_by=acting_user,
    )
    locked.rating = rating
    locked.evaluated_at = evaluation.created_at
    finish(
        locked,
        t,
        acting_user,
        fields=["rating", "evaluated_at"],
        note=comment,
        data={"rating": rating, "round": locked.round, "by_citizen": as_citizen},
        is_public=True,
        as_citizen=as_citizen,
    )
    return evaluation


@transaction.atomic
def do_rehandle_case(
    case: Case,
    *,
    reason: str,
    due_date: dt.date | str | None = None,
    acting_user,
    version: int | None = None,
) -> Case:
    """After a dissatisfied rating: handle it again, with a new due date for every unit still on
    it."""
    reason = clean_text(reason, field="reason", label=_("重新办理的要求"), required=True)
    due = _future_date(due_date, field="due_at", label=_("答复期限"))
    locked, t = begin(case, "rehandle", acting_user, version=version)
    due = due or deadlines.due(locked.kind, Step.REHANDLE)
    Assignment.objects.filter(case=locked, status=Assignment.Status.ACTIVE).update(due_date=due)
    forget_assignments(locked)
    locked.round += 1
    locked.rating = ""
    locked.evaluated_at = None
    fields = ["round", "rating", "evaluated_at", *_set_due(locked, due)]
    finish(
        locked,
        t,
        acting_user,
        fields=fields,
        note=reason,
        data={"due_date": due.isoformat(), "round": locked.round},
        is_public=True,
    )
    return locked


@transaction.atomic
def do_supervise_case(case: Case, *, note: str, acting_user, version: int | None = None) -> Case:
    """Mark for key supervision (重点督办), by whom, with notes."""
    note = clean_text(note, field="note", label=_("督办意见"), required=True)
    locked, t = begin(case, "supervise", acting_user, version=version)
    locked.is_key_supervision = True
    locked.supervised_by = acting_user
    locked.supervision_note = note
    finish(
        locked,
        t,
        acting_user,
        fields=["is_key_supervision", "supervised_by", "supervision_note"],
        note=note,
    )
    return locked


@transaction.atomic
def do_remind_case(case: Case, *, note: str = "", acting_user, version: int | None = None) -> Case:
    """催办: remind whoever must act now."""
    note = clean_text(note, field="note", label=_("催办意见"), required=False)
    locked, t = begin(case, "remind", acting_user, version=version)
    finish(locked, t, acting_user, note=note)
    return locked


@transaction.atomic
def do_conclude_case(
    case: Case, *, note: str = "", acting_user, version: int | None = None
) -> Case:
    """办结: after the evaluation, or (by the scan, `acting_user=None`) a set time after the
    feedback without one."""
    note = clean_text(note, field="note", label=_("办结说明"), required=False)
    locked, t = begin(case, "conclude", acting_user, version=version)
    locked.concluded_at = timezone.now()
    auto = acting_user is None
    finish(
        locked,
        t,
        acting_user,
        fields=["concluded_at"],
        note=note or (_("反馈后逾期未评价，系统自动办结。") if auto else ""),
        data={"auto": auto},
        is_public=True,
    )
    return locked


# --- Time-driven, non-transition changes (called by the deadline scan) ----------------------------


@transaction.atomic
def do_mark_overdue_case(case: Case, *, acting_user=None) -> bool:
    """Flag a case whose current step is past its due date; once per due date."""
    locked = lock_case(case)
    step = locked.workflow.deadline_steps.get(locked.state)
    if not step or locked.is_overdue or locked.due_date is None:
        return False
    if locked.due_date >= dates.today():
        return False
    locked.is_overdue = True
    finish(
        locked,
        None,
        acting_user,
        action="overdue",
        fields=["is_overdue"],
        data={"due_date": locked.due_date.isoformat(), "step": step},
    )
    return True


def reveal_contact(case: Case, *, acting_user, request=None) -> str:
    """The full phone number of whoever raised the case: a deliberate action, audited."""
    from lianxin.accounts.access import can
    from lianxin.core.audit import reveal
    from lianxin.core.errors import Forbidden

    if not can(acting_user, "case.view_contact", case):
        raise Forbidden(_("您没有权限查看该案件的联系方式。"))
    return reveal(
        case.contact_phone,
        user=acting_user,
        target=f"case:{case.pk}",
        field="contact_phone",
        request=request,
    )
