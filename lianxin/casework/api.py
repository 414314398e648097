"""The shared loop over the API: the case list, one case, and one endpoint per action.

Every action endpoint answers with the case as it now is. Refusals: a case the caller may not
see → 404; an action not possible in the case's state → 409 `invalid_transition`; a stale
`version` → 409 `stale`; an action the caller may not take → 403; bad input → 422.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from lianxin.accounts.access import get_visible_or_404
from lianxin.core.errors import NotFound
from lianxin.core.paging import page_of

from . import actions, attachments, queries, resolve, serialize, similar
from .models import Case

router = Router(tags=["casework"])


# --- Schemas ------------------------------------------------------------------------------------


class Ref(Schema):
    id: int
    name: str


class RegionRef(Schema):
    code: str
    name: str


class CaseRow(Schema):
    id: int
    kind: str
    kind_label: str
    state: str
    state_label: str
    tracking_code: str
    title: str
    category: str | None
    region: RegionRef | None
    congress: Ref | None
    station: Ref | None
    deputy: Ref | None
    channel: str
    channel_label: str
    contact_name: str
    contact_phone: str = Field(description="始终为掩码形式，如 138****5678")
    due_date: dt.date | None
    is_overdue: bool
    is_key_supervision: bool
    created_at: dt.datetime


class CaseList(Schema):
    items: list[CaseRow]
    count: int


class UnitRef(Schema):
    id: int
    code: str
    name: str


class AssignmentOut(Schema):
    id: int
    unit: UnitRef
    role: str
    role_label: str
    status: str
    status_label: str
    assigned_at: dt.datetime
    due_date: dt.date
    return_deadline: dt.date
    returned_at: dt.datetime | None
    return_reason: str


class FileRef(Schema):
    id: int
    name: str
    size: int
    content_type: str = ""
    url: str = Field("", description="下载地址（GET，需有权查看该案件）")


class ReplyOut(Schema):
    id: int
    round: int
    by: str
    category: str | None
    category_label: str
    content: str
    is_public: bool
    created_at: dt.datetime
    attachments: list[FileRef]


class ConsultationOut(Schema):
    id: int
    stage: str
    stage_label: str
    form: str
    form_label: str
    held_on: dt.date
    with_whom: str
    summary: str
    unit: str | None


class EvaluationOut(Schema):
    round: int
    rating: str
    rating_label: str
    comment: str
    by_citizen: bool
    created_at: dt.datetime


class AttachmentOut(Schema):
    id: int
    kind: str
    name: str
    size: int
    content_type: str = ""
    url: str = Field("", description="下载地址（GET，需有权查看该案件）")
    pending: bool = Field(False, description="true：办理中上传、尚未用于答复的文件")


class EventOut(Schema):
    at: dt.datetime
    action: str
    action_label: str
    from_state: str
    to_state: str
    state_label: str
    actor: str
    note: str
    data: dict[str, Any]
    is_public: bool


class ActionRef(Schema):
    action: str
    label: str


class CaseDetail(CaseRow):
    content: str
    place: str
    is_anonymous: bool
    version: int = Field(description="乐观锁版本号；在操作请求中带上 version 可防止覆盖他人的更新")
    round: int
    rating: str
    rating_label: str
    raised_by_deputy: Ref | None
    parent: Ref | None
    merged_into: Ref | None
    supervision_note: str
    replied_at: dt.datetime | None
    fed_back_at: dt.datetime | None
    evaluated_at: dt.datetime | None
    concluded_at: dt.datetime | None
    assignments: list[AssignmentOut]
    replies: list[ReplyOut]
    consultations: list[ConsultationOut]
    evaluations: list[EvaluationOut]
    attachments: list[AttachmentOut]
    timeline: list[EventOut]
    available_actions: list[ActionRef]


class CaseFilters(Schema):
    kind: str | None = Field(None, description="opinion / suggestion / motion / proposal / …")
    state: str | None = Field(None, description="状态，可用逗号分隔多个")
    region: str | None = Field(None, description="区划代码（含下级）")
    overdue: bool | None = None
    q: str | None = Field(None, description="标题、内容或查询码")
    station: int | None = None
    deputy: int | None = None
    unit: int | None = Field(None, description="承办单位 id（在办交办）")
    supervised: bool | None = None
    limit: int = 50
    offset: int = 0


class Versioned(Schema):
    version: int | None = Field(None, description="可选：案件当前版本号，不一致时返回 409 stale")


class TriageIn(Versioned):
    category: str = Field(..., description="类别编码或名称，如 transport / 交通运输")
    region: str | None = Field(None, description="所涉区划代码")
    station: int | str | None = Field(None, description="联络站 id 或编码")
    deputy: int | None = Field(None, description="责任代表（席位 id）")
    title: str | None = None
    note: str = ""


class AssignIn(Versioned):
    lead_unit: int | str = Field(..., description="主办单位 id 或编码，如 JZ-JTYSJ")
    co_units: list[int | str] = Field(default_factory=list, description="协办单位 id 或编码")
    due_at: dt.date | None = Field(None, description="答复期限；缺省按工作日计算")
    note: str = ""


class ReasonIn(Versioned):
    reason: str


class ReturnIn(ReasonIn):
    unit: int | str | None = Field(None, description="退回哪一家单位的交办（本人属多个单位时）")


class ConsultIn(Versioned):
    stage: str = Field(..., description="before / during / after")
    form: str = Field(..., description="visit / phone / meeting / online / letter")
    summary: str
    held_on: dt.date | None = None
    with_whom: str = ""


class ReplyIn(Versioned):
    content: str
    category: str | None = Field(None, description="A / B / C")
    public: bool = False
    attachments: list[int] = Field(
        default_factory=list,
        description="本人事先通过 POST /cases/{id}/attachments 为该案件上传、尚未用于答复的文件 id",
    )


class FeedbackIn(Versioned):
    content: str
    method: str = Field("platform", description="platform / sms / phone / visit / letter")


class RehandleIn(Versioned):
    reason: str
    due_at: dt.date | None = None


class NoteIn(Versioned):
    note: str


class OptionalNoteIn(Versioned):
    note: str = ""


class MergeIn(Versioned):
    merge_into: int | str = Field(..., description="目标案件 id 或查询码")
    note: str = ""


class EvaluateIn(Versioned):
    rating: str = Field(..., description="satisfied / basically_satisfied / dissatisfied")
    comment: str = ""


def _by_kind(request, case: Case, action: str) -> bool:
    """A kind may serve one of the loop's shared actions with input of its own (a suggestion's
    reply carries a commitment, its evaluation records which deputy rated). The body has passed
    the loop's schema; the kind's schema reads the same JSON again, with its extra fields."""
    import json

    import pydantic
    from ninja.errors import ValidationError as NinjaValidationError

    from . import dispatch

    handler = dispatch.shared_handler(case.kind, action)
    if handler is None:
        return False
    try:
        data = json.loads(request.body or b"{}")
        body = handler.schema(**data) if isinstance(data, dict) else handler.schema()
    except pydantic.ValidationError as exc:
        raise NinjaValidationError(exc.errors()) from exc
    handler.run(request, case, body)
    return True


# --- Reads --------------------------------------------------------------------------------------


@router.get("/cases", response=CaseList)
def list_cases(request, filters: Query[CaseFilters]):
    """Cases the caller may see, newest first."""
    qs = queries.cases_for(
        request.auth,
        kind=filters.kind,
        state=filters.state,
        region=filters.region,
        overdue=filters.overdue,
        q=filters.q,
        station=filters.station,
        deputy=filters.deputy,
        unit=filters.unit,
        supervised=filters.supervised,
    )
    rows, count = page_of(
        queries.for_list(qs), limit=filters.limit, offset=filters.offset, total=qs
    )
    return {"items": [serialize.case_row(c) for c in rows], "count": count}


def _detail(request, case_id: int) -> dict:
    case = get_visible_or_404(request.auth, queries.for_detail(Case.objects.all()), pk=case_id)
    return serialize.case_detail(case, request.auth)


def _acted(request, case_id: int) -> dict:
    """The case as the caller's own action left it. An action may take the case out of the
    caller's sight (a unit returning its only assignment): the answer is then still the case
    it acted on, not a 404 for a change that was made."""
    case = queries.acted_on(request.auth, case_id, queries.for_detail(Case.objects.all()))
    return serialize.case_detail(case, request.auth)


@router.get("/cases/{case_id}", response=CaseDetail)
def get_case(request, case_id: int):
    """One case with its assignments, replies, consultations, evaluations, timeline and the
    actions the caller may take now (`available_actions`)."""
    return _detail(request, case_id)


def _case(request, case_id: int) -> Case:
    return get_visible_or_404(request.auth, Case.objects.all(), pk=case_id)


class SimilarCaseOut(Schema):
    id: int
    tracking_code: str
    title: str = Field(description="标题；没有标题时为内容的前 40 个字")
    state: str
    state_label: str
    created_at: dt.datetime
    score: float = Field(description="相近程度，0–1；同一区划、联络站或责任代表时略高")
    shared: list[str] = Field(description="两件共有的关键词")


@router.get("/cases/{case_id}/similar", response=list[SimilarCaseOut])
def similar_cases(request, case_id: int):
    """Open cases of the same kind, registered in the last 180 days and visible to the caller,
    that are probably about the same issue (possible duplicates to merge with the `merge`
    action), best first, at most five. A case the caller may not see → 404."""
    case = _case(request, case_id)
    return [similar.as_row(m) for m in similar.possible_duplicates(request.auth, case)]


# --- Actions ------------------------------------------------------------------------------------


@router.post("/cases/{case_id}/actions/triage", response=CaseDetail)
def triage(request, case_id: int, body: TriageIn):
    """梳理：定类别（及区划、联络站、责任代表）。"""
    case = _case(request, case_id)
    user = request.auth
    actions.do_triage_case(
        case,
        category=resolve.required_category(body.category),
        region=resolve.region(body.region),
        station=resolve.station(user, body.station),
        deputy=resolve.deputy(user, body.deputy),
        title=body.title,
        note=body.note,
        acting_user=user,
        version=body.version,
    )
    return _acted(request, case_id)


@router.post("/cases/{case_id}/actions/merge", response=CaseDetail)
def merge(request, case_id: int, body: MergeIn):
    """合并重复件：并入已有的同一问题。"""
    case = _case(request, case_id)
    into = resolve.case(request.auth, body.merge_into)
    actions.do_merge_case(
        case, into=into, note=body.note, acting_user=request.auth, version=body.version
    )
    return _acted(request, case_id)


@router.post("/cases/{case_id}/actions/decline", response=CaseDetail)
def decline(request, case_id: int, body: ReasonIn):
    """不予受理（须说明理由，群众可在查询页看到）。"""
    case = _case(request, case_id)
    actions.do_decline_case(
        case, reason=body.reason, acting_user=request.auth, version=body.version
    )
    return _acted(request, case_id)


@router.post("/cases/{case_id}/actions/assign", response=CaseDetail)
def assign(request, case_id: int, body: AssignIn):
    """交办：一个主办单位、若干协办单位；期限缺省按工作日计算。"""
    case = _case(request, case_id)
    if _by_kind(request, case, "assign"):
        return _acted(request, case_id)
    user = request.auth
    lead = resolve.unit(user, body.lead_unit, "lead_unit")
    actions.do_assign_case(
        case,
        lead_unit=lead,
        co_units=resolve.units(user, body.co_units),
        due_date=body.due_at,
        note=body.note,
        acting_user=user,
        version=body.version,
    )
    return _acted(request, case_id)


@router.post("/cases/{case_id}/actions/return", response=CaseDetail)
def return_(request, case_id: int, body: ReturnIn):
    """承办单位申请退回交办（须在规定工作日内，说明理由）。"""
    case = _case(request, case_id)
    if _by_kind(request, case, "return"):
        return _acted(request, case_id)
    user = request.auth
    unit = resolve.unit(user, body.unit, "unit") if body.unit else None
    actions.do_return_case(
        case, reason=body.reason, unit=unit, acting_user=user, version=body.version
    )
    return _acted(request, case_id)


@router.post("/cases/{case_id}/actions/consult", response=CaseDetail)
def consult(request, case_id: int, body: ConsultIn):
    """记录办前、办中、办后沟通。"""
    case = _case(request, case_id)
    if _by_kind(request, case, "consult"):
        return _acted(request, case_id)
    actions.do_consult_case(
        case,
        stage=body.stage,
        form=body.form,
        summary=body.summary,
        held_on=body.held_on,
        with_whom=body.with_whom,
        acting_user=request.auth,
        version=body.version,
    )
    return _acted(request, case_id)


@router.post("/cases/{case_id}/actions/reply", response=CaseDetail)
def reply(request, case_id: int, body: ReplyIn):
    """答复（主办单位，或代表直接答复）。`attachments` 列出本人事先为该案件上传的文件，随答复
    一并提交；有一个不符即整体拒绝（422），不作任何改动。"""
    case = _case(request, case_id)
    if _by_kind(request, case, "reply"):
        return _acted(request, case_id)
    actions.do_reply_case(
        case,
        content=body.content,
        category=body.category,
        is_public=body.public,
        attachment_ids=body.attachments,
        acting_user=request.auth,
        version=body.version,
    )
    return _acted(request, case_id)


@router.post("/cases/{case_id}/actions/feedback", response=CaseDetail)
def feedback(request, case_id: int, body: FeedbackIn):
    """反馈群众（查询页可见；留有手机号的同时发短信）。"""
    case = _case(request, case_id)
    actions.do_feedback_case(
        case,
        content=body.content,
        method=body.method,
        acting_user=request.auth,
        version=body.version,
    )
    return _acted(request, case_id)


@router.post("/cases/{case_id}/actions/evaluate", response=CaseDetail)
def evaluate(request, case_id: int, body: EvaluateIn):
    """代为登记群众评价（回访所得）。群众本人通过查询码评价。"""
    case = _case(request, case_id)
    if _by_kind(request, case, "evaluate"):
        return _acted(request, case_id)
    actions.do_evaluate_case(
        case,
        rating=body.rating,
        comment=body.comment,
        acting_user=request.auth,
        version=body.version,
    )
    return _acted(request, case_id)


@router.post("/cases/{case_id}/actions/rehandle", response=CaseDetail)
def rehandle(request, case_id: int, body: RehandleIn):
    """群众不满意的，重新办理并确定新的答复期限。"""
    case = _case(request, case_id)
    if _by_kind(request, case, "rehandle"):
        return _acted(request, case_id)
    actions.do_rehandle_case(
        case,
        reason=body.reason,
        due_date=body.due_at,
        acting_user=request.auth,
        version=body.version,
    )
    return _acted(request, case_id)


@router.post("/cases/{case_id}/actions/supervise", response=CaseDetail)
def supervise(request, case_id: int, body: NoteIn):
    """列为重点督办。"""
    case = _case(request, case_id)
    if _by_kind(request, case, "supervise"):
        return _acted(request, case_id)
    actions.do_supervise_case(case, note=body.note, acting_user=request.auth, version=body.version)
    return _acted(request, case_id)


@router.post("/cases/{case_id}/actions/remind", response=CaseDetail)
def remind(request, case_id: int, body: OptionalNoteIn):
    """催办。"""
    case = _case(request, case_id)
    if _by_kind(request, case, "remind"):
        return _acted(request, case_id)
    actions.do_remind_case(case, note=body.note, acting_user=request.auth, version=body.version)
    return _acted(request, case_id)


@router.post("/cases/{case_id}/actions/conclude", response=CaseDetail)
def conclude(request, case_id: int, body: OptionalNoteIn):
    """办结。"""
    case = _case(request, case_id)
    if _by_kind(request, case, "conclude"):
        return _acted(request, case_id)
    actions.do_conclude_case(case, note=body.note, acting_user=request.auth, version=body.version)
    return _acted(request, case_id)


# --- Attachments --------------------------------------------------------------------------------


class AttachmentCreated(Schema):
    id: int
    name: str
    size: int
    content_type: str


@router.post(
    "/cases/{case_id}/attachments",
    response={201: AttachmentCreated},
    # `file` is optional in the signature only so that a missing file gets our own message.
    openapi_extra={
        "requestBody": {"content": {"multipart/form-data": {"schema": {"required": ["file"]}}}}
    },
)
def upload_attachment(
    request,
    case_id: int,
    file: File[UploadedFile | None] = None,
    note: Form[str] = "",
):
    """上传一个文件到办理中的案件（multipart/form-data：`file`，可选 `note`），供答复时在
    `attachments` 中引用。承办单位、主管机关工作人员和可直接答复的代表可上传；可上传图片
    （重新编码，去除位置等元数据）、PDF、Word、Excel、PowerPoint 文档，大小上限见
    `ATTACHMENT_MAX_MB`（默认 10 MB）。"""
    case = _case(request, case_id)
    item = attachments.do_attach_case(case, upload=file, note=note, acting_user=request.auth)
    return Status(
        201,
        {
            "id": item.pk,
            "name": item.original_name,
            "size": item.size,
            "content_type": item.content_type,
        },
    )


@router.get(
    "/cases/{case_id}/attachments/{attachment_id}",
    url_name="download_attachment",
    openapi_extra={
        "responses": {
            200: {
                "description": "文件本身（图片直接显示，其他文件下载）",
                "content": {"application/octet-stream": {}},
            }
        }
    },
)
def download_attachment(request, case_id: int, attachment_id: int):
    """下载案件的附件（群众的照片、答复附件、办理中上传的文件），须有权查看该案件；否则与
    不存在一样返回 404。"""
    case = _case(request, case_id)
    return attachments.file_response(attachments.get_for_case(case, attachment_id))


@router.post("/cases/{case_id}/actions/{action}", response={404: dict})
def unknown_action(request, case_id: int, action: str):
    """Any other action name: the case is checked first (404 if not visible), then the
    action is unknown (404 `unknown_action`)."""
    _case(request, case_id)
    raise NotFound(_("没有这项办理操作。"), code="unknown_action")


class PhoneOut(Schema):
    phone: str


@router.post("/cases/{case_id}/reveal-contact", response=PhoneOut)
def reveal_contact(request, case_id: int):
    """Show the full phone number of whoever raised the case: deliberate, written to the
    security trail."""
    case = _case(request, case_id)
    if case.is_anonymous or not case.contact_phone:
        raise Http404
    return {"phone": actions.reveal_contact(case, acting_user=request.auth, request=request)}
