"""The only writers of activities and invitations.

Pages, the API, the demo and the reminder scan call these. Each checks the caller's right with
`access.can`, validates (a clear Chinese message naming the field), writes inside one
transaction and records one trail row per change (`duty.<verb>`), so nothing is half-saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.accounts.access import can
from lianxin.casework.attachments import clean_upload
from lianxin.core import trail
from lianxin.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from lianxin.core.queue import enqueue_with_transaction
from lianxin.core.validators import clean_text
from lianxin.org.models import Body, Congress, Deputy, Expertise, HandlingUnit, SeatStatus

from .models import Activity, DutyPost, DutyPostPhoto, Invitation, Material, ScoringRule

MAX_MATERIALS = 10


def sign_in_opens_minutes() -> int:
    """How long before the start the sign-in opens (setting `DUTY_SIGN_IN_OPENS_MINUTES`)."""
    return int(getattr(settings, "DUTY_SIGN_IN_OPENS_MINUTES", 60))


def late_after_minutes() -> int:
    """A sign-in this long after the start counts as late (`DUTY_LATE_AFTER_MINUTES`)."""
    return int(getattr(settings, "DUTY_LATE_AFTER_MINUTES", 15))


def _require(user, action: str, obj) -> None:
    if not can(user, action, obj):
        raise Forbidden(_("您没有权限进行此操作。"))


def _trail(verb: str, obj, acting_user, *, activity: Activity, deputy_id=None, **change):
    context = {"congress_id": activity.congress_id}
    if deputy_id:
        context["deputy_id"] = deputy_id
    if activity.organiser_unit_id:
        context["unit_ids"] = [activity.organiser_unit_id]
    return trail.event(
        f"duty.{verb}",
        actor=acting_user,
        obj=obj,
        context=context,
        change=trail.jsonable(change),
    )


def _record(verb: str, obj, acting_user, *, activity: Activity, **change) -> None:
    trail.record_many([_trail(verb, obj, acting_user, activity=activity, **change)])


# --- Field cleaners ------------------------------------------------------------------------------
def _datetime(value, *, field: str, label: str) -> dt.datetime:
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise ValidationFailed(_("请填写%(label)s。") % {"label": label}, field=field)
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValidationFailed(
                _("%(label)s格式不正确，应为“年-月-日 时:分”。") % {"label": label}, field=field
            ) from None
    if not isinstance(value, dt.datetime):
        raise ValidationFailed(_("请填写%(label)s。") % {"label": label}, field=field)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _positive_int(value, *, field: str, label: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(_("%(label)s应为整数。") % {"label": label}, field=field) from None
    if number < 1 or number > 100000:
        raise ValidationFailed(
            _("%(label)s应在 1 至 100000 之间。") % {"label": label}, field=field
        )
    return number


def _hours(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("培训学时应为数字。"), field="hours") from None
    if not number.is_finite() or number <= 0 or number > 1000:
        raise ValidationFailed(_("培训学时应大于 0，且不超过 1000。"), field="hours")
    return number.quantize(Decimal("0.1"))


def clean_activity(data: dict, congress: Congress) -> dict:
    """The fields of an activity from a form or an API body (title, kind, topic, expertise ids,
    description, starts_at, ends_at, place, capacity, hours, organiser_body id)."""
    kind = str(data.get("kind") or "")
    if kind not in Activity.Kind.values:
        raise ValidationFailed(_("请选择活动类别。"), field="kind")
    starts = _datetime(data.get("starts_at"), field="starts_at", label=_("开始时间"))
    ends = _datetime(data.get("ends_at"), field="ends_at", label=_("结束时间"))
    if ends <= starts:
        raise ValidationFailed(_("结束时间应晚于开始时间。"), field="ends_at")
    if ends - starts > dt.timedelta(days=31):
        raise ValidationFailed(_("一次活动不能超过 31 天。"), field="ends_at")
    hours = _hours(data.get("hours"))
    if kind == Activity.Kind.TRAINING and hours is None:
        raise ValidationFailed(_("培训须填写学时。"), field="hours")
    if kind != Activity.Kind.TRAINING:
        hours = None
    expertise_ids = [int(x) for x in (data.get("expertise") or []) if str(x).strip().isdigit()]
    expertise = list(Expertise.objects.filter(pk__in=expertise_ids))
    if len(expertise) != len(set(expertise_ids)):
        raise ValidationFailed(_("所选专业领域不存在。"), field="expertise")
    body = None
    if data.get("organiser_body"):
        body = Body.objects.filter(
            pk=data["organiser_body"], congress=congress, kind__in=Body.CONGRESS_KINDS
        ).first()
        if body is None:
            raise ValidationFailed(_("组织机构应为本级人大的机构。"), field="organiser_body")
    return {
        "title": clean_text(
            data.get("title"), field="title", label=_("活动名称"), required=True, max_length=200
        ),
        "kind": kind,
        "topic": clean_text(
            data.get("topic"), field="topic", label=_("主题"), required=False, max_length=200
        ),
        "description": clean_text(
            data.get("description"), field="description", label=_("活动说明"), required=False
        ),
        "starts_at": starts,
        "ends_at": ends,
        "place": clean_text(
            data.get("place"), field="place", label=_("地点"), required=True, max_length=200
        ),
        "capacity": _positive_int(data.get("capacity"), field="capacity", label=_("人数上限")),
        "hours": hours,
        "organiser_body": body,
        "expertise": expertise,
    }


# --- Activities ----------------------------------------------------------------------------------
def _save_new(fields: dict, *, congress: Congress, acting_user, verb: str, **extra) -> Activity:
    expertise = fields.pop("expertise")
    activity = Activity(congress=congress, created_by=acting_user, **fields, **extra)
    activity.save()
    activity.expertise.set(expertise)
    _record(
        verb,
        activity,
        acting_user,
        activity=activity,
        kind=activity.kind,
        starts_at=activity.starts_at,
        status=activity.status,
        expertise=[e.name for e in expertise],
    )
    return activity


def do_create_activity(congress: Congress, data: dict, *, acting_user) -> Activity:
    """The office of `congress` organises an activity (published at once)."""
    _require(acting_user, "activity.create", congress)
    fields = clean_activity(data, congress)
    with transaction.atomic():
        return _save_new(
            fields,
            congress=congress,
            acting_user=acting_user,
            verb="create_activity",
            status=Activity.Status.PUBLISHED,
        )


def congress_of_unit(unit: HandlingUnit) -> Congress | None:
    """The congress that approves a unit's events: the one of the unit's own region."""
    return Congress.objects.filter(region_id=unit.region_id).order_by("pk").first()


def do_propose_activity(unit: HandlingUnit, data: dict, *, acting_user) -> Activity:
    """An officer of a state organ proposes an event inviting deputies; the congress's office
    approves it before anyone is invited."""
    congress = congress_of_unit(unit)
    if congress is None or not can(acting_user, "activity.propose", (congress, unit)):
        raise Forbidden(_("您没有权限进行此操作。"))
    fields = clean_activity({**data, "organiser_body": None}, congress)
    with transaction.atomic():
        return _save_new(
            fields,
            congress=congress,
            acting_user=acting_user,
            verb="propose_activity",
            status=Activity.Status.PROPOSED,
            organiser_unit=unit,
        )


def _lock(activity: Activity) -> Activity:
    return Activity.objects.select_for_update().get(pk=activity.pk)


def do_decide_activity(activity: Activity, *, approve: bool, reason: str = "", acting_user):
    """The office approves (publishes) or rejects (with a reason) a unit's proposed event."""
    _require(acting_user, "activity.manage", activity)
    reason = clean_text(
        reason, field="reason", label=_("原因"), required=not approve, max_length=500
    )
    with transaction.atomic():
        row = _lock(activity)
        if row.status != Activity.Status.PROPOSED:
            raise Conflict(_("该活动不在待审批状态。"), code="not_proposed")
        row.status = Activity.Status.PUBLISHED if approve else Activity.Status.REJECTED
        row.status_reason = reason
        row.save(update_fields=["status", "status_reason", "updated_at"])
        _record(
            "approve_activity" if approve else "reject_activity",
            row,
            acting_user,
            activity=row,
            reason=reason,
        )
    return row


