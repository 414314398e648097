"""Pieces of the loop that any seat takes part in, whatever the kind: co-sponsorship (invite,
confirm, decline, a reply-by date), the unit head's internal sign-off of a reply, commitments a
reply made, extension requests and satisfaction surveys.

A seat is a deputy's (org.Deputy) or a CPPCC member's (org.Member): suggestions and motions use
these for deputies, proposals for members. The functions here change the rows and check what is
the same for every kind; the kind's action wraps them between `actions.begin` and
`actions.finish` (one trail event per action) and decides who hears of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.accounts.access import can, grants
from lianxin.core import dates
from lianxin.core.errors import Conflict, Forbidden, ValidationFailed
from lianxin.core.validators import clean_text

from .actions import finish, lock_case
from .models import (
    Assignment,
    Case,
    Commitment,
    CoSponsor,
    ExtensionRequest,
    Rating,
    Reply,
    ReplyCategory,
    ReplySignoff,
    SurveyAnswer,
    SurveyRound,
)
from .queries import active_assignments, forget_assignments, pending_reply, unsigned_replies
from .rules import case_office

# --- Seats ----------------------------------------------------------------------------------------


def seat_field(seat) -> str:
    """`deputy` for a deputy's seat, `member` for a CPPCC member's."""
    name = seat._meta.model_name
    if name not in ("deputy", "member"):
        raise TypeError(f"not a seat: {seat!r}")
    return name


def own_seats(g, prefix: str = "") -> Q:
    """The rows that belong to one of the seats of the holder of grants `g`."""
    return Q(**{f"{prefix}deputy_id__in": g.deputy_ids}) | Q(
        **{f"{prefix}member_id__in": g.member_ids}
    )


def lead_seat(case: Case):
    """Who raised the case as its lead: a deputy's or a member's seat (or None)."""
    return case.raised_by_deputy if case.raised_by_deputy_id else case.raised_by_member


# --- Co-sponsorship ---------------------------------------------------------------------------------


def invite(
    case: Case,
    seats: Sequence,
    *,
    source: str = CoSponsor.Source.INVITED,
    respond_by: dt.date | None = None,
    status: str = CoSponsor.Status.INVITED,
) -> list[CoSponsor]:
    """Ask these seats to co-sponsor the case (each once); `respond_by` is the last day to
    answer. Rows made by a merger or a conversion come confirmed (`status`)."""
    if not seats:
        return []
    now = timezone.now()
    rows = [
        CoSponsor(
            case=case,
            source=source,
            status=status,
            respond_by=respond_by,
            responded_at=now if status == CoSponsor.Status.CONFIRMED else None,
            **{seat_field(s): s},
        )
        for s in seats
    ]
    return CoSponsor.objects.bulk_create(rows)


def respond(locked: Case, acting_user, *, accept: bool, seat=None) -> CoSponsor:
    """An invited seat confirms or declines; the office of the case may record an answer given
    on paper (`seat` names whose). Refused after the reply-by date. The caller writes the
    trail event (`actions.finish`)."""
    g = grants(acting_user)
    rows = CoSponsor.objects.select_for_update(of=("self",)).filter(case=locked)
    if seat is not None:
        field = seat_field(seat)
        row = rows.filter(**{field: seat}).first()
        own = seat.pk in (g.deputy_ids if field == "deputy" else g.member_ids)
        if row is None:
            raise ValidationFailed(_("该代表（委员）不在联名邀请之列。"), field=field)
        if not own and not case_office(g, locked):
            raise Forbidden(_("只能确认本人的联名。"))
    else:
        row = rows.filter(own_seats(g)).order_by("id").first()
        if row is None:
            raise ValidationFailed(_("您不在联名邀请之列。"), field="deputy")
    if row.status != CoSponsor.Status.INVITED:
        raise Conflict(_("该联名邀请已答复。"), code="already_answered")
    if row.respond_by is not None and dates.today() > row.respond_by:
        raise Conflict(
            _("联名确认已于 %(date)s 截止。") % {"date": row.respond_by.isoformat()},
            code="invitation_lapsed",
        )
    row.status = CoSponsor.Status.CONFIRMED if accept else CoSponsor.Status.DECLINED
    row.responded_at = timezone.now()
    row.recorded_by = acting_user
    row.save(update_fields=["status", "responded_at", "recorded_by"])
    return row


def cosponsored(g) -> Q | None:
    """The cases one of these seats is invited to co-sponsor (for a kind's `visibility`)."""
    if not (g.deputy_ids or g.member_ids):
        return None
    return Q(pk__in=CoSponsor.objects.filter(own_seats(g)).values("case_id"))


def confirmed(case: Case) -> list[CoSponsor]:
    return list(
        CoSponsor.objects.filter(case=case, status=CoSponsor.Status.CONFIRMED).select_related(
            "deputy__person", "member__person"
        )
    )


# --- The unit's internal sign-off and the commitments of a reply ------------------------------------


def clean_commitment(commitment, category: ReplyCategory | None) -> tuple[str, dt.date] | None:
    """A reply's commitment: its content and the date it is due. A category-B reply (being
    solved, or planned) must make one."""
    if commitment in (None, "", {}):
        if category is not None and category.code == "B":
            raise ValidationFailed(_("B 类答复须写明承诺事项及完成时间。"), field="commitment")
        return None
    if isinstance(commitment, str):
        raise ValidationFailed(
            _("承诺事项应包括内容（content）和完成时间（due_on）。"), field="commitment"
        )
    content = clean_text(
        commitment.get("content"),
        field="commitment.content",
        label=_("承诺事项"),
        max_length=2000,
        required=True,
    )
    raw = commitment.get("due_on")
    if raw in (None, ""):
        raise ValidationFailed(_("请填写承诺完成时间。"), field="commitment.due_on")
    try:
        due = raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw)[:10])
    except ValueError:
        raise ValidationFailed(
            _("承诺完成时间格式有误，应为 YYYY-MM-DD。"), field="commitment.due_on"
        ) from None
    if due < dates.today():
        raise ValidationFailed(_("承诺完成时间不能早于今天。"), field="commitment.due_on")
    if due > dates.today() + dt.timedelta(days=366 * 5):
        raise ValidationFailed(_("承诺完成时间不能超过五年。"), field="commitment.due_on")
    return content, due


