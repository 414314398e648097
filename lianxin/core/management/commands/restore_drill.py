"""`manage.py restore_drill`: back up, restore into a scratch database and folder in a child
process, and check the result against the manifest (docs/operations.md)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from lianxin.core import backup


def _scratch_env(tmp: Path) -> tuple[dict, str | None]:
    """The child's environment, and the scratch PostgreSQL database to drop afterwards."""
    env = dict(os.environ)
    env["MEDIA_ROOT"] = str(tmp / "media")
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(settings.BASE_DIR), env.get("PYTHONPATH")])
    )
    if connection.vendor == "sqlite":
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(tmp / "drill.sqlite3")
        return env, None
    db = connection.settings_dict
    name = f"{db['NAME']}_drill"[:63]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")
        cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
    auth = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    env["DATABASE_URL"] = f"postgres://{auth}@{host}{port}/{name}"
    return env, name


class Command(BaseCommand):
    help = "恢复演练：备份、恢复到临时数据库并核对（Backup and restore drill）"

    def add_arguments(self, parser):
        parser.add_argument("--to", metavar="DIR", help="keep the backup here")
        parser.add_argument("--sample", type=int, default=50, help="files checked by sha256")

    def handle(self, *args, to: str | None, sample: int, **options):
        with tempfile.TemporaryDirectory(prefix="lianxin-drill-") as tmp:
            tmp = Path(tmp)
            try:
                path = backup.backup(Path(to) if to else tmp / "backups")
            except (backup.BackupError, OSError) as exc:
                raise CommandError(str(exc)) from exc
            manifest = backup.read_manifest(path)
            self.stdout.write(f"备份：{path}")
            self.stdout.write(f"恢复点：{manifest['recovery_point']}")
            env, scratch = _scratch_env(tmp)
            started = time.monotonic()
            try:
                child = subprocess.run(
                    [
                        sys.executable,
                        str(Path(settings.BASE_DIR) / "manage.py"),
                        "restore",
                        str(path),
                        "--json",
                    ],
                    env=env,
                    cwd=settings.BASE_DIR,
                    capture_output=True,
                    text=True,
                )
                seconds = time.monotonic() - started
                if child.returncode:
                    raise CommandError(f"恢复失败：{child.stderr.strip()[-1000:]}")
                report = json.loads(child.stdout.strip().splitlines()[-1])
                files = manifest["files"]
                picked = random.Random(0).sample(files, min(sample, len(files)))
                media = Path(env["MEDIA_ROOT"])
                bad_files = [
                    f["path"]
                    for f in picked
                    if not (media / f["path"]).is_file()
                    or backup.sha256_of(media / f["path"]) != f["sha256"]
                ]
            finally:
                if scratch:
                    with connection.cursor() as cursor:
                        cursor.execute(
                            f"DROP DATABASE IF EXISTS {connection.ops.quote_name(scratch)}"
                        )
        rows_differ = report["rows_differ"]
        self.stdout.write(f"恢复用时：{seconds:.2f} 秒（载入和核对 {report['load_seconds']} 秒）")
        self.stdout.write(
            f"数据表：{report['tables']} 张，{report['rows']} 行，行数与清单不符 {len(rows_differ)} 张"
        )
        for table, n in sorted(rows_differ.items()):
            self.stdout.write(f"  {table}：清单 {n['manifest']}，恢复后 {n['restored']}")
        self.stdout.write(
            f"文件：{report['files']} 个全部校验，不符 {len(report['files_differ'])} 个；"
            f"抽查 {len(picked)} 个 sha256，不符 {len(bad_files)} 个"
        )
        self.stdout.write(
            f"待核对消息：{report.get('messages_held', 0)} 条；编号序列前移 {report['sequences']} 个"
        )
        ok = not rows_differ and not report["files_differ"] and not bad_files
        self.stdout.write("OK" if ok else "MISMATCH")
        if not ok:
            raise CommandError("恢复演练发现不符。")