def do_change_activity(activity: Activity, data: dict, *, acting_user) -> Activity:
    _require(acting_user, "activity.manage", activity)
    fields = clean_activity(data, activity.congress)
    expertise = fields.pop("expertise")
    with transaction.atomic():
        row = _lock(activity)
        if row.status == Activity.Status.CANCELLED:
            raise Conflict(_("该活动已取消，不能修改。"), code="cancelled")
        before = {k: getattr(row, k) for k in fields}
        for key, value in fields.items():
            setattr(row, key, value)
        row.save()
        row.expertise.set(expertise)
        changed = {k: [before[k], fields[k]] for k in fields if before[k] != fields[k]}
        _record("change_activity", row, acting_user, activity=row, **changed)
    return row


def _notify_deputies(invitations: Iterable[Invitation], *, verb: str, title: str, body: str = ""):
    from lianxin.accounts import access
    from lianxin.notifications.tasks import notify_users

    by_person: dict[int, list[Invitation]] = {}
    for inv in invitations:
        by_person.setdefault(inv.deputy.person_id, []).append(inv)
    if not by_person:
        return
    seats = [inv.deputy_id for invs in by_person.values() for inv in invs]
    for user in access.deputy_seat_holders(seats):
        inv = by_person[user.person_id][0]
        enqueue_with_transaction(notify_users, [user.pk], verb, title, body, inv.get_absolute_url())