def promise(case: Case, reply: Reply, promised: tuple[str, dt.date] | None) -> Commitment | None:
    """Record what the reply promised; it waits for the sign-off to become open."""
    if not promised:
        return None
    return Commitment.objects.create(
        case_id=case.pk, reply=reply, unit=reply.unit, content=promised[0], due_on=promised[1]
    )


def signer_refusal(case: Case, user) -> Forbidden | None:
    """Why an officer of the unit that wrote the reply awaiting sign-off may not sign it off
    (the kind's rule is `casework.rules.case_signer`): he holds no signing role, or he wrote it
    himself. None for anyone else, who gets the general refusal."""
    g = grants(user)
    reply = pending_reply(case)
    if reply is None or reply.unit_id not in g.unit_ids:
        return None
    if reply.unit_id not in g.signing_unit_ids:
        return Forbidden(_("答复须由本单位的签发人签发，您未被设为签发人。"), code="not_signer")
    if reply.author_id is not None and reply.author_id == g.user_id:
        return _own_reply()
    return None


def _own_reply() -> Forbidden:
    return Forbidden(
        _("答复须由本单位另一位签发人签发，不能签发本人拟写的答复。"), code="own_reply"
    )


def sign_off(locked: Case, *, approve: bool, note: str, acting_user) -> Reply:
    """A signer of the unit (not the reply's author) signs the latest reply letter off (its
    commitments open, a pending extension request lapses) or sends it back (its commitments
    are void)."""
    reply = (
        unsigned_replies(locked).select_for_update(of=("self",)).select_related("category").first()
    )
    if reply is None:
        raise Conflict(_("没有待签发的答复。"), code="invalid_transition")
    if acting_user is not None and reply.author_id == acting_user.pk:
        # The kind's rule refuses it already (case_signer); a kind that forgot it still may not.
        raise _own_reply()
    commitments = Commitment.objects.filter(reply=reply, status=Commitment.Status.PENDING)
    if approve:
        if reply.category_id is None:
            raise ValidationFailed(
                _("该答复未标明答复类别，不能签发，请退回经办人修改。"), field="approve"
            )
        if reply.category.code == "B" and not commitments.exists():
            raise ValidationFailed(
                _("B 类答复未写明承诺事项，不能签发，请退回经办人修改。"), field="approve"
            )
    ReplySignoff.objects.create(reply=reply, approved=approve, signed_by=acting_user, note=note)
    if approve:
        lapse_pending_extensions(locked)
    commitments.update(status=Commitment.Status.OPEN if approve else Commitment.Status.VOID)
    return reply


