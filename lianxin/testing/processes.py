"""Run a piece of Python in a process of its own, against a SQLite file of the test's (the
suite's own database may be in memory or on PostgreSQL): for what only another process can show
(locking between writers, a database that is missing or unreachable, a loop's restart)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def run_on_sqlite(
    script: str, sqlite_path: Path, var_dir: Path, *, timeout: int = 300, **env: str
) -> str:
    """Run `script` with lianxin's settings on the SQLite file `sqlite_path` (DATABASE_URL of the
    suite removed), `var_dir` as its var directory and `env` added; fail the test with the end of
    its stderr unless it exits 0; return its stdout."""
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environ.update(
        SQLITE_PATH=str(sqlite_path),
        LIANXIN_VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="lianxin.settings",
        PYTHONPATH=str(settings.BASE_DIR),
        # The suite's own settings: the demo's (its key for personal data, its password).
        LIANXIN_DEMO="1",
    )
    environ.update(env)
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout
