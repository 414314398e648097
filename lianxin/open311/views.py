"""The GeoReport v2 endpoints under /open311/v2/ (docs/open311.md). The suffix chooses the
format; every refusal is the standard's error list `[{code, description}]` with its 4xx."""

from __future__ import annotations

import functools
import re

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from lianxin.core.errors import LianxinError, NotFound, RateLimited
from lianxin.core.outage import RETRY_AFTER, outage_message, outage_of
from lianxin.opinions.limits import check_public_submission

from . import queries, render
from .actions import Submission, client_for_key, submit_request
from .services import check_jurisdiction, definition, services

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
ATTRIBUTE = re.compile(r"^attribute\[([A-Za-z0-9_\-]+)\](\[\])?$")


def _status(exc: LianxinError) -> int:
    """The spec's statuses: 404 not found, 403 key, 400 anything else the client got wrong;
    a conflicting retry and a rate limit keep 409 and 429."""
    if exc.status in (403, 404, 409, 429):
        return exc.status
    return 400


def endpoint(methods=("GET",)):
    def wrap(view):
        @functools.wraps(view)
        def inner(request, fmt: str, **kwargs):
            fmt = (fmt or "").lower()
            if fmt not in render.FORMATS:
                return render.error(
                    400,
                    _("不支持的格式“%(fmt)s”，请用 .json 或 .xml。") % {"fmt": fmt[:10]},
                    "json",
                )
            if request.method not in methods:
                return render.error(
                    400, _("此地址不接受 %(method)s 请求。") % {"method": request.method}, fmt
                )
            try:
                source = request.POST if request.method == "POST" else request.GET
                check_jurisdiction(source.get("jurisdiction_id"))
                return view(request, fmt, **kwargs)
            except RateLimited as exc:
                return render.error(429, exc.message, fmt, retry_after=exc.retry_after)
            except LianxinError as exc:
                return render.error(_status(exc), exc.message, fmt)
            except RequestDataTooBig:
                return render.error(413, _("提交的内容过大。"), fmt)
            except (BadRequest, SuspiciousOperation, MultiPartParserError):
                return render.error(400, _("请求格式有误，无法读取。"), fmt)
            except Exception as exc:
                # The database or the disk unavailable: 503 and Retry-After, as elsewhere.
                kind = outage_of(exc)
                if kind is None:
                    raise
                return render.error(503, outage_message(kind), fmt, retry_after=RETRY_AFTER)

        return csrf_exempt(inner)

    return wrap


def base_url(request) -> str:
    root = settings.LIANXIN_PUBLIC_BASE_URL or request.build_absolute_uri("/").rstrip("/")
    return root.rstrip("/") + reverse("open311_root")


@endpoint()
def discovery(request, fmt):
    changeset = _changeset()
    body = {
        "changeset": changeset,
        "contact": settings.LIANXIN_OPEN311_CONTACT or _("请与本级人大常委会代表工作机构联系。"),
        "key_service": _(
            "提交请求所需的 api_key 由系统管理员签发，请与本级人大常委会代表工作机构联系。"
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base_url(request).rstrip("/"),
                "changeset": changeset,
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    return render.respond(body, "discovery", fmt)


def _changeset() -> str:
    """Changes when the service list or the definitions change (categories, counties)."""
    from django.db.models import Count, Max

    from lianxin.casework.models import Category

    figures = Category.objects.aggregate(n=Count("id"), top=Max("id"))
    active = Category.objects.filter(is_active=True).count()
    return f"{settings.LIANXIN_OPEN311_REGION}-{figures['n']}-{figures['top'] or 0}-{active}"


@endpoint()
def service_list(request, fmt):
    return render.respond(services(), "services", fmt)


@endpoint()
def service_definition(request, fmt, code):
    return render.respond(definition(code), "service_definition", fmt)


@endpoint(methods=("GET", "POST"))
def request_list(request, fmt):
    if request.method == "POST":
        return _create(request, fmt)
    found = queries.search(request.GET)
    return render.respond([queries.as_request(r) for r in found], "requests", fmt)


def _create(request, fmt):
    data = request.POST
    client = client_for_key(data.get("api_key"))
    attributes = {}
    for name in data:
        match = ATTRIBUTE.match(name)
        if match:
            values = data.getlist(name)
            attributes[match.group(1)] = values if match.group(2) else values[-1]
    check_public_submission(request, data.get("phone") or "")
    filed, created = submit_request(
        Submission(
            service_code=data.get("service_code") or "",
            description=data.get("description") or "",
            lat=data.get("lat"),
            long=data.get("long"),
            address=data.get("address_string") or "",
            address_id=data.get("address_id") or "",
            media_url=data.get("media_url") or "",
            first_name=data.get("first_name") or "",
            last_name=data.get("last_name") or "",
            phone=data.get("phone") or "",
            attributes=attributes,
            idempotency_key=request.headers.get("Idempotency-Key") or data.get("idempotency_key"),
        ),
        client=client,
        media=request.FILES.getlist("media"),
    )
    body = [
        {
            "service_request_id": filed.service_request_id,
            "service_notice": _(
                "已受理。请将查询码 %(code)s 告知反映人，凭查询码可查看办理进度和答复。"
            )
            % {"code": filed.case.tracking_code},
            "account_id": None,
            "token": filed.token,
            "tracking_code": filed.case.tracking_code,
            "tracking_url": settings.LIANXIN_PUBLIC_BASE_URL
            + reverse("opinion_track", args=[filed.case.tracking_code]),
            "replayed": not created,
        }
    ]
    return render.respond(body, "requests", fmt)


@endpoint()
def request_detail(request, fmt, request_id):
    filed = queries.one(request_id)
    if filed is None:
        raise NotFound(_("没有编号为“%(id)s”的请求。") % {"id": request_id[:40]})
    return render.respond([queries.as_request(filed)], "requests", fmt)


@endpoint()
def token_detail(request, fmt, token):
    filed = queries.by_token(token)
    if filed is None:
        raise NotFound(_("没有这个令牌。"), code="unknown_token")
    body = [{"service_request_id": filed.service_request_id, "token": filed.token}]
    return render.respond(body, "requests", fmt)


@csrf_exempt
def not_found(request, rest=""):
    fmt = "xml" if rest.lower().endswith(".xml") else "json"
    return render.error(404, _("Open311 接口没有这个地址。"), fmt)
