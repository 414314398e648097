"""12345 work orders over the API.

- `POST /work-orders/imports` (multipart: `file`, `source`, optional `valid_rows_only`,
  `check_only`): the file is read and checked against the source's column mapping; unless
  `check_only`, the import is queued at once (202) and runs in the background; its state and
  progress are at `GET /work-orders/imports/{id}`. A file with errors is 422 with the report
  (each bad row and cell) and nothing is imported, unless `valid_rows_only` is true. The same
  file again imports nothing new (the hotline's number is unique per source).
- `GET /work-orders`, `GET /work-orders/{id}`: the orders the caller may see.
- Every step: `POST /cases/{id}/actions/{action}` — triage, assign (派单), return, consult
  (签收办理), reply, evaluate (回访：满意度及回访记录), rehandle, remind, supervise, conclude.
Refusals as in the loop: 404 not visible, 409 out of turn or stale, 403 not the caller's
action, 422 bad input, each as {"code", "message"}.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from lianxin.accounts.access import get_visible_or_404, visible_to
from lianxin.casework import api as loop_api
from lianxin.casework import kinds
from lianxin.casework import queries as loop_queries
from lianxin.casework.api import CaseDetail, CaseRow, EvaluateIn
from lianxin.casework.models import Case, Kind
from lianxin.core.errors import NotFound
from lianxin.core.paging import page_of

from . import importing, jobs, queries, serialize
from .models import ImportJob, Source

router = Router(tags=["hotline"])
KINDS = (Kind.WORK_ORDER,)


class WorkOrderOwn(Schema):
    source: str = Field(description="工单来源")
    number: str = Field(description="热线工单编号（同一来源内唯一）")
    channel: str = Field(description="热线的受理渠道（电话、网络……）")
    received_at: dt.datetime | None = Field(description="热线受理时间")
    hotline_state: str = Field(description="导入时热线文件中的工单状态")


class WorkOrderRow(CaseRow, WorkOrderOwn):
    pass


class WorkOrderList(Schema):
    items: list[WorkOrderRow]
    count: int


class WorkOrderDetail(CaseDetail, WorkOrderOwn):
    pass


class ImportIssueOut(Schema):
    row: int = Field(description="文件中的行号（标题行为第 1 行）")
    column: str = Field(description="文件的列标题")
    field: str = Field(description="本系统字段")
    value: str
    message: str


class ProgressOut(Schema):
    phase: str = Field(description="queued / checking / writing / done / failed / checked")
    done: int
    total: int
    percent: int


class ImportJobOut(Schema):
    code: str = ""
    message: str = ""
    id: int
    source: str
    file_name: str
    file_format: str
    encoding: str
    status: str = Field(description="checked / queued / running / done / failed")
    valid_rows_only: bool
    total: int
    valid: int
    existing: int = Field(description="已导入过的行（不再导入）")
    error_rows: int
    created: int
    file_errors: list[str]
    issues: list[ImportIssueOut] = Field(description="每一处有误的行和单元格（最多列出 1000 处）")
    issue_count: int
    progress: ProgressOut


def job_body(job: ImportJob, *, code: str = "", message: str = "") -> dict:
    report = job.report or {}
    return {
        "code": code,
        "message": message or job.message,
        "id": job.pk,
        "source": job.source.name,
        "file_name": job.file_name,
        "file_format": job.file_format,
        "encoding": job.encoding,
        "status": job.status,
        "valid_rows_only": job.valid_rows_only,
        "total": report.get("total", job.total),
        "valid": report.get("valid", 0),
        "existing": report.get("existing", 0),
        "error_rows": report.get("error_rows", 0),
        "created": job.created_count,
        "file_errors": report.get("file_errors", []),
        "issues": report.get("issues", []),
        "issue_count": report.get("issue_count", 0),
        "progress": jobs.progress(job),
    }


def _source(user, value: str) -> Source:
    qs = visible_to(user, Source).select_related("congress__region", "default_region")
    found = qs.filter(name=value).first()
    if found is None and str(value).isdigit():
        found = qs.filter(pk=int(value)).first()
    if found is None:
        raise NotFound(_("没有这个工单来源。"), code="unknown_source")
    return found


@router.post(
    "/work-orders/imports",
    response={200: ImportJobOut, 202: ImportJobOut, 422: ImportJobOut},
)
def import_work_orders(
    request,
    file: File[UploadedFile],
    source: Form[str],
    valid_rows_only: Form[bool] = False,
    check_only: Form[bool] = False,
):
    """Import work orders from an Excel (.xlsx), CSV (UTF-8 or GBK) or JSON file (multipart,
    field `file`), read with the column mapping saved for `source` (its name or id). The whole file is checked
    first; the report names every bad row and cell. With errors nothing is imported (422
    `import_invalid`) unless `valid_rows_only`. Otherwise the import is queued (202) and its
    progress read at `GET /work-orders/imports/{id}`; `check_only` answers 200 with the report."""
    user = request.auth
    target = _source(user, source)
    job = jobs.upload(
        target, file.read(importing.MAX_FILE_BYTES + 1), file.name or "upload", acting_user=user
    )
    report = job.report
    if report.get("file_errors") or (report.get("issue_count") and not valid_rows_only):
        message = "；".join(report.get("file_errors") or []) or _(
            "有 %(n)s 行有误，未导入任何工单。"
        ) % {"n": report.get("error_rows", 0)}
        return Status(422, job_body(job, code="import_invalid", message=message))
    if check_only:
        return Status(200, job_body(job, code="checked", message=_("校验通过，尚未导入。")))
    job = jobs.confirm(job, valid_rows_only=valid_rows_only, acting_user=user)
    job.refresh_from_db()
    return Status(202, job_body(job, code="queued" if job.status != "done" else "imported"))


@router.get("/work-orders/imports/{int:job_id}", response=ImportJobOut)
def get_import(request, job_id: int):
    """One import with its report and progress (the uploader's congress's staff)."""
    job = get_visible_or_404(request.auth, ImportJob.objects.select_related("source"), pk=job_id)
    return job_body(job)


class Filters(Schema):
    state: str | None = Field(None, description="状态，可用逗号分隔多个")
    limit: int = 50
    offset: int = 0


@router.get("/work-orders", response=WorkOrderList)
def list_orders(request, filters: Query[Filters]):
    """Work orders the caller may see, newest first."""
    qs = queries.orders_for(request.auth, state=filters.state)
    rows, count = page_of(qs, limit=filters.limit, offset=filters.offset, total=qs)
    return {"items": [serialize.row(c) for c in rows], "count": count}


def _detail(request, case_id: int, *, acted: bool = False) -> dict:
    qs = queries.for_detail(Case.objects.filter(kind__in=KINDS))
    if acted:
        case = loop_queries.acted_on(request.auth, case_id, qs)
    else:
        case = get_visible_or_404(request.auth, qs, pk=case_id)
    return serialize.detail(case, request.auth)


@router.get("/work-orders/{int:case_id}", response=WorkOrderDetail)
def get_order(request, case_id: int):
    """One work order with its dispatches, replies, return visits, timeline and
    `available_actions`."""
    return _detail(request, case_id)


def _spec(action, schema, run, summary):
    return kinds.ActionSpec(action=action, schema=schema, run=run, summary=summary)


L = loop_api.LOOP_ACTIONS

ACTIONS = [
    _spec("triage", L["triage"].schema, L["triage"].run, "分类：确定类别"),
    _spec(
        "merge",
        L["merge"].schema,
        L["merge"].run,
        "合并重复件：并入反映同一问题的主案件（工单或群众意见），工单编号保留",
    ),
    _spec("unmerge", L["unmerge"].schema, L["unmerge"].run, "撤销合并：恢复为单独办理的工单"),
    _spec("assign", L["assign"].schema, L["assign"].run, "派单：一个主办单位、若干协办单位"),
    _spec("return", L["return"].schema, L["return"].run, "承办单位申请退回派单"),
    _spec("consult", L["consult"].schema, L["consult"].run, "签收办理（首次联系来电人）及沟通记录"),
    _spec("reply", L["reply"].schema, L["reply"].run, "主办单位答复办理结果"),
    _spec(
        "evaluate",
        EvaluateIn,
        L["evaluate"].run,
        "回访：登记来电人的满意度（satisfied / basically_satisfied / dissatisfied）和回访记录（comment）",
    ),
    _spec("rehandle", L["rehandle"].schema, L["rehandle"].run, "回访不满意的，重新办理"),
    _spec("remind", L["remind"].schema, L["remind"].run, "催办"),
    _spec("supervise", L["supervise"].schema, L["supervise"].run, "督办"),
    _spec("conclude", L["conclude"].schema, L["conclude"].run, "办结（回访满意或基本满意后）"),
]

kinds.declare(
    Kind.WORK_ORDER,
    label=Kind.WORK_ORDER.label,
    actions=ACTIONS,
    detail=lambda request, case_id: _detail(request, case_id, acted=True),
    detail_schema=WorkOrderDetail,
)
