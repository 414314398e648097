"""No full phone number and no tracking code in the logs: Django's, gunicorn's access log and
the console SMS backend, each read back from what it wrote."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.test import Client

from lianxin.core.logmask import MaskFilter, mask
from lianxin.notifications.sms import ConsoleBackend
from lianxin.testing.browser import ROOT, free_port

CODE = "ABCDEFGHJK"
PHONE = "13812345678"


def test_mask_hides_phones_and_tracking_codes():
    line = f'"GET /t/{CODE}/reply-3.pdf?tel={PHONE} HTTP/1.1" 200 from 13900001111.'
    assert mask(line) == '"GET /t/***/reply-3.pdf?tel=138****5678 HTTP/1.1" 200 from 139****1111.'
    assert mask(f"/api/v1/opinions/track/{CODE}/evaluation") == (
        "/api/v1/opinions/track/***/evaluation"
    )
    assert mask(f"/t/?code={CODE}&x=1") == "/t/?code=***&x=1"
    assert mask(f"查询码 {CODE} 请保存", codes=True) == "查询码 *** 请保存"
    # Other numbers and words stay as they are.
    for kept in ("/t/", "id=1234567890123", "12345678901", "/cases/12/", "DEPRECATED"):
        assert mask(kept) == kept


@pytest.mark.django_db
def test_djangos_request_log_masks_the_tracking_code():
    handler = next(
        h for h in logging.getLogger().handlers if any(isinstance(f, MaskFilter) for f in h.filters)
    )
    out = io.StringIO()
    previous = handler.setStream(out)
    try:
        # A 404 is not logged at all (only 5xx are); whatever names a tracking path is masked.
        assert Client().get(f"/t/{CODE}").status_code == 404
        logging.getLogger("lianxin.test").warning("failed: GET /t/%s", CODE)
        logging.getLogger("lianxin.test").warning("SMS to %s failed", PHONE)
    finally:
        handler.setStream(previous)
    written = out.getvalue()
    assert "/t/***" in written and "138****5678" in written, written
    assert CODE not in written and PHONE not in written


def test_the_console_sms_backend_masks_the_number_and_the_code():
    out = io.StringIO()
    ConsoleBackend(stream=out).send(
        PHONE, f"【连心】您反映的问题已登记。 查询码 {CODE} http://x.cn/t/{CODE}"
    )
    written = out.getvalue()
    assert "to=138****5678" in written and "查询码 *** http://x.cn/t/***" in written
    assert CODE not in written and PHONE not in written


def test_gunicorns_access_log_masks_the_tracking_code_and_phones(tmp_path):
    port = free_port()
    log = tmp_path / "access.log"
    env = {
        **os.environ,
        "LIANXIN_VAR_DIR": str(tmp_path),
        "LIANXIN_DEBUG": "0",
        "LIANXIN_DEMO": "1",
        "DJANGO_SETTINGS_MODULE": "lianxin.settings",
    }
    env.pop("DATABASE_URL", None)
    proc = subprocess.Popen(
        [
            os.path.join(os.path.dirname(sys.executable), "gunicorn"),
            "lianxin.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--access-logfile",
            str(log),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}/t/{CODE}?tel={PHONE}"
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stderr.read().decode(errors="replace")[-2000:]
            try:
                urllib.request.urlopen(url, timeout=5)
                break
            except urllib.error.HTTPError:
                break  # answered (the fresh database has no cases): the line is logged
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
                time.sleep(0.2)
        deadline = time.monotonic() + 10
        while "/t/" not in (log.read_text() if log.exists() else ""):
            assert time.monotonic() < deadline, "no access log line"
            time.sleep(0.1)
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    written = log.read_text()
    assert "/t/***?tel=138****5678" in written, written
    assert CODE not in written and PHONE not in written