def do_cancel_activity(activity: Activity, *, reason: str, acting_user) -> Activity:
    """Cancel an activity; every invited deputy is told."""
    _require(acting_user, "activity.manage", activity)
    reason = clean_text(reason, field="reason", label=_("取消原因"), required=True, max_length=500)
    with transaction.atomic():
        row = _lock(activity)
        if row.status == Activity.Status.CANCELLED:
            raise Conflict(_("该活动已取消。"), code="cancelled")
        row.status = Activity.Status.CANCELLED
        row.status_reason = reason
        row.save(update_fields=["status", "status_reason", "updated_at"])
        _record("cancel_activity", row, acting_user, activity=row, reason=reason)
        invited = list(row.invitations.select_related("deputy"))
        _notify_deputies(
            invited,
            verb="duty_cancelled",
            title=_("活动已取消：%(title)s") % {"title": row.title},
            body=reason,
        )
    return row


def do_add_material(activity: Activity, upload, *, acting_user) -> Material:
    _require(acting_user, "activity.manage", activity)
    spec = clean_upload(upload)
    spec.pop("kind", None)
    with transaction.atomic():
        row = _lock(activity)
        if row.materials.count() >= MAX_MATERIALS:
            raise ValidationFailed(
                _("每个活动最多上传 %(n)s 份材料。") % {"n": MAX_MATERIALS}, field="file"
            )
        material = Material.objects.create(activity=row, **spec)
        _record("add_material", material, acting_user, activity=row, name=material.original_name)
    return material


# --- Invitations ---------------------------------------------------------------------------------
def overlapping(activity: Activity):
    """Other live activities whose time overlaps this one's."""
    return Activity.objects.filter(
        starts_at__lt=activity.ends_at,
        ends_at__gt=activity.starts_at,
        status__in=[Activity.Status.PUBLISHED, Activity.Status.PROPOSED],
    ).exclude(pk=activity.pk)


def busy_deputy_ids(activity: Activity) -> set[int]:
    """Deputies already invited (and not on leave) to an activity at the same time."""
    return set(
        Invitation.objects.filter(activity__in=overlapping(activity))
        .exclude(answer=Invitation.Answer.DECLINED)
        .values_list("deputy_id", flat=True)
    )


