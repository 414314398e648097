from django.conf import settings
from django.utils import translation

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
