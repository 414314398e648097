"""The only writers of consultation events, speeches, results and studios:
`do_<verb>_<object>(…, acting_user)`.

Each checks the caller's right (`access.can`), validates everything before it writes, writes in
one transaction and records one trail row (`xieshang.<verb>`) whose change names who is
credited (the CPPCC and the member seats), so that a member's duty record can be read from the
trail: speeches (`xieshang.record_speech`, `member`), events attended (`xieshang.create_event`
and `xieshang.update_participants`, `participants`), studio activities
(`xieshang.record_activity`, `members`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianxin.accounts.access import can
from lianxin.core import trail
from lianxin.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from lianxin.core.validators import clean_text
from lianxin.org.models import Body, Cppcc, HandlingUnit, Member, Region, SeatStatus

from .models import (
    ConsultationEvent,
    ConsultationResult,
    EventKind,
    ResultCarriedOut,
    ResultState,
    Speech,
    Studio,
    StudioActivity,
)


class NotNow(Conflict):
    """The result is not in a state where this step applies."""

    code = "invalid_transition"


def _require(user, action: str, obj) -> None:
    if not can(user, action, obj):
        raise Forbidden(_("您没有权限进行此操作。"))


def _record(verb: str, obj, acting_user, label: str, cppcc_id: int, **change) -> None:
    trail.record(
        f"xieshang.{verb}",
        actor=acting_user,
        obj=obj,
        object_label=label[:200],
        context={"cppcc_id": cppcc_id},
        change=trail.jsonable({"cppcc": cppcc_id, **change}),
    )


def _date(value, *, field: str, label: str, required: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise ValidationFailed(_("请填写%(label)s。") % {"label": label}, field=field)
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(
            _("%(label)s格式有误，应为 YYYY-MM-DD。") % {"label": label}, field=field
        ) from None


def _ids(values: Iterable | None, *, field: str, label: str) -> list[int]:
    out = []
    for value in values or ():
        try:
            out.append(int(getattr(value, "pk", value)))
        except (TypeError, ValueError):
            raise ValidationFailed(_("%(label)s有误。") % {"label": label}, field=field) from None
    return list(dict.fromkeys(out))


def clean_members(cppcc: Cppcc, values: Iterable | None, *, field: str) -> list[Member]:
    """Serving member seats of `cppcc`; any other id is refused by name."""
    ids = _ids(values, field=field, label=_("委员"))
    found = {
        m.pk: m for m in Member.objects.filter(pk__in=ids, cppcc=cppcc, status=SeatStatus.SERVING)
    }
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValidationFailed(
            _("委员须为%(cppcc)s的在任委员（%(ids)s 不是）。")
            % {"cppcc": cppcc.name, "ids": "、".join(missing)},
            field=field,
        )
    return [found[i] for i in ids]


def sector_members(cppcc: Cppcc, sectors: Iterable | None) -> list[Member]:
    ids = _ids(sectors, field="sectors", label=_("界别"))
    found = set(
        Body.objects.filter(pk__in=ids, cppcc=cppcc, kind=Body.Kind.SECTOR).values_list(
            "pk", flat=True
        )
    )
    if set(ids) - found:
        raise ValidationFailed(_("界别须为本政协的界别。"), field="sectors")
    return list(Member.objects.filter(sector_id__in=ids, status=SeatStatus.SERVING))


def clean_units(values: Iterable | None, *, field: str) -> list[HandlingUnit]:
    ids = _ids(values, field=field, label=_("单位"))
    found = {u.pk: u for u in HandlingUnit.objects.filter(pk__in=ids, is_active=True)}
    if set(ids) - set(found):
        raise ValidationFailed(_("单位有误。"), field=field)
    return [found[i] for i in ids]


def _agenda(values) -> list[str]:
    if isinstance(values, str):
        values = values.splitlines()
    items = [
        clean_text(v, field="agenda", label=_("议程"), required=False, max_length=200)
        for v in values or ()
    ]
    return [i for i in items if i]


# --- Events ----------------------------------------------------------------------------------------


def do_create_event(
    cppcc: Cppcc,
    *,
    kind: str,
    title: str,
    topic: str,
    held_on,
    place: str = "",
    agenda=(),
    joint_with: str = "",
    participants: Iterable = (),
    sectors: Iterable = (),
    invited_units: Iterable = (),
    acting_user,
) -> ConsultationEvent:
    """The CPPCC's staff set up an event; participants are the chosen seats and every serving
    member of the chosen sectors."""
    _require(acting_user, "xieshang.create", cppcc)
    if kind not in EventKind.values:
        raise ValidationFailed(_("请选择协商形式。"), field="kind")
    fields = {
        "kind": kind,
        "title": clean_text(title, field="title", label=_("名称"), required=True, max_length=200),
        "topic": clean_text(
            topic, field="topic", label=_("协商议题"), required=True, max_length=5000
        ),
        "held_on": _date(held_on, field="held_on", label=_("日期")),
        "place": clean_text(place, field="place", label=_("地点"), required=False, max_length=200),
        "agenda": _agenda(agenda),
        "joint_with": clean_text(
            joint_with, field="joint_with", label=_("联动的政协"), required=False, max_length=200
        ),
    }
    if kind == EventKind.JOINT and not fields["joint_with"]:
        raise ValidationFailed(_("联动协商须填写联动的政协。"), field="joint_with")
    seats = clean_members(cppcc, participants, field="participants")
    seats += [
        m for m in sector_members(cppcc, sectors) if m.cppcc_id == cppcc.pk and m not in seats
    ]
    units = clean_units(invited_units, field="invited_units")
    with transaction.atomic():
        event = ConsultationEvent.objects.create(cppcc=cppcc, created_by=acting_user, **fields)
        event.participants.set(seats)
        event.invited_units.set(units)
        _record(
            "create_event",
            event,
            acting_user,
            event.title,
            cppcc.pk,
            kind=kind,
            held_on=event.held_on,
            participants=sorted(m.pk for m in seats),
            invited_units=sorted(u.pk for u in units),
        )
    return event


def _lock_event(event: ConsultationEvent) -> ConsultationEvent:
    row = ConsultationEvent.objects.select_for_update().filter(pk=event.pk).first()
    if row is None:
        raise NotFound(_("未找到该记录。"))
    return row


def do_record_speech(
    event: ConsultationEvent,
    *,
    text: str,
    member=None,
    unit=None,
    speaker_name: str = "",
    acting_user,
) -> Speech:
    """A speech by a member seat of the event's CPPCC, or by a representative of a unit (the
    unit and the person's name)."""
    _require(acting_user, "xieshang.manage", event)
    text = clean_text(text, field="text", label=_("发言内容"), required=True, max_length=20000)
    if (member in (None, "")) == (unit in (None, "")):
        raise ValidationFailed(_("请选择发言委员或发言单位（二者选一）。"), field="speaker")
    seat, speaker_unit, sector = None, None, None
    if member not in (None, ""):
        seat = clean_members(event.cppcc, [member], field="member")[0]
        name = seat.person.name
        sector = seat.sector
    else:
        speaker_unit = clean_units([unit], field="unit")[0]
        name = clean_text(
            speaker_name, field="speaker_name", label=_("发言人"), required=True, max_length=50
        )
    with transaction.atomic():
        row = _lock_event(event)
        speech = Speech.objects.create(
            event=row,
            speaker_member=seat,
            speaker_unit=speaker_unit,
            speaker_name=name,
            sector=sector,
            text=text,
            recorded_by=acting_user,
        )
        _record(
            "record_speech",
            speech,
            acting_user,
            row.title,
            row.cppcc_id,
            event=row.pk,
            member=seat.pk if seat else None,
            unit=speaker_unit.pk if speaker_unit else None,
            sector=sector.pk if sector else None,
        )
    return speech


