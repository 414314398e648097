"""Suggestions and motions over the API.

- `POST /suggestions` (a deputy) → 201 with the case id; co-sponsors confirm with
  `POST /suggestions/{id}/cosign`. `POST /motions`, `POST /motions/{id}/cosign`.
- Every step after that: `POST /suggestions/{id}/actions/{action}` with the full semantics of a
  suggestion (a reply's commitment, per-deputy evaluation, complexity, key supervision), for
  suggestions and motions alike; the actions that only suggestions and motions have (submit,
  review, resubmit, co_opinion, sign_off, decide, …) also at the shared
  `POST /cases/{id}/actions/{action}`. Both answer with the case as it now is, including
  `available_actions`.
- Central assignment `POST /suggestions/assign`, the commitments list, the special report
  (JSON, PDF, Excel), similar suggestions for guidance, and the public replies.
Refusals as in the loop: 404 not visible or unknown action, 409 out of turn or stale, 403 not
the caller's action, 422 bad input (`too_few_cosponsors` for a motion short of co-sponsors).
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from lianxin.accounts.access import can, get_visible_or_404, visible_to
from lianxin.api.auth import optional_user
from lianxin.casework import actions as loop
from lianxin.casework import api as loop_api
from lianxin.casework import kinds, resolve
from lianxin.casework import queries as loop_queries
from lianxin.casework.api import (
    CaseDetail,
    CaseRow,
    ConsultIn,
    EvaluateIn,
    NoteIn,
    OptionalNoteIn,
    ReplyOut,
    ReturnIn,
    Versioned,
)
from lianxin.casework.models import Case, Commitment, Kind
from lianxin.core import dates
from lianxin.core.errors import Forbidden, ValidationFailed
from lianxin.core.paging import bounds, page_of
from lianxin.org.models import Body, Congress, HandlingUnit

from . import actions, queries, report, serialize, similar
from .models import Session

router = Router(tags=["suggestions"])
KINDS = (Kind.SUGGESTION, Kind.MOTION)


# --- Schemas ------------------------------------------------------------------------------------


class SuggestionIn(Schema):
    title: str = Field(..., description="标题，必填，不超过 100 字")
    content: str = Field(..., description="建议内容，必填，不超过 10000 字")
    congress: int | None = Field(None, description="人大 id；代表同时是多级人大代表时必填")
    category: str | None = Field(None, description="类别编码或名称，如 transport")
    in_session: bool | None = Field(
        None, description="true 会议期间 / false 闭会期间；缺省按当前是否在会议期间确定"
    )
    session: int | None = Field(None, description="会议 id（会议期间建议）")
    problem: str = Field("", description="存在的问题")
    measures: str = Field("", description="建议措施")
    co_sponsors: list[int] = Field(
        default_factory=list, description="联名代表（同一人大的代表席位 id）"
    )
    submit: bool = Field(
        False, description="true：没有联名代表时直接提交；有联名代表的须待其确认后再 submit"
    )


class MotionIn(Schema):
    title: str = Field(..., description="案由（标题）")
    content: str = Field(..., description="案据和方案")
    congress: int | None = Field(None, description="人大 id；代表同时是多级人大代表时必填")
    co_sponsors: list[int] = Field(default_factory=list, description="附议代表（代表席位 id）")
    by_delegation: bool = Field(False, description="以本人所在代表团的名义提出（不需附议代表）")


class Created(Schema):
    id: int
    tracking_code: str
    state: str
    kind: str


class CosignIn(Versioned):
    accept: bool = Field(True, description="true 确认联名（附议）/ false 谢绝")
    deputy: int | None = Field(None, description="工作机构代为登记书面附议时：附议代表的席位 id")


class SeatRef(Schema):
    id: int
    name: str


class CoSponsorOut(Schema):
    deputy: SeatRef
    status: str
    status_label: str
    source: str
    responded_at: dt.datetime | None


class CoOpinionOut(Schema):
    unit: str
    round: int
    content: str
    created_at: dt.datetime


class CommitmentBrief(Schema):
    id: int
    unit: str
    content: str
    due_on: dt.date
    status: str
    status_label: str
    close_note: str


class SuggestionFacts(Schema):
    in_session: bool
    session: str
    problem: str
    measures: str
    is_complex: bool
    review_tier: int
    review_tier_name: str
    review_tiers: list[str]
    return_reason: str
    quality: str
    quality_label: str
    handling_rating: str
    handling_rating_label: str
    outcome: str
    outcome_label: str


class MotionFacts(Schema):
    session: str
    delegation: str
    min_cosponsors: int
    confirmed_cosponsors: int
    decision: str
    decision_label: str
    referred_to: str


class KeySupervisionOut(Schema):
    supervisor: str
    result: str


class SignedReplyOut(ReplyOut):
    signoff: str = Field(description="pending 待签发 / approved 已签发 / rejected 退回修改")
    signoff_note: str


class EventRef(Schema):
    at: dt.datetime
    action: str
    action_label: str
    state_label: str
    actor: str
    note: str


class OriginOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    tracking_code: str
    timeline: list[EventRef]


class ExtensionRequestOut(Schema):
    id: int
    unit: str
    reason: str
    due_before: dt.date
    requested_due: dt.date
    status: str = Field(
        description="pending 待审批 / approved 已同意 / rejected 不同意 / lapsed 已失效"
    )
    status_label: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    decision_note: str
    approved_due: dt.date | None


class CoOpinionDeadlineOut(Schema):
    unit: str
    due_on: dt.date
    status: str = Field(description="waiting 待提出 / overdue 已逾期 / sent 已提出")
    status_label: str
    is_overdue: bool
    sent_at: dt.datetime | None


class SurveyAnswerOut(Schema):
    deputy: str
    rating: str
    rating_label: str
    comment: str
    answered_at: dt.datetime | None
    is_mine: bool


class SurveyRoundOut(Schema):
    round: int
    is_open: bool
    note: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    asked: int
    answered: int
    satisfied: int
    basically_satisfied: int
    dissatisfied: int
    answers: list[SurveyAnswerOut] = Field(
        description="各代表的测评：工作机构可见全部，代表只见本人的"
    )


class SuggestionDetail(CaseDetail):
    replies: list[SignedReplyOut]
    lead_sponsor: SeatRef | None
    cosponsors: list[CoSponsorOut]
    authors: list[str]
    co_opinions: list[CoOpinionOut]
    commitments: list[CommitmentBrief]
    suggestion: SuggestionFacts | None
    motion: MotionFacts | None
    key_supervision: KeySupervisionOut | None
    history: list[OriginOut] = Field(description="来源案件（如转为建议的议案）及其办理过程")
    extension_requests: list[ExtensionRequestOut]
    co_opinion_deadlines: list[CoOpinionDeadlineOut] = Field(
        description="各协办单位向主办单位提出会办意见的期限（交办后一个月）"
    )
    surveys: list[SurveyRoundOut] = Field(description="重点督办建议的满意度测评")


class SuggestionRow(CaseRow):
    lead_sponsor: str
    cosponsors: int
    in_session: bool
    session: str
    lead_unit: str


class SuggestionList(Schema):
    items: list[SuggestionRow]
    count: int


class SuggestionFilters(Schema):
    kind: str = Field("suggestion", description="suggestion / motion")
    state: str | None = Field(None, description="状态，可用逗号分隔多个")
    congress: int | None = None
    session: int | None = None
    unit: int | None = Field(None, description="承办单位 id（在办交办）")
    mine: bool = Field(False, description="只看本人提出或联名的")
    key: bool | None = Field(None, description="重点督办")
    overdue: bool | None = None
    q: str | None = None
    limit: int = 50
    offset: int = 0


# --- Writing ------------------------------------------------------------------------------------


def _congress(value):
    if value is None:
        return None
    found = Congress.objects.filter(pk=value).first()
    if found is None:
        raise ValidationFailed(_("人民代表大会 %(id)s 不存在。") % {"id": value}, field="congress")
    return found


def _session(value):
    if value is None:
        return None
    found = Session.objects.filter(pk=value).first()
    if found is None:
        raise ValidationFailed(_("会议 %(id)s 不存在。") % {"id": value}, field="session")
    return found


def _created(case: Case) -> Status:
    return Status(
        201,
        {
            "id": case.pk,
            "tracking_code": case.tracking_code,
            "state": case.state,
            "kind": case.kind,
        },
    )


@router.post("/suggestions", response={201: Created})
def create_suggestion(request, body: SuggestionIn):
    """A deputy writes a suggestion. Without co-sponsors and with `submit: true` it is submitted
    at once; otherwise it is kept as a draft and the co-sponsors are asked to confirm."""
    user = request.auth
    seat = actions.seat_for(user, _congress(body.congress))
    case = actions.do_create_suggestion(
        author=seat,
        title=body.title,
        content=body.content,
        problem=body.problem,
        measures=body.measures,
        category=resolve.category(body.category),
        in_session=body.in_session,
        session=_session(body.session),
        co_sponsors=body.co_sponsors,
        acting_user=user,
    )
    if body.submit and not body.co_sponsors:
        case = actions.do_submit_suggestion(case, acting_user=user)
    return _created(case)


@router.post("/motions", response={201: Created})
def create_motion(request, body: MotionIn):
    """A deputy drafts a motion during a session; the co-sponsors confirm, then the lead
    sponsor submits (`submit`, refused with 422 `too_few_cosponsors` while too few confirmed)."""
    user = request.auth
    seat = actions.seat_for(user, _congress(body.congress))
    case = actions.do_create_motion(
        author=seat,
        title=body.title,
        content=body.content,
        co_sponsors=body.co_sponsors,
        delegation=seat.delegation if body.by_delegation else None,
        acting_user=user,
    )
    return _created(case)


def _case(request, case_id: int, kinds=KINDS) -> Case:
    return get_visible_or_404(request.auth, Case.objects.filter(kind__in=kinds), pk=case_id)


def _detail(request, case_id: int, *, acted: bool = False) -> dict:
    """One suggestion as the caller sees it; after the caller's own action (`acted`), as the
    action left it even if it took the case out of the caller's sight (casework.queries.acted_on)."""
    qs = queries.for_detail(Case.objects.filter(kind__in=KINDS))
    if acted:
        case = loop_queries.acted_on(request.auth, case_id, qs)
    else:
        case = get_visible_or_404(request.auth, qs, pk=case_id)
    out = serialize.detail(case, request.auth)
    out["history"] = serialize.history(case)
    return out


