"""`manage.py backup [--to DIR] [--tar]`: the database and the uploaded files (core.backup)."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lianxin.core import backup


class Command(BaseCommand):
    help = "备份数据库和上传的文件，附清单（Back up the database and the uploaded files）"

    def add_arguments(self, parser):
        parser.add_argument("--to", default=str(Path(settings.VAR_DIR) / "backups"), metavar="DIR")
        parser.add_argument("--tar", action="store_true", help="one .tar archive")

    def handle(self, *args, to: str, tar: bool, **options):
        try:
            path = backup.backup(Path(to), archive=tar)
        except (backup.BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        with backup.opened(path) as folder:
            manifest = backup.read_manifest(folder)
        self.stdout.write(f"备份：{path}")
        self.stdout.write(f"恢复点：{manifest['recovery_point']}")
        self.stdout.write(
            f"数据表 {len(manifest['tables'])} 张，{sum(manifest['tables'].values())} 行；"
            f"文件 {len(manifest['files'])} 个"
        )
        if options["verbosity"] > 1:
            self.stdout.write(json.dumps(manifest["tables"], ensure_ascii=False))
