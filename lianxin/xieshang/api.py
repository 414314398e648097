"""Endpoints of consultation under /api/v1/xieshang: events, speeches, results and studios,
the same actions and rules as the pages; refusals are {"code", "message"} 4xx."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from lianxin.accounts.access import can, get_visible_or_404, grants
from lianxin.core.errors import Forbidden, NotFound, ValidationFailed
from lianxin.core.paging import page_of
from lianxin.org.models import Cppcc, Member

from . import actions, queries, records, serialize
from .models import ConsultationEvent, Studio

router = Router(tags=["xieshang"])
ROOT = "/xieshang"


class EventIn(Schema):
    cppcc_id: int | None = Field(None, description="政协 id（本机关多于一个时必填）")
    kind: str = Field(
        ...,
        description="standing_committee 议政性常委会会议 / topical 专题协商 / counterpart 对口协商 / "
        "sector 界别协商 / quarterly 季度协商 / micro 微协商 / joint 联动协商",
    )
    title: str
    topic: str
    held_on: dt.date
    place: str = ""
    agenda: list[str] = []
    joint_with: str = Field("", description="联动协商的其他政协")
    participants: list[int] = Field([], description="参加委员的席位 id")
    sectors: list[int] = Field([], description="按界别邀请：该界别的在任委员都参加")
    invited_units: list[int] = Field([], description="邀请的承办单位 id")


class SpeechIn(Schema):
    text: str
    member: int | None = Field(None, description="发言委员的席位 id")
    unit: int | None = Field(None, description="发言单位 id（单位代表发言时）")
    speaker_name: str = Field("", description="单位代表的姓名")


class ResultIn(Schema):
    title: str
    content: str


class StepIn(Schema):
    on: dt.date | None = Field(None, description="日期，默认今天")
    units: list[int] = Field([], description="报送交办的单位 id（send 必填）")
    feedback: str = Field("", description="反馈情况（feedback 必填）")
    version: int | None = None


class CarriedOutIn(Schema):
    kind: str = Field(
        ..., description="livelihood 纳入民生实事 / plan 纳入规划计划 / policy 出台政策文件 / other"
    )
    document: str
    number: str = ""
    issued_on: dt.date


class StudioIn(Schema):
    cppcc_id: int | None = None
    kind: str = Field(..., description="studio 委员工作室 / liaison_group 委员联络组")
    name: str
    region: str = Field(..., description="所在区域代码")
    address: str = ""
    members: list[int] = []


class ActivityIn(Schema):
    held_on: dt.date
    title: str
    notes: str = ""
    members: list[int] = []


class Page(Schema):
    total: int
    items: list[dict[str, Any]]


def own_cppcc(user, cppcc_id: int | None) -> Cppcc:
    """The CPPCC the staff act for: the one given, or their only one."""
    staff = list(grants(user).cppcc_staff)
    if cppcc_id is None:
        if len(staff) != 1:
            raise ValidationFailed(_("请选择政协。"), field="cppcc_id")
        cppcc_id = staff[0]
    cppcc = Cppcc.objects.filter(pk=cppcc_id).select_related("region").first()
    if cppcc is None or not can(user, "xieshang.create", cppcc):
        raise Forbidden(_("您没有权限进行此操作。"))
    return cppcc


def _event(request, event_id: int) -> ConsultationEvent:
    return get_visible_or_404(
        request.user, queries.for_detail(ConsultationEvent.objects), pk=event_id
    )


def _studio(request, studio_id: int) -> Studio:
    return get_visible_or_404(request.user, queries.studio_detail(Studio.objects), pk=studio_id)


@router.get(f"{ROOT}/events", response=Page, summary="协商活动列表")
def list_events(
    request, mine: bool = False, kind: str | None = None, limit: int = 50, offset: int = 0
):
    if not can(request.user, "xieshang.list"):
        raise Forbidden(_("您没有权限进行此操作。"))
    qs = queries.for_detail(queries.events_for(request.user, mine=mine, kind=kind))
    rows, total = page_of(qs, limit=limit, offset=offset)
    return {"total": total, "items": [serialize.event(e) for e in rows]}


@router.post(f"{ROOT}/events", response={201: dict[str, Any]}, summary="创建协商活动")
def create_event(request, body: EventIn):
    cppcc = own_cppcc(request.user, body.cppcc_id)
    data = body.dict()
    data.pop("cppcc_id")
    event = actions.do_create_event(cppcc, acting_user=request.user, **data)
    return Status(201, serialize.event(_event(request, event.pk)))


@router.get(f"{ROOT}/events/{{event_id}}", response=dict[str, Any], summary="协商活动详情")
def get_event(request, event_id: int):
    return serialize.event(_event(request, event_id))


@router.post(
    f"{ROOT}/events/{{event_id}}/speeches", response={201: dict[str, Any]}, summary="登记发言"
)
def record_speech(request, event_id: int, body: SpeechIn):
    speech = actions.do_record_speech(
        _event(request, event_id), acting_user=request.user, **body.dict()
    )
    return Status(201, serialize.speech(speech))


@router.post(
    f"{ROOT}/events/{{event_id}}/results", response={201: dict[str, Any]}, summary="登记协商成果"
)
def record_result(request, event_id: int, body: ResultIn):
    result = actions.do_record_result(
        _event(request, event_id), acting_user=request.user, **body.dict()
    )
    return Status(201, serialize.result(result))


def _result(request, result_id: int):
    return get_visible_or_404(
        request.user,
        queries.results_for(request.user).prefetch_related("sent_to", "carried_out"),
        pk=result_id,
    )


@router.get(f"{ROOT}/results/{{result_id}}", response=dict[str, Any], summary="协商成果详情")
def get_result(request, result_id: int):
    return serialize.result(_result(request, result_id))


@router.post(
    f"{ROOT}/results/{{result_id}}/carried-out",
    response={201: dict[str, Any]},
    summary="登记成果转化",
)
def record_carried_out(request, result_id: int, body: CarriedOutIn):
    actions.do_record_carried_out(
        _result(request, result_id), acting_user=request.user, **body.dict()
    )
    return Status(201, serialize.result(_result(request, result_id)))


@router.post(
    f"{ROOT}/results/{{result_id}}/{{verb}}",
    response=dict[str, Any],
    summary="成果的一步：send 报送交办 / adopt 采纳 / implement 落实 / feedback 反馈",
)
def advance_result(request, result_id: int, verb: str, body: StepIn):
    actions.do_advance_result(
        _result(request, result_id), verb, acting_user=request.user, **body.dict()
    )
    return serialize.result(_result(request, result_id))


@router.get(f"{ROOT}/studios", response=Page, summary="委员工作室和联络组")
def list_studios(request, limit: int = 50, offset: int = 0):
    if not can(request.user, "xieshang.list"):
        raise Forbidden(_("您没有权限进行此操作。"))
    rows, total = page_of(
        queries.studio_detail(queries.studios_for(request.user)), limit=limit, offset=offset
    )
    return {"total": total, "items": [serialize.studio(s) for s in rows]}


@router.post(f"{ROOT}/studios", response={201: dict[str, Any]}, summary="设立委员工作室或联络组")
def create_studio(request, body: StudioIn):
    cppcc = own_cppcc(request.user, body.cppcc_id)
    data = body.dict()
    data.pop("cppcc_id")
    studio = actions.do_create_studio(cppcc, acting_user=request.user, **data)
    return Status(201, serialize.studio(_studio(request, studio.pk)))


@router.get(f"{ROOT}/studios/{{studio_id}}", response=dict[str, Any], summary="工作室详情")
def get_studio(request, studio_id: int):
    return serialize.studio(_studio(request, studio_id))


@router.post(
    f"{ROOT}/studios/{{studio_id}}/activities",
    response={201: dict[str, Any]},
    summary="登记工作室活动",
)
def record_activity(request, studio_id: int, body: ActivityIn):
    actions.do_record_activity(_studio(request, studio_id), acting_user=request.user, **body.dict())
    return Status(201, serialize.studio(_studio(request, studio_id)))


@router.get(f"{ROOT}/members/{{member_id}}/record", response=dict[str, Any], summary="委员履职记录")
def member_record(request, member_id: int, year: int | None = None):
    member = Member.objects.select_related("cppcc__region").filter(pk=member_id).first()
    if member is None or not can(request.user, "xieshang.record", member):
        raise NotFound(_("未找到该记录。"))
    return records.member_record(member, year=year)