@router.post("/suggestions/{int:case_id}/cosign", response=SuggestionDetail)
def cosign_suggestion(request, case_id: int, body: CosignIn):
    """An invited deputy confirms (or declines) co-signing the suggestion."""
    return _cosign(request, case_id, body, Kind.SUGGESTION)


@router.post("/motions/{int:case_id}/cosign", response=SuggestionDetail)
def cosign_motion(request, case_id: int, body: CosignIn):
    """An invited deputy confirms (or declines) co-sponsoring the motion; the office may record a
    signature given on paper (`deputy`)."""
    return _cosign(request, case_id, body, Kind.MOTION)


def _cosign(request, case_id: int, body: CosignIn, kind: str):
    case = _case(request, case_id, kinds=(kind,))
    deputy = resolve.deputy(request.auth, body.deputy) if body.deputy else None
    actions.do_cosign(
        case, accept=body.accept, deputy=deputy, acting_user=request.auth, version=body.version
    )
    return _detail(request, case_id)


# --- Reads --------------------------------------------------------------------------------------


@router.get("/suggestions", response=SuggestionList)
def list_suggestions(request, filters: Query[SuggestionFilters]):
    """Suggestions (or motions) the caller may see, newest first."""
    qs = queries.suggestions_for(
        request.auth,
        kind=filters.kind,
        state=filters.state,
        congress=filters.congress,
        session=filters.session,
        unit=filters.unit,
        mine=filters.mine,
        key=filters.key,
        overdue=filters.overdue,
        q=filters.q,
    )
    rows, count = page_of(
        queries.for_list(qs), limit=filters.limit, offset=filters.offset, total=qs
    )
    return {"items": [serialize.row(c) for c in rows], "count": count}


