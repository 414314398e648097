"""Operability (docs/deploy.md): /metrics, JSON logs, gunicorn's workers ending with their
master. The metrics are read back as Prometheus text; the gunicorn tests start the real
gunicorn.conf.py with two workers and read what it wrote."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.test import Client, override_settings

from lianxin.core.logmask import JsonFormatter, MaskFilter
from lianxin.testing.browser import ROOT, free_port


def _value(text: str, name: str) -> float:
    """The sum of every sample of `name` in Prometheus text."""
    total, found = 0.0, False
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            total += float(line.rsplit(" ", 1)[1])
            found = True
    assert found, f"{name} not in the metrics"
    return total


@pytest.mark.django_db
def test_metrics_count_requests_and_read_the_backlog_from_the_database(users):
    from lianxin.casework.models import Case

    client = Client()
    client.get("/healthz")
    Case.objects.filter(pk__in=Case.objects.order_by("pk").values("pk")[:3]).update(
        intake_pending=True
    )
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert 'lianxin_http_requests_total{method="GET",status="200",view="healthz"}' in text
    assert "lianxin_http_request_duration_seconds_bucket" in text
    assert _value(text, "lianxin_intake_backlog") == 3
    assert _value(text, "lianxin_database_up") == 1
    assert "lianxin_task_queue_depth" in text and "lianxin_cases_overdue" in text
    # No path, code or number in a label: only the URL pattern's name.
    assert "/t/" not in text


@pytest.mark.django_db
def test_metrics_only_for_this_machine_or_the_token():
    assert Client(REMOTE_ADDR="10.0.0.8").get("/metrics").status_code == 404
    with override_settings(LIANXIN_METRICS_TOKEN="s3cret-token"):
        assert Client().get("/metrics").status_code == 404
        wrong = Client(headers={"Authorization": "Bearer nope"})
        assert wrong.get("/metrics").status_code == 404
        right = Client(REMOTE_ADDR="10.0.0.8", headers={"Authorization": "Bearer s3cret-token"})
        assert right.get("/metrics").status_code == 200


def test_json_log_lines_are_masked():
    record = logging.LogRecord(
        "lianxin.test",
        logging.WARNING,
        __file__,
        1,
        "来电 %s 查询 /t/ABCDEFGHJK",
        ("13812345678",),
        None,
    )
    MaskFilter().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["level"] == "WARNING" and entry["logger"] == "lianxin.test"
    assert entry["message"] == "来电 138****5678 查询 /t/***"


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(x) for x in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


@pytest.fixture
def gunicorn(tmp_path):
    """gunicorn with two workers, JSON logs and the multiprocess metrics, on a fresh SQLite."""
    port = free_port()
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    env = {
        **os.environ,
        "LIANXIN_VAR_DIR": str(tmp_path),
        "LIANXIN_DEBUG": "0",
        "LIANXIN_DEMO": "1",
        "LIANXIN_LOG_FORMAT": "json",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "DJANGO_SETTINGS_MODULE": "lianxin.settings",
    }
    env.pop("DATABASE_URL", None)
    log = tmp_path / "access.log"
    proc = subprocess.Popen(
        [
            os.path.join(os.path.dirname(sys.executable), "gunicorn"),
            "lianxin.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--access-logfile",
            str(log),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        assert proc.poll() is None, proc.stderr.read().decode(errors="replace")[-2000:]
        try:
            urllib.request.urlopen(url + "/healthz", timeout=5)
            break
        except urllib.error.HTTPError:
            break
        except OSError:
            assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
            time.sleep(0.2)
    try:
        yield proc, url, log
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=40)


def test_gunicorn_sums_the_workers_metrics_and_logs_json(gunicorn):
    _proc, url, log = gunicorn
    for _ in range(12):
        try:
            urllib.request.urlopen(url + "/t/ABCDEFGHJK", timeout=5)
        except urllib.error.HTTPError:
            pass  # a fresh database: not found, still counted
    text = urllib.request.urlopen(url + "/metrics", timeout=10).read().decode()
    # Two workers answered; whichever answers the scrape adds up both workers' files.
    assert _value(text, "lianxin_http_requests_total") >= 12
    deadline = time.monotonic() + 10
    while "/t/" not in (log.read_text() if log.exists() else ""):
        assert time.monotonic() < deadline, "no access log line"
        time.sleep(0.1)
    lines = [json.loads(x) for x in log.read_text().splitlines() if x.strip()]
    assert any("/t/***" in x["message"] for x in lines)
    assert "ABCDEFGHJK" not in log.read_text()


def test_workers_end_when_their_master_is_killed(gunicorn):
    proc, _url, _log = gunicorn
    workers = _children(proc.pid)
    assert len(workers) == 2
    started = time.monotonic()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    while any(_alive(w) for w in workers):
        assert time.monotonic() - started < 5, "a worker outlived its master by 5 s"
        time.sleep(0.05)


def _unread_bytes(server_port: int, client_port: int) -> int | None:
    """Bytes waiting in the server side's receive queue of one connection (/proc/net/tcp),
    None while the connection is not listed."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = fields[1], fields[2]
        if int(local.split(":")[1], 16) == server_port and int(remote.split(":")[1], 16) == (
            client_port
        ):
            return int(fields[4].split(":")[1], 16)
    return None


def test_sigterm_lets_the_request_in_hand_finish(gunicorn):
    import socket

    proc, url, _log = gunicorn
    port = int(url.rsplit(":", 1)[1])
    body = b"content=" + b"x" * 2000
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    head = (
        f"POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n\r\n"
    ).encode()
    sock.sendall(head + body[:100])
    # A worker has taken the request once it has read what was sent (the queue is empty): it is
    # now waiting for the rest of the body.
    client_port = sock.getsockname()[1]
    deadline = time.monotonic() + 20
    while _unread_bytes(port, client_port) != 0:
        assert time.monotonic() < deadline, "no worker took the request"
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    sock.sendall(body[100:])
    answer = b""
    while chunk := sock.recv(65536):
        answer += chunk
    sock.close()
    # The request in hand was answered in full (CSRF refuses a form POST without a token: 403),
    # then gunicorn stopped.
    assert answer.startswith(b"HTTP/1.1 403"), answer[:200]
    assert proc.wait(timeout=40) == 0