def do_close_commitment(
    commitment: Commitment, *, kept: bool, note: str, acting_user
) -> Commitment:
    """Mark a commitment kept (the unit that made it, or the office) or not kept (the office),
    with what was done; recorded on the case's timeline, whatever state it is in."""
    note = clean_text(note, field="note", label=_("兑现情况"), required=True)
    row = (
        Commitment.objects.select_for_update(of=("self",))
        .select_related("case", "unit")
        .get(pk=commitment.pk)
    )
    rule = "commitment.close" if kept else "commitment.mark_not_kept"
    if acting_user is not None and not can(acting_user, rule, row):
        raise Forbidden(_("您不能对该承诺事项销号。"))
    if row.status != Commitment.Status.OPEN:
        raise Conflict(_("该承诺事项已销号。"), code="already_closed")
    row.status = Commitment.Status.KEPT if kept else Commitment.Status.NOT_KEPT
    row.closed_at = timezone.now()
    row.closed_by = acting_user
    row.close_note = note
    row.save(update_fields=["status", "closed_at", "closed_by", "close_note"])
    locked = lock_case(row.case)
    finish(
        locked,
        None,
        acting_user,
        action="commitment_kept" if kept else "commitment_not_kept",
        note=note,
        data={"commitment": row.pk, "content": row.content[:200], "due_on": row.due_on.isoformat()},
        is_public=True,
    )
    return row


# --- Extension requests -------------------------------------------------------------------------------

# An extension may reach at most this far past the current due date.
MAX_EXTENSION_DAYS = 366
DECISIONS = ("approve", "reject")


def later_than(day: dt.date, current: dt.date | None, *, field: str) -> dt.date:
    if current is not None and day <= current:
        raise ValidationFailed(
            _("延期后的答复期限应晚于现答复期限（%(date)s）。") % {"date": current.isoformat()},
            field=field,
        )
    if day < dates.today():
        raise ValidationFailed(_("延期后的答复期限不能早于今天。"), field=field)
    if current is not None and day > current + dt.timedelta(days=MAX_EXTENSION_DAYS):
        raise ValidationFailed(_("延期不能超过一年。"), field=field)
    return day


def request_extension(locked: Case, *, reason: str, wanted: dt.date, acting_user):
    """The lead unit's request (the caller checked the body and began the action)."""
    units = grants(acting_user).unit_ids if acting_user is not None else None
    lead = [
        a
        for a in active_assignments(locked)
        if a.role == Assignment.Role.LEAD and (units is None or a.unit_id in units)
    ]
    if not lead:
        raise Forbidden(_("只有主办单位可以申请延期。"))
    wanted = later_than(wanted, locked.due_date, field="due_at")
    assignment = lead[0]
    return ExtensionRequest.objects.create(
        case=locked,
        assignment=assignment,
        unit=assignment.unit,
        reason=reason,
        due_before=locked.due_date,
        requested_due=wanted,
        requested_by=acting_user,
    )


def decide_extension(
    locked: Case, *, approve: bool, note: str, other: dt.date | None, acting_user
) -> tuple[ExtensionRequest, list[str], dict]:
    """Approve the pending request (the case and every active assignment are then due on the
    approved date, and the overdue flag is lifted) or reject it. Returns the row, the case's
    changed fields and the event's data."""
    row = (
        ExtensionRequest.objects.select_for_update(of=("self",))
        .select_related("unit", "assignment")
        .get(case=locked, status=ExtensionRequest.Status.PENDING)
    )
    before = locked.due_date
    fields: list[str] = []
    data = {
        "extension": row.pk,
        "decision": "approve" if approve else "reject",
        "unit": row.unit.name,
        "unit_id": row.unit_id,
        "requested_due": row.requested_due.isoformat(),
    }
    if approve:
        if row.assignment.status != Assignment.Status.ACTIVE:
            raise Conflict(
                _("%(unit)s已退回交办，该申请不能再同意。") % {"unit": row.unit.name},
                code="invalid_transition",
            )
        new_due = later_than(other or row.requested_due, before, field="due_at")
        Assignment.objects.filter(case=locked, status=Assignment.Status.ACTIVE).update(
            due_date=new_due
        )
        forget_assignments(locked)
        locked.due_date = new_due
        locked.is_overdue = False
        fields = ["due_date", "is_overdue"]
        row.approved_due = new_due
        data["due_date_before"] = before.isoformat() if before else ""
        data["due_date"] = new_due.isoformat()
    row.status = ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.REJECTED
    row.decided_by = acting_user
    row.decided_at = timezone.now()
    row.decision_note = note
    row.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "approved_due"])
    return row, fields, data


