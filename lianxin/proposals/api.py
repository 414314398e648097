"""CPPCC proposals over the API.

- `POST /proposals` (a member) → 201 with the case id; co-sponsors (members of the same CPPCC)
  confirm with the `cosign` action, then the proposer submits.
  With `body` it is the proposal of a party organisation, sector or special committee: a
  member writes one for his own party organisation or sector; the CPPCC's staff enter any of
  their bodies' proposals with `contact_member`, who submits it.
- `GET /proposals` (scoped: a member sees own and co-sponsored proposals, a unit what it was
  assigned, CPPCC staff their committee and, read-only, those below), `GET /proposals/{id}`.
- Every step: `POST /cases/{id}/actions/{action}` (or `POST /proposals/{id}/actions/{action}`,
  the same route for proposals only) — cosign, submit, withdraw, register (立案审查: register,
  merge or decline), assign, return, consult, reply, sign_off, evaluate (the proposers rate the
  handling), rate_submission (the lead unit rates the proposal), record_result (成果转化),
  select_excellent (优秀提案), mark_key / key_meeting / key_result (重点提案 led by a chair: the
  leader, progress meetings, the circulated result), request_extension / decide_extension
  (申请延期), forward_letter / answer_letter (委员来信 of a proposal declined as a letter),
  rehandle, remind, conclude. `GET /proposals?key=true` lists key proposals.
  Each answers with the proposal as it now is; ratings follow the blind rule (背靠背评).
Refusals as in the loop: 404 not visible or unknown action, 409 out of turn or stale, 403 not
the caller's action, 422 bad input.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from lianxin.accounts.access import get_visible_or_404
from lianxin.casework import actions as loop
from lianxin.casework import api as loop_api
from lianxin.casework import kinds, resolve
from lianxin.casework import queries as loop_queries
from lianxin.casework.api import (
    AssignIn,
    CaseDetail,
    CaseRow,
    ConsultIn,
    EvaluateIn,
    OptionalNoteIn,
    RehandleIn,
    ReturnIn,
    Versioned,
)
from lianxin.casework.models import Case, Kind
from lianxin.core.errors import ValidationFailed
from lianxin.core.paging import page_of

from . import actions, queries, serialize

router = Router(tags=["proposals"])
KINDS = (Kind.PROPOSAL,)


# --- Schemas ------------------------------------------------------------------------------------


class Ref(Schema):
    id: int
    name: str


class ProposalIn(Schema):
    title: str = Field(..., description="案由（标题），必填，不超过 100 字")
    content: str = Field(..., description="提案内容（情况、问题和建议），必填")
    cppcc: int | None = Field(None, description="政协 id；同时是多级政协委员时必填")
    in_session: bool = Field(False, description="true 大会提案 / false 平时提案")
    category: str | None = Field(None, description="类别编码或名称")
    co_sponsors: list[int] = Field(
        default_factory=list, description="联名委员（同一政协的委员席位 id）"
    )
    respond_by: dt.date | None = Field(None, description="联名确认截止日期")
    submit: bool = Field(False, description="true：没有联名委员时直接提交")
    body: int | None = Field(
        None,
        description="以党派团体、界别或政协专门委员会（机构 id）名义提出；委员只能选本人所在的"
        "党派团体或界别，政协工作人员可代为录入任一本政协机构的提案",
    )
    contact_member: int | None = Field(
        None, description="政协工作人员代为录入单位提案时：联系委员的席位 id（由其提交和评价）"
    )


class Created(Schema):
    id: int
    tracking_code: str
    state: str
    kind: str


class CoSponsorOut(Schema):
    member: int
    name: str
    status: str
    status_label: str
    source: str
    respond_by: dt.date | None


class BodyRef(Schema):
    id: int
    name: str
    kind: str = Field(description="party_org 党派团体 / sector 界别 / cppcc_committee 专门委员会")
    kind_label: str


class ProposalOwn(Schema):
    cppcc: Ref | None
    raised_by_member: Ref | None = Field(description="提出的委员；单位提案时为执笔委员或联系委员")
    raised_by_body: BodyRef | None = Field(None, description="以党派团体、界别或专门委员会名义提出")
    proposer: str = Field("", description="提案者（单位提案为单位名称）")
    in_session: bool
    registered_at: dt.datetime | None
    decline_reason: str
    disposition: str = Field(
        description="不予立案后的处理：letter 转为委员来信 / sentiment 留作社情民意信息"
    )
    disposition_label: str
    excellent_year: int | None = Field(None, description="评为优秀提案的年度")
    is_key: bool = Field(False, description="重点提案（主席会议成员领办督办）")
    key_leader: str = Field("", description="领办督办的主席会议成员")


class ResultOut(Schema):
    id: int
    kind: str
    kind_label: str
    document: str
    number: str
    issued_on: dt.date
    note: str


class KeyMeetingOut(Schema):
    id: int
    held_on: dt.date
    place: str
    participants: str
    summary: str


class KeyOut(Schema):
    leader: str
    leader_user: int | None
    marked_at: dt.datetime | None
    meetings: list[KeyMeetingOut]
    result: str = Field(description="办理结果通报；未通报为空")
    result_on: dt.date | None


class ExtensionOut(Schema):
    id: int
    unit: str
    reason: str
    due_before: dt.date | None
    requested_due: dt.date
    approved_due: dt.date | None
    status: str = Field(
        description="pending 待审批 / approved 已同意 / rejected 不同意 / lapsed 已失效 / "
        "withdrawn 已撤回"
    )
    status_label: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    decision_note: str


class ProposalRow(CaseRow, ProposalOwn):
    pass


class ProposalList(Schema):
    items: list[ProposalRow]
    count: int


class ProposalDetail(CaseDetail, ProposalOwn):
    co_sponsors: list[CoSponsorOut]
    excellent_note: str = ""
    results: list[ResultOut] = []
    key: KeyOut | None = Field(None, description="重点提案的领办督办情况")
    extension_requests: list[ExtensionOut] = []
    letter: LetterOut | None = Field(None, description="不予立案后转为的委员来信")


class ProposalFilters(Schema):
    state: str | None = Field(None, description="状态，可用逗号分隔多个")
    mine: bool = Field(False, description="只列本人提出或联名的提案")
    key: bool = Field(False, description="只列重点提案")
    limit: int = 50
    offset: int = 0


class ProposalCosignIn(Versioned):
    accept: bool = Field(True, description="true 确认联名 / false 谢绝")


class ProposalWithdrawIn(Versioned):
    reason: str = ""


class RegisterIn(Versioned):
    decision: str = Field(..., description="register 立案 / merge 并案 / decline 不予立案")
    note: str = Field("", description="审查意见；不予立案时为理由，必填")
    merge_into: int | str | None = Field(None, description="并案时：目标提案 id 或查询码")
    disposition: str = Field(
        "", description="不予立案后的处理：letter 转为委员来信 / sentiment 留作社情民意信息"
    )
    category: str | None = Field(None, description="立案时可确定类别")


class ProposalCommitmentIn(Schema):
    content: str = Field(..., description="承诺事项")
    due_on: dt.date = Field(..., description="承诺完成时间")


class ProposalReplyIn(Versioned):
    content: str
    category: str | None = Field(None, description="A / B / C（必填）；B 类须附承诺事项")
    commitment: ProposalCommitmentIn | None = None
    public: bool = False
    attachments: list[int] = Field(default_factory=list, description="本人事先上传的文件 id")


class ProposalSignOffIn(Versioned):
    approve: bool = Field(True, description="true 同意签发 / false 退回经办人修改")
    note: str = Field("", description="签发意见；退回时必填")


class ResultIn(Versioned):
    kind: str = Field(
        ...,
        description="livelihood 纳入年度民生实事 / plan 纳入专项规划或行动计划 / "
        "policy 出台或修订政策文件 / other 其他",
    )
    document: str = Field(..., description="文件或项目名称")
    number: str = Field("", description="文号")
    issued_on: dt.date = Field(..., description="印发或实施日期")
    note: str = ""


class ExcellentIn(Versioned):
    excellent: bool = Field(True, description="true 评为优秀提案 / false 撤销")
    year: int | None = Field(None, description="评选年度，缺省为今年")
    note: str = ""


class KeyIn(Versioned):
    leader: str = Field("", description="领办督办的主席会议成员（姓名和职务）")
    leader_user: int | None = Field(
        None, description="领导账号 id（本政协所在地区的领导）；不填 leader 时取其姓名"
    )
    note: str = Field("", description="督办要求")


class KeyMeetingIn(Versioned):
    held_on: dt.date = Field(..., description="会议日期")
    place: str = Field(..., description="地点")
    participants: str = Field(..., description="参加人员")
    summary: str = Field(..., description="会议纪要")


class KeyResultIn(Versioned):
    text: str = Field(..., description="办理结果通报")
    circulated_on: dt.date | None = Field(None, description="通报日期，缺省为今天")


class ExtensionRequestIn(Versioned):
    reason: str = Field(..., description="延期理由")
    due_at: dt.date | None = Field(None, description="申请延至的日期（必填，须晚于现答复期限）")


class ExtensionDecisionIn(Versioned):
    decision: str = Field(..., description="approve 同意 / reject 不同意")
    note: str = Field("", description="审批意见；不同意时必填理由")
    due_at: dt.date | None = Field(None, description="同意时可另定延至的日期；缺省为申请的日期")


class ForwardLetterIn(Versioned):
    unit: int = Field(..., description="转送的承办单位 id（本地区）")
    note: str = Field("", description="转送意见")


class AnswerLetterIn(Versioned):
    answer: str = Field(..., description="办理回复")


class LetterOut(Schema):
    id: int
    content: str
    unit: str
    forwarded_at: dt.datetime | None
    forward_note: str
    answer: str
    answered_at: dt.datetime | None


class QualityIn(Versioned):
    quality: str = Field(..., description="excellent 优秀 / good 良好 / fair 一般 / poor 较差")
    comment: str = ""


# --- Endpoints ----------------------------------------------------------------------------------


@router.post("/proposals", response={201: Created})
def create_proposal(request, body: ProposalIn):
    """A member writes a proposal in their own CPPCC, alone or with co-sponsors of that CPPCC.
    Without co-sponsors and with `submit: true` it is submitted at once."""
    user = request.auth
    if body.contact_member is not None:
        if body.body is None:
            raise ValidationFailed(_("只有单位提案需要指定联系委员。"), field="contact_member")
        if body.submit:
            raise ValidationFailed(_("代为录入的单位提案由联系委员核对后提交。"), field="submit")
        seat = actions.contact_seat(user, body.contact_member)
    else:
        seat = actions.seat_for(user, body.cppcc)
    case = actions.do_create_proposal(
        author=seat,
        title=body.title,
        content=body.content,
        in_session=body.in_session,
        category=resolve.category(body.category),
        co_sponsors=body.co_sponsors,
        respond_by=body.respond_by,
        body=body.body,
        acting_user=user,
    )
    if body.submit and not body.co_sponsors:
        case = actions.do_submit_proposal(case, acting_user=user)
    return Status(
        201,
        {
            "id": case.pk,
            "tracking_code": case.tracking_code,
            "state": case.state,
            "kind": case.kind,
        },
    )


@router.get("/proposals", response=ProposalList)
def list_proposals(request, filters: Query[ProposalFilters]):
    """Proposals the caller may see, newest first."""
    qs = queries.proposals_for(
        request.auth, state=filters.state, mine=filters.mine, key=filters.key
    )
    rows, count = page_of(
        queries.for_list(qs), limit=filters.limit, offset=filters.offset, total=qs
    )
    return {"items": [serialize.row(c) for c in rows], "count": count}


def _detail(request, case_id: int, *, acted: bool = False) -> dict:
    qs = queries.for_detail(Case.objects.filter(kind__in=KINDS))
    if acted:
        case = loop_queries.acted_on(request.auth, case_id, qs)
    else:
        case = get_visible_or_404(request.auth, qs, pk=case_id)
    return serialize.detail(case, request.auth)


@router.get("/proposals/{int:case_id}", response=ProposalDetail)
def get_proposal(request, case_id: int):
    """One proposal with its co-sponsors, assignments, replies, the evaluations the caller may
    read (each side sees the other's only after giving its own; the CPPCC's staff see both),
    its timeline and `available_actions`."""
    return _detail(request, case_id)


@router.post("/proposals/{int:case_id}/actions/{action}", include_in_schema=False)
def proposal_action(request, case_id: int, action: str):
    """A proposal's actions at its own path: the same route as `/cases/{id}/actions/{action}`."""
    return loop_api.run_action(request, case_id, action, kinds_served=KINDS)


