"""The database file, the uploads and the backups are readable by the server's account only
(lianxin/core/permissions.py): looked at with stat."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.test import override_settings

from lianxin.core import permissions


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_prepare_start_s_tightening_takes_group_and_world_access_off_everything(
    tmp_path, monkeypatch
):
    var = tmp_path / "var"
    media = var / "media" / "photos" / "2026"
    media.mkdir(parents=True)
    backups = var / "backups" / "lianxin-backup-1"
    backups.mkdir(parents=True)
    db = var / "lianxin.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    photo = media / "a.jpg"
    photo.write_bytes(b"\xff\xd8photo")
    dump = backups / "db.sqlite3"
    dump.write_bytes(b"dump")
    for p in (var, var / "media", media, var / "backups", backups):
        p.chmod(0o755)
    for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), photo, dump):
        assert p.exists(), p
        p.chmod(0o644)
    from django.db import connections

    monkeypatch.setitem(
        connections["default"].settings_dict, "ENGINE", "django.db.backends.sqlite3"
    )
    monkeypatch.setitem(connections["default"].settings_dict, "NAME", str(db))
    with override_settings(VAR_DIR=var, MEDIA_ROOT=var / "media"):
        assert permissions.tighten() >= 10
        assert permissions.tighten() == 0  # nothing left to change
    for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), photo, dump):
        assert mode(p) == 0o600, p
    conn.close()
    for p in (var, var / "media", media, var / "backups", backups):
        assert mode(p) == 0o700, p


def test_an_upload_is_saved_0600_in_a_0700_folder(tmp_path):
    assert settings.FILE_UPLOAD_PERMISSIONS == 0o600
    assert settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS == 0o700
    storage = FileSystemStorage(location=tmp_path / "media")  # the settings' modes
    name = storage.save("cases/2026/12/letter.pdf", ContentFile(b"%PDF-1.4 letter"))
    saved = Path(storage.path(name))
    assert mode(saved) == 0o600
    assert mode(saved.parent) == 0o700 and mode(saved.parent.parent) == 0o700


@pytest.mark.parametrize("entry", ["manage.py", "lianxin/wsgi.py"], ids=["manage.py", "wsgi"])
def test_every_entry_point_starts_with_a_private_umask(tmp_path, entry):
    root = Path(settings.BASE_DIR)
    probe = tmp_path / "probe"
    if entry == "manage.py":
        args = [sys.executable, "manage.py", "shell", "-c", f"open({str(probe)!r}, 'w').close()"]
    else:
        code = (
            "import os; os.umask(0o022); import lianxin.wsgi; "
            f"open({str(probe)!r}, 'w').close(); os.mkdir({str(probe)!r} + '.d')"
        )
        args = [sys.executable, "-c", code]
    env = {**os.environ, "PYTHONPATH": str(root), "DJANGO_SETTINGS_MODULE": "lianxin.settings"}
    done = subprocess.run(args, cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert mode(probe) == 0o600
    if entry != "manage.py":
        assert mode(Path(f"{probe}.d")) == 0o700


def test_a_backup_is_private_whatever_the_caller_s_umask(tmp_path):
    """A backup of a small SQLite site, made by a process with the usual umask 022."""
    root = Path(settings.BASE_DIR)
    var = tmp_path / "var"
    (var / "media" / "photos").mkdir(parents=True)
    (var / "media" / "photos" / "a.jpg").write_bytes(b"photo")
    conn = sqlite3.connect(var / "site.sqlite3")
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    code = (
        "import os; os.umask(0o022); import django; django.setup(); "
        "from pathlib import Path; from lianxin.core.backup import backup; "
        f"print(backup(Path({str(tmp_path / 'backups')!r})))"
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(root),
        "DJANGO_SETTINGS_MODULE": "lianxin.settings",
        "DATABASE_URL": "",
        "LIANXIN_VAR_DIR": str(var),
        "LIANXIN_SQLITE_PATH": str(var / "site.sqlite3"),
    }
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    folder = Path(done.stdout.strip().splitlines()[-1])
    assert mode(folder) == 0o700
    inside = list(folder.rglob("*"))
    assert any(p.name == "a.jpg" for p in inside) and any(p.name == "db.sqlite3" for p in inside)
    for path in inside:
        assert mode(path) == (0o700 if path.is_dir() else 0o600), path
