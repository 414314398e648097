"""`manage.py restore FROM [--force]`: load a backup of `manage.py backup` (core.backup)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lianxin.core import backup


class Command(BaseCommand):
    help = "从备份恢复数据库和上传的文件（Restore a backup）"

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="FROM")
        parser.add_argument("--force", action="store_true", help="overwrite a database with data")
        parser.add_argument("--id-margin", type=int, default=backup.ID_MARGIN)
        parser.add_argument("--json", action="store_true", help="the report as one JSON line")

    def handle(self, *args, source: str, force: bool, id_margin: int, **options):
        try:
            report = backup.restore(Path(source), force=force, margin=id_margin)
        except (backup.BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
            return
        self.stdout.write(f"恢复点：{report['recovery_point']}")
        self.stdout.write(f"用时：{report['seconds']} 秒")
        self.stdout.write(
            f"数据表 {report['tables']} 张，{report['rows']} 行，与清单不符 "
            f"{len(report['rows_differ'])} 张；文件 {report['files']} 个，不符 "
            f"{len(report['files_differ'])} 个"
        )
        self.stdout.write(
            f"待核对消息 {report.get('messages_held', 0)} 条"
            f"（重新运行的任务另生成 {report.get('messages_held_rerun', 0)} 条）；"
            f"编号序列 {report['sequences']} 个已前移"
        )
        if report["rows_differ"] or report["files_differ"]:
            raise CommandError("恢复结果与备份清单不符。")