@router.get("/suggestions/{int:case_id}", response=SuggestionDetail)
def get_suggestion(request, case_id: int):
    """One suggestion or motion with its co-sponsors, assignments, co-handling opinions,
    replies (with their sign-off), commitments, evaluations, timeline, the history of the case it
    came from, and `available_actions`."""
    return _detail(request, case_id)


class SimilarOut(Schema):
    id: int
    title: str
    year: int
    state_label: str
    reply_category: str
    shared_keywords: list[str]
    score: float


@router.get("/suggestions/similar", response=list[SimilarOut])
def similar_suggestions(request, text: str = Query(..., max_length=4000)):
    """Guidance while writing: suggestions of the last five years on a similar topic that the
    caller may see (their own, co-signed, or with a public reply)."""
    return [
        {
            "id": s.case.pk,
            "title": s.case.display_title,
            "year": s.case.created_at.year,
            "state_label": s.case.state_label,
            "reply_category": s.reply_category,
            "shared_keywords": s.shared,
            "score": s.score,
        }
        for s in similar.similar_to(request.auth, text)
    ]


# --- Central assignment ---------------------------------------------------------------------------


class AssignItemIn(Schema):
    case: int = Field(..., description="建议 id")
    lead_unit: int | str = Field(..., description="主办单位 id 或编码")
    co_units: list[int | str] = Field(default_factory=list, description="协办单位 id 或编码")
    complex: bool | None = Field(None, description="涉及面广、处理难度大（六个月内答复）")
    version: int | None = None