# --- Results ---------------------------------------------------------------------------------------

# verb → (states it applies in, the state it leads to, its label; lazy: read per request)
STEPS = {
    "send": ((ResultState.RECORDED,), ResultState.SENT, gettext_lazy("报送交办")),
    "adopt": ((ResultState.SENT,), ResultState.ADOPTED, gettext_lazy("登记采纳")),
    "implement": ((ResultState.ADOPTED,), ResultState.IMPLEMENTED, gettext_lazy("登记落实")),
    "feedback": (
        (ResultState.SENT, ResultState.ADOPTED, ResultState.IMPLEMENTED),
        ResultState.FEEDBACK,
        gettext_lazy("登记反馈"),
    ),
}


def may(user, result: ConsultationResult, verb: str) -> bool:
    """Whether a page should offer `verb` on `result` to `user` now."""
    return result.state in STEPS[verb][0] and can(user, "xieshang.manage", result.event)


def do_record_result(
    event: ConsultationEvent, *, title: str, content: str, acting_user
) -> ConsultationResult:
    _require(acting_user, "xieshang.manage", event)
    title = clean_text(title, field="title", label=_("成果名称"), required=True, max_length=200)
    content = clean_text(
        content, field="content", label=_("成果内容"), required=True, max_length=20000
    )
    with transaction.atomic():
        row = _lock_event(event)
        result = ConsultationResult.objects.create(event=row, title=title, content=content)
        _record("record_result", result, acting_user, title, row.cppcc_id, event=row.pk)
    return result


