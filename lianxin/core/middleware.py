import json
import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse, QueryDict
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

LANGUAGE_COOKIE = "lianxin_lang"
SUPPORTED = {code for code, _ in settings.LANGUAGES}


class LanguageMiddleware:
    """Chinese unless the user chose English (cookie or ?lang=); Accept-Language is ignored.

    Staff share desktops and phones whose browsers say "en"; the office's language is Chinese.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.GET.get("lang") or request.COOKIES.get(LANGUAGE_COOKIE)
        language = chosen if chosen in SUPPORTED else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if request.GET.get("lang") in SUPPORTED:
            response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 86400, samesite="Lax")
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


# Deeper than this, a JSON body is refused before anything parses it. No body of the API nests
# more than a few levels; Python's json module fails with RecursionError (a 500) near 1,000.
MAX_JSON_DEPTH = 32
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(rb"[\[\]{}]")


def json_too_deep(body: bytes, most: int = MAX_JSON_DEPTH) -> bool:
    """Whether the arrays and objects of a JSON text nest deeper than `most` (brackets inside
    strings do not count). Malformed text is judged too; the parser refuses it later."""
    if body.count(b"[") + body.count(b"{") <= most:
        return False
    depth = deepest = 0
    for bracket in _JSON_BRACKET.findall(_JSON_STRING.sub(b"", body)):
        if bracket in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest > most


# A NUL or a lone UTF-16 surrogate can only come into a JSON text as an escape.
_SUSPECT_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")


def _unstorable(value) -> bool:
    """Whether a parsed JSON value holds a string no database column can keep: a NUL
    (PostgreSQL refuses it in text) or a lone surrogate (no UTF-8 encoding exists)."""
    if isinstance(value, str):
        if "\x00" in value:
            return True
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_unstorable(k) or _unstorable(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_unstorable(v) for v in value)
    return False


def json_unstorable(body: bytes) -> bool:
    """Whether a JSON text carries a NUL or a lone surrogate in a string (an escaped backslash
    before `u0000` is text, not a NUL: the text is parsed to tell)."""
    if not _SUSPECT_ESCAPE.search(body):
        return False
    try:
        return _unstorable(json.loads(body))
    except (ValueError, RecursionError):
        return False  # not JSON: the parser refuses it later


class JsonDepthMiddleware:
    """A JSON request whose body nests deeper than MAX_JSON_DEPTH, or carries a NUL or a lone
    surrogate in a string, is answered 400 with {"code", "message"}, before any view or parser
    reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "json" in request.content_type:
            try:
                body = request.body
            except RequestDataTooBig:
                return self.get_response(request)  # the view answers it as too big
            if json_too_deep(body):
                message = _("请求内容嵌套过深（超过 %(n)d 层）。") % {"n": MAX_JSON_DEPTH}
                return JsonResponse({"code": "bad_request", "message": message}, status=400)
            if json_unstorable(body):
                message = _("请求内容含有无法保存的字符（空字符或不成对的代理字符）。")
                return JsonResponse({"code": "invalid_characters", "message": message}, status=400)
        return self.get_response(request)


class NulQueryMiddleware:
    """NUL characters are taken out of the query string's names and values before any view
    reads them: a filter or a search box given `%00` searches for the rest (PostgreSQL refuses
    NUL in text, SQLite would compare it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "%00" in request.META.get("QUERY_STRING", ""):
            cleaned = QueryDict(mutable=True)
            for name, values in request.GET.lists():
                cleaned.setlist(name.replace("\x00", ""), [v.replace("\x00", "") for v in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Two headers Django does not set (docs/security.md).

    - `Permissions-Policy`: LIANXIN_PERMISSIONS_POLICY (the position for 「附近」, nothing else).
    - `Cache-Control: no-store, private` on what carries personal data: every response to a
      signed-in user (page or API by session), every API response to a bearer token, and the
      public paths of LIANXIN_PRIVATE_PATHS (the tracking page). Public pages and static files
      keep their own caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.LIANXIN_PERMISSIONS_POLICY)
        if self._private(request):
            patch_cache_control(response, no_store=True, private=True)
        return response

    @staticmethod
    def _private(request) -> bool:
        if request.headers.get("Authorization"):
            return True
        if request.path.startswith(tuple(settings.LIANXIN_PRIVATE_PATHS)):
            return True
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)