class AssignBatchIn(Schema):
    items: list[AssignItemIn] = Field(..., description="每件建议及其主办、协办单位")
    note: str = ""


class AssignBatchOut(Schema):
    assigned: int
    ids: list[int]


@router.post("/suggestions/assign", response=AssignBatchOut)
def assign_batch(request, body: AssignBatchIn):
    """Central assignment after a session: many accepted suggestions at once, each with its
    lead unit and co-handling units; all or nothing (409 naming the suggestions another office
    member assigned meanwhile)."""
    user = request.auth
    if not body.items:
        raise ValidationFailed(_("请至少选择一件建议。"), field="items")
    if len(body.items) > actions.MAX_BATCH:
        raise ValidationFailed(
            _("一次最多交办 %(n)s 件。") % {"n": actions.MAX_BATCH}, field="items"
        )
    units = _units_by_key(user, [v for i in body.items for v in [i.lead_unit, *i.co_units]])
    ids = [i.case for i in body.items]
    visible = set(
        visible_to(user, Case).filter(pk__in=ids, kind=Kind.SUGGESTION).values_list("pk", flat=True)
    )
    unknown = [i for i in ids if i not in visible]
    if unknown:
        raise ValidationFailed(
            _("建议 %(ids)s 不存在。") % {"ids": "、".join(map(str, unknown[:10]))}, field="items"
        )
    items = [
        actions.AssignItem(
            case_id=i.case,
            lead_unit=units[str(i.lead_unit)],
            co_units=[units[str(u)] for u in i.co_units],
            complex=i.complex,
            version=i.version,
        )
        for i in body.items
    ]
    done = actions.do_assign_suggestions(items, note=body.note, acting_user=user)
    return {"assigned": len(done), "ids": done}


def _units_by_key(user, keys) -> dict[str, HandlingUnit]:
    """Units named by id or code, read in two queries whatever the batch size."""
    wanted = {str(k).strip() for k in keys}
    qs = visible_to(user, HandlingUnit).filter(is_active=True)
    ids = [int(k) for k in wanted if k.isdigit()]
    codes = [k.upper()[:32] for k in wanted if not k.isdigit()]
    found: dict[str, HandlingUnit] = {}
    for unit in qs.filter(pk__in=ids):
        found[str(unit.pk)] = unit
    for unit in qs.filter(code__in=codes):
        found[unit.code] = unit
    result = {}
    for key in wanted:
        unit = found.get(key) or found.get(key.upper())
        if unit is None:
            raise ValidationFailed(
                _("承办单位“%(value)s”不存在。") % {"value": key[:32]}, field="lead_unit"
            )
        result[key] = unit
    return result


# --- Commitments ----------------------------------------------------------------------------------


class CommitmentOut(Schema):
    id: int
    case: int
    suggestion: str
    deputy: str
    session: str
    unit: str
    content: str
    due_on: dt.date
    status: str
    status_label: str
    closed_at: dt.datetime | None
    close_note: str
    overdue: bool


class CommitmentList(Schema):
    items: list[CommitmentOut]
    count: int


class CommitmentFilters(Schema):
    status: str | None = Field(None, description="open / kept / not_kept")
    unit: int | None = None
    congress: int | None = None
    due_before: dt.date | None = None
    limit: int = 100
    offset: int = 0


class CloseIn(Schema):
    kept: bool = Field(..., description="true 已兑现 / false 未兑现（仅工作机构）")
    note: str = Field(..., description="兑现情况")