def do_send_invitations(
    activity: Activity,
    deputy_ids: Iterable[int],
    *,
    reasons: dict[int, str] | None = None,
    acting_user,
) -> list[Invitation]:
    """Invite these deputy seats, all or none: each must serve in the organiser's congress, not
    be invited already, and not be expected at another activity at the same time; the capacity
    holds. One trail row per invitation; each deputy is told."""
    _require(acting_user, "activity.manage", activity)
    ids = list(dict.fromkeys(int(x) for x in deputy_ids))
    if not ids:
        raise ValidationFailed(_("请至少选择一位代表。"), field="deputies")
    reasons = reasons or {}
    with transaction.atomic():
        row = _lock(activity)
        if row.status != Activity.Status.PUBLISHED:
            raise Conflict(_("只有已发布的活动才能发出邀请。"), code="not_published")
        if row.ends_at <= timezone.now():
            raise Conflict(_("活动已结束，不能再发出邀请。"), code="ended")
        seats = {
            d.pk: d for d in Deputy.objects.filter(pk__in=ids).select_related("person", "congress")
        }
        outside = [
            seats[i].person.name if i in seats else str(i)
            for i in ids
            if i not in seats
            or seats[i].congress_id != row.congress_id
            or seats[i].status != SeatStatus.SERVING
        ]
        if outside:
            raise ValidationFailed(
                _("以下代表不是%(congress)s的在任代表，不能邀请：%(names)s。")
                % {"congress": row.congress.name, "names": "、".join(outside)},
                field="deputies",
                code="outside_congress",
            )
        already = set(row.invitations.filter(deputy_id__in=ids).values_list("deputy_id", flat=True))
        if already:
            raise Conflict(
                _("以下代表已在邀请名单中：%(names)s。")
                % {"names": "、".join(seats[i].person.name for i in ids if i in already)},
                code="already_invited",
            )
        busy = busy_deputy_ids(row) & set(ids)
        if busy:
            raise Conflict(
                _("以下代表已受邀参加同一时间的其他活动：%(names)s。")
                % {"names": "、".join(seats[i].person.name for i in ids if i in busy)},
                code="busy",
            )
        if row.capacity is not None:
            taken = row.invitations.exclude(answer=Invitation.Answer.DECLINED).count()
            if taken + len(ids) > row.capacity:
                raise ValidationFailed(
                    _(
                        "本次活动人数上限为 %(cap)s 人，已邀请 %(taken)s 人，最多还能邀请 %(left)s 人。"
                    )
                    % {"cap": row.capacity, "taken": taken, "left": max(0, row.capacity - taken)},
                    field="deputies",
                    code="over_capacity",
                )
        Invitation.objects.bulk_create(
            [
                Invitation(activity=row, deputy=seats[i], match_reason=reasons.get(i, "")[:300])
                for i in ids
            ]
        )
        made = list(row.invitations.filter(deputy_id__in=ids).select_related("deputy__person"))
        trail.record_many(
            _trail(
                "invite",
                inv,
                acting_user,
                activity=row,
                deputy=inv.deputy_id,
                reason=inv.match_reason,
            )
            for inv in made
        )
        _notify_deputies(
            made,
            verb="duty_invited",
            title=_("活动邀请：%(title)s") % {"title": row.title},
            body=_("%(when)s，%(place)s。请及时答复是否参加。")
            % {
                "when": timezone.localtime(row.starts_at).strftime("%Y-%m-%d %H:%M"),
                "place": row.place,
            },
        )
    return made


def _lock_invitation(invitation: Invitation) -> Invitation:
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("activity", "deputy__person")
        .get(pk=invitation.pk)
    )


def do_answer_invitation(
    invitation: Invitation, *, accept: bool, reason: str = "", acting_user
) -> Invitation:
    """The deputy accepts, or asks for leave with a reason (请假); the answer may change until
    the activity starts."""
    _require(acting_user, "invitation.answer", invitation)
    reason = clean_text(
        reason, field="reason", label=_("请假事由"), required=not accept, max_length=500
    )
    with transaction.atomic():
        row = _lock_invitation(invitation)
        activity = row.activity
        if activity.status != Activity.Status.PUBLISHED:
            raise Conflict(_("该活动已取消或未发布，无需答复。"), code="not_published")
        if timezone.now() >= activity.starts_at:
            raise Conflict(_("活动已开始，不能再更改答复；请联系组织单位。"), code="started")
        row.answer = Invitation.Answer.ACCEPTED if accept else Invitation.Answer.DECLINED
        row.answer_reason = "" if accept else reason
        row.answered_at = timezone.now()
        if not accept:
            row.attendance = Invitation.Attendance.ON_LEAVE
            row.attendance_note = reason
        elif row.attendance == Invitation.Attendance.ON_LEAVE:
            row.attendance, row.attendance_note = "", ""
        row.save(
            update_fields=[
                "answer",
                "answer_reason",
                "answered_at",
                "attendance",
                "attendance_note",
                "updated_at",
            ]
        )
        _record(
            "accept_invitation" if accept else "decline_invitation",
            row,
            acting_user,
            activity=activity,
            deputy_id=row.deputy_id,
            reason=reason,
        )
    return row


def sign_in_window(activity: Activity) -> tuple[dt.datetime, dt.datetime]:
    return activity.starts_at - dt.timedelta(minutes=sign_in_opens_minutes()), activity.ends_at


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%m月%d日 %H:%M")


