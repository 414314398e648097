"""`manage.py prepare_start` (what `make run` does before gunicorn): migrates only what is
unapplied, loads the demo only into an empty database, says the public address."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from lianxin.core.management.commands.prepare_start import unapplied_migrations
from lianxin.testing.browser import ROOT


@pytest.mark.django_db
def test_on_a_ready_database_nothing_is_migrated_and_the_demo_is_skipped():
    assert unapplied_migrations() == []
    out = io.StringIO()
    call_command("prepare_start", stdout=out)
    assert "跳过演示数据" in out.getvalue()
    assert "公开地址" in out.getvalue()


def test_on_a_fresh_database_it_migrates(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        LIANXIN_VAR_DIR=str(tmp_path),
        LIANXIN_SQLITE_PATH=str(tmp_path / "fresh.sqlite3"),
        DJANGO_SETTINGS_MODULE="lianxin.settings",
    )
    script = (
        "import django; django.setup();"
        "from django.core.management import call_command;"
        "from lianxin.core.management.commands.prepare_start import unapplied_migrations as u;"
        "before = len(u()); call_command('prepare_start', '--no-demo', verbosity=0);"
        "print(before, len(u()))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    before, after = map(int, out.stdout.split()[-2:])
    assert before > 0 and after == 0
