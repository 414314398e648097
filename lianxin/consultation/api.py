"""Endpoints of consultations under /api/v1/consultations: the same actions and rules as the
pages (open, list, submit, decide, summary), and the public intake of a contact point's
scan-to-speak address."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Header, Router, Schema, Status

from lianxin.accounts.access import can, get_visible_or_404, grants, visible_to
from lianxin.core.errors import Forbidden, NotFound, ValidationFailed
from lianxin.core.paging import page_of
from lianxin.org.models import Congress

from . import actions, summary
from .models import Consultation, Opinion

router = Router(tags=["consultation"])


class ConsultationIn(Schema):
    congress_id: int
    kind: str
    title: str
    text: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    audience: str = "all"
    expertise: list[int] = []


class ConsultationArticle(Schema):
    id: int
    number: int
    label: str
    text: str


class ConsultationContactPoint(Schema):
    station_id: int
    station: str
    url: str


class ConsultationOut(Schema):
    id: int
    congress_id: int
    kind: str
    kind_label: str
    title: str
    text: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    is_open: bool
    audience: str
    expertise: list[str]
    articles: list[ConsultationArticle]
    contact_points: list[ConsultationContactPoint] | None


class ConsultationPage(Schema):
    total: int
    items: list[ConsultationOut]


class ConsultationOpinionIn(Schema):
    deputy: int | None = None  # the seat (when the user has more than one in the audience)
    article: int | None = None
    theme: str = ""
    content: str = ""


class CitizenConsultationOpinionIn(Schema):
    article: int | None = None
    theme: str = ""
    content: str = ""
    citizen_name: str = ""
    citizen_phone: str = ""


class ConsultationOpinionOut(Schema):
    id: int
    consultation_id: int
    source: str
    deputy_id: int | None
    author: str
    station: str
    article_id: int | None
    group: str
    content: str
    decision: str
    decision_label: str
    decision_reason: str
    decided_at: dt.datetime | None
    created_at: dt.datetime


class ConsultationDecisionIn(Schema):
    decision: str
    reason: str = ""


class ConsultationOpinionGroup(Schema):
    label: str
    article_id: int | None
    opinions: list[ConsultationOpinionOut]


class ConsultationSummary(Schema):
    consultation_id: int
    title: str
    total: int
    deputies: int
    citizens: int
    adopted: int
    partly: int
    not_adopted: int
    pending: int
    groups: list[ConsultationOpinionGroup]


def _out(c: Consultation, user) -> dict:
    links = None
    if can(user, "consultation.manage", c):
        links = [
            {"station_id": x.station_id, "station": x.station.name, "url": actions.link_url(x.code)}
            for x in c.contact_links.select_related("station").order_by("station__code")
        ]
    return {
        "id": c.pk,
        "congress_id": c.congress_id,
        "kind": c.kind,
        "kind_label": str(c.get_kind_display()),
        "title": c.title,
        "text": c.text,
        "opens_at": c.opens_at,
        "closes_at": c.closes_at,
        "is_open": c.is_open(),
        "audience": c.audience,
        "expertise": [e.name for e in c.expertise.all()],
        "articles": [
            {"id": a.pk, "number": a.number, "label": a.label, "text": a.text}
            for a in c.articles.all()
        ],
        "contact_points": links,
    }


def _opinion_out(o: Opinion) -> dict:
    return {
        "id": o.pk,
        "consultation_id": o.consultation_id,
        "source": o.source,
        "deputy_id": o.deputy_id,
        "author": o.author,
        "station": o.station.name if o.station_id else "",
        "article_id": o.article_id,
        "group": o.group_label,
        "content": o.content,
        "decision": o.decision,
        "decision_label": str(o.get_decision_display()),
        "decision_reason": o.decision_reason,
        "decided_at": o.decided_at,
        "created_at": o.created_at,
    }


def _consultation(request, consultation_id: int) -> Consultation:
    return actions.visible_consultation(request.user, consultation_id)


@router.get("/consultations", response=ConsultationPage, summary="征求意见列表")
def list_consultations(request, limit: int = 50, offset: int = 0):
    if not can(request.user, "consultation.list"):
        raise Forbidden(_("您没有权限进行此操作。"))
    qs = visible_to(request.user, Consultation).prefetch_related("expertise", "articles")
    rows, total = page_of(qs.order_by("-opens_at", "-id"), limit=limit, offset=offset)
    return {"total": total, "items": [_out(c, request.user) for c in rows]}


@router.post("/consultations", response={201: ConsultationOut}, summary="发起征求意见")
def open_consultation(request, body: ConsultationIn):
    congress = Congress.objects.filter(pk=body.congress_id).first()
    if congress is None:
        raise ValidationFailed(_("请选择发起征求意见的人大。"), field="congress_id")
    c = actions.do_open_consultation(congress, body.dict(), acting_user=request.user)
    return Status(201, _out(c, request.user))


@router.get("/consultations/{consultation_id}", response=ConsultationOut, summary="征求意见详情")
def get_consultation(request, consultation_id: int):
    return _out(_consultation(request, consultation_id), request.user)


@router.get(
    "/consultations/{consultation_id}/opinions",
    response=list[ConsultationOpinionOut],
    summary="意见列表（工作机构：全部；代表：本人的）",
)
def list_opinions(request, consultation_id: int):
    c = _consultation(request, consultation_id)
    qs = summary.opinions_of(c)
    if not can(request.user, "consultation.manage", c):
        qs = qs.filter(deputy_id__in=list(grants(request.user).deputy_ids))
    return [_opinion_out(o) for o in qs]


@router.post(
    "/consultations/{consultation_id}/opinions",
    response={201: ConsultationOpinionOut},
    summary="代表提出意见",
)
def submit_opinion(request, consultation_id: int, body: ConsultationOpinionIn):
    c = _consultation(request, consultation_id)
    seats = actions.audience_seats(c, request.user)
    if body.deputy is not None:
        seat = next((d for d in seats if d.pk == body.deputy), None)
    else:
        seat = seats[0] if len(seats) == 1 else None
        if len(seats) > 1:
            raise ValidationFailed(_("请选择以哪一代表身份提出意见。"), field="deputy")
    if seat is None:
        raise NotFound(_("未找到该征求意见，或您不在本次征求意见的范围内。"))
    opinion = actions.do_submit_opinion(c, seat, body.dict(), acting_user=request.user)
    return Status(201, _opinion_out(opinion))


@router.post(
    "/consultation-opinions/{opinion_id}/decide",
    response=ConsultationOpinionOut,
    summary="研究意见：采纳、部分采纳或未采纳",
)
def decide_opinion(request, opinion_id: int, body: ConsultationDecisionIn):
    opinion = get_visible_or_404(
        request.user, Opinion.objects.select_related("consultation"), pk=opinion_id
    )
    if not can(request.user, "consultation.manage", opinion.consultation):
        raise Forbidden(_("您没有权限进行此操作。"))
    row = actions.do_decide_opinion(
        opinion, decision=body.decision, reason=body.reason, acting_user=request.user
    )
    return _opinion_out(
        Opinion.objects.select_related("article", "deputy__person", "station").get(pk=row.pk)
    )


@router.get(
    "/consultations/{consultation_id}/summary",
    response=ConsultationSummary,
    summary="意见汇总（按条文或主题分组）",
)
def consultation_summary(request, consultation_id: int):
    c = _consultation(request, consultation_id)
    if not can(request.user, "consultation.manage", c):
        raise Forbidden(_("您没有权限进行此操作。"))
    opinions = list(summary.opinions_of(c))
    return {
        "consultation_id": c.pk,
        "title": c.title,
        **summary.counts(opinions),
        "groups": [
            {
                "label": g["label"],
                "article_id": g["article"].pk if g["article"] else None,
                "opinions": [_opinion_out(o) for o in g["opinions"]],
            }
            for g in summary.groups(c, opinions)
        ],
    }


@router.post(
    "/consultations/scan/{code}/opinions",
    auth=None,
    response={201: ConsultationOpinionOut, 200: ConsultationOpinionOut},
    summary="基层立法联系点群众意见（公开，扫码）",
)
def submit_citizen_opinion(
    request,
    code: str,
    body: CitizenConsultationOpinionIn,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        description="同一键的重复提交返回同一条意见，绝不重复创建",
    ),
):
    """Public: a citizen's opinion on a consultation at a legislative contact point, by the
    code of the point's address for it. The same limits as the scan-to-speak intake."""
    link = actions.link_of(code)
    if link is None:
        raise NotFound(_("二维码无效或已失效。"))
    actions.check_public_submission(request.META.get("REMOTE_ADDR", ""), body.citizen_phone)
    opinion, created = actions.do_submit_citizen_opinion(
        link, body.dict(), idempotency_key=idempotency_key
    )
    return Status(201 if created else 200, _opinion_out(opinion))
