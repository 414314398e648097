from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_cache_control

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