def do_sign_in(
    invitation: Invitation, *, how: str, acting_user, at: dt.datetime | None = None
) -> Invitation:
    """Sign a deputy in: by scanning (the deputy, `invitation.sign_in`) or on the organiser's
    list (the office, `activity.manage`). Only within the window around the start; a second
    sign-in is refused and changes nothing; after the start plus the grace period it is late.
    A training counts its hours."""
    at = at or timezone.now()
    action = "invitation.sign_in" if how == Invitation.SignIn.SCAN else "activity.manage"
    _require(
        acting_user, action, invitation if how == Invitation.SignIn.SCAN else invitation.activity
    )
    with transaction.atomic():
        row = _lock_invitation(invitation)
        activity = row.activity
        if activity.status != Activity.Status.PUBLISHED:
            raise Conflict(_("该活动已取消或未发布，不能签到。"), code="not_published")
        if row.signed_in_at is not None:
            raise Conflict(
                _("%(name)s已于 %(at)s 签到，无需重复签到。")
                % {"name": row.deputy.person.name, "at": _local(row.signed_in_at)},
                code="already_signed_in",
            )
        opens, closes = sign_in_window(activity)
        if not opens <= at <= closes:
            raise Conflict(
                _("不在签到时间内：本次活动 %(opens)s 开始签到，%(closes)s 截止。")
                % {"opens": _local(opens), "closes": _local(closes)},
                code="outside_window",
            )
        late = at > activity.starts_at + dt.timedelta(minutes=late_after_minutes())
        row.signed_in_at = at
        row.signed_in_by = how
        row.attendance = Invitation.Attendance.LATE if late else Invitation.Attendance.PRESENT
        row.attendance_note = ""
        if activity.kind == Activity.Kind.TRAINING:
            row.hours = activity.hours
        row.save(
            update_fields=[
                "signed_in_at",
                "signed_in_by",
                "attendance",
                "attendance_note",
                "hours",
                "updated_at",
            ]
        )
        _record(
            "sign_in",
            row,
            acting_user,
            activity=activity,
            deputy_id=row.deputy_id,
            how=how,
            attendance=row.attendance,
            at=at,
        )
    return row


def invitation_for_scan(activity: Activity, user) -> Invitation:
    """The scanning deputy's invitation to `activity`: one of the user's seats must be on the
    list, else a clear refusal."""
    from lianxin.accounts.access import grants

    g = grants(user)
    if not g.deputy_ids:
        raise Forbidden(_("只有受邀代表本人可以扫码签到。"), code="not_invited")
    inv = activity.invitations.filter(deputy_id__in=list(g.deputy_ids)).first()
    if inv is None:
        raise Forbidden(
            _("您不在“%(title)s”的邀请名单中，不能签到；如需参加，请联系组织单位。")
            % {"title": activity.title},
            code="not_invited",
        )
    return inv


def activity_for_code(code: str) -> Activity:
    activity = Activity.objects.select_related("congress").filter(checkin_code=code).first()
    if activity is None:
        raise NotFound(_("签到码无效，请扫描活动现场的签到二维码。"))
    return activity


def do_record_attendance(
    invitation: Invitation, *, attendance: str, note: str = "", acting_user
) -> Invitation:
    """The office records what happened for someone who did not sign in: leave (with the
    reason), absence, or presence marked by hand."""
    _require(acting_user, "activity.manage", invitation.activity)
    if attendance not in (
        Invitation.Attendance.ON_LEAVE,
        Invitation.Attendance.ABSENT,
        Invitation.Attendance.PRESENT,
        Invitation.Attendance.LATE,
    ):
        raise ValidationFailed(_("请选择出席情况。"), field="attendance")
    note = clean_text(
        note,
        field="note",
        label=_("说明"),
        required=attendance == Invitation.Attendance.ON_LEAVE,
        max_length=500,
    )
    with transaction.atomic():
        row = _lock_invitation(invitation)
        activity = row.activity
        if timezone.now() < activity.starts_at and attendance != Invitation.Attendance.ON_LEAVE:
            raise Conflict(_("活动尚未开始，只能登记请假。"), code="not_started")
        before = row.attendance
        row.attendance = attendance
        row.attendance_note = note
        if attendance in (Invitation.Attendance.PRESENT, Invitation.Attendance.LATE):
            row.hours = activity.hours if activity.kind == Activity.Kind.TRAINING else None
        else:
            row.hours = None
        row.save(update_fields=["attendance", "attendance_note", "hours", "updated_at"])
        _record(
            "record_attendance",
            row,
            acting_user,
            activity=activity,
            deputy_id=row.deputy_id,
            attendance=[before, attendance],
            note=note,
        )
    return row


