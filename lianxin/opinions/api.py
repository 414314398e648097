"""Citizens' opinions over the API: public submission and tracking, and the three logs."""

from __future__ import annotations

import datetime as dt
import json

import pydantic
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from lianxin.api.auth import optional_user
from lianxin.casework import api as loop_api
from lianxin.casework import kinds, resolve, serialize
from lianxin.casework.actions import do_evaluate_case
from lianxin.casework.models import Kind
from lianxin.casework.photos import MAX_PHOTOS, photo_max_bytes
from lianxin.casework.queries import by_tracking_code
from lianxin.core.errors import NotFound, ValidationFailed

from . import logs
from .actions import do_register_opinion
from .limits import check_challenge, check_public_submission
from .lookups import deputy_by_code, find_deputy, find_station, station_by_code

router = Router(tags=["opinions"])

# An opinion takes the loop's actions as they are.
kinds.declare(Kind.OPINION, label=Kind.OPINION.label, actions=loop_api.LOOP_ACTIONS.values())


class OpinionIn(Schema):
    content: str = Field(..., description="反映的问题，必填，不超过 5000 字")
    title: str | None = Field(None, description="标题，不超过 100 字")
    deputy: int | str | None = Field(
        None, description="代表：其码上说事编码（字符串），或代表席位 id（整数）"
    )
    station: int | str | None = Field(None, description="联络站：码上说事编码或站点编码，或 id")
    region: str | None = Field(None, description="所在区划代码")
    category: str | None = Field(None, description="类别编码或名称")
    place: str | None = Field(None, description="地点")
    contact_name: str | None = None
    contact_phone: str | None = Field(None, description="11 位手机号码或带区号的固定电话")
    anonymous: bool = False
    challenge_token: str | None = Field(
        None,
        description="验证问题的令牌：接近提交上限时，400 challenge_required 的 challenge.token",
    )
    challenge_answer: str | None = Field(
        None, description="验证问题的答案（数字），与 challenge_token 一起提交"
    )


class OpinionCreated(Schema):
    id: int
    tracking_code: str
    tracking_url: str
    replayed: bool = Field(description="true：同一 Idempotency-Key 的重复提交，返回首次创建的意见")


class TimelineItem(Schema):
    at: dt.datetime
    action: str
    action_label: str
    state_label: str
    note: str
    rating_label: str


class PublicReply(Schema):
    at: dt.datetime
    by: str
    category: str | None
    category_label: str
    content: str


class MergedInto(Schema):
    tracking_code: str
    state: str
    state_label: str


class TrackOut(Schema):
    tracking_code: str
    kind: str
    kind_label: str
    state: str
    state_label: str
    title: str
    category: str | None
    created_at: dt.datetime
    deputy: str | None
    station: str | None
    merged_into: MergedInto | None
    timeline: list[TimelineItem]
    replies: list[PublicReply]
    rating: str | None
    rating_label: str
    can_evaluate: bool


class EvaluationIn(Schema):
    rating: str = Field(..., description="satisfied / basically_satisfied / dissatisfied")
    comment: str | None = Field(None, description="不超过 1000 字")


def _tracking_url(code: str) -> str:
    from django.conf import settings
    from django.urls import reverse

    return settings.LIANXIN_PUBLIC_BASE_URL + reverse("opinion_track", args=[code])


def _opinion_body_openapi() -> dict:
    """Both forms of the body: JSON, or multipart with up to three photos."""
    schema = OpinionIn.model_json_schema()
    schema.pop("title", None)
    form = {
        **schema,
        "properties": {
            **schema["properties"],
            "photos": {
                "type": "array",
                "items": {"type": "string", "format": "binary"},
                "maxItems": MAX_PHOTOS,
                "description": (
                    f"照片，最多 {MAX_PHOTOS} 张，每张不超过 {photo_max_bytes() // (1024 * 1024)} MB；"
                    "重新编码为 JPEG，位置等元数据被删除"
                ),
            },
        },
    }
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": schema},
                "multipart/form-data": {"schema": form},
            },
        }
    }


def _form_ref(value: str | None, find) -> int | str | None:
    """In a form every value is text: digits that are not a code are an id."""
    if value and value.strip().isdigit() and find(value) is None:
        return int(value.strip())
    return value


def _read_opinion(request) -> tuple[OpinionIn, list]:
    """The body as JSON (as before), or as multipart/form-data with the same fields plus
    `photos`. Refusals are the same as the other endpoints' (400 unreadable, 422 by field)."""
    if request.content_type == "multipart/form-data":
        data = {k: v for k, v in request.POST.items() if k != "photos" and (v or k == "content")}
        data["deputy"] = _form_ref(data.get("deputy"), find_deputy)
        data["station"] = _form_ref(data.get("station"), find_station)
        photos = request.FILES.getlist("photos")
    else:
        try:
            data = json.loads(request.body) if request.body else {}
        except ValueError as exc:
            raise HttpError(400, "Cannot parse request body") from exc
        photos = []
    try:
        return OpinionIn.model_validate(data), photos
    except pydantic.ValidationError as exc:
        raise NinjaValidationError(exc.errors()) from exc


