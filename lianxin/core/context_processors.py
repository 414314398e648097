from django.conf import settings

LARGE_TEXT_COOKIE = "lianxin_large"


def display(request):
    """Elderly-friendly large-text mode (适老化), chosen by the reader and kept in a cookie."""
    large = request.GET.get("large")
    if large in {"0", "1"}:
        is_large = large == "1"
    else:
        is_large = request.COOKIES.get(LARGE_TEXT_COOKIE) == "1"
    return {
        "large_text": is_large,
        "LANGUAGES": settings.LANGUAGES,
    }