def _lock_result(result: ConsultationResult) -> ConsultationResult:
    row = (
        ConsultationResult.objects.select_for_update()
        .select_related("event__cppcc")
        .filter(pk=result.pk)
        .first()
    )
    if row is None:
        raise NotFound(_("未找到该记录。"))
    return row


def do_advance_result(
    result: ConsultationResult,
    verb: str,
    *,
    on=None,
    units: Iterable = (),
    feedback: str = "",
    version: int | None = None,
    acting_user,
) -> ConsultationResult:
    """One step of a result: send (to units), adopt, implement, feedback (with its text)."""
    if verb not in STEPS:
        raise NotFound(_("未找到该操作。"))
    sources, target, label = STEPS[verb]
    day = _date(on, field="on", label=_("日期"), required=False) or timezone.localdate()
    sent_to = clean_units(units, field="units") if verb == "send" else []
    if verb == "send" and not sent_to:
        raise ValidationFailed(_("请选择报送交办的单位。"), field="units")
    text = ""
    if verb == "feedback":
        text = clean_text(
            feedback, field="feedback", label=_("反馈情况"), required=True, max_length=5000
        )
    with transaction.atomic():
        row = _lock_result(result)
        _require(acting_user, "xieshang.manage", row.event)
        if version is not None and int(version) != row.version:
            raise Conflict(_("该成果已被他人更新，请刷新后再操作。"), code="stale_version")
        if row.state not in sources:
            raise NotNow(
                _("该成果当前为“%(state)s”，不能%(action)s。")
                % {"state": row.get_state_display(), "action": label}
            )
        before = row.state
        fields = {
            "send": "sent_on",
            "adopt": "adopted_on",
            "implement": "implemented_on",
            "feedback": "feedback_on",
        }
        setattr(row, fields[verb], day)
        update = [fields[verb]]
        if verb == "feedback":
            row.feedback = text
            update.append("feedback")
        row.state = target
        row.version += 1
        row.save(update_fields=[*update, "state", "version", "updated_at"])
        if sent_to:
            row.sent_to.set(sent_to)
        _record(
            f"{verb}_result",
            row,
            acting_user,
            row.title,
            row.event.cppcc_id,
            event=row.event_id,
            state=[before, target],
            on=day,
            units=sorted(u.pk for u in sent_to),
        )
    return row