# --- The kind's actions on the shared route -----------------------------------------------------

_calls = loop_api.passes


def _run_register(request, case, body):
    into = None
    if body.decision == "merge" and body.merge_into not in (None, ""):
        into = resolve.case(request.auth, body.merge_into)
    actions.do_register_proposal(
        case,
        decision=body.decision,
        note=body.note,
        merge_into=into,
        disposition=body.disposition,
        category=resolve.category(body.category),
        acting_user=request.auth,
        version=body.version,
    )


def _run_reply(request, case, body):
    actions.do_reply_proposal(
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
    actions.do_return_proposal(
        case, reason=body.reason, unit=unit, acting_user=user, version=body.version
    )


def _spec(action, schema, run, summary):
    return kinds.ActionSpec(action=action, schema=schema, run=run, summary=summary)


ACTIONS = [
    _spec(
        "cosign",
        ProposalCosignIn,
        _calls(actions.do_cosign_proposal, "accept"),
        "受邀的同一政协委员在确认期限前确认或谢绝联名",
    ),
    _spec(
        "submit",
        Versioned,
        lambda r, c, b: actions.do_submit_proposal(c, acting_user=r.auth, version=b.version),
        "提案者提交（联名委员须全部答复或确认期限已过）",
    ),
    _spec(
        "withdraw",
        ProposalWithdrawIn,
        _calls(actions.do_withdraw_proposal, "reason"),
        "提案者在立案审查前撤回",
    ),
    _spec(
        "register",
        RegisterIn,
        _run_register,
        "立案审查：立案（register）、并入相近提案（merge，全部提案者均为其提案者）或不予立案（decline，须说明理由，可转为委员来信或留作社情民意信息）",
    ),
    _spec(
        "assign",
        AssignIn,
        loop_api.LOOP_ACTIONS["assign"].run,
        "交办：一个主办单位、若干协办单位；缺省自交办之日起三个月内答复（办理期限可在后台设置）",
    ),
    _spec("return", ReturnIn, _run_return, "承办单位申请退回交办（其待审批的延期申请随之撤回）"),
    _spec(
        "request_extension",
        ExtensionRequestIn,
        _calls(actions.do_request_extension_proposal, "reason", due_date=lambda r, c, b: b.due_at),
        "主办单位申请延期：延期理由和申请延至的日期（须晚于现答复期限）",
    ),
    _spec(
        "decide_extension",
        ExtensionDecisionIn,
        _calls(
            actions.do_decide_extension_proposal,
            "decision",
            "note",
            due_date=lambda r, c, b: b.due_at,
        ),
        "提案委员会审批延期申请：同意（可另定日期）或不同意（须说明理由）",
    ),
    _spec(
        "forward_letter",
        ForwardLetterIn,
        _calls(actions.do_forward_letter_proposal, "unit", "note"),
        "提案委员会将转为委员来信的提案转送有关单位",
    ),
    _spec(
        "answer_letter",
        AnswerLetterIn,
        _calls(actions.do_answer_letter_proposal, "answer"),
        "受转送的单位回复委员来信",
    ),
    _spec(
        "mark_key",
        KeyIn,
        _calls(actions.do_mark_key_proposal, "leader", "leader_user", "note"),
        "提案委员会列为重点提案，明确领办督办的主席会议成员",
    ),
    _spec(
        "key_meeting",
        KeyMeetingIn,
        _calls(actions.do_key_meeting_proposal, "held_on", "place", "participants", "summary"),
        "登记重点提案督办推进会（日期、地点、参加人员、会议纪要）",
    ),
    _spec(
        "key_result",
        KeyResultIn,
        _calls(actions.do_key_result_proposal, "text", "circulated_on"),
        "答复后通报重点提案的办理结果（一次）",
    ),
    _spec(
        "consult",
        ConsultIn,
        _calls(loop.do_consult_case, "stage", "form", "summary", "held_on", "with_whom"),
        "与提案者的办前、办中、办后沟通",
    ),
    _spec(
        "reply",
        ProposalReplyIn,
        _run_reply,
        "主办单位答复：A/B/C 类（必填）及承诺事项，待本单位签发人签发",
    ),
    _spec(
        "sign_off",
        ProposalSignOffIn,
        _calls(actions.do_sign_off_proposal, "approve", "note"),
        "本单位签发人签发答复（或退回经办人修改）；不能签发本人拟写的答复",
    ),
    _spec(
        "evaluate",
        EvaluateIn,
        _calls(actions.do_evaluate_proposal, "rating", "comment"),
        "提案者评价办理（满意、基本满意、不满意；每人每轮一次，以最低评价为准）",
    ),
    _spec(
        "rate_submission",
        QualityIn,
        _calls(actions.do_rate_proposal, "quality", "comment"),
        "主办单位评价提案质量（优秀、良好、一般、较差；每轮一次）",
    ),
    _spec(
        "record_result",
        ResultIn,
        _calls(
            actions.do_record_result_proposal, "kind", "document", "number", "issued_on", "note"
        ),
        "登记成果转化：答复内容被吸纳进年度民生实事、专项规划或政策文件（文件名称、文号、日期）",
    ),
    _spec(
        "select_excellent",
        ExcellentIn,
        _calls(actions.do_select_excellent_proposal, "excellent", "year", "note"),
        "提案委员会评选年度优秀提案（或撤销）",
    ),
    _spec(
        "rehandle",
        RehandleIn,
        _calls(loop.do_rehandle_case, "reason", due_date=lambda r, c, b: b.due_at),
        "提案者不满意的，重新办理并确定新的答复期限",
    ),
    _spec("remind", OptionalNoteIn, _calls(loop.do_remind_case, "note"), "催办"),
    _spec("conclude", OptionalNoteIn, _calls(loop.do_conclude_case, "note"), "办结"),
]


kinds.declare(
    Kind.PROPOSAL,
    label=Kind.PROPOSAL.label,
    actions=ACTIONS,
    detail=lambda request, case_id: _detail(request, case_id, acted=True),
    detail_schema=ProposalDetail,
)