# --- Duty posts and scoring rules (M11) --------------------------------------------------------
MAX_POST_PHOTOS = 9


def _post_trail(verb: str, post, acting_user, **change) -> None:
    trail.record(
        f"duty.{verb}",
        actor=acting_user,
        obj=post,
        context={
            "deputy_id": post.deputy_id,
            "congress_id": post.deputy.congress_id,
            **({"station_id": post.station_id} if post.station_id else {}),
        },
        change=trail.jsonable(change),
    )


def do_submit_post(
    deputy: Deputy, *, title: str, content: str, date, photos=(), acting_user
) -> DutyPost:
    """A deputy posts a duty of one of his seats (text and up to nine photos, checked and
    re-encoded as every photo is); it waits for the station manager or the office."""
    from django.core.files.base import ContentFile

    from lianxin.casework.photos import clean_photos

    _require(acting_user, "dutypost.submit", deputy)
    title = clean_text(title, field="title", label=_("履职事项"), required=True, max_length=100)
    content = clean_text(
        content, field="content", label=_("履职情况"), required=True, max_length=5000
    )
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date.strip())
        except ValueError:
            raise ValidationFailed(_("请填写履职日期。"), field="date") from None
    if not isinstance(date, dt.date):
        raise ValidationFailed(_("请填写履职日期。"), field="date")
    today = timezone.localdate()
    if date > today:
        raise ValidationFailed(_("履职日期不能晚于今天。"), field="date")
    if date < today - dt.timedelta(days=366):
        raise ValidationFailed(_("只能登记一年以内的履职。"), field="date")
    cleaned = clean_photos(list(photos), max_photos=MAX_POST_PHOTOS)
    membership = getattr(deputy, "station_membership", None)
    with transaction.atomic():
        post = DutyPost.objects.create(
            deputy=deputy,
            station_id=membership.station_id if membership else None,
            title=title,
            content=content,
            date=date,
        )
        for photo in cleaned:
            row = DutyPostPhoto(post=post, original_name=photo.name)
            row.file.save(f"{post.pk}.jpg", ContentFile(photo.data), save=False)
            row.save()
        _post_trail("submit_post", post, acting_user, title=title, photos=len(cleaned))
    return post


def do_decide_post(post: DutyPost, *, approve: bool, reason: str = "", acting_user) -> DutyPost:
    """Approve a pending post (it then counts in the record) or return it with a reason; a post
    is decided once."""
    _require(acting_user, "dutypost.decide", post)
    reason = clean_text(
        reason, field="reason", label=_("退回原因"), required=not approve, max_length=500
    )
    with transaction.atomic():
        row = DutyPost.objects.select_for_update().select_related("deputy").get(pk=post.pk)
        if row.status != DutyPost.Status.PENDING:
            raise Conflict(
                _("该履职登记已于 %(at)s %(status)s，不能重复审核。")
                % {"at": _local(row.decided_at), "status": row.get_status_display()},
                code="already_decided",
            )
        row.status = DutyPost.Status.APPROVED if approve else DutyPost.Status.RETURNED
        row.reason = "" if approve else reason
        row.decided_by = acting_user
        row.decided_at = timezone.now()
        row.save(update_fields=["status", "reason", "decided_by", "decided_at", "updated_at"])
        _post_trail("approve_post" if approve else "return_post", row, acting_user, reason=reason)
    return row


def _rule_trail(verb: str, row, acting_user, **change) -> None:
    trail.record(
        f"duty.{verb}",
        actor=acting_user,
        obj=row,
        context={"congress_id": row.congress_id},
        change=trail.jsonable(change),
    )


