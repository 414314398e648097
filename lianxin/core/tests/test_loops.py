"""The background loops outlive database errors and are started again when they exit.

Each runs as a child process against a SQLite file of its own, with a short back-off; the
test waits on conditions (a heartbeat row, lines in a file), never for a fixed time."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

DEADLINE = 120  # seconds: the bound of every wait below


def child_env(tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        SQLITE_PATH=str(tmp_path / "loops.sqlite3"),
        LIANXIN_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="lianxin.settings",
        LIANXIN_DEMO="1",
        LIANXIN_LOOP_BACKOFF_BASE="0.05",
        LIANXIN_LOOP_MAX_BACKOFF="0.2",
        PYTHONPATH=str(settings.BASE_DIR),
    )
    return env


def wait_for(condition, what: str):
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.05)  # polling a condition, bounded by DEADLINE
    raise AssertionError(f"timed out waiting for {what}")


def heartbeat(db: Path, name: str):
    try:
        with sqlite3.connect(db) as conn:
            return conn.execute(
                "SELECT beat_at FROM core_loopheartbeat WHERE name = ?", (name,)
            ).fetchone()
    except sqlite3.Error:
        return None


def test_the_intake_loop_waits_out_a_database_error_and_stops_on_sigterm(tmp_path):
    env = child_env(tmp_path)
    db = tmp_path / "loops.sqlite3"
    # The database has no tables yet: every step fails with a real OperationalError.
    loop = subprocess.Popen(
        [sys.executable, "manage.py", "complete_intake", "--every", "0.05"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        stderr_lines = []
        wait_for(
            lambda: (line := loop.stderr.readline()) and stderr_lines.append(line) is None,
            "the loop's first retry line",
        )
        assert "complete_intake: OperationalError" in stderr_lines[0]
        assert loop.poll() is None  # still running
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
            timeout=DEADLINE,
        )
        wait_for(lambda: heartbeat(db, "complete_intake"), "the heartbeat after recovery")
        assert loop.poll() is None
        loop.send_signal(signal.SIGTERM)
        assert loop.wait(timeout=DEADLINE) == 0
        rest = loop.stderr.read()
        assert "Traceback" not in rest and "database available again" in rest
    finally:
        if loop.poll() is None:
            loop.kill()
            loop.wait()


def test_the_supervisor_starts_an_exited_loop_again_and_stops_on_sigterm(tmp_path):
    runs = tmp_path / "runs.txt"
    script = f"open({str(runs)!r}, 'a').write('run\\n'); raise SystemExit(3)"
    sup = subprocess.Popen(
        [
            "bash",
            str(Path(settings.BASE_DIR) / "scripts" / "supervise.sh"),
            sys.executable,
            "-c",
            script,
        ],
        env={**os.environ, "SUPERVISE_DELAY": "0.05"},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: runs.exists() and runs.read_text().count("run") >= 3, "three starts")
        sup.send_signal(signal.SIGTERM)
        assert sup.wait(timeout=DEADLINE) == 0
        assert "退出码 3" in sup.stderr.read()
    finally:
        if sup.poll() is None:
            sup.kill()
            sup.wait()