def _commitment_out(c: Commitment) -> dict:

    case = c.case
    suggestion = getattr(case, "suggestion", None)
    return {
        "id": c.pk,
        "case": case.pk,
        "suggestion": case.display_title,
        "deputy": case.raised_by_deputy.person.name if case.raised_by_deputy_id else "",
        "session": suggestion.session.name if suggestion and suggestion.session_id else "",
        "unit": c.unit.name,
        "content": c.content,
        "due_on": c.due_on,
        "status": c.status,
        "status_label": str(c.get_status_display()),
        "closed_at": c.closed_at,
        "close_note": c.close_note,
        "overdue": c.status == Commitment.Status.OPEN and c.due_on < dates.today(),
    }


@router.get("/commitments", response=CommitmentList)
def list_commitments(request, filters: Query[CommitmentFilters]):
    """What replies promised, by whom, by when, and whether it was kept — across years and
    sessions, within what the caller may see."""
    qs = queries.commitments_for(
        request.auth,
        status=filters.status,
        unit=filters.unit,
        congress=filters.congress,
        due_before=filters.due_before,
    )
    rows, count = page_of(qs, limit=filters.limit, offset=filters.offset, most=500)
    return {"items": [_commitment_out(c) for c in rows], "count": count}


@router.post("/commitments/{int:commitment_id}/close", response=CommitmentOut)
def close_commitment(request, commitment_id: int, body: CloseIn):
    """Mark a commitment kept (the unit that made it, or the office) or not kept (the office)."""
    commitment = get_visible_or_404(
        request.auth, Commitment.objects.select_related("case", "unit"), pk=commitment_id
    )
    row = actions.do_close_commitment(
        commitment, kept=body.kept, note=body.note, acting_user=request.auth
    )
    fresh = Commitment.objects.select_related(
        "unit", "case__raised_by_deputy__person", "case__suggestion__session"
    ).get(pk=row.pk)
    return _commitment_out(fresh)


# --- The special report -----------------------------------------------------------------------------


class ReportSection(Schema):
    key: str
    title: str
    columns: list[str]
    rows: list[list[str | int]]


class ReportFigure(Schema):
    label: str
    value: str | int


class ReportOut(Schema):
    title: str
    congress: str
    period: str
    figures: list[ReportFigure]
    sections: list[ReportSection]


@router.get(
    "/suggestions/report",
    response=ReportOut,
    openapi_extra={
        "responses": {
            200: {
                "description": "JSON；format=pdf 时为 PDF，format=xlsx 时为 Excel",
                "content": {
                    "application/json": {},
                    "application/pdf": {},
                    report.XLSX: {},
                },
            }
        }
    },
)
def special_report(request, congress: int, session: int | None = None, format: str = "json"):
    """The special report to the chairs' council: counts by category, unit, reply category,
    satisfaction, overdue, key supervision and commitments, for one session or for all."""
    if format not in ("json", "pdf", "xlsx"):
        raise ValidationFailed(_("格式应为 json、pdf 或 xlsx。"), field="format")
    user = request.auth or optional_user(request)
    found = get_visible_or_404(user, Congress.objects.select_related("region"), pk=congress)
    if not can(user, "suggestion.report", found):
        raise Forbidden(_("您不能查看该人大的建议办理报告。"))
    chosen = None
    if session is not None:
        chosen = Session.objects.filter(pk=session, congress=found).first()
        if chosen is None:
            raise ValidationFailed(_("会议 %(id)s 不存在。") % {"id": session}, field="session")
    data = report.build(found, chosen)
    if format == "json":
        return {
            "title": data.title,
            "congress": data.congress,
            "period": data.period,
            "figures": [{"label": str(k), "value": v} for k, v in data.figures],
            "sections": [
                {"key": s.key, "title": s.title, "columns": s.columns, "rows": s.rows}
                for s in data.sections
            ],
        }
    content, content_type, filename = report.export(data, format, user=user, request=request)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# --- Public -------------------------------------------------------------------------------------


class PublicReplyOut(Schema):
    title: str
    congress: str
    deputies: list[str]
    unit: str
    category: str | None
    content: str
    replied_at: dt.datetime


