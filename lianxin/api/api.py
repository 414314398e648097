"""The one NinjaAPI under /api/v1. Every error leaves as JSON {"code", "message"}."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from lianxin.core.errors import LianxinError
from lianxin.core.outage import outage_of, unavailable_response

from .auth import bearer
from .errors import declare_errors

log = logging.getLogger("lianxin.api")


class LianxinAPI(NinjaAPI):
    """The document lists the actions of every declared kind (lianxin.casework.kinds): the one
    action route is documented as one operation per action name, with each kind's body. Every
    operation declares the error answers ({"code", "message"}, lianxin.api.errors)."""

    def get_openapi_schema(self, *args, **kwargs):
        from lianxin.casework import kinds

        schema = super().get_openapi_schema(*args, **kwargs)
        root = self.get_root_path({}).rstrip("/")
        kinds.document(
            schema,
            f"{root}/cases/{{case_id}}/actions/{{action}}",
            operation_prefix="case_action",
            tag="casework",
        )
        kinds.document(
            schema,
            f"{root}/suggestions/{{case_id}}/actions/{{action}}",
            kinds=("suggestion", "motion"),
            operation_prefix="suggestion_action",
            tag="suggestions",
        )
        kinds.document(
            schema,
            f"{root}/proposals/{{case_id}}/actions/{{action}}",
            kinds=("proposal",),
            operation_prefix="proposal_action",
            tag="proposals",
        )
        return declare_errors(schema)


api = LianxinAPI(
    title="连心 Lianxin API",
    version="1",
    description=(
        "人大代表、政协委员履职与联系群众平台接口。除标注为公开的接口外，均需 "
        "`Authorization: Bearer <token>`（由 `POST /api/v1/auth/token` 签发）。"
        '错误一律返回 JSON `{"code", "message"}`。'
    ),
    auth=bearer,
    urls_namespace="api",
    # Swagger UI from ninja's own static files ("ninja" is an installed app), and no badge from
    # validator.swagger.io: the page loads nothing from another site (docs/security.md).
    docs=Swagger(settings={"validatorUrl": None}),
)


def error(request, status: int, code: str, message: str, **extra):
    return api.create_response(request, {"code": code, "message": message, **extra}, status=status)


def _field_name(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "form")]
    return ".".join(parts)


@api.exception_handler(NinjaValidationError)
def _validation(request, exc: NinjaValidationError):
    fields = []
    for err in exc.errors:
        name = _field_name(err.get("loc", ()))
        if name:
            fields.append(name)
    names = "、".join(dict.fromkeys(fields)) or _("请求内容")
    return error(
        request,
        422,
        "invalid",
        _("以下字段有误：%(fields)s") % {"fields": names},
        fields=list(dict.fromkeys(fields)),
    )


@api.exception_handler(LianxinError)
def _lianxin(request, exc: LianxinError):
    extra = {"field": exc.field} if exc.field else {}
    if getattr(exc, "challenge", None):  # opinions.limits.ChallengeRequired: the new question
        extra["challenge"] = exc.challenge
    response = error(request, exc.status, exc.code, exc.message, **extra)
    if getattr(exc, "retry_after", None):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return error(request, 401, "unauthorized", _("请先登录，或提供有效的访问令牌。"))


@api.exception_handler(HttpError)
def _http(request, exc: HttpError):
    if exc.status_code == 400:
        return error(request, 400, "invalid_json", _("请求内容不是有效的 JSON。"))
    if exc.status_code == 404:
        return error(request, 404, "not_found", _("未找到该记录。"))
    return error(request, exc.status_code, "error", str(exc))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error(request, 404, "not_found", _("未找到该记录。"))


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return error(request, 403, "forbidden", _("您没有权限进行此操作。"))


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    return error(request, 413, "too_large", _("提交的内容过大。"))


# An upload Django's parser refuses (too many files or fields, a broken multipart body).
@api.exception_handler(SuspiciousOperation)
@api.exception_handler(MultiPartParserError)
def _bad_upload(request, exc):
    return error(request, 400, "bad_request", _("提交的内容格式有误，无法读取。"))


@api.exception_handler(DjangoValidationError)
def _django_validation(request, exc: DjangoValidationError):
    return error(request, 422, "invalid", "；".join(exc.messages))


@api.exception_handler(Exception)
def _unexpected(request, exc):
    if kind := outage_of(exc):
        # The database or its disk is unavailable: a 503 the client may retry, not a 500.
        return unavailable_response(request, kind)
    log.exception("unhandled API error")
    return error(request, 500, "server_error", _("服务器内部错误，请稍后再试。"))


# Routers of each app; imported here so that the app owns its endpoints.
from lianxin.accounts.api import router as accounts_router  # noqa: E402
from lianxin.bulletins.api import router as bulletins_router  # noqa: E402
from lianxin.casework.api import router as casework_router  # noqa: E402
from lianxin.consultation.api import router as consultation_router  # noqa: E402
from lianxin.duty.api import router as duty_router  # noqa: E402
from lianxin.hotline.api import router as hotline_router  # noqa: E402
from lianxin.liaison.api import router as liaison_router  # noqa: E402
from lianxin.opinions.api import router as opinions_router  # noqa: E402
from lianxin.org.api import router as org_router  # noqa: E402
from lianxin.proposals.api import router as proposals_router  # noqa: E402
from lianxin.sentiment.api import router as sentiment_router  # noqa: E402
from lianxin.suggestions.api import router as suggestions_router  # noqa: E402
from lianxin.xieshang.api import router as xieshang_router  # noqa: E402

# The public intake (POST /opinions) is matched first: every submission resolves its URL.
api.add_router("/", opinions_router)
api.add_router("/", accounts_router)
api.add_router("/", org_router)
api.add_router("/", suggestions_router)
api.add_router("/", proposals_router)
api.add_router("/", sentiment_router)
api.add_router("/", xieshang_router)
api.add_router("/", hotline_router)
api.add_router("/", casework_router)
api.add_router("/", liaison_router)
api.add_router("/", duty_router)
api.add_router("/", consultation_router)
api.add_router("/", bulletins_router)
