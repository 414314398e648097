"""/readyz tells whether the instance and its background loops work; an unavailable database
or a full disk answers 503 with Retry-After, never a 500."""

import datetime as dt
import json
import textwrap

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from lianxin.casework.models import Case
from lianxin.core.models import LoopHeartbeat
from lianxin.testing.processes import run_on_sqlite

pytestmark = pytest.mark.django_db


def checks(response) -> dict:
    return {c["name"]: c for c in response.json()["checks"]}


def beat_all(age_seconds: float = 0):
    for name in settings.LIANXIN_READY_LOOPS:
        LoopHeartbeat.objects.update_or_create(
            name=name,
            defaults={"beat_at": timezone.now() - dt.timedelta(seconds=age_seconds), "interval": 1},
        )


def test_readyz_is_not_ready_while_the_loops_have_never_run_and_names_them():
    r = Client().get("/readyz")
    assert r.status_code == 503 and r["Retry-After"]
    loops = checks(r)["loops"]
    assert loops["ok"] is False
    assert set(settings.LIANXIN_READY_LOOPS) <= set(loops["loops"])
    assert checks(r)["database"]["ok"] and checks(r)["migrations"]["ok"]
    # /healthz still only says the process answers.
    assert Client().get("/healthz").status_code == 200


def test_readyz_is_ready_with_fresh_heartbeats_and_not_with_stale_ones():
    call_command("complete_intake")  # nothing waits for registration
    beat_all()
    r = Client().get("/readyz")
    assert r.status_code == 200, r.json()
    body = checks(r)
    assert body["intake_backlog"]["pending"] == 0 and body["disk"]["ok"]
    assert body["oldest_task"]["ok"]
    beat_all(age_seconds=3600)
    r = Client().get("/readyz")
    assert r.status_code == 503 and checks(r)["loops"]["loops"]["complete_intake"]["ok"] is False


def test_readyz_reports_an_intake_backlog_the_loop_does_not_clear(api):
    beat_all()
    r = api.anon().post("/api/v1/opinions", {"content": "井盖缺失", "station": "YC-BGJD"})
    assert r.status_code == 201
    Case.objects.filter(pk=r.json()["id"]).update(created_at=timezone.now() - dt.timedelta(hours=1))
    r = Client().get("/readyz")
    assert r.status_code == 503
    assert checks(r)["intake_backlog"] == {
        "name": "intake_backlog",
        "ok": False,
        "pending": 1,
        "oldest_age_seconds": pytest.approx(3600, abs=60),
    }


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own limits")
def test_a_full_disk_answers_503_with_retry_after_not_500(api):
    with connection.cursor() as c:
        c.execute("PRAGMA page_count")
        pages = c.fetchone()[0]
        c.execute("PRAGMA max_page_count")
        limit = c.fetchone()[0]
        c.execute(f"PRAGMA max_page_count = {pages}")
    try:
        r = api.anon().post(
            "/api/v1/opinions", {"content": "路面破损" * 1200, "station": "YC-BGJD"}
        )
    finally:
        with connection.cursor() as c:
            c.execute(f"PRAGMA max_page_count = {limit}")
    assert r.status_code == 503 and r["Retry-After"] == "30"
    assert r.json()["code"] == "disk_full"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own limits")
def test_a_read_only_database_answers_503_to_a_submission(api):
    with connection.cursor() as c:
        c.execute("PRAGMA query_only = 1")
    try:
        r = api.anon().post("/api/v1/opinions", {"content": "路灯不亮", "station": "YC-BGJD"})
    finally:
        with connection.cursor() as c:
            c.execute("PRAGMA query_only = 0")
    assert r.status_code == 503 and r["Retry-After"] == "30"
    assert r.json()["code"] == "database_unavailable"
    assert not Case.objects.filter(content="路灯不亮").exists()


SCRIPT = textwrap.dedent(
    """
    import json, django
    django.setup()
    from django.test import Client
    c = Client(raise_request_exception=False)
    out = {}
    for path in ("/readyz", "/api/v1/opinions/track/ABCDEFGH", "/t/ABCDEFGH"):
        r = c.get(path)
        out[path] = [r.status_code, r.get("Retry-After"), r.get("Content-Type"),
                     r.content.decode()[:2000]]
    print(json.dumps(out))
    """
)


def test_an_unreachable_database_answers_503_json_to_the_api_and_a_page_to_people(tmp_path):
    stdout = run_on_sqlite(
        SCRIPT,
        tmp_path / "missing" / "folder" / "db.sqlite3",
        tmp_path,
        timeout=120,
        LIANXIN_ALLOWED_HOSTS="testserver",
    )
    got = json.loads(stdout.strip().splitlines()[-1])
    status, retry, _type, body = got["/readyz"]
    assert status == 503 and retry == "30"
    assert json.loads(body)["checks"][0]["name"] == "database"
    status, retry, _type, body = got["/api/v1/opinions/track/ABCDEFGH"]
    assert status == 503 and retry == "30"
    assert json.loads(body)["code"] == "database_unavailable"
    status, retry, content_type, body = got["/t/ABCDEFGH"]
    assert status == 503 and retry == "30" and content_type.startswith("text/html")
    assert "数据库暂时无法访问" in body