@router.get("/public/suggestion-replies", auth=None, response=list[PublicReplyOut])
def public_replies(request, limit: int = 20, offset: int = 0):
    """Public: replies marked public, with the suggestion's title and the deputies' names."""
    limit, offset = bounds(limit, offset, most=100)
    rows = queries.public_replies()[offset : offset + limit]
    return [
        {
            "title": r.case.display_title,
            "congress": r.case.congress.name if r.case.congress_id else "",
            "deputies": [r.case.raised_by_deputy.person.name]
            + [c.deputy.person.name for c in r.case.cosponsors.all()],
            "unit": r.unit.name if r.unit_id else "",
            "category": r.category.code if r.category_id else None,
            "content": r.content,
            "replied_at": r.created_at,
        }
        for r in rows
    ]


# --- The actions ----------------------------------------------------------------------------------


class SubmitIn(Versioned):
    pass


class WithdrawIn(Versioned):
    reason: str = ""


class ReviewIn(Versioned):
    decision: str = Field(..., description="accept 通过 / return 退回修改 / merge 并入相近建议")
    note: str = Field("", description="审查意见；退回修改时必填")
    merge_into: int | str | None = Field(None, description="merge 时：目标建议 id 或查询码")
    category: str | None = Field(None, description="accept 时可定类别")
    complex: bool | None = Field(None, description="accept 时可标明为复杂建议（六个月内答复）")


class ResubmitIn(Versioned):
    title: str | None = None
    content: str | None = None
    problem: str | None = None
    measures: str | None = None
    note: str = Field("", description="修改说明")


class SuggestionAssignIn(Versioned):
    lead_unit: int | str = Field(..., description="主办单位 id 或编码，如 JZ-JTYSJ")
    co_units: list[int | str] = Field(default_factory=list, description="协办单位 id 或编码")
    complex: bool | None = Field(None, description="涉及面广、处理难度大：六个月内答复")
    note: str = ""


class ContentIn(Versioned):
    content: str


class CommitmentIn(Schema):
    content: str = Field(..., description="承诺事项")
    due_on: dt.date = Field(..., description="承诺完成时间")


class SuggestionReplyIn(Versioned):
    content: str
    category: str | None = Field(None, description="A / B / C（必填）；B 类须附承诺事项")
    commitment: CommitmentIn | None = None
    public: bool = Field(False, description="答复可以公开（签发后在公开页面发布）")
    attachments: list[int] = Field(
        default_factory=list,
        description="本人事先为该建议上传的文件（POST /cases/{id}/attachments 返回的 id）",
    )


class SignOffIn(Versioned):
    approve: bool = Field(True, description="true 同意签发 / false 退回经办人修改")
    note: str = Field("", description="签发意见；退回时必填")


class RehandleReasonIn(Versioned):
    reason: str


class SuperviseIn(Versioned):
    note: str = Field(..., description="督办意见")
    leader: str = Field("", description="督办领导")
    committee: int | None = Field(None, description="督办的专门委员会（机构 id）")


class ProgressIn(Versioned):
    note: str
    result: bool = Field(False, description="true：作为督办结果通报")


class AssessIn(Versioned):
    quality: str = Field(..., description="excellent / good / fair / poor")
    note: str = ""


class DetermineIn(Versioned):
    handling_rating: str = Field(..., description="good / fair / poor")
    outcome: str = Field(
        ..., description="solved / being_solved / planned / explained / not_solved"
    )
    note: str = ""


class DecideIn(Versioned):
    decision: str = Field(..., description="agenda 列入议程 / convert 作为建议处理")
    note: str = ""
    referred_to: int | None = Field(None, description="列入议程时交付审议的专门委员会 id")


class ExtensionRequestIn(Versioned):
    reason: str = Field(..., description="延期理由")
    due_at: str | None = Field(
        None, description="申请延至的日期 YYYY-MM-DD（必填，须晚于现答复期限）"
    )


class ExtensionDecisionIn(Versioned):
    decision: str = Field(..., description="approve 同意 / reject 不同意")
    note: str = Field("", description="审批意见；不同意时必填理由")
    due_at: str | None = Field(
        None, description="同意时可另定延至的日期 YYYY-MM-DD；缺省为申请的日期"
    )


class SurveyAnswerIn(Versioned):
    rating: str = Field(
        ..., description="satisfied 满意 / basically_satisfied 基本满意 / dissatisfied 不满意"
    )
    comment: str = Field("", description="意见")


def _committee(value, congress_id):
    if value is None:
        return None
    found = Body.objects.filter(pk=value, congress_id=congress_id).first()
    if found is None:
        raise ValidationFailed(_("机构 %(id)s 不存在。") % {"id": value}, field="committee")
    return found


