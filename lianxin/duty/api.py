"""Endpoints of activities and invitations under /api/v1/duty: the same actions and rules as
the pages."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from lianxin.accounts.access import can, get_visible_or_404, grants
from lianxin.core.errors import Forbidden, NotFound, ValidationFailed
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


# --- The duty record, posts, scores and rules (M11) -------------------------------------------
class EntryOut(Schema):
    id: int
    deputy_id: int
    kind: str
    kind_label: str
    outcome: str
    outcome_label: str
    date: dt.date
    title: str
    points: int
    source_type: str
    source_id: str
    source_url: str
    trail_event_id: int


class RecordOut(Schema):
    deputy_id: int
    year: int
    quarter: int | None
    points: int
    rank: int | None
    of: int
    grade: str
    entries: list[EntryOut]


class PostOut(Schema):
    id: int
    deputy_id: int
    deputy_name: str
    station_id: int | None
    title: str
    content: str
    date: dt.date
    status: str
    status_label: str
    reason: str
    photos: int


class DecidePostIn(Schema):
    approve: bool
    reason: str = ""


class ScoreRowOut(Schema):
    deputy_id: int
    name: str
    delegation: str
    station: str
    points: int
    rank: int
    grade: str
    grade_label: str


class ScoresOut(Schema):
    congress_id: int
    year: int
    quarter: int | None
    rows: list[ScoreRowOut]


class RuleOut(Schema):
    id: int
    kind: str
    kind_label: str
    outcome: str
    points: int
    cap: int | None
    cap_period: str
    absence_deduction: int


class BandOut(Schema):
    grade: str
    grade_label: str
    min_points: int
    max_points: int | None


class RulesOut(Schema):
    congress_id: int
    year: int
    rules: list[RuleOut]
    bands: list[BandOut]


def _entry_out(e) -> dict:
    from .record import link_of

    return {
        "id": e.pk,
        "deputy_id": e.deputy_id,
        "kind": e.kind,
        "kind_label": str(e.get_kind_display()),
        "outcome": e.outcome,
        "outcome_label": str(e.get_outcome_display()),
        "date": e.date,
        "title": e.title,
        "points": e.points,
        "source_type": e.source_type,
        "source_id": e.source_id,
        "source_url": link_of(e),
        "trail_event_id": e.trail_id,
    }


def _post_out(p) -> dict:
    return {
        "id": p.pk,
        "deputy_id": p.deputy_id,
        "deputy_name": p.deputy.person.name,
        "station_id": p.station_id,
        "title": p.title,
        "content": p.content,
        "date": p.date,
        "status": p.status,
        "status_label": str(p.get_status_display()),
        "reason": p.reason,
        "photos": p.photos.count(),
    }


def _period(year: int | None, quarter: int | None) -> tuple[int, int | None]:
    from lianxin.core import dates

    year = year or dates.today().year
    if not 2000 <= year <= 2100:
        raise ValidationFailed(_("年度有误。"), field="year")
    if quarter is not None and quarter not in (1, 2, 3, 4):
        raise ValidationFailed(_("季度应为 1 至 4。"), field="quarter")
    return year, quarter


def _congress(request, congress_id: int) -> Congress:
    row = Congress.objects.select_related("region").filter(pk=congress_id).first()
    if row is None:
        raise NotFound(_("未找到该人大。"))
    return row


@router.get(
    "/duty/seats/{deputy_id}/record", response=RecordOut, summary="代表（某一身份）的履职记录"
)
def seat_record(request, deputy_id: int, year: int | None = None, quarter: int | None = None):
    """The entries of one seat in a year or quarter, each with its points, the page of the
    object that earned it and the trail event it was read from; the seat's rank in its
    congress. The deputy's own seats, the station's deputies, the offices and leaders above."""
    from lianxin.org.models import Deputy

    from . import scoring

    year, quarter = _period(year, quarter)
    rows = queries.record_of(request.user, deputy_id)
    seat = Deputy.objects.filter(pk=deputy_id).select_related("congress__region").first()
    if seat is None or not can(request.user, "dutyentry.read_seat", seat):
        raise NotFound(_("未找到该代表。"))
    start, end = scoring.quarter_range(year, quarter)
    entries = list(rows.filter(date__gte=start, date__lte=end)[:1000])
    board = scoring.scoreboard(seat.congress_id, year, quarter)
    row = board.of(seat.pk)
    return {
        "deputy_id": seat.pk,
        "year": year,
        "quarter": quarter,
        "points": row.points if row else sum(e.points for e in entries),
        "rank": row.rank if row else None,
        "of": len(board.rows),
        "grade": row.grade if row else "",
        "entries": [_entry_out(e) for e in entries],
    }


@router.get("/duty/posts", response=list[PostOut], summary="履职登记（本人的，及待本人审核的）")
def list_posts(request, status: str = ""):
    qs = queries.posts(request.user).prefetch_related("photos").order_by("-created_at")
    if status:
        qs = qs.filter(status=status)
    return [_post_out(p) for p in qs[:200]]


@router.post(
    "/duty/posts",
    response={201: PostOut},
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["deputy", "title", "content", "date"],
                        "properties": {
                            "deputy": {"type": "integer", "description": "本人的代表身份"},
                            "title": {"type": "string"},
                            "content": {"type": "string"},
                            "date": {"type": "string", "format": "date"},
                            "photos": {
                                "type": "array",
                                "maxItems": 9,
                                "items": {"type": "string", "format": "binary"},
                            },
                        },
                    }
                }
            }
        }
    },
)
def submit_post(request):
    """登记一项履职（multipart/form-data：`deputy`、`title`、`content`、`date`，照片 `photos`
    最多 9 张，检查并重新编码）；经联络站管理员或代表工作机构审核通过后计入履职记录。"""
    from lianxin.org.models import Deputy

    value = (request.POST.get("deputy") or "").strip()
    seat = (
        Deputy.objects.filter(pk=int(value)).select_related("congress").first()
        if value.isdigit()
        else None
    )
    if seat is None or seat.pk not in grants(request.user).deputy_ids:
        raise ValidationFailed(_("请选择本人的代表身份。"), field="deputy")
    post = actions.do_submit_post(
        seat,
        title=request.POST.get("title", ""),
        content=request.POST.get("content", ""),
        date=request.POST.get("date", ""),
        photos=request.FILES.getlist("photos"),
        acting_user=request.user,
    )
    return Status(201, _post_out(post))


def _post(request, post_id: int):
    from .models import DutyPost

    return get_visible_or_404(
        request.user,
        DutyPost.objects.select_related("deputy__person", "deputy__congress"),
        pk=post_id,
    )


@router.get("/duty/posts/{post_id}", response=PostOut, summary="履职登记详情")
def get_post(request, post_id: int):
    return _post_out(_post(request, post_id))


@router.post("/duty/posts/{post_id}/decide", response=PostOut, summary="审核履职登记：通过或退回")
def decide_post(request, post_id: int, body: DecidePostIn):
    post = actions.do_decide_post(
        _post(request, post_id), approve=body.approve, reason=body.reason, acting_user=request.user
    )
    return _post_out(post)


@router.get("/duty/scores", response=ScoresOut, summary="履职积分排名")
def get_scores(
    request,
    congress: int,
    year: int | None = None,
    quarter: int | None = None,
    delegation: int | None = None,
    station: int | None = None,
):
    """A congress's ranking for a quarter or the year (ties share a rank), by delegation or
    station; the grade is of the year's points. Its office, the offices above and leaders."""
    from . import scoring

    year, quarter = _period(year, quarter)
    row = _congress(request, congress)
    if not can(request.user, "duty.scores", row):
        raise NotFound(_("未找到该人大。"))
    board = scoring.scoreboard(row.pk, year, quarter, delegation_id=delegation, station_id=station)
    return {
        "congress_id": row.pk,
        "year": year,
        "quarter": quarter,
        "rows": [r.__dict__ for r in board.rows],
    }


