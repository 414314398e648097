from django.core.management.base import BaseCommand

from lianxin.casework.actions import complete_intake
from lianxin.core.loops import Loop


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
        if every <= 0:
            self.stdout.write(f"完成登记 {complete_intake()} 件。")
            return

        def step() -> int:
            done = complete_intake()
            if done:
                self.stdout.write(f"完成登记 {done} 件。")
            return done

        Loop("complete_intake", step, every).run()
