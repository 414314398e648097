"""The database or its disk is unavailable: a 503 with Retry-After that says so, never a 500.

`outage_of(exc)` names the outage an exception means ("database_unavailable": the database
cannot be reached, is restarting, locked or read-only; "disk_full": SQLite's "database or
disk is full" or ENOSPC), or None for any other error. `UnavailableMiddleware` answers pages
with a short Chinese page, and the API's error handler (lianxin/api/api.py) answers JSON
{"code", "message"} through `outage_message`."""

from __future__ import annotations

import errno

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

RETRY_AFTER = 30  # seconds


def outage_of(exc: BaseException | None) -> str | None:
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            return "disk_full"
        if isinstance(exc, DatabaseError):
            text = str(exc).lower()
            if "disk is full" in text or "no space left" in text:
                return "disk_full"
            if isinstance(exc, OperationalError | InterfaceError):
                return "database_unavailable"
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def outage_message(kind: str) -> str:
    if kind == "disk_full":
        return _("存储空间已满，系统暂时无法保存数据，请稍后再试。")
    return _("数据库暂时无法访问，请稍后再试。")


def wants_json(request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def unavailable_response(request, kind: str, *, body: dict | None = None) -> HttpResponse:
    message = outage_message(kind)
    if body is not None or wants_json(request):
        response = JsonResponse(body or {"code": kind, "message": message}, status=503)
    else:
        title = escape(_("系统暂时无法使用"))
        response = HttpResponse(
            f'<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{title}</title></head><body><h1>{title}</h1>"
            f"<p>{escape(message)}</p></body></html>",
            status=503,
            content_type="text/html; charset=utf-8",
        )
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class UnavailableMiddleware:
    """A view that fails because the database or the disk is unavailable answers 503."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        kind = outage_of(exception)
        if kind is None:
            return None
        return unavailable_response(request, kind)
