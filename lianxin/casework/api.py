"""The shared loop over the API: the case list, one case, and one endpoint per action.

Every action endpoint answers with the case as it now is. Refusals: a case the caller may not
see → 404; an action not possible in the case's state → 409 `invalid_transition`; a stale
`version` → 409 `stale`; an action the caller may not take → 403; bad input → 422.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pydantic
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile

from lianxin.accounts.access import get_visible_or_404
from lianxin.core.paging import page_of

from . import actions, attachments, kinds, queries, resolve, search, serialize, similar
from .models import Case

router = Router(tags=["casework"])


# --- Schemas ------------------------------------------------------------------------------------


class Ref(Schema):
    id: int
    name: str


class CaseRegion(Schema):
    """A case's region (the liaison API's RegionRef also gives the full name)."""

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
    region: CaseRegion | None
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
    direction: str = Field(description="handling：提出人评价办理；submission：承办单位评价质量")
    rating: str
    rating_label: str
    quality: str
    quality_label: str
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
    primary: bool = Field(False, description="工作流程的下一步（页面上的主按钮）")


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
    mine: bool = Field(
        False,
        description="只列与本人有关的：本人登记、交办或督办的，交给本单位的，本联络站的，本人代表席位的",
    )
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
        mine=filters.mine,
        request=request,
    )
    rows, count = page_of(
        queries.for_list(qs), limit=filters.limit, offset=filters.offset, total=qs
    )
    return {"items": [serialize.case_row(c) for c in rows], "count": count}


class SearchFilters(Schema):
    q: str = Field("", description="查找内容：词语以空格分隔，每个词都须出现（标题、内容、答复）")
    kind: str | None = Field(None, description="opinion / suggestion / motion / proposal / …")
    year: str | None = Field(None, description="登记年度，如 2024")
    since: str | None = Field(None, description="登记日期起，YYYY-MM-DD")
    until: str | None = Field(None, description="登记日期止，YYYY-MM-DD")
    region: str | None = Field(None, description="区划代码（含下级）")
    category: str | None = Field(None, description="问题类别编码")
    unit: str | None = Field(None, description="承办单位 id（在办交办）")
    state: str | None = Field(None, description="状态，可用逗号分隔多个")
    reply: str | None = Field(None, description="答复类别 A / B / C")
    older: bool = Field(False, description="含五年以前的事项（未给年度或日期时默认只查近五年）")
    sort: str = Field("relevance", description="relevance（相关度）或 date（时间，新的在前）")
    page: int = Field(1, ge=1, le=search.MAX_PAGE)
    per_page: int = Field(search.PER_PAGE, ge=1, le=100)


class SearchHitOut(Schema):
    id: int
    tracking_code: str
    kind: str
    kind_label: str
    state: str
    state_label: str
    title: str
    title_html: str = Field(description="标题，已转义 HTML，命中的词以 <mark> 标出")
    snippet_html: str = Field(description="命中处前后的文字，已转义 HTML，命中的词以 <mark> 标出")
    region: str | None
    created_at: dt.datetime
    score: float
    url: str


class SearchOut(Schema):
    items: list[SearchHitOut]
    count: int
    page: int
    pages: int
    terms: list[str] = Field(description="实际查找的词语（经分词）")
    message: str = Field(description="提示，如查找内容中没有可查找的文字")


SEARCH_PARAMS = frozenset(SearchFilters.model_fields)


@router.get("/search", response=SearchOut)
def search_cases(request, filters: Query[SearchFilters]):
    """Full-text search of every kind of case and its replies that the caller may see (the
    case list's rule), the last five years unless `older` or a year or dates are given."""
    from lianxin.core.errors import ValidationFailed

    unknown = sorted(set(request.GET) - SEARCH_PARAMS)
    if unknown:
        raise ValidationFailed(
            _("不支持的参数：%(names)s。") % {"names": "、".join(unknown)[:60]}, field=unknown[0]
        )
    given = filters.dict()
    results = search.search(
        request.auth,
        filters.q,
        {name: given[name] for name in search.FILTERS},
        sort=filters.sort,
        page=filters.page,
        per_page=filters.per_page,
        older=filters.older,
        request=request,
    )
    return {
        "items": [
            {
                "id": h.case.pk,
                "tracking_code": h.case.tracking_code,
                "kind": h.case.kind,
                "kind_label": h.case.get_kind_display(),
                "state": h.case.state,
                "state_label": h.case.state_label,
                "title": h.case.title or " ".join(h.case.content.split())[:40],
                "title_html": str(h.title),
                "snippet_html": str(h.snippet),
                "region": h.case.region.name if h.case.region else None,
                "created_at": h.case.created_at,
                "score": h.score,
                "url": h.case.get_absolute_url(),
            }
            for h in results.hits
        ],
        "count": results.total,
        "page": results.page,
        "pages": results.pages,
        "terms": results.terms,
        "message": results.message,
    }


def _detail(request, case_id: int) -> dict:
    from . import viewing

    case = get_visible_or_404(request.auth, queries.for_detail(Case.objects.all()), pk=case_id)
    out = serialize.case_detail(case, request.auth)
    if out.get("contact_name"):
        viewing.shown(request, case, user=request.auth)
    return out


def _acted(request, case_id: int) -> dict:
    """The case as the caller's own action left it. An action may take the case out of the
    caller's sight (a unit returning its only assignment): the answer is then still the case
    it acted on, not a 404 for a change that was made."""
    case = queries.acted_on(request.auth, case_id, queries.for_detail(Case.objects.all()))
    return serialize.case_detail(case, request.auth)


class DeriveIn(Schema):
    origins: list[int] = Field(..., min_length=1, description="要转办的案件（如群众意见）编号")
    kind: str = Field("suggestion", description="转为的类别，如 suggestion（代表建议）")
    title: str | None = None


@router.post("/cases/derive", response={201: CaseDetail})
def derive_case(request, body: DeriveIn):
    """Turn one or several cases (citizens' opinions) into a draft of another kind (a deputy's
    suggestion) that carries them as its origins (casework.lineage). An origin the caller may
    not see is 404; a concluded or already converted one is refused with 409 or 422."""
    from . import lineage

    origins = lineage.resolve_origins(request.auth, body.origins)
    fields = {"title": body.title} if body.title else {}
    case = lineage.derive(origins, kind=body.kind, acting_user=request.auth, **fields)
    return Status(201, _acted(request, case.pk))


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
    reason: str = Field(description="判断为同一问题的理由：相同的地点和问题")
    kind: str
    kind_label: str
    mergeable: bool = Field(
        description="本件可否并入该件（群众意见与 12345 工单可相互合并，其他类别只并入同一类别）"
    )


@router.get("/cases/{case_id}/similar", response=list[SimilarCaseOut])
def similar_cases(request, case_id: int):
    """Open cases of any kind, registered in the last 180 days and visible to the caller, that
    are probably about the same issue (possible duplicates; one marked `mergeable` may take
    this case in with the `merge` action), best first, at most five, each with the reason. A case the caller may not see → 404."""
    case = _case(request, case_id)
    return [similar.as_row(m, of=case) for m in similar.possible_duplicates(request.auth, case)]


class ReplyCheckIn(Schema):
    text: str = Field(description="待检查的答复内容", min_length=1, max_length=20000)


class ReplyCriterionOut(Schema):
    key: str = Field(description="relevance（切题）、completeness（完整）或 clarity（清楚）")
    label: str
    score: float = Field(description="0–1")
    ok: bool
    reasons: list[str]


class ReplyPointOut(Schema):
    text: str = Field(description="留言提出的一个问题或诉求")
    answered: bool
    matched: list[str] = Field(description="答复中出现的该诉求关键词")
    missing: list[str]


class ReplyCheckOut(Schema):
    good: bool = Field(description="三项都达到要求")
    verdict: str = Field(description="良好 / 需要注意")
    reasons: list[str]
    criteria: dict[str, ReplyCriterionOut]
    points: list[ReplyPointOut]


@router.post("/cases/{case_id}/reply-check", response=ReplyCheckOut)
def reply_check(request, case_id: int, body: ReplyCheckIn):
    """The reply-quality check of a reply text to this case (advisory; nothing is saved):
    relevance to the message, completeness (each point raised answered, a place and a time or a
    measure named) and clarity, each with a score and the reasons. Only to whoever may write
    the reply, sign it off or review it (the office): anyone else → 404."""
    from lianxin.accounts.access import can

    from . import reply_quality

    case = _case(request, case_id)
    if not can(request.auth, "case.check_reply", case):
        raise Http404
    text = body.text.strip()
    if not text:
        from lianxin.core.errors import ValidationFailed

        raise ValidationFailed(_("请填写答复内容。"), code="empty_reply")
    return reply_quality.check(case, text).as_dict()


# --- Actions ------------------------------------------------------------------------------------
# The loop's own actions. Each is `(request, case, body)`; a kind takes them through its
# declaration (`kinds.declare(kind, actions=LOOP_ACTIONS.values())`) and may replace some with
# its own. All are served by the one route `POST /cases/{id}/actions/{action}` below.


def _triage(request, case, body: TriageIn):
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


def _merge(request, case, body: MergeIn):
    into = resolve.case(request.auth, body.merge_into)
    actions.do_merge_case(
        case, into=into, note=body.note, acting_user=request.auth, version=body.version
    )


def _assign(request, case, body: AssignIn):
    user = request.auth
    actions.do_assign_case(
        case,
        lead_unit=resolve.unit(user, body.lead_unit, "lead_unit"),
        co_units=resolve.units(user, body.co_units),
        due_date=body.due_at,
        note=body.note,
        acting_user=user,
        version=body.version,
    )


def _return(request, case, body: ReturnIn):
    user = request.auth
    unit = resolve.unit(user, body.unit, "unit") if body.unit else None
    actions.do_return_case(
        case, reason=body.reason, unit=unit, acting_user=user, version=body.version
    )


def _reply(request, case, body: ReplyIn):
    actions.do_reply_case(
        case,
        content=body.content,
        category=body.category,
        is_public=body.public,
        attachment_ids=body.attachments,
        acting_user=request.auth,
        version=body.version,
    )


def passes(function, *fields: str, **computed):
    """The `run` of an action that only passes its body on: `function(case, …)` with each body
    field in `fields` under its own name, each keyword in `computed` with the value of its
    `(request, case, body)` function (a renamed field, a resolved reference), and always
    `acting_user` (the caller) and `version` (the body's)."""

    def run(request, case, body):
        kwargs = {name: getattr(body, name) for name in fields}
        kwargs.update({name: value(request, case, body) for name, value in computed.items()})
        function(case, **kwargs, acting_user=request.auth, version=body.version)

    return run


def _spec(action, schema, run, summary):
    return kinds.ActionSpec(action=action, schema=schema, run=run, summary=summary)


LOOP_ACTIONS: dict[str, kinds.ActionSpec] = {
    item.action: item
    for item in [
        _spec("triage", TriageIn, _triage, "梳理：定类别（及区划、联络站、责任代表）"),
        _spec(
            "merge",
            MergeIn,
            _merge,
            "合并重复件：并入已有的同一问题（群众意见与 12345 工单可相互合并，其他类别只并入同一类别）",
        ),
        _spec(
            "unmerge",
            OptionalNoteIn,
            passes(actions.do_unmerge_case, "note"),
            "撤销合并：恢复为单独办理的案件，回到合并前的状态（须为两件案件所属机构的工作人员）",
        ),
        _spec(
            "decline",
            ReasonIn,
            passes(actions.do_decline_case, "reason"),
            "不予受理（须说明理由，群众可在查询页看到）",
        ),
        _spec(
            "assign",
            AssignIn,
            _assign,
            "交办：一个主办单位、若干协办单位；期限缺省按工作日计算",
        ),
        _spec("return", ReturnIn, _return, "承办单位申请退回交办（须在规定工作日内，说明理由）"),
        _spec(
            "consult",
            ConsultIn,
            passes(actions.do_consult_case, "stage", "form", "summary", "held_on", "with_whom"),
            "记录办前、办中、办后沟通",
        ),
        _spec(
            "reply",
            ReplyIn,
            _reply,
            "答复（主办单位，或代表直接答复）。`attachments` 列出本人事先为该案件上传的文件，"
            "随答复一并提交；有一个不符即整体拒绝（422），不作任何改动",
        ),
        _spec(
            "feedback",
            FeedbackIn,
            passes(actions.do_feedback_case, "content", "method"),
            "反馈群众（查询页可见；留有手机号的同时发短信）",
        ),
        _spec(
            "evaluate",
            EvaluateIn,
            passes(actions.do_evaluate_case, "rating", "comment"),
            "代为登记群众评价（回访所得）。群众本人通过查询码评价",
        ),
        _spec(
            "rehandle",
            RehandleIn,
            passes(actions.do_rehandle_case, "reason", due_date=lambda r, c, b: b.due_at),
            "群众不满意的，重新办理并确定新的答复期限",
        ),
        _spec("supervise", NoteIn, passes(actions.do_supervise_case, "note"), "列为重点督办"),
        _spec("remind", OptionalNoteIn, passes(actions.do_remind_case, "note"), "催办"),
        _spec("conclude", OptionalNoteIn, passes(actions.do_conclude_case, "note"), "办结"),
    ]
}


def run_action(request, case_id: int, action: str, *, kinds_served=None) -> dict:
    """Look the action up by (the case's kind, action), validate the body once against that
    kind's schema, run it, and answer with the case as the action left it (the kind's own
    detail when it declares one). A case the caller may not see is 404 before anything else;
    an action its kind does not have is 404 `unknown_action`."""
    qs = Case.objects.all() if kinds_served is None else Case.objects.filter(kind__in=kinds_served)
    case = get_visible_or_404(request.auth, qs, pk=case_id)
    item = kinds.action_for(case.kind, action)
    try:
        data = json.loads(request.body or b"{}")
    except ValueError as exc:
        raise HttpError(400, "invalid json") from exc
    if not isinstance(data, dict):
        raise NinjaValidationError([{"loc": ("body",), "msg": "not an object"}])
    try:
        body = item.schema.model_validate(data)
    except pydantic.ValidationError as exc:
        raise NinjaValidationError(
            [{**e, "loc": ("body", *e.get("loc", ()))} for e in exc.errors()]
        ) from exc
    item.run(request, case, body)
    spec = kinds.kind_spec(case.kind)
    if spec.detail is not None:
        return spec.detail_schema.model_validate(spec.detail(request, case_id)).model_dump(
            mode="json"
        )
    return CaseDetail.model_validate(_acted(request, case_id)).model_dump(mode="json")


@router.post("/cases/{case_id}/actions/{action}", include_in_schema=False)
def case_action(request, case_id: int, action: str):
    """Every kind's actions (documented one operation per action name, see
    `kinds.document`)."""
    return run_action(request, case_id, action)


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
    return attachments.file_response(attachments.get_for_case(case, attachment_id, request.auth))


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


# --- Batch triage and assignment ------------------------------------------------------------------


class BatchTriageIn(Schema):
    ids: list[int] = Field(..., description="群众意见的案件 id")
    category: str = Field(..., description="类别编码或名称")
    note: str = ""


class BatchAssignIn(Schema):
    ids: list[int] = Field(..., description="群众意见的案件 id")
    lead_unit: int | str = Field(..., description="主办单位 id 或编码")
    co_units: list[int | str] = Field(default_factory=list, description="协办单位 id 或编码")
    due_at: dt.date | None = Field(None, description="答复期限；缺省按工作日计算")
    note: str = ""


class BatchOut(Schema):
    done: int
    ids: list[int]


@router.post("/cases/batch/triage", response=BatchOut)
def batch_triage(request, body: BatchTriageIn):
    """Triage many opinions into one category at once; all or nothing (409 `batch_refused`
    naming each case that cannot be triaged and why; nothing is changed)."""
    from . import batch

    cases = batch.cases_of(request.auth, body.ids)
    done = batch.do_triage_cases(
        cases,
        category=resolve.required_category(body.category),
        note=body.note,
        acting_user=request.auth,
    )
    return {"done": len(done), "ids": done}


@router.post("/cases/batch/assign", response=BatchOut)
def batch_assign(request, body: BatchAssignIn):
    """Assign many opinions to one lead unit (and co-handling units) at once; all or nothing
    (409 `batch_refused` naming each case that cannot be assigned and why; nothing is
    changed)."""
    from . import batch

    user = request.auth
    cases = batch.cases_of(user, body.ids)
    done = batch.do_assign_cases(
        cases,
        lead_unit=resolve.unit(user, body.lead_unit, "lead_unit"),
        co_units=resolve.units(user, body.co_units),
        due_date=body.due_at,
        note=body.note,
        acting_user=user,
    )
    return {"done": len(done), "ids": done}
