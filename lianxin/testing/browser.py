"""A real server for browser tests: its own database (SQLite file or a PostgreSQL database of
its own), migrated, the demo loaded, served by gunicorn on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CHROMIUM = os.environ.get("LIANXIN_CHROMIUM_PATH") or os.environ.get(
    "CHROMIUM_PATH", "/usr/bin/chromium"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE_USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 13; V2218A Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 "
    "MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 Weixin "
    "NetType/WIFI Language/zh_CN ABI/arm64"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveApp:
    def __init__(self, workdir: Path):
        self.workdir = workdir
        own = {"DATABASE_URL", "SQLITE_PATH", "LIANXIN_SQLITE_PATH"}  # the live app's own database
        self.env = {k: v for k, v in os.environ.items() if k not in own}
        self.env.update(
            LIANXIN_VAR_DIR=str(workdir),
            LIANXIN_DEBUG="0",
            LIANXIN_TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
            LIANXIN_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            DJANGO_SETTINGS_MODULE="lianxin.settings",
            LIANXIN_DEMO_PASSWORD="lianxin-demo",
            LIANXIN_DEMO="1",
            # The whole browser suite submits from one address (limits: test_rate_limits.py).
            LIANXIN_PUBLIC_SUBMISSIONS_PER_IP="0",
            LIANXIN_PUBLIC_SUBMISSIONS_PER_PHONE="0",
            LIANXIN_SMS_PER_NUMBER_PER_DAY="0",
            # Text messages are written where the tests can read them (one JSON line each).
            LIANXIN_SMS_BACKEND="lianxin.notifications.sms.FileBackend",
            LIANXIN_SMS_FILE_PATH=str(workdir / "sms.jsonl"),
        )
        self.sms_path = workdir / "sms.jsonl"
        self.pg_name = None
        engine = settings.DATABASES["default"]["ENGINE"]
        if engine.endswith("postgresql"):
            db = settings.DATABASES["default"]
            self.pg_name = f"lianxin_browser_{uuid.uuid4().hex[:8]}"
            self._pg(f'CREATE DATABASE "{self.pg_name}"')
            user = db.get("USER") or "postgres"
            host = db.get("HOST") or "127.0.0.1"
            port = db.get("PORT") or 5432
            self.env["DATABASE_URL"] = f"postgres://{user}@{host}:{port}/{self.pg_name}"
        else:
            self.env["LIANXIN_SQLITE_PATH"] = str(workdir / "browser.sqlite3")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env["LIANXIN_PUBLIC_BASE_URL"] = self.url
        self.proc = None
        self.intake = None
        # One worker keeps one local-memory cache (the rate limits' counts) for every request.
        self.workers = 2

    def _pg(self, sql: str) -> None:
        import psycopg

        db = settings.DATABASES["default"]
        with psycopg.connect(
            host=db.get("HOST") or "127.0.0.1",
            port=db.get("PORT") or 5432,
            user=db.get("USER") or "postgres",
            password=db.get("PASSWORD") or None,
            dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute(sql)

    def manage(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
        )

    def start(self) -> LiveApp:
        self.manage("migrate", "--noinput")
        self.manage("load_demo", "--scale", "test")
        log = open(self.workdir / "gunicorn.log", "wb")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "lianxin.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--threads",
                "4",
                "--timeout",
                "120",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        # The intake loop, as under `make run`: API submissions get their registration entry.
        self.intake = subprocess.Popen(
            [sys.executable, "manage.py", "complete_intake", "--every", "0.2"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    (self.workdir / "gunicorn.log").read_text(errors="replace")[-3000:]
                )
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer /healthz within 60 s")

    def stop(self) -> None:
        for proc in (self.proc, self.intake):
            if proc is None:
                continue
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        if self.pg_name:
            self._pg(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')

    def log_tail(self, n: int = 4000) -> str:
        path = self.workdir / "gunicorn.log"
        return path.read_text(errors="replace")[-n:] if path.exists() else ""
