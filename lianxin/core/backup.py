"""Backups and restores of the whole site: the database and the uploaded files (docs/operations.md).

A backup is a folder `lianxin-backup-<UTC time>/` (or the same folder as a `.tar`) holding
`manifest.json`, the database (`db.sqlite3`, a copy made by SQLite's online backup while the site
serves and writes; or `db.dump`, `pg_dump -Fc` of PostgreSQL) and `media/`, the uploaded files.
The manifest says when the database was copied (the recovery point), how many rows every table
held then, and each file's size and sha256. The database is copied first and the files after it,
so every file a copied row names was there to be copied (uploads are never rewritten in place).

A restore loads the database and the files, checks both against the manifest, and then makes the
restored site safe to start: every table's id sequence moves past a margin (new rows never take
an id handed out after the backup), each app's `after_restore` hook runs (notifications holds the
messages that were waiting or being sent at the recovery point and re-runs waiting tasks with
their messages held, so nothing goes out twice) and one `AuditLog` entry records it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from lianxin.core.permissions import private_tree

FORMAT = 1
MANIFEST = "manifest.json"
# New ids after a restore start this far above any id the backup or the sequence knew of, so
# those handed out between the backup and the restore (lost with the restore, but perhaps
# printed on a letter or kept by an API client) are never handed out again.
ID_MARGIN = 1_000_000

_hooks: list[Callable[[dt.datetime], dict]] = []


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in Chinese."""


def after_restore(fn: Callable[[dt.datetime], dict]) -> Callable[[dt.datetime], dict]:
    """Register `fn(recovery_point) -> figures` to run after each restore (from an app's
    `ready()`); its figures go into the restore's audit entry."""
    if fn not in _hooks:
        _hooks.append(fn)
    return fn


# --- files ------------------------------------------------------------------------------------