_calls = loop_api.passes


# The actions that need more than passing the body on are written out.


def _run_submit(request, case, body):
    if case.kind == Kind.MOTION:
        actions.do_submit_motion(case, acting_user=request.auth, version=body.version)
    else:
        actions.do_submit_suggestion(case, acting_user=request.auth, version=body.version)


def _run_cosign(request, case, body):
    deputy = resolve.deputy(request.auth, body.deputy) if body.deputy else None
    actions.do_cosign(
        case, accept=body.accept, deputy=deputy, acting_user=request.auth, version=body.version
    )


def _run_review(request, case, body):
    into = None
    if body.decision == "merge" and body.merge_into not in (None, ""):
        into = resolve.case(request.auth, body.merge_into)
    actions.do_review_suggestion(
        case,
        decision=body.decision,
        note=body.note,
        merge_into=into,
        category=resolve.category(body.category),
        complex=body.complex,
        acting_user=request.auth,
        version=body.version,
    )


def _run_assign(request, case, body):
    user = request.auth
    actions.do_assign_suggestion(
        case,
        lead_unit=resolve.unit(user, body.lead_unit, "lead_unit"),
        co_units=resolve.units(user, body.co_units),
        complex=body.complex,
        note=body.note,
        acting_user=user,
        version=body.version,
    )


def _run_reply(request, case, body):
    actions.do_reply_suggestion(
        case,
        content=body.content,
        category=body.category,
        commitment=body.commitment.dict() if body.commitment else None,
        is_public=body.public,
        attachment_ids=body.attachments,
        acting_user=request.auth,
        version=body.version,
    )


def _run_return(request, case, body):
    user = request.auth
    unit = resolve.unit(user, body.unit, "unit") if body.unit else None
    actions.do_return_suggestion(
        case, reason=body.reason, unit=unit, acting_user=user, version=body.version
    )


SUGGESTION = (Kind.SUGGESTION,)
MOTION = (Kind.MOTION,)

# Each row: the action's name, the kinds it serves, the schema of its body, what runs it (a
# `_run_…` above or `_calls`), and its summary (also its endpoints' summary in OpenAPI).
OWN_ACTIONS = [
    ("cosign", KINDS, CosignIn, _run_cosign, "联名（附议）确认：受邀代表确认或谢绝"),
    (
        "submit",
        KINDS,
        SubmitIn,
        _run_submit,
        "提交：建议须联名代表全部答复；议案附议不足时 422 too_few_cosponsors",
    ),
    ("withdraw", KINDS, WithdrawIn, _calls(actions.do_withdraw, "reason"), "撤回（审查通过前）"),
    ("review", SUGGESTION, ReviewIn, _run_review, "审查（本层级）：通过、退回修改或并入相近建议"),
    (
        "resubmit",
        SUGGESTION,
        ResubmitIn,
        _calls(actions.do_resubmit_suggestion, "title", "content", "problem", "measures", "note"),
        "代表修改后重新提交，回到退回它的审查层级",
    ),
    (
        "co_opinion",
        SUGGESTION,
        ContentIn,
        _calls(actions.do_co_opinion, "content"),
        "协办单位向主办单位提出会办意见",
    ),
    (
        "sign_off",
        SUGGESTION,
        SignOffIn,
        _calls(actions.do_sign_off_reply, "approve", "note"),
        "单位负责人签发答复（或退回经办人修改）",
    ),
    (
        "supervision_progress",
        SUGGESTION,
        ProgressIn,
        _calls(actions.do_record_supervision, "note", "result"),
        "重点督办建议的督办情况或结果",
    ),
    (
        "assess",
        SUGGESTION,
        AssessIn,
        _calls(actions.do_assess_quality, "quality", "note"),
        "评价建议质量",
    ),
    (
        "determine",
        SUGGESTION,
        DetermineIn,
        _calls(actions.do_determine_outcome, "handling_rating", "outcome", "note"),
        "办理评价和办理结果认定",
    ),
    (
        "decide",
        MOTION,
        DecideIn,
        _calls(
            actions.do_decide_motion,
            "decision",
            "note",
            referred_to=lambda r, c, b: _committee(b.referred_to, c.congress_id),
        ),
        "主席团决定：列入议程（agenda）或作为建议处理（convert）",
    ),
    (
        "request_extension",
        SUGGESTION,
        ExtensionRequestIn,
        _calls(actions.do_request_extension, "reason", due_date=lambda r, c, b: b.due_at),
        "主办单位在答复期限届满前申请延期（理由、延至日期）；同一时间只能有一份待审批",
    ),
    (
        "decide_extension",
        SUGGESTION,
        ExtensionDecisionIn,
        _calls(actions.do_decide_extension, "decision", "note", due_date=lambda r, c, b: b.due_at),
        "工作机构审批延期申请：同意（答复期限改为批准的日期）或不同意（须说明理由）",
    ),
    (
        "open_survey",
        SUGGESTION,
        OptionalNoteIn,
        _calls(actions.do_open_survey, "note"),
        "重点督办建议：开展一轮满意度测评，通知领衔代表和联名代表",
    ),
    (
        "answer_survey",
        SUGGESTION,
        SurveyAnswerIn,
        _calls(actions.do_answer_survey, "rating", "comment"),
        "受邀代表填写满意度测评（满意、基本满意、不满意）；测评结束前可修改",
    ),
    (
        "close_survey",
        SUGGESTION,
        OptionalNoteIn,
        _calls(actions.do_close_survey, "note"),
        "结束本轮满意度测评",
    ),
]

