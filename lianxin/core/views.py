from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import readiness
from .context_processors import LARGE_TEXT_COOKIE
from .outage import RETRY_AFTER


@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"status": "unavailable", "code": "database_unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    """Ready to take traffic and the background work is being done: the database, migrations,
    the loops' heartbeats, the intake backlog, the oldest queued task, the free disk; 503 with
    Retry-After naming the failing checks otherwise (see core.readiness)."""
    ready, checks = readiness.run_checks()
    response = JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )
    if not ready:
        response["Retry-After"] = str(RETRY_AFTER)
    return response


def large_text(request):
    """Switch the large-text mode on or off and go back where the reader was."""
    from django.shortcuts import redirect
    from django.utils.http import url_has_allowed_host_and_scheme

    on = request.GET.get("on") == "1"
    target = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = redirect(target)
    response.set_cookie(LARGE_TEXT_COOKIE, "1" if on else "0", max_age=365 * 86400, samesite="Lax")
    return response