def _sha256_copy(src: Path, dst: Path | None) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    out = dst.open("wb") if dst is not None else None
    try:
        with src.open("rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
                if out is not None:
                    out.write(chunk)
    finally:
        if out is not None:
            out.close()
    return size, digest.hexdigest()


def sha256_of(path: Path) -> str:
    return _sha256_copy(path, None)[1]


def _copy_media(root: Path, dest: Path) -> tuple[list[dict], list[str]]:
    """The files under `root` as they were listed before copying: path, size, sha256 of what was
    copied; files gone by the time they were copied are returned apart."""
    listed = (
        sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
        if root.is_dir()
        else []
    )
    files, gone = [], []
    for rel in listed:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            size, digest = _sha256_copy(root / rel, target)
        except FileNotFoundError:
            target.unlink(missing_ok=True)
            gone.append(rel)
            continue
        files.append({"path": rel, "size": size, "sha256": digest})
    return files, gone


# --- the database -----------------------------------------------------------------------------


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def table_counts(conn=None) -> dict[str, int]:
    """Rows in every table of the default database (or of a raw sqlite3 connection)."""
    if conn is not None:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        # Table names come from the catalog and are quoted; no value of a user's is formatted in.
        sql = 'SELECT COUNT(*) FROM "{}"'
        return {
            n: conn.execute(sql.format(n.replace('"', '""'))).fetchone()[0] for n in sorted(names)
        }
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
        counts = {}
        for name in sorted(names):
            cursor.execute(f"SELECT COUNT(*) FROM {_quote(name)}")  # nosec B608
            counts[name] = cursor.fetchone()[0]
    return counts


def _pg_args(db: dict) -> tuple[list[str], dict]:
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(f"找不到 PostgreSQL 客户端程序 {name}，请先安装 postgresql-client。")
    return path


def _backup_sqlite(dest: Path) -> tuple[dt.datetime, dict[str, int]]:
    name = connection.settings_dict["NAME"]
    src = sqlite3.connect(str(name), uri=str(name).startswith("file:"), timeout=30)
    out = sqlite3.connect(dest)
    try:
        # One step (pages=-1) reads the whole database under one read lock: a consistent copy of
        # what was committed when it began, while the site keeps writing to the WAL.
        at = timezone.now()
        src.backup(out)
        out.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        counts = table_counts(out)
    finally:
        out.close()
        src.close()
    return at, counts


def _backup_postgres(dest: Path) -> tuple[dt.datetime, dict[str, int]]:
    db = connection.settings_dict
    args, env = _pg_args(db)
    pg_dump = _tool("pg_dump")
    conn = connections.create_connection("default")
    try:
        conn.ensure_connection()
        raw = conn.connection
        raw.autocommit = False
        with raw.cursor() as cursor:
            # The counts and the dump read one snapshot: the one this transaction exports.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), now()")
            snapshot, at = cursor.fetchone()
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            counts = {}
            for (name,) in sorted(cursor.fetchall()):
                cursor.execute(f"SELECT COUNT(*) FROM {_quote(name)}")  # nosec B608
                counts[name] = cursor.fetchone()[0]
            done = subprocess.run(
                [pg_dump, *args, "-Fc", f"--snapshot={snapshot}", "-f", str(dest), db["NAME"]],
                env=env,
                capture_output=True,
                text=True,
            )
        raw.rollback()
    finally:
        conn.close()
    if done.returncode:
        raise BackupError(f"pg_dump 失败：{done.stderr.strip()[-500:]}")
    return at, counts


def backup(to: Path, *, archive: bool = False) -> Path:
    """Back the site up into a new folder (or .tar) under `to`; returns its path."""
    to = Path(to)
    to.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S%fZ")
    folder = to / f"lianxin-backup-{stamp}"
    folder.mkdir()
    vendor = connection.vendor
    if vendor == "sqlite":
        db_file = "db.sqlite3"
        at, counts = _backup_sqlite(folder / db_file)
    elif vendor == "postgresql":
        db_file = "db.dump"
        at, counts = _backup_postgres(folder / db_file)
    else:
        raise BackupError(f"不支持备份 {vendor} 数据库。")
    size, digest = _sha256_copy(folder / db_file, None)
    files, gone = _copy_media(Path(settings.MEDIA_ROOT), folder / "media")
    manifest = {
        "format": FORMAT,
        "vendor": vendor,
        "recovery_point": at.isoformat(),
        "finished_at": timezone.now().isoformat(),
        "database": {"file": db_file, "size": size, "sha256": digest},
        "tables": counts,
        "files": files,
        "files_gone": gone,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    # Personal data: the server's account's only, whatever umask the caller had.
    private_tree(folder)
    if not archive:
        return folder
    path = folder.with_suffix(".tar")
    with tarfile.open(path, "w") as tar:
        tar.add(folder, arcname=folder.name)
    shutil.rmtree(folder)
    private_tree(path)
    return path


@contextmanager
def opened(source: Path):
    """The backup folder of `source` (a folder, or a .tar unpacked into a temporary one)."""
    source = Path(source)
    if source.is_dir():
        yield source
        return
    if not source.is_file() or not tarfile.is_tarfile(source):
        raise BackupError(f"{source} 不是备份目录或备份归档。")
    with tempfile.TemporaryDirectory(prefix="lianxin-restore-") as tmp:
        with tarfile.open(source) as tar:
            tar.extractall(tmp, filter="data")
        inner = [p for p in Path(tmp).iterdir() if (p / MANIFEST).is_file()]
        if len(inner) != 1:
            raise BackupError(f"{source} 中没有备份清单 {MANIFEST}。")
        yield inner[0]


def read_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((Path(folder) / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"读不出备份清单：{exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError("备份清单的格式不是本版本所写。")
    return manifest


def holds_data() -> bool:
    """Whether the default database holds a site (any account): a restore would overwrite it."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    try:
        with connection.cursor() as cursor:
            if User._meta.db_table not in connection.introspection.table_names(cursor):
                return False
        return User.objects.exists()
    finally:
        connection.close()


def _load_sqlite(path: Path) -> None:
    name = str(connection.settings_dict["NAME"])
    connections.close_all()
    Path(name).parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(path)
    out = sqlite3.connect(name, timeout=30)
    try:
        src.backup(out)  # replaces every page of the target, its WAL included
        out.execute("PRAGMA journal_mode=WAL")
    finally:
        out.close()
        src.close()


def _load_postgres(path: Path) -> None:
    db = connection.settings_dict
    args, env = _pg_args(db)
    connections.close_all()
    done = subprocess.run(
        [
            _tool("pg_restore"),
            *args,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "-d",
            db["NAME"],
            str(path),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise BackupError(f"pg_restore 失败：{done.stderr.strip()[-500:]}")


def advance_sequences(margin: int = ID_MARGIN) -> dict[str, int]:
    """Move every table's id sequence `margin` past the larger of its highest id and where the
    sequence stood; returns the next value per table."""
    moved: dict[str, int] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND sql LIKE '%AUTOINCREMENT%'"
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f"SELECT COALESCE(MAX(rowid), 0) FROM {_quote(name)}")  # nosec B608
                top = cursor.fetchone()[0]
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [name])
                row = cursor.fetchone()
                value = max(top, row[0] if row else 0) + margin
                if row:
                    cursor.execute(
                        "UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [value, name]
                    )
                else:
                    cursor.execute(
                        "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [name, value]
                    )
                moved[name] = value + 1
        else:
            cursor.execute(
                """SELECT s.relname, t.relname, a.attname FROM pg_class s
                JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i')
                JOIN pg_class t ON t.oid = d.refobjid
                JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
                JOIN pg_namespace n ON n.oid = s.relnamespace
                WHERE s.relkind = 'S' AND n.nspname = current_schema()"""
            )
            for seq, table, column in cursor.fetchall():
                # Table, column and sequence names from the catalog, quoted.
                cursor.execute(
                    f"SELECT setval(%s, GREATEST((SELECT COALESCE(MAX({_quote(column)}), 0) "  # nosec B608
                    f"FROM {_quote(table)}), (SELECT last_value FROM {_quote(seq)})) + %s, false)",
                    [_quote(seq), margin],
                )
                moved[table] = cursor.fetchone()[0]
    return moved


def restore(source: Path, *, force: bool = False, margin: int = ID_MARGIN) -> dict:
    """Restore the backup at `source` into the default database and MEDIA_ROOT; returns the
    report: recovery point, seconds, the row counts and files that differ from the manifest
    (empty when the restore is whole) and what the steps after the restore did."""
    started = time.monotonic()
    with opened(source) as folder:
        manifest = read_manifest(folder)
        if manifest["vendor"] != connection.vendor:
            raise BackupError(
                f"这是 {manifest['vendor']} 数据库的备份，不能恢复到 {connection.vendor} 数据库。"
            )
        if not force and holds_data():
            raise BackupError("目标数据库已有数据（账号）。确需覆盖时加 --force。")
        db_path = folder / manifest["database"]["file"]
        if sha256_of(db_path) != manifest["database"]["sha256"]:
            raise BackupError("备份中的数据库文件与清单的校验值不符，备份已损坏。")
        if connection.vendor == "sqlite":
            _load_sqlite(db_path)
        else:
            _load_postgres(db_path)
        counts = table_counts()
        rows_differ = {
            t: {"manifest": n, "restored": counts.get(t)}
            for t, n in manifest["tables"].items()
            if counts.get(t) != n
        }
        media = Path(settings.MEDIA_ROOT)
        files_differ = []
        for f in manifest["files"]:
            target = media / f["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            src = folder / "media" / f["path"]
            try:
                size, digest = _sha256_copy(src, target)
            except FileNotFoundError:
                files_differ.append(f["path"])
                continue
            if (size, digest) != (f["size"], f["sha256"]):
                files_differ.append(f["path"])
    loaded = time.monotonic() - started
    recovery_point = dt.datetime.fromisoformat(manifest["recovery_point"])
    after = finish_restore(recovery_point, source=str(source), margin=margin)
    connection.close()
    return {
        "recovery_point": manifest["recovery_point"],
        "load_seconds": round(loaded, 3),
        "seconds": round(time.monotonic() - started, 3),
        "tables": len(manifest["tables"]),
        "rows": sum(manifest["tables"].values()),
        "rows_differ": rows_differ,
        "files": len(manifest["files"]),
        "files_differ": files_differ,
        **after,
    }


def finish_restore(recovery_point: dt.datetime, *, source: str, margin: int = ID_MARGIN) -> dict:
    """What makes a restored database safe to serve: sequences past the margin first (so rows
    the hooks write take new ids), then the apps' hooks, then the audit entry."""
    from .models import AuditLog

    moved = advance_sequences(margin)
    figures: dict = {}
    for hook in _hooks:
        figures.update(hook(recovery_point) or {})
    AuditLog.objects.create(
        kind=AuditLog.Kind.RESTORED,
        username="system",
        target=str(source)[-200:],
        detail={
            "recovery_point": recovery_point.isoformat(),
            "id_margin": margin,
            "sequences": len(moved),
            **figures,
        },
    )
    return {"sequences": len(moved), **figures}
