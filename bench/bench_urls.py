"""The product's URLs plus one bare endpoint used only by benchmarks: it inserts one case row
with a single committed INSERT and answers 201, so the full intake path can be compared with a
bare insert through the same server and database. The INSERT runs in autocommit mode: one
statement, its own transaction, the fewest round trips a committed row can take."""

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
    "contact_name, contact_phone, is_anonymous, congress_id, scope_code, is_overdue, round, "
    "is_key_supervision, supervision_note, rating, intake_fingerprint, intake_pending, created_at, updated_at) "
    "VALUES ('opinion', 'registered', 0, %s, '', %s, '', 'api', '', '', false, %s, '140702', false, 1, false, '', '', '', false, %s, %s)"
)


@csrf_exempt
def bare_insert(request):
    import json

    body = json.loads(request.body)
    now = timezone.now()
    with connection.cursor() as cursor:  # autocommit: the INSERT is its own transaction
        cursor.execute(
            BARE_SQL, [uuid.uuid4().hex[:16], body["content"], body["congress"], now, now]
        )
    return JsonResponse({"ok": True}, status=201)


urlpatterns = [path("bench/bare-insert", bare_insert), *product_urlpatterns]
