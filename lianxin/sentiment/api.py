"""Endpoints of sentiment reports and issues under /api/v1/sentiment: the same actions and rules
as the pages; refusals are {"code", "message"} 4xx."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from lianxin.accounts.access import can, get_visible_or_404, grants
from lianxin.core.errors import Forbidden, ValidationFailed
from lianxin.core.paging import page_of
from lianxin.core.pdf import PDF_TYPE
from lianxin.org.models import Cppcc

from . import actions, printing, queries, serialize
from .models import SentimentIssue, SentimentReport

router = Router(tags=["sentiment"])


class Ref(Schema):
    id: int
    name: str


class IssueRef(Schema):
    id: int
    label: str
    position: int | None


class AdoptionOut(Schema):
    adopted_by: str
    level: str
    manner: str
    adopted_on: dt.date


class InstructionOut(Schema):
    id: int
    leader: str
    level: str
    text: str
    given_on: dt.date


class ReportOut(Schema):
    id: int
    cppcc: Ref
    state: str
    state_label: str
    title: str = Field(description="刊用的标题：编辑后的标题，未编辑时为原标题")
    original_title: str | None = Field(description="原标题；反映人在编辑后只看到编辑后的文稿")
    content: str | None = Field(description="原文；反映人在编辑后只看到编辑后的文稿")
    edited_title: str
    edited_content: str
    category: str | None
    author: str
    author_member: int | None
    author_sector: int | None
    co_authors: list[int]
    source_proposal: int | None = Field(description="由不予立案的提案转来时，该提案的 id")
    submitted_at: dt.datetime | None
    return_reason: str
    issue: IssueRef | None
    adoption: AdoptionOut | None
    instructions: list[InstructionOut]
    version: int
    created_at: dt.datetime


class ReportPage(Schema):
    total: int
    items: list[ReportOut]


class ReportIn(Schema):
    author: str = Field(
        ..., description="以谁的名义：member:<委员席位 id>、sector:<界别 id> 或 cppcc:<政协 id>"
    )
    title: str
    content: str
    category: str | None = Field(None, description="所属领域（问题类别编码）")
    co_authors: list[int] = Field([], description="联名委员的席位 id")


class Versioned(Schema):
    version: int | None = Field(None, description="读取时的版本；已被他人更新时返回 409")


class ReturnIn(Versioned):
    reason: str = Field(..., description="退回理由，必填")


class EditIn(Versioned):
    edited_title: str
    edited_content: str


class AdoptIn(Versioned):
    adopted_by: str = Field(..., description="采用单位")
    level: str = Field(..., description="province 省级 / city 市级 / county 县级")
    manner: str = Field(..., description="adopted 采用 / forwarded 转送")
    adopted_on: dt.date | None = Field(None, description="采用日期，默认今天")


class InstructIn(Versioned):
    leader: str = Field(..., description="批示领导")
    level: str = Field(..., description="province 省级 / city 市级 / county 县级")
    text: str = Field(..., description="批示内容")
    given_on: dt.date | None = Field(None, description="批示日期，默认今天")


class IssueIn(Schema):
    title: str
    reports: list[int] = Field(..., description="已编辑的信息 id，按刊内顺序")
    cppcc_id: int | None = Field(None, description="编辑期刊的政协（本机关多于一个时必填）")


class SendIn(Schema):
    recipients: list[str] = Field(
        ..., description="higher_cppcc 上级政协 / party_committee 党委 / government 政府"
    )
    sent_on: dt.date | None = Field(None, description="报送日期，默认今天")


class IssueReportRef(Schema):
    id: int
    title: str
    position: int | None


class IssueOut(Schema):
    id: int
    cppcc: Ref
    year: int
    number: int
    label: str
    title: str
    reports: list[IssueReportRef]
    recipients: list[str]
    sent_on: dt.date | None


def _report(request, report_id: int) -> SentimentReport:
    return get_visible_or_404(
        request.user, queries.for_detail(SentimentReport.objects), pk=report_id
    )


def _out(request, report: SentimentReport) -> dict:
    return serialize.report(_report(request, report.pk), request.user)


@router.get("/sentiment/reports", response=ReportPage, summary="社情民意信息列表")
def list_reports(
    request,
    state: str | None = None,
    year: int | None = None,
    mine: bool = False,
    limit: int = 50,
    offset: int = 0,
):
    if not can(request.user, "sentiment.list"):
        raise Forbidden(_("您没有权限进行此操作。"))
    qs = queries.for_detail(queries.reports_for(request.user, state=state, year=year, mine=mine))
    rows, total = page_of(qs, limit=limit, offset=offset)
    return {"total": total, "items": [serialize.report(r, request.user) for r in rows]}


@router.post("/sentiment/reports", response={201: ReportOut}, summary="撰写社情民意信息（草稿）")
def create_report(request, body: ReportIn):
    report = actions.do_create_report(
        author=body.author,
        title=body.title,
        content=body.content,
        category=body.category,
        co_authors=body.co_authors,
        acting_user=request.user,
    )
    return Status(201, _out(request, report))


@router.get("/sentiment/reports/{report_id}", response=ReportOut, summary="社情民意信息详情")
def get_report(request, report_id: int):
    return serialize.report(_report(request, report_id), request.user)


@router.post("/sentiment/reports/{report_id}/submit", response=ReportOut, summary="报送")
def submit_report(request, report_id: int, body: Versioned):
    r = actions.do_submit_report(
        _report(request, report_id), acting_user=request.user, version=body.version
    )
    return _out(request, r)


@router.post("/sentiment/reports/{report_id}/return", response=ReportOut, summary="退回修改")
def return_report(request, report_id: int, body: ReturnIn):
    r = actions.do_return_report(
        _report(request, report_id),
        reason=body.reason,
        acting_user=request.user,
        version=body.version,
    )
    return _out(request, r)


@router.post("/sentiment/reports/{report_id}/accept", response=ReportOut, summary="采用待编辑")
def accept_report(request, report_id: int, body: Versioned):
    r = actions.do_accept_report(
        _report(request, report_id), acting_user=request.user, version=body.version
    )
    return _out(request, r)


@router.post("/sentiment/reports/{report_id}/edit", response=ReportOut, summary="编辑（保留原文）")
def edit_report(request, report_id: int, body: EditIn):
    r = actions.do_edit_report(
        _report(request, report_id),
        edited_title=body.edited_title,
        edited_content=body.edited_content,
        acting_user=request.user,
        version=body.version,
    )
    return _out(request, r)


@router.post("/sentiment/reports/{report_id}/adopt", response=ReportOut, summary="登记采用")
def adopt_report(request, report_id: int, body: AdoptIn):
    r = actions.do_adopt_report(
        _report(request, report_id),
        adopted_by=body.adopted_by,
        level=body.level,
        manner=body.manner,
        adopted_on=body.adopted_on,
        acting_user=request.user,
        version=body.version,
    )
    return _out(request, r)


@router.post(
    "/sentiment/reports/{report_id}/instruct",
    response={201: InstructionOut},
    summary="登记领导批示",
)
def instruct_report(request, report_id: int, body: InstructIn):
    i = actions.do_instruct_report(
        _report(request, report_id),
        leader=body.leader,
        level=body.level,
        text=body.text,
        given_on=body.given_on,
        acting_user=request.user,
        version=body.version,
    )
    return Status(
        201,
        {"id": i.pk, "leader": i.leader, "level": i.level, "text": i.text, "given_on": i.given_on},
    )


# --- Issues ------------------------------------------------------------------------------------


def _issue(request, issue_id: int) -> SentimentIssue:
    return get_visible_or_404(request.user, queries.issues_for(request.user), pk=issue_id)


def _issue_out(issue: SentimentIssue) -> dict:
    return serialize.issue(issue, queries.issue_reports(issue))


@router.get("/sentiment/issues", response=list[IssueOut], summary="期刊列表")
def list_issues(request, limit: int = 50, offset: int = 0):
    rows, _total = page_of(queries.issues_for(request.user), limit=limit, offset=offset)
    return [_issue_out(i) for i in rows]


@router.post("/sentiment/issues", response={201: IssueOut}, summary="编辑期刊（编入已编辑的信息）")
def compile_issue(request, body: IssueIn):
    staff = list(grants(request.user).cppcc_staff)
    if body.cppcc_id is None and len(staff) > 1:
        raise ValidationFailed(_("请指定编辑期刊的政协。"), field="cppcc_id")
    cppcc = Cppcc.objects.filter(pk=body.cppcc_id or (staff[0] if staff else None)).first()
    if cppcc is None:
        raise Forbidden(_("您没有权限进行此操作。"))
    issue = actions.do_compile_issue(
        cppcc, title=body.title, reports=body.reports, acting_user=request.user
    )
    return Status(201, _issue_out(issue))


@router.get("/sentiment/issues/{issue_id}", response=IssueOut, summary="期刊详情")
def get_issue(request, issue_id: int):
    return _issue_out(_issue(request, issue_id))


@router.post("/sentiment/issues/{issue_id}/send", response=IssueOut, summary="报送上级")
def send_issue(request, issue_id: int, body: SendIn):
    issue = actions.do_send_issue(
        _issue(request, issue_id),
        recipients=body.recipients,
        sent_on=body.sent_on,
        acting_user=request.user,
    )
    return _issue_out(issue)


@router.get(
    "/sentiment/issues/{issue_id}/pdf",
    summary="期刊 PDF",
    openapi_extra={
        "responses": {
            200: {
                "description": "PDF",
                "content": {PDF_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def issue_pdf(request, issue_id: int):
    issue = _issue(request, issue_id)
    return HttpResponse(printing.issue_pdf(issue), content_type=PDF_TYPE)
