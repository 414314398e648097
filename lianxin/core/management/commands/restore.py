"""`manage.py restore FROM [--force]`: load a backup of `manage.py backup` (core.backup)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lianxin.core import backup


class Command(BaseCommand):
    help = "从备份恢复数据库和上传的文件（Restore a backup）"

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="FROM", nargs="?")
        parser.add_argument(
            "--finish-recovery",
            metavar="TIME",
            help="only the steps after a restore, for a database PostgreSQL recovered to TIME",
        )
        parser.add_argument("--force", action="store_true", help="overwrite a database with data")
        parser.add_argument("--id-margin", type=int, default=backup.ID_MARGIN)
        parser.add_argument("--json", action="store_true", help="the report as one JSON line")

    def handle(self, *args, source: str | None, force: bool, id_margin: int, **options):
        if options["finish_recovery"]:
            self._finish(options["finish_recovery"], id_margin)
            return
        if not source:
            raise CommandError("请指定备份目录或归档（FROM），或用 --finish-recovery。")
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

    def _finish(self, when: str, margin: int) -> None:
        try:
            point = dt.datetime.fromisoformat(when)
        except ValueError as exc:
            raise CommandError("恢复目标时间的格式应为 2026-12-04T10:30:00+08:00。") from exc
        if point.tzinfo is None:
            point = timezone.make_aware(point)
        report = backup.finish_restore(point, source="point-in-time recovery", margin=margin)
        self.stdout.write(
            f"恢复点：{point.isoformat()}；待核对消息 {report.get('messages_held', 0)} 条；"
            f"编号序列 {report['sequences']} 个已前移"
        )
