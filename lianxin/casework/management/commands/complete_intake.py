import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from lianxin.casework.actions import complete_intake


class Command(BaseCommand):
    help = "完成已受理提交的登记：写入办理记录“登记”并发出通知（公开接口提交后由此完成）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=float,
            default=0,
            metavar="SECONDS",
            help="keep running and look again every SECONDS (for `make run`)",
        )

    def handle(self, *args, every: float = 0, **options):
        while True:
            done = complete_intake()
            if done or every <= 0:
                self.stdout.write(f"完成登记 {done} 件。")
            if every <= 0:
                return
            close_old_connections()
            if not done:
                time.sleep(every)
