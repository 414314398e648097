"""The product's URLs plus one bare endpoint used only by benchmarks: it writes the same case
row the full intake path writes (the same columns, the same owner, deputy, station and region,
an idempotency key) with a single committed INSERT and answers 201, without any of the path's
work (validation, routing, idempotency, serialization), so the full intake path can be compared
with a bare insert through the same server and database. The INSERT runs in autocommit mode:
one statement, its own transaction, the fewest round trips a committed row can take."""

import uuid

from django.db import connection
from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from lianxin.urls import handler400, handler403, handler404, handler500  # noqa: F401
from lianxin.urls import urlpatterns as product_urlpatterns

BARE_SQL = (
    "INSERT INTO casework_case (kind, state, version, tracking_code, title, content, place, channel, "
    "contact_name, contact_phone, is_anonymous, congress_id, deputy_id, station_id, region_id, "
    "scope_code, is_overdue, round, is_key_supervision, supervision_note, rating, intake_key, "
    "intake_fingerprint, intake_pending, created_at, updated_at) "
    "VALUES ('opinion', 'registered', 0, %s, '', %s, '', 'api', '', '', false, %s, %s, %s, %s, "
    "%s, false, 1, false, '', '', %s, %s, true, %s, %s)"
)


def bare_row(body: dict) -> list:
    """The INSERT's parameters for a body naming the row's owner, deputy, station and region."""
    now = timezone.now()
    return [
        uuid.uuid4().hex[:10].upper(),
        body["content"],
        body["congress"],
        body.get("deputy"),
        body.get("station"),
        body.get("region"),
        body["scope_code"],
        f"bench:{uuid.uuid4().hex}",
        uuid.uuid4().hex + uuid.uuid4().hex,
        now,
        now,
    ]


@csrf_exempt
def bare_insert(request):
    import json

    with connection.cursor() as cursor:  # autocommit: the INSERT is its own transaction
        cursor.execute(BARE_SQL, bare_row(json.loads(request.body)))
    return JsonResponse({"ok": True}, status=201)


urlpatterns = [path("bench/bare-insert", bare_insert), *product_urlpatterns]