def do_save_scoring_rule(rule: ScoringRule, *, acting_user) -> ScoringRule:
    """Save a scoring rule or grade band (the administrator, in the admin) after its checks, and
    recompute the points of the congress's year."""
    from django.core.exceptions import ValidationError

    from . import scoring

    if not can(acting_user, "admin.site", None):
        raise Forbidden(_("您没有权限进行此操作。"))
    try:
        rule.full_clean()
    except ValidationError as exc:
        # The first check's code ("duplicate_rule", "overlapping_bands" …) and field go along.
        errors = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
        field, first = next(iter(errors.items()))
        raise ValidationFailed(
            "；".join(exc.messages),
            code=first[0].code or None,
            field=field if field != "__all__" else None,
        ) from None
    with transaction.atomic():
        created = rule.pk is None
        rule.save()
        _rule_trail(
            "save_scoring_rule" if isinstance(rule, ScoringRule) else "save_grade_band",
            rule,
            acting_user,
            created=created,
            **{
                f.name: getattr(rule, f.attname)
                for f in rule._meta.concrete_fields
                if f.name not in ("id", "congress")
            },
        )
        scoring.recompute(rule.congress_id, rule.year)
    return rule


def do_delete_scoring_rule(rule, *, acting_user) -> None:
    from . import scoring

    if not can(acting_user, "admin.site", None):
        raise Forbidden(_("您没有权限进行此操作。"))
    with transaction.atomic():
        _rule_trail("delete_scoring_rule", rule, acting_user, id=rule.pk)
        congress_id, year = rule.congress_id, rule.year
        rule.delete()
        scoring.recompute(congress_id, year)


# The default rules a congress starts from (the demo, a new year): points per duty, caps, and
# the grade bands of the year's points.
DEFAULT_RULES = (
    # kind, outcome, points, cap, cap period, absence deduction
    ("activity", "", 3, 30, "year", 2),
    ("training", "", 2, None, "year", 2),
    ("suggestion", "submitted", 5, 20, "year", 0),
    ("suggestion", "cosponsored", 2, 10, "year", 0),
    ("suggestion", "class_a", 3, None, "year", 0),
    ("motion", "submitted", 8, None, "year", 0),
    ("motion", "cosponsored", 2, 10, "year", 0),
    ("reception", "", 2, 8, "quarter", 0),
    ("opinion", "", 2, 10, "quarter", 0),
    ("post", "", 2, 6, "quarter", 0),
    ("report", "", 5, 5, "year", 0),
    # An opinion on a consultation counts; one adopted counts more (issue 11, item 4).
    ("consultation", "opinion_given", 1, 10, "quarter", 0),
    ("consultation", "adopted", 3, None, "year", 0),
    ("consultation", "partly_adopted", 2, None, "year", 0),
)
DEFAULT_BANDS = (
    ("excellent", 60, None),
    ("competent", 40, 60),
    ("basic", 20, 40),
    ("incompetent", -1000, 20),
)


def do_set_default_scoring(congress: Congress, year: int, *, acting_user) -> int:
    """Give a congress's year the default rules and bands (those it has not set) and recompute
    its points; returns how many rows were added."""
    from . import scoring
    from .models import GradeBand

    if not can(acting_user, "admin.site", None):
        raise Forbidden(_("您没有权限进行此操作。"))
    with transaction.atomic():
        have = set(
            ScoringRule.objects.filter(congress=congress, year=year).values_list("kind", "outcome")
        )
        rules = [
            ScoringRule(
                congress=congress,
                year=year,
                kind=kind,
                outcome=outcome,
                points=points,
                cap=cap,
                cap_period=period,
                absence_deduction=deduction,
            )
            for kind, outcome, points, cap, period, deduction in DEFAULT_RULES
            if (kind, outcome) not in have
        ]
        ScoringRule.objects.bulk_create(rules)
        graded = set(
            GradeBand.objects.filter(congress=congress, year=year).values_list("grade", flat=True)
        )
        bands = [
            GradeBand(congress=congress, year=year, grade=g, min_points=lo, max_points=hi)
            for g, lo, hi in DEFAULT_BANDS
            if g not in graded
        ]
        if graded and bands:
            raise Conflict(
                _("该年度已设置部分评定等次，请在管理后台逐项补充。"), code="partial_bands"
            )
        GradeBand.objects.bulk_create(bands)
        trail.record(
            "duty.set_default_scoring",
            actor=acting_user,
            obj=congress,
            context={"congress_id": congress.pk},
            change={"year": year, "rules": len(rules), "bands": len(bands)},
        )
        scoring.recompute(congress.pk, year)
    return len(rules) + len(bands)