@router.get("/duty/scoring-rules", response=RulesOut, summary="积分规则与评定等次（只读）")
def scoring_rules(request, congress: int, year: int | None = None):
    """The scoring rules and grade bands of a congress's year (edited in the administration)."""
    from .models import GradeBand, ScoringRule

    year, _quarter = _period(year, None)
    row = _congress(request, congress)
    if not can(request.user, "scoringrule.read", row):
        raise NotFound(_("未找到该人大。"))
    rules = ScoringRule.objects.filter(congress=row, year=year)
    bands = GradeBand.objects.filter(congress=row, year=year)
    return {
        "congress_id": row.pk,
        "year": year,
        "rules": [
            {
                "id": r.pk,
                "kind": r.kind,
                "kind_label": str(r.get_kind_display()),
                "outcome": r.outcome,
                "points": r.points,
                "cap": r.cap,
                "cap_period": r.cap_period,
                "absence_deduction": r.absence_deduction,
            }
            for r in rules
        ],
        "bands": [
            {
                "grade": b.grade,
                "grade_label": str(b.get_grade_display()),
                "min_points": b.min_points,
                "max_points": b.max_points,
            }
            for b in bands
        ],
    }


# --- Duty reports (述职报告) -----------------------------------------------------------------
class ReportIn(Schema):
    deputy_id: int  # one of the caller's own seats
    period_start: dt.date
    period_end: dt.date
    title: str = ""


