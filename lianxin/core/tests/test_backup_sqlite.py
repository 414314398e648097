"""Backup and restore of the embedded SQLite database (core.backup, docs/operations.md).

The suite's demo world is copied into a SQLite file; child processes play the site: opinions
with their SMS waiting in the task queue when the backup is made, sent after it, and more cases
after it; then the backup is restored over the file. The restored site sends none of those SMS
again, hands out ids above any it handed out before, and treats a resubmitted idempotency key
whose case was lost as a new submission."""

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the embedded SQLite database"
)

BEFORE = textwrap.dedent(
    """
    import json, sys
    import django
    django.setup()
    from django.core.management import call_command
    from lianxin.casework.models import Case
    from lianxin.casework.tests.helpers import demo_seat
    from lianxin.notifications.models import OutboundMessage
    from lianxin.notifications.services import send_sms
    from lianxin.opinions.actions import do_register_opinion

    seat = demo_seat()
    # Waiting at the backup: an opinion's notifications (a task) and a message of its own.
    do_register_opinion(content="北关街道顺城街路灯不亮，夜间出行不便。", deputy=seat,
                        contact_phone="13800000001")
    send_sms("13800000002", "【连心】备份前排队的短信")
    OutboundMessage.objects.create(channel="sms", to="13800000003", body="正在发送", status="sending")
    call_command("backup", to=sys.argv[1])
    call_command("run_tasks", batch=True)
    # After the backup: a case submitted with an idempotency key, its SMS sent.
    case, _ = do_register_opinion(content="锦纶路积水严重，雨天无法通行。", deputy=seat,
                                  contact_phone="13800000004", idempotency_key="key-after-backup")
    call_command("run_tasks", batch=True)
    print(json.dumps({"case": case.pk, "code": case.tracking_code,
                      "message": OutboundMessage.objects.order_by("-pk")[0].pk}))
    """
)

AFTER = textwrap.dedent(
    """
    import json, sys
    import django
    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from lianxin.casework.tests.helpers import demo_seat
    from lianxin.core.models import AuditLog
    from lianxin.notifications.models import OutboundMessage
    from lianxin.opinions.actions import do_register_opinion

    call_command("restore", sys.argv[1], force=True, json=True)
    cache.clear()
    call_command("run_tasks", batch=True)
    case, created = do_register_opinion(content="锦纶路积水严重，雨天无法通行。", deputy=demo_seat(),
                                        contact_phone="13800000004",
                                        idempotency_key="key-after-backup")
    call_command("run_tasks", batch=True)
    audit = AuditLog.objects.filter(kind="restored").get()
    print(json.dumps({
        "case": case.pk, "created": created, "code": case.tracking_code,
        "held": sorted(OutboundMessage.objects.filter(status="held").values_list("to", flat=True)),
        "message": OutboundMessage.objects.order_by("-pk")[0].pk,
        "audit": audit.detail,
    }))
    """
)


def sqlite_copy(tmp_path: Path) -> tuple[Path, dict]:
    """The suite's committed demo world in a file, and the environment of a child on it."""
    path = tmp_path / "site.sqlite3"
    name = connection.settings_dict["NAME"]
    source = sqlite3.connect(name, uri=name.startswith("file:"))
    try:
        source.execute("VACUUM INTO ?", [str(path)])
    finally:
        source.close()
    (tmp_path / "media" / "photos").mkdir(parents=True)
    for i in range(3):
        (tmp_path / "media" / "photos" / f"p{i}.jpg").write_bytes(bytes([i]) * (1000 + i))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env.update(
        SQLITE_PATH=str(path),
        MEDIA_ROOT=str(tmp_path / "media"),
        LIANXIN_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="lianxin.settings",
        LIANXIN_DEMO="1",  # the demo world, sealed with the demo key
        LIANXIN_TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        LIANXIN_SMS_BACKEND="lianxin.notifications.sms.FileBackend",
        LIANXIN_SMS_FILE_PATH=str(tmp_path / "sms.jsonl"),
        PYTHONPATH=str(settings.BASE_DIR),
    )
    return path, env


def run(env: dict, *args: str) -> str:
    out = subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


def sms_sent(tmp_path: Path) -> list[str]:
    path = tmp_path / "sms.jsonl"
    return (
        [json.loads(line)["to"] for line in path.read_text().splitlines()] if path.exists() else []
    )


@pytest.mark.django_db
def test_a_restored_backup_sends_nothing_twice_and_reuses_no_id(tmp_path):
    _path, env = sqlite_copy(tmp_path)
    backups = tmp_path / "backups"
    before = json.loads(run(env, "-c", BEFORE, str(backups)).splitlines()[-1])
    sent = sms_sent(tmp_path)
    # The waiting SMS went out after the backup, and the later case's.
    assert {"13800000001", "13800000002", "13800000004"} <= set(sent)
    (folder,) = backups.iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["tables"]["notifications_outboundmessage"] >= 2
    assert [f["path"] for f in manifest["files"]] == [f"photos/p{i}.jpg" for i in range(3)]

    after = json.loads(run(env, "-c", AFTER, str(folder)).splitlines()[-1])
    # Nothing was sent again; the one new SMS acknowledges the resubmission, a new case with a
    # new tracking code that the citizen must be told.
    assert sms_sent(tmp_path) == [*sent, "13800000004"]
    assert {"13800000001", "13800000002", "13800000003"} <= set(after["held"])
    audit = after["audit"]
    assert audit["messages_held"] >= 2 and audit["tasks_rerun"] >= 1
    assert audit["messages_held_rerun"] >= 1
    # The lost case's key is a new submission, with a new id and a new tracking code.
    assert after["created"] is True
    assert after["case"] > before["case"] + 1_000_000 - 10
    assert after["message"] > before["message"]
    assert after["code"] != before["code"]


@pytest.mark.django_db
def test_restore_refuses_a_database_with_data_and_restores_an_archive_into_an_empty_one(
    tmp_path,
):
    _path, env = sqlite_copy(tmp_path)
    manage = str(Path(settings.BASE_DIR) / "manage.py")
    out = run(env, manage, "backup", "--to", str(tmp_path / "b"), "--tar")
    archive = next((tmp_path / "b").glob("*.tar"))
    assert "恢复点" in out
    refused = subprocess.run(
        [sys.executable, manage, "restore", str(archive)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 1 and "已有数据" in refused.stderr
    # A new machine: no database file, no uploads yet.
    fresh = dict(env, SQLITE_PATH=str(tmp_path / "new.sqlite3"), MEDIA_ROOT=str(tmp_path / "m2"))
    out = run(fresh, manage, "restore", str(archive))
    assert "不符 0 张" in out and "不符 0 个" in out
    assert (tmp_path / "m2" / "photos" / "p2.jpg").read_bytes() == bytes([2]) * 1002


@pytest.mark.django_db
def test_the_drill_prints_its_figures_and_ok(tmp_path):
    _path, env = sqlite_copy(tmp_path)
    out = run(env, str(Path(settings.BASE_DIR) / "manage.py"), "restore_drill", "--sample", "2")
    lines = out.strip().splitlines()
    assert lines[-1] == "OK"
    assert any(line.startswith("恢复点：") for line in lines)
    assert any(line.startswith("恢复用时：") and "秒" in line for line in lines)
    assert any("行数与清单不符 0 张" in line for line in lines)
    assert any("抽查 2 个 sha256，不符 0 个" in line for line in lines)