# The loop's own action names, with what a suggestion adds (its body replaces the loop's for
# suggestions only; motions keep the loop's). Same columns.
SHARED_ACTIONS = [
    (
        "assign",
        SUGGESTION,
        SuggestionAssignIn,
        _run_assign,
        "交办：三个月内答复，复杂的六个月（按月计算，末日遇法定节假日顺延）",
    ),
    (
        "reply",
        SUGGESTION,
        SuggestionReplyIn,
        _run_reply,
        "主办单位答复：A/B/C 类（必填）及承诺事项，待单位负责人签发",
    ),
    (
        "evaluate",
        SUGGESTION,
        EvaluateIn,
        _calls(actions.do_evaluate_suggestion, "rating", "comment"),
        "提出建议的代表评价（每人每轮一次，以最低评价为准）",
    ),
    (
        "supervise",
        SUGGESTION,
        SuperviseIn,
        _calls(
            actions.do_key_supervise,
            "note",
            "leader",
            committee=lambda r, c, b: _committee(b.committee, c.congress_id),
        ),
        "列为重点督办，确定督办领导或委员会",
    ),
    (
        "rehandle",
        SUGGESTION,
        RehandleReasonIn,
        _calls(actions.do_rehandle_suggestion, "reason"),
        "代表不满意的，重新办理（一个月内再次答复）",
    ),
    (
        "conclude",
        SUGGESTION,
        OptionalNoteIn,
        _calls(actions.do_conclude_suggestion, "note"),
        "办结（办理结果认定之后）",
    ),
    (
        "consult",
        SUGGESTION,
        ConsultIn,
        _calls(loop.do_consult_case, "stage", "form", "summary", "held_on", "with_whom"),
        "沟通记录",
    ),
    ("return", SUGGESTION, ReturnIn, _run_return, "承办单位申请退回交办"),
    ("remind", SUGGESTION, NoteIn, _calls(loop.do_remind_case, "note"), "催办"),
]


def _actions(rows, kind):
    return [
        kinds.ActionSpec(action=name, schema=schema, run=run, summary=summary)
        for name, served, schema, run, summary in rows
        if kind in served
    ]


# Each kind takes the loop's actions, with its own in place of the loop's where it has them.
for _kind, _label in ((Kind.SUGGESTION, Kind.SUGGESTION.label), (Kind.MOTION, Kind.MOTION.label)):
    kinds.declare(
        _kind,
        label=_label,
        actions=[
            *loop_api.LOOP_ACTIONS.values(),
            *_actions(SHARED_ACTIONS, _kind),
            *_actions(OWN_ACTIONS, _kind),
        ],
        detail=lambda request, case_id: _detail(request, case_id, acted=True),
        detail_schema=SuggestionDetail,
    )


@router.post("/suggestions/{int:case_id}/actions/{action}", include_in_schema=False)
def suggestion_action(request, case_id: int, action: str):
    """A suggestion's or a motion's actions at its own path: the same route as
    `/cases/{id}/actions/{action}`, for these kinds only."""
    return loop_api.run_action(request, case_id, action, kinds_served=KINDS)