def do_record_carried_out(
    result: ConsultationResult,
    *,
    kind: str,
    document: str,
    number: str = "",
    issued_on,
    acting_user,
) -> ResultCarriedOut:
    """A result taken into a document (民生实事, a plan, a policy), once adopted."""
    if kind not in ResultCarriedOut.Kind.values:
        raise ValidationFailed(_("请选择转化形式。"), field="kind")
    document = clean_text(
        document, field="document", label=_("文件名称"), required=True, max_length=200
    )
    number = clean_text(number, field="number", label=_("文号"), required=False, max_length=100)
    day = _date(issued_on, field="issued_on", label=_("日期"))
    with transaction.atomic():
        row = _lock_result(result)
        _require(acting_user, "xieshang.manage", row.event)
        if row.state not in (ResultState.ADOPTED, ResultState.IMPLEMENTED, ResultState.FEEDBACK):
            raise NotNow(_("成果被采纳后才能登记转化情况。"))
        done = ResultCarriedOut.objects.create(
            result=row,
            kind=kind,
            document=document,
            number=number,
            issued_on=day,
            recorded_by=acting_user,
        )
        _record(
            "record_carried_out",
            done,
            acting_user,
            document,
            row.event.cppcc_id,
            result=row.pk,
            kind=kind,
            number=number,
            issued_on=day,
        )
    return done


# --- Studios ---------------------------------------------------------------------------------------


def do_create_studio(
    cppcc: Cppcc,
    *,
    kind: str,
    name: str,
    region,
    address: str = "",
    members: Iterable = (),
    acting_user,
) -> Studio:
    """A member's studio or a liaison group, in the CPPCC's own region."""
    _require(acting_user, "xieshang.create", cppcc)
    if kind not in Studio.Kind.values:
        raise ValidationFailed(_("请选择类型。"), field="kind")
    name = clean_text(name, field="name", label=_("名称"), required=True, max_length=100)
    address = clean_text(address, field="address", label=_("地址"), required=False, max_length=200)
    code = getattr(region, "code", region)
    place = Region.objects.filter(code=str(code or "")).first()
    if place is None or not place.code.startswith(cppcc.region.code):
        raise ValidationFailed(_("所在区域须在本政协的行政区划内。"), field="region")
    seats = clean_members(cppcc, members, field="members")
    with transaction.atomic():
        studio = Studio.objects.create(
            cppcc=cppcc, kind=kind, name=name, region=place, address=address
        )
        studio.members.set(seats)
        _record(
            "create_studio",
            studio,
            acting_user,
            name,
            cppcc.pk,
            kind=kind,
            region=place.code,
            members=sorted(m.pk for m in seats),
        )
    return studio


def do_record_activity(
    studio: Studio,
    *,
    held_on,
    title: str,
    notes: str = "",
    members: Iterable = (),
    acting_user,
) -> StudioActivity:
    """A dated activity of a studio; the members who took part are the studio's own."""
    _require(acting_user, "xieshang.manage", studio)
    day = _date(held_on, field="held_on", label=_("日期"))
    title = clean_text(title, field="title", label=_("活动名称"), required=True, max_length=200)
    notes = clean_text(notes, field="notes", label=_("活动情况"), required=False, max_length=5000)
    seats = clean_members(studio.cppcc, members, field="members")
    own = set(studio.members.values_list("pk", flat=True))
    if any(m.pk not in own for m in seats):
        raise ValidationFailed(_("参加活动的委员须为该工作室的入驻委员。"), field="members")
    with transaction.atomic():
        activity = StudioActivity.objects.create(
            studio=studio, held_on=day, title=title, notes=notes, recorded_by=acting_user
        )
        activity.members.set(seats)
        _record(
            "record_activity",
            activity,
            acting_user,
            title,
            studio.cppcc_id,
            studio=studio.pk,
            held_on=day,
            members=sorted(m.pk for m in seats),
        )
    return activity