def lapse_pending_extensions(case: Case) -> int:
    """A reply signed off answers the case: a request still pending has nothing left to extend
    (called inside the sign-off's transaction)."""
    return ExtensionRequest.objects.filter(
        case_id=case.pk, status=ExtensionRequest.Status.PENDING
    ).update(status=ExtensionRequest.Status.LAPSED, decided_at=timezone.now())


def withdraw_orphaned_extensions(locked: Case, acting_user) -> list[ExtensionRequest]:
    """A pending request whose assignment is no longer active (the lead unit returned it) has
    nobody left to reply: it is withdrawn, with an entry on the timeline, and leaves the
    office's list. Called inside the return's transaction, with the case locked."""
    rows = list(
        ExtensionRequest.objects.select_for_update(of=("self",))
        .select_related("unit")
        .filter(case_id=locked.pk, status=ExtensionRequest.Status.PENDING)
        .exclude(assignment__status=Assignment.Status.ACTIVE)
    )
    for row in rows:
        row.status = ExtensionRequest.Status.WITHDRAWN
        row.decided_at = timezone.now()
        row.save(update_fields=["status", "decided_at"])
        finish(
            locked,
            None,
            acting_user,
            action="extension_withdrawn",
            note=_("%(unit)s已退回交办，其延期申请（申请延至%(date)s）随之撤回。")
            % {"unit": row.unit.name, "date": row.requested_due.isoformat()},
            data={
                "extension": row.pk,
                "unit": row.unit.name,
                "requested_due": row.requested_due.isoformat(),
            },
        )
    return rows


# --- Satisfaction surveys ---------------------------------------------------------------------------


def open_survey(locked: Case, seats: Iterable, *, note: str, acting_user) -> SurveyRound:
    """A new round asking each of these seats once."""
    seats = list(seats)
    if not seats:
        raise ValidationFailed(_("没有可参加测评的代表或委员。"), field="note")
    last = SurveyRound.objects.filter(case=locked).aggregate(n=Max("number"))["n"] or 0
    survey = SurveyRound.objects.create(
        case=locked, number=last + 1, note=note, opened_by=acting_user
    )
    SurveyAnswer.objects.bulk_create(
        [SurveyAnswer(round=survey, **{seat_field(s): s}) for s in seats]
    )
    return survey


def answer_survey(locked: Case, *, rating: str, comment: str, acting_user) -> SurveyAnswer:
    """A seat asked in the open round rates the handling; answering again before the round
    closes replaces the answer."""
    if rating not in Rating.values:
        raise ValidationFailed(_("请选择满意、基本满意或不满意。"), field="rating")
    if acting_user is None:
        raise Forbidden(_("满意度测评须由代表（委员）本人填写。"))
    answer = (
        SurveyAnswer.objects.select_for_update(of=("self",))
        .select_related("deputy__person", "member__person", "round")
        .filter(own_seats(grants(acting_user)), round__case=locked, round__closed_at__isnull=True)
        .order_by("id")
        .first()
    )
    if answer is None:
        raise Forbidden(_("只有受邀参加测评的代表（委员）可以填写。"))
    answer.changed = bool(answer.rating)
    answer.rating = rating
    answer.comment = comment
    answer.answered_at = timezone.now()
    answer.answered_by = acting_user
    answer.save(update_fields=["rating", "comment", "answered_at", "answered_by"])
    return answer


def close_survey(locked: Case, *, acting_user) -> SurveyRound:
    survey = SurveyRound.objects.select_for_update().get(case=locked, closed_at__isnull=True)
    survey.closed_at = timezone.now()
    survey.closed_by = acting_user
    survey.save(update_fields=["closed_at", "closed_by"])
    return survey


def survey_tally(survey: SurveyRound) -> dict[str, int]:
    """How many seats were asked, how many answered, and how many gave each rating."""
    answers = list(survey.answers.all())
    out = {"asked": len(answers), "answered": sum(1 for a in answers if a.rating)}
    for value in Rating.values:
        out[value] = sum(1 for a in answers if a.rating == value)
    return out