class ReportEditIn(Schema):
    title: str
    body: str


class ReportOut(Schema):
    id: int
    deputy_id: int
    deputy_name: str
    period_start: dt.date
    period_end: dt.date
    title: str
    body: str
    figures: dict
    status: str
    status_label: str
    reason: str
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    published_at: dt.datetime | None


class PublishIn(Schema):
    publish: bool = True


def _report_out(r) -> dict:
    return {
        "id": r.pk,
        "deputy_id": r.deputy_id,
        "deputy_name": r.deputy.person.name,
        "period_start": r.period_start,
        "period_end": r.period_end,
        "title": r.title,
        "body": r.body,
        "figures": r.figures,
        "status": r.status,
        "status_label": str(r.get_status_display()),
        "reason": r.reason,
        "submitted_at": r.submitted_at,
        "decided_at": r.decided_at,
        "published_at": r.published_at,
    }


def _report(request, report_id: int):
    from .models import DutyReport

    return get_visible_or_404(
        request.user,
        DutyReport.objects.select_related("deputy__person", "deputy__congress"),
        pk=report_id,
    )


@router.get("/duty/reports", response=list[ReportOut], summary="述职报告（本人的，及可查看的）")
def list_reports(request, status: str = "", deputy_id: int | None = None):
    from lianxin.accounts.access import visible_to

    from .models import DutyReport

    qs = visible_to(request.user, DutyReport).select_related("deputy__person", "deputy__congress")
    if status:
        if status not in DutyReport.Status.values:
            raise ValidationFailed(_("状态有误。"), field="status")
        qs = qs.filter(status=status)
    if deputy_id is not None:
        qs = qs.filter(deputy_id=deputy_id)
    return [_report_out(r) for r in qs.order_by("-period_end", "-pk")[:200]]


@router.post("/duty/reports", response={201: ReportOut}, summary="由履职记录生成述职报告草稿")
def draft_report(request, body: ReportIn):
    from lianxin.org.models import Deputy

    from . import reports

    seat = Deputy.objects.select_related("person", "congress").filter(pk=body.deputy_id).first()
    if seat is None or not can(request.user, "dutyreport.write", seat):
        raise NotFound(_("未找到该代表。"))
    report = reports.do_draft_report(
        seat,
        period_start=body.period_start,
        period_end=body.period_end,
        title=body.title,
        acting_user=request.user,
    )
    return Status(201, _report_out(report))


@router.get("/duty/reports/{report_id}", response=ReportOut, summary="述职报告详情")
def get_report(request, report_id: int):
    return _report_out(_report(request, report_id))


@router.put("/duty/reports/{report_id}", response=ReportOut, summary="修改述职报告（草稿或退回的）")
def edit_report(request, report_id: int, body: ReportEditIn):
    from . import reports

    row = reports.do_edit_report(
        _report(request, report_id), title=body.title, body=body.body, acting_user=request.user
    )
    return _report_out(row)


@router.post("/duty/reports/{report_id}/submit", response=ReportOut, summary="提交述职报告审核")
def submit_report(request, report_id: int):
    from . import reports

    return _report_out(
        reports.do_submit_report(_report(request, report_id), acting_user=request.user)
    )


@router.post(
    "/duty/reports/{report_id}/decide", response=ReportOut, summary="审核述职报告：通过或退回"
)
def decide_report(request, report_id: int, body: DecidePostIn):
    from . import reports

    row = reports.do_decide_report(
        _report(request, report_id),
        approve=body.approve,
        reason=body.reason,
        acting_user=request.user,
    )
    return _report_out(row)


@router.post(
    "/duty/reports/{report_id}/publish", response=ReportOut, summary="在公开页面发布或撤下"
)
def publish_report(request, report_id: int, body: PublishIn):
    from . import reports

    row = reports.do_publish_report(
        _report(request, report_id), publish=body.publish, acting_user=request.user
    )
    return _report_out(row)


# --- Stories (履职故事) --------------------------------------------------------------------------
class StoryIn(Schema):
    deputy_id: int
    title: str
    body: str


class StoryOut(Schema):
    id: int
    deputy_id: int
    deputy_name: str
    title: str
    body: str
    status: str
    status_label: str
    reason: str
    published_at: dt.datetime | None


class DecideStoryIn(Schema):
    publish: bool
    reason: str = ""


def _story_out(s) -> dict:
    return {
        "id": s.pk,
        "deputy_id": s.deputy_id,
        "deputy_name": s.deputy.person.name,
        "title": s.title,
        "body": s.body,
        "status": s.status,
        "status_label": str(s.get_status_display()),
        "reason": s.reason,
        "published_at": s.published_at,
    }


def _story(request, story_id: int):
    from .models import DutyStory

    return get_visible_or_404(
        request.user, DutyStory.objects.select_related("deputy__person"), pk=story_id
    )


@router.get("/duty/stories", response=list[StoryOut], summary="履职故事（可查看的）")
def list_stories(request, status: str = ""):
    from lianxin.accounts.access import visible_to

    from .models import DutyStory

    qs = visible_to(request.user, DutyStory).select_related("deputy__person")
    if status:
        if status not in DutyStory.Status.values:
            raise ValidationFailed(_("状态有误。"), field="status")
        qs = qs.filter(status=status)
    return [_story_out(s) for s in qs.order_by("-updated_at", "-pk")[:200]]


@router.post("/duty/stories", response={201: StoryOut}, summary="撰写履职故事（待审核）")
def write_story(request, body: StoryIn):
    from lianxin.org.models import Deputy

    from . import reports

    seat = Deputy.objects.select_related("person", "congress").filter(pk=body.deputy_id).first()
    if seat is None or not can(request.user, "dutystory.write", seat):
        raise NotFound(_("未找到该代表。"))
    story = reports.do_write_story(seat, title=body.title, body=body.body, acting_user=request.user)
    return Status(201, _story_out(story))


@router.get("/duty/stories/{story_id}", response=StoryOut, summary="履职故事详情")
def get_story(request, story_id: int):
    return _story_out(_story(request, story_id))


@router.post(
    "/duty/stories/{story_id}/decide", response=StoryOut, summary="审核履职故事：公开或退回"
)
def decide_story(request, story_id: int, body: DecideStoryIn):
    from . import reports

    row = reports.do_decide_story(
        _story(request, story_id),
        publish=body.publish,
        reason=body.reason,
        acting_user=request.user,
    )
    return _story_out(row)


# --- Scoring rules and grade bands, edited (the administrator) ---------------------------------
class RuleIn(Schema):
    congress_id: int
    year: int
    kind: str
    outcome: str = ""
    points: int
    cap: int | None = None
    cap_period: str = "year"
    absence_deduction: int = 0


class SavedRuleOut(Schema):
    id: int
    congress_id: int
    year: int
    kind: str
    outcome: str
    points: int
    cap: int | None
    cap_period: str
    absence_deduction: int


class BandIn(Schema):
    congress_id: int
    year: int
    grade: str
    min_points: int
    max_points: int | None = None


class SavedBandOut(Schema):
    id: int
    congress_id: int
    year: int
    grade: str
    min_points: int
    max_points: int | None


def _admin_only(request) -> None:
    if not can(request.user, "admin.site", None):
        raise NotFound(_("未找到该页面。"))


