"""Pulling work orders from a hotline's HTTP endpoint: a local server started by the test
answers with real messages (TipDM 2020 C) as JSON and CSV; the same answer twice adds nothing;
a timeout, a 500 and a body that is not JSON leave a clear message in the run log and import
nothing, and the next run succeeds; URLs that are not http(s) or point inside are refused."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from lianxin.core.errors import ValidationFailed
from lianxin.core.models import TrailEvent

from .. import jobs, pull
from ..models import ImportJob, PullRun, WorkOrder
from . import helpers
from .httpserver import Server

pytestmark = pytest.mark.django_db


@pytest.fixture
def server():
    s = Server().start()
    yield s
    s.stop()


def _json_rows(n: int, prefix: str = "P") -> list[dict]:
    return [dict(zip(helpers.HEADER, row, strict=True)) for row in helpers.rows(n, prefix=prefix)]


def _configure(src, users, **connection):
    d = {
        "pull_url": "",
        "pull_format": "json",
        "pull_interval_minutes": 60,
        "webhook_url": "",
        **connection,
    }
    return jobs.save_source(
        src,
        name=src.name,
        mapping=src.mapping,
        states_text="\n".join(f"{k} = {v}" for k, v in src.state_mapping.items()),
        acting_user=users["jz_staff"],
        connection=d,
    )


def test_json_pull_with_auth_imports_once_and_shows_the_run_log(server, users):
    rows = _json_rows(25)
    server.script = [("json", rows)]
    server.require_header = ("Authorization", "Bearer s3cret-token-123")
    src = _configure(
        helpers.source(),
        users,
        pull_url=server.url + "/orders",
        pull_auth_header="Authorization: Bearer s3cret-token-123",
    )
    first = pull.pull(src)
    assert first.status == "done", first.error
    assert (first.total, first.created_count, first.existing_count) == (25, 25, 0)
    assert WorkOrder.objects.filter(source=src).count() == 25
    assert server.received[0]["headers"]["Accept"] == "application/json"
    # The same answer again: nothing new.
    again = pull.pull(src)
    assert (again.status, again.created_count, again.existing_count) == ("done", 0, 25)
    assert WorkOrder.objects.filter(source=src).count() == 25
    assert TrailEvent.objects.filter(action="hotline.pull", object_id=str(src.pk)).count() == 2
    # The source page shows the runs and the header masked, never the token.
    client = Client()
    client.force_login(users["jz_staff"])
    page = client.get(f"/work-orders/sources/{src.pk}/").content.decode()
    assert page.count('class="run run-done"') == 2
    assert "Authorization: Bea••••••" in page and "s3cret-token-123" not in page
    change = TrailEvent.objects.filter(action="hotline.source_change").last().change
    assert "s3cret" not in str(change)
    # Not the pull's due time yet; without the header the endpoint refuses: a clear message.
    assert src not in pull.due()
    server.require_header = ("Authorization", "other")
    refused = pull.pull(src)
    assert refused.status == "failed" and "HTTP 401" in refused.error


def test_csv_pull_through_the_command(server, users):
    data = helpers.csv_bytes(helpers.rows(5, prefix="C"), encoding="gbk")
    server.script = [("body", data, "text/csv")]
    src = _configure(
        helpers.source(), users, pull_url=server.url + "/orders.csv", pull_format="csv"
    )
    call_command("pull_work_orders", "--source", src.name)
    run = PullRun.objects.get(source=src)
    assert (run.status, run.created_count) == ("done", 5)
    assert set(WorkOrder.objects.filter(source=src).values_list("number", flat=True)) == {
        f"C00000{i}" for i in range(1, 6)
    }
    # Without --source: only sources whose interval has passed (this one was just pulled).
    call_command("pull_work_orders")
    assert PullRun.objects.filter(source=src).count() == 1
    with pytest.raises(CommandError):
        call_command("pull_work_orders", "--source", "没有的来源")


@override_settings(LIANXIN_HOTLINE_HTTP_TIMEOUT=0.5)
def test_timeout_500_bad_json_and_bad_rows_import_nothing_then_the_next_run_succeeds(server, users):
    good = _json_rows(3, prefix="F")
    bad_row = [*good[:2], {**good[2], "留言时间": "不是日期"}]
    server.script = [
        ("hold",),
        ("status", 500),
        ("body", b'[{"\xe7\x95\x99": ', "application/json"),
        ("json", {"rows": "not a list"}),
        ("json", bad_row),
        ("json", good),
    ]
    src = _configure(helpers.source(), users, pull_url=server.url + "/orders")
    messages = []
    for _ in range(5):
        run = pull.pull(src)
        assert run.status == "failed"
        messages.append(run.error)
        assert not WorkOrder.objects.filter(source=src).exists()
    assert "请求超时" in messages[0]
    assert "HTTP 500" in messages[1]
    assert "不是有效的 JSON" in messages[2]
    assert "工单列表" in messages[3]
    assert "有 1 行有误" in messages[4]
    job = PullRun.objects.filter(source=src).first().job
    assert job.status == ImportJob.Status.FAILED and job.report["issues"][0]["row"] == 4
    ok = pull.pull(src)
    assert (ok.status, ok.created_count, ok.error) == ("done", 3, "")
    client = Client()
    client.force_login(users["jz_staff"])
    page = client.get(f"/work-orders/sources/{src.pk}/").content.decode()
    assert page.count('class="run run-failed"') == 5 and "请求超时" in page


def test_bad_urls_are_refused_with_a_message(server, users):
    src = helpers.source()
    for url, words in (
        ("file:///etc/passwd", "http:// 或 https://"),
        ("ftp://example.com/x", "http:// 或 https://"),
        ("http://", "主机名"),
    ):
        with pytest.raises(ValidationFailed) as exc:
            _configure(src, users, pull_url=url)
        assert words in str(exc.value.message) and exc.value.field == "pull_url"
    with pytest.raises(ValidationFailed) as exc:
        _configure(src, users, pull_auth_header="Bearer only")
    assert "名称: 值" in str(exc.value.message)
    with pytest.raises(ValidationFailed) as exc:
        _configure(src, users, webhook_url=server.url + "/hook")
    assert "签名密钥" in str(exc.value.message)
    src.refresh_from_db()
    assert src.pull_url == "" and src.webhook_url == ""
    # Private addresses, when the setting forbids them: refused on saving and on pulling.
    _configure(src, users, pull_url=server.url + "/orders")
    with override_settings(LIANXIN_HOTLINE_ALLOW_PRIVATE_URLS=False):
        with pytest.raises(ValidationFailed) as exc:
            _configure(src, users, pull_url="http://10.0.0.8/orders")
        assert "内网" in str(exc.value.message)
        run = pull.pull(src)
        assert run.status == "failed" and "内网" in run.error
    assert server.received == []
    # The page shows the message on the field, 4xx, nothing saved.
    client = Client()
    client.force_login(users["jz_staff"])
    response = client.post(
        f"/work-orders/sources/{src.pk}/",
        {
            "name": src.name,
            "states": "",
            "pull_url": "file:///etc/passwd",
            "pull_format": "json",
            "pull_interval_minutes": 60,
        },
    )
    assert response.status_code == 422
    assert "http:// 或 https://" in response.content.decode()
    src.refresh_from_db()
    assert src.pull_url == server.url + "/orders"


def test_other_staff_get_404_on_the_source_pages(users):
    src = helpers.source()
    client = Client()
    client.force_login(users["yc_staff"])
    for url in ("", "export", "deliveries/"):
        assert client.get(f"/work-orders/sources/{src.pk}/{url}").status_code == 404
    assert client.post(f"/work-orders/sources/{src.pk}/pull/").status_code == 404
