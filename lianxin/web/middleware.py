"""A request whose body is larger than `LIANXIN_REQUEST_MAX_BYTES` is answered 413 from its
Content-Length, before any of it is read: Django bounds only the fields it keeps in memory
(`DATA_UPLOAD_MAX_MEMORY_SIZE`), not the files it streams to disk."""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _

from .views import error_page


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class RequestSizeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.LIANXIN_REQUEST_MAX_BYTES
        if _declared_length(request) > limit:
            message = _("提交的内容过大（超过 %(mb)s MB），请减少或压缩附件后再提交。") % {
                "mb": max(1, limit // (1024 * 1024))
            }
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "too_large", "message": message}, status=413)
            return error_page(request, 413, _("提交的内容过大"), message)
        return self.get_response(request)