def _fill(row, body, fields) -> None:
    from .models import DutyKind, GradeBand, Outcome, Period

    data = body.dict()
    congress = Congress.objects.filter(pk=data.pop("congress_id")).first()
    if congress is None:
        raise ValidationFailed(_("未找到该人大。"), field="congress_id")
    row.congress = congress
    choices = {
        "kind": DutyKind.values,
        "outcome": [""] + list(Outcome.values),
        "cap_period": Period.values,
        "grade": GradeBand.Grade.values,
    }
    for name in fields:
        value = data[name]
        if name in choices and value not in choices[name]:
            raise ValidationFailed(_("“%(value)s”不是有效的选项。") % {"value": value}, field=name)
        if name in ("points", "cap", "absence_deduction") and value is not None:
            if not 0 <= value <= 1000:
                raise ValidationFailed(_("分值应在 0 至 1000 之间。"), field=name)
        if name in ("min_points", "max_points") and value is not None:
            if not -100000 <= value <= 100000:
                raise ValidationFailed(_("分值应在 -100000 至 100000 之间。"), field=name)
        setattr(row, name, value)
    row.year, _quarter = _period(data["year"], None)


def _rule_out(r) -> dict:
    return {
        "id": r.pk,
        "congress_id": r.congress_id,
        "year": r.year,
        "kind": r.kind,
        "outcome": r.outcome,
        "points": r.points,
        "cap": r.cap,
        "cap_period": r.cap_period,
        "absence_deduction": r.absence_deduction,
    }


def _band_out(b) -> dict:
    return {
        "id": b.pk,
        "congress_id": b.congress_id,
        "year": b.year,
        "grade": b.grade,
        "min_points": b.min_points,
        "max_points": b.max_points,
    }


RULE_FIELDS = ("kind", "outcome", "points", "cap", "cap_period", "absence_deduction")
BAND_FIELDS = ("grade", "min_points", "max_points")


@router.post(
    "/duty/scoring-rules", response={201: SavedRuleOut}, summary="新增积分规则（系统管理员）"
)
def create_rule(request, body: RuleIn):
    from .models import ScoringRule

    _admin_only(request)
    row = ScoringRule()
    _fill(row, body, RULE_FIELDS)
    return Status(201, _rule_out(actions.do_save_scoring_rule(row, acting_user=request.user)))


def _rule_row(request, rule_id: int):
    from .models import ScoringRule

    _admin_only(request)
    row = ScoringRule.objects.filter(pk=rule_id).first()
    if row is None:
        raise NotFound(_("未找到该积分规则。"))
    return row


@router.put(
    "/duty/scoring-rules/{rule_id}", response=SavedRuleOut, summary="修改积分规则（系统管理员）"
)
def change_rule(request, rule_id: int, body: RuleIn):
    row = _rule_row(request, rule_id)
    _fill(row, body, RULE_FIELDS)
    return _rule_out(actions.do_save_scoring_rule(row, acting_user=request.user))


@router.delete(
    "/duty/scoring-rules/{rule_id}", response={204: None}, summary="删除积分规则（系统管理员）"
)
def delete_rule(request, rule_id: int):
    actions.do_delete_scoring_rule(_rule_row(request, rule_id), acting_user=request.user)
    return Status(204, None)


@router.post(
    "/duty/grade-bands", response={201: SavedBandOut}, summary="新增评定等次（系统管理员）"
)
def create_band(request, body: BandIn):
    from .models import GradeBand

    _admin_only(request)
    row = GradeBand()
    _fill(row, body, BAND_FIELDS)
    return Status(201, _band_out(actions.do_save_scoring_rule(row, acting_user=request.user)))


@router.put(
    "/duty/grade-bands/{band_id}", response=SavedBandOut, summary="修改评定等次（系统管理员）"
)
def change_band(request, band_id: int, body: BandIn):
    from .models import GradeBand

    _admin_only(request)
    row = GradeBand.objects.filter(pk=band_id).first()
    if row is None:
        raise NotFound(_("未找到该评定等次。"))
    _fill(row, body, BAND_FIELDS)
    return _band_out(actions.do_save_scoring_rule(row, acting_user=request.user))