@router.post(
    "/opinions",
    auth=None,
    response={201: OpinionCreated},
    openapi_extra=_opinion_body_openapi(),
)
def submit_opinion(
    request,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        description="同一键的重复提交（双击、网络重试）返回同一条意见，绝不重复创建",
    ),
):
    """Public: a citizen raises an opinion to a deputy, a station or a region. Give one of
    `deputy`, `station` or `region`. The body is JSON, or `multipart/form-data` with the same
    fields and up to three image files `photos` (checked and stripped of location data as on
    the scan-to-speak page; a bad file is a 422 and nothing is stored). A retry with the same
    `Idempotency-Key` returns the first opinion and stores no second set of photos. The 201
    comes once the opinion is stored; its registration entry on the timeline and the
    notifications (an SMS with the tracking code when a phone number was given) follow within
    seconds, written by the intake loop."""
    body, photos = _read_opinion(request)
    check_challenge(
        request,
        body.contact_phone or "",
        body.challenge_token or "",
        body.challenge_answer or "",
    )
    check_public_submission(request, body.contact_phone or "")
    deputy = deputy_by_code(body.deputy) if body.deputy not in (None, "") else None
    station = station_by_code(body.station) if body.station not in (None, "") else None
    case, created = do_register_opinion(
        content=body.content,
        title=body.title or "",
        deputy=deputy,
        station=station,
        region=resolve.region(body.region),
        category=resolve.category(body.category),
        place=body.place or "",
        contact_name=body.contact_name or "",
        contact_phone=body.contact_phone or "",
        is_anonymous=body.anonymous,
        photos=photos,
        channel="api",
        idempotency_key=idempotency_key,
        acting_user=None,
        defer_followups=True,
    )
    response = {
        "id": case.pk,
        "tracking_code": case.tracking_code,
        "tracking_url": _tracking_url(case.tracking_code),
        "replayed": not created,
    }
    return Status(201, response)


def _tracked(code: str):
    case = by_tracking_code(code)
    if case is None:
        raise NotFound(_("查询码不存在，请核对后重新输入。"))
    return case


@router.get("/opinions/track/{tracking_code}", auth=None, response=TrackOut)
def track_opinion(request, tracking_code: str):
    """Public: state, public progress and public replies of one case. No personal data."""
    return serialize.public_view(_tracked(tracking_code))


@router.post("/opinions/track/{tracking_code}/evaluation", auth=None, response=TrackOut)
def evaluate_opinion(request, tracking_code: str, body: EvaluationIn):
    """Public: whoever holds the tracking code rates the result once it was fed back."""
    case = _tracked(tracking_code)
    do_evaluate_case(case, rating=body.rating, comment=body.comment or "", as_citizen=True)
    return serialize.public_view(_tracked(tracking_code))


# --- The three logs --------------------------------------------------------------------------------


class LogFilters(Schema):
    deputy: int | None = Field(None, description="代表席位 id")
    station: int | None = Field(None, description="联络站 id")
    region: str | None = Field(None, description="区划代码")
    from_: dt.date | None = Field(None, alias="from", description="起始日期（含）")
    to: dt.date | None = Field(None, description="截止日期（含）")
    format: str = Field("json", description="json / xlsx / pdf")


class LogOut(Schema):
    kind: str
    title: str
    subject: str
    period: str
    columns: list[str]
    rows: list[list[str]]
    count: int


@router.get(
    "/logs/{kind}",
    response=LogOut,
    openapi_extra={
        "responses": {
            200: {
                "description": "JSON；format=xlsx 时为 Excel 文件，format=pdf 时为 PDF 文件",
                "content": {
                    "application/json": {},
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
                    "application/pdf": {},
                },
            }
        }
    },
)
def get_log(request, kind: str, filters: Query[LogFilters]):
    """The three logs (contact / suggestion / feedback) of a deputy, a station or a region over
    a period, generated from the data. Phones are masked; every export is audited."""
    if kind not in logs.KINDS:
        raise NotFound(_("没有这种记录簿。"), code="unknown_log")
    if filters.format not in ("json", "xlsx", "pdf"):
        raise ValidationFailed(_("格式应为 json、xlsx 或 pdf。"), field="format")
    user = request.auth or optional_user(request)
    log = logs.build(
        user,
        kind,
        deputy=filters.deputy,
        station=filters.station,
        region=filters.region,
        start=filters.from_,
        end=filters.to,
    )
    if filters.format == "json":
        return log.as_dict()
    content, content_type, filename = logs.export(log, filters.format, user=user, request=request)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
