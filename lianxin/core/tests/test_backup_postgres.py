"""Backup and restore on PostgreSQL: `pg_dump -Fc` of one exported snapshot, `pg_restore` into a
scratch database, the counts checked against the manifest, and the restored sequences moved past
the margin (core.backup, docs/operations.md)."""

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection, connections

from lianxin.core import backup
from lianxin.notifications.models import OutboundMessage

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL database"),
    pytest.mark.skipif(
        not (shutil.which("pg_dump") and shutil.which("pg_restore")),
        reason="the PostgreSQL client tools (pg_dump, pg_restore) are not installed",
    ),
]

AFTER = textwrap.dedent(
    """
    import json, sys
    import django
    django.setup()
    from django.core.management import call_command
    from lianxin.notifications.models import OutboundMessage
    call_command("restore", sys.argv[1], json=True)
    message = OutboundMessage.objects.create(channel="sms", to="13800000009", body="恢复后")
    print(json.dumps({"message": message.pk}))
    """
)


def url_of(db: dict, name: str) -> str:
    auth = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}@{db.get('HOST') or 'localhost'}{port}/{name}"


@pytest.fixture
def scratch():
    """An empty database beside the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored"[:63]
    admin = connections.create_connection("default")
    admin.ensure_connection()
    admin.connection.autocommit = True

    def drop():
        with admin.connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop()
    with admin.connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    drop()
    admin.close()


@pytest.mark.django_db
def test_pg_dump_restores_every_row_and_new_ids_pass_the_margin(tmp_path, scratch):
    # The demo world is committed, so the dump (another connection) sees it.
    top = OutboundMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    path = backup.backup(tmp_path)
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["vendor"] == "postgresql" and (path / "db.dump").is_file()
    assert manifest["tables"]["casework_case"] > 0
    env = dict(
        os.environ,
        DATABASE_URL=url_of(connection.settings_dict, scratch),
        MEDIA_ROOT=str(tmp_path / "media"),
        LIANXIN_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="lianxin.settings",
        LIANXIN_DEMO="1",  # the demo world, sealed with the demo key
        PYTHONPATH=str(settings.BASE_DIR),
    )
    out = subprocess.run(
        [sys.executable, "-c", AFTER, str(path)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    report, after = (json.loads(line) for line in out.stdout.strip().splitlines()[-2:])
    assert report["rows_differ"] == {} and report["files_differ"] == []
    assert report["rows"] == sum(manifest["tables"].values()) and report["sequences"] > 50
    assert after["message"] >= top + backup.ID_MARGIN
    # A second restore over the restored database is refused without --force.
    again = subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "restore", str(path)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert again.returncode == 1 and "已有数据" in again.stderr


@pytest.mark.django_db
def test_the_drill_on_postgresql_ends_ok(tmp_path):
    env = dict(
        os.environ,
        DATABASE_URL=url_of(connection.settings_dict, connection.settings_dict["NAME"]),
        MEDIA_ROOT=str(tmp_path / "media"),
        LIANXIN_VAR_DIR=str(tmp_path),
        LIANXIN_DEMO="1",
        PYTHONPATH=str(settings.BASE_DIR),
    )
    out = subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "restore_drill"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    lines = out.stdout.strip().splitlines()
    assert lines[-1] == "OK" and any("行数与清单不符 0 张" in line for line in lines)
