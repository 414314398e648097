"""Endpoints of activities and invitations under /api/v1/duty: the same actions and rules as
the pages."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from lianxin.accounts.access import can, get_visible_or_404, grants
from lianxin.core.errors import Forbidden, ValidationFailed
from lianxin.core.paging import page_of
from lianxin.org.models import Congress, HandlingUnit

from . import actions, proposals, queries
from .models import Activity, Invitation
from .printing import checkin_url

router = Router(tags=["duty"])


class ActivityIn(Schema):
    title: str
    kind: str
    topic: str = ""
    expertise: list[int] = []
    description: str = ""
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    capacity: int | None = None
    hours: float | None = None
    organiser_body: int | None = None
    congress_id: int | None = None  # the office's congress (staff)
    unit_id: int | None = None  # the proposing unit (unit officers)


class ActivityOut(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    congress_id: int
    organiser: str
    topic: str
    expertise: list[str]
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    capacity: int | None
    hours: float | None
    checkin_url: str | None


class InvitationOut(Schema):
    id: int
    activity_id: int
    activity_title: str
    deputy_id: int
    deputy_name: str
    match_reason: str
    answer: str
    answer_reason: str
    attendance: str
    signed_in_at: dt.datetime | None
    signed_in_by: str
    hours: float | None


class ProposalOut(Schema):
    deputy_id: int
    name: str
    score: int
    reason: str


class ReasonIn(Schema):
    reason: str = ""


class DecideIn(Schema):
    approve: bool
    reason: str = ""


class InviteIn(Schema):
    deputies: list[int]


class AnswerIn(Schema):
    accept: bool
    reason: str = ""


class AttendanceIn(Schema):
    attendance: str
    note: str = ""


class Page(Schema):
    total: int
    items: list[ActivityOut]


def _activity_out(a: Activity, user) -> dict:
    return {
        "id": a.pk,
        "title": a.title,
        "kind": a.kind,
        "kind_label": str(a.get_kind_display()),
        "status": a.status,
        "status_label": str(a.get_status_display()),
        "congress_id": a.congress_id,
        "organiser": a.organiser_name,
        "topic": a.topic,
        "expertise": [e.name for e in a.expertise.all()],
        "starts_at": a.starts_at,
        "ends_at": a.ends_at,
        "place": a.place,
        "capacity": a.capacity,
        "hours": float(a.hours) if a.hours is not None else None,
        "checkin_url": checkin_url(a) if can(user, "activity.manage", a) else None,
    }


def _invitation_out(i: Invitation) -> dict:
    return {
        "id": i.pk,
        "activity_id": i.activity_id,
        "activity_title": i.activity.title,
        "deputy_id": i.deputy_id,
        "deputy_name": i.deputy.person.name,
        "match_reason": i.match_reason,
        "answer": i.answer,
        "answer_reason": i.answer_reason,
        "attendance": i.attendance,
        "signed_in_at": i.signed_in_at,
        "signed_in_by": i.signed_in_by,
        "hours": float(i.hours) if i.hours is not None else None,
    }


def _activity(request, activity_id: int) -> Activity:
    return get_visible_or_404(
        request.user,
        Activity.objects.select_related("congress", "organiser_body", "organiser_unit"),
        pk=activity_id,
    )


def _invitation(request, invitation_id: int) -> Invitation:
    return get_visible_or_404(
        request.user,
        Invitation.objects.select_related("activity", "deputy__person"),
        pk=invitation_id,
    )


@router.get("/duty/activities", response=Page, summary="履职活动列表")
def list_activities(request, limit: int = 50, offset: int = 0):
    if not can(request.user, "activity.list"):
        raise Forbidden(_("您没有权限进行此操作。"))
    qs = queries.activities(request.user).prefetch_related("expertise")
    rows, total = page_of(qs, limit=limit, offset=offset)
    return {"total": total, "items": [_activity_out(a, request.user) for a in rows]}


@router.post("/duty/activities", response={201: ActivityOut}, summary="新建活动或申请活动")
def create_activity(request, body: ActivityIn):
    data = body.dict()
    if body.unit_id is not None:
        unit = HandlingUnit.objects.filter(pk=body.unit_id).first()
        if unit is None or unit.pk not in grants(request.user).unit_ids:
            raise Forbidden(_("您没有权限进行此操作。"))
        activity = actions.do_propose_activity(unit, data, acting_user=request.user)
    else:
        congress = Congress.objects.filter(pk=body.congress_id).first()
        if congress is None:
            raise ValidationFailed(_("请选择组织活动的人大。"), field="congress_id")
        activity = actions.do_create_activity(congress, data, acting_user=request.user)
    return Status(201, _activity_out(activity, request.user))


@router.get("/duty/activities/{activity_id}", response=ActivityOut, summary="活动详情")
def get_activity(request, activity_id: int):
    return _activity_out(_activity(request, activity_id), request.user)


@router.put("/duty/activities/{activity_id}", response=ActivityOut, summary="修改活动")
def change_activity(request, activity_id: int, body: ActivityIn):
    activity = actions.do_change_activity(
        _activity(request, activity_id), body.dict(), acting_user=request.user
    )
    return _activity_out(activity, request.user)


@router.post("/duty/activities/{activity_id}/cancel", response=ActivityOut, summary="取消活动")
def cancel_activity(request, activity_id: int, body: ReasonIn):
    activity = actions.do_cancel_activity(
        _activity(request, activity_id), reason=body.reason, acting_user=request.user
    )
    return _activity_out(activity, request.user)


@router.post(
    "/duty/activities/{activity_id}/decide", response=ActivityOut, summary="审批单位的活动申请"
)
def decide_activity(request, activity_id: int, body: DecideIn):
    activity = actions.do_decide_activity(
        _activity(request, activity_id),
        approve=body.approve,
        reason=body.reason,
        acting_user=request.user,
    )
    return _activity_out(activity, request.user)


@router.get(
    "/duty/activities/{activity_id}/proposals",
    response=list[ProposalOut],
    summary="按专业领域推荐邀请的代表",
)
def activity_proposals(request, activity_id: int, delegation: int | None = None, region: str = ""):
    activity = _activity(request, activity_id)
    if not can(request.user, "activity.manage", activity):
        raise Forbidden(_("您没有权限进行此操作。"))
    return [
        {
            "deputy_id": p.deputy.pk,
            "name": p.deputy.person.name,
            "score": p.score,
            "reason": p.reason,
        }
        for p in proposals.propose(activity, delegation_id=delegation, region_code=region)
    ]


@router.get(
    "/duty/activities/{activity_id}/invitations",
    response=list[InvitationOut],
    summary="活动的邀请名单",
)
def activity_invitations(request, activity_id: int):
    activity = _activity(request, activity_id)
    if not can(request.user, "activity.manage", activity):
        raise Forbidden(_("您没有权限进行此操作。"))
    rows = activity.invitations.select_related("activity", "deputy__person")
    return [_invitation_out(i) for i in rows]


@router.post(
    "/duty/activities/{activity_id}/invitations",
    response={201: list[InvitationOut]},
    summary="发出邀请",
)
def send_invitations(request, activity_id: int, body: InviteIn):
    activity = _activity(request, activity_id)
    reasons = {}
    if can(request.user, "activity.manage", activity):
        wanted = set(body.deputies)
        reasons = {
            p.deputy.pk: p.reason
            for p in proposals.propose(activity, limit=100000)
            if p.deputy.pk in wanted
        }
    made = actions.do_send_invitations(
        activity, body.deputies, reasons=reasons, acting_user=request.user
    )
    return Status(201, [_invitation_out(i) for i in made])


@router.get("/duty/invitations", response=list[InvitationOut], summary="我的活动邀请")
def my_invitations(request):
    return [_invitation_out(i) for i in queries.my_invitations(request.user)[:200]]


@router.post("/duty/invitations/{invitation_id}/answer", response=InvitationOut, summary="答复邀请")
def answer_invitation(request, invitation_id: int, body: AnswerIn):
    inv = actions.do_answer_invitation(
        _invitation(request, invitation_id),
        accept=body.accept,
        reason=body.reason,
        acting_user=request.user,
    )
    return _invitation_out(inv)


@router.post(
    "/duty/invitations/{invitation_id}/sign-in",
    response=InvitationOut,
    summary="按名单签到（组织单位）",
)
def list_sign_in(request, invitation_id: int):
    inv = actions.do_sign_in(
        _invitation(request, invitation_id), how=Invitation.SignIn.LIST, acting_user=request.user
    )
    return _invitation_out(inv)


@router.post(
    "/duty/invitations/{invitation_id}/attendance",
    response=InvitationOut,
    summary="登记请假或缺席",
)
def record_attendance(request, invitation_id: int, body: AttendanceIn):
    inv = actions.do_record_attendance(
        _invitation(request, invitation_id),
        attendance=body.attendance,
        note=body.note,
        acting_user=request.user,
    )
    return _invitation_out(inv)


@router.post("/duty/checkin/{code}", response=InvitationOut, summary="扫码签到（受邀代表）")
def scan_sign_in(request, code: str):
    activity = actions.activity_for_code(code)
    inv = actions.invitation_for_scan(activity, request.user)
    inv = actions.do_sign_in(inv, how=Invitation.SignIn.SCAN, acting_user=request.user)
    return _invitation_out(inv)
