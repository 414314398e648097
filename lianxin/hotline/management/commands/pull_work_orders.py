"""`manage.py pull_work_orders [--source NAME] [--every SECONDS]`: fetch and import the work
orders of the sources with a pull URL (hotline/pull.py). Without --source, the sources whose
interval has passed; with it, that source at once."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from lianxin.core.loops import Loop
from lianxin.hotline import pull
from lianxin.hotline.models import PullRun, Source


class Command(BaseCommand):
    help = "从配置的接口拉取 12345 工单。Pull work orders from the sources' HTTP endpoints."

    def add_arguments(self, parser):
        parser.add_argument("--source", help="工单来源名称（立即拉取该来源）")
        parser.add_argument("--every", type=float, default=0, help="循环间隔秒数；0 表示只运行一次")

    def _show(self, run: PullRun) -> None:
        line = (
            f"{run.source.name}：{run.get_status_display()}，新导入 {run.created_count} 件，"
            f"已导入过 {run.existing_count} 件，有误 {run.error_count} 行"
        )
        if run.error:
            line += f"；{run.error}"
        self.stdout.write(line)

    def handle(self, *args, source=None, every: float = 0, **options):
        if source:
            target = Source.objects.filter(name=source).first()
            if target is None:
                raise CommandError(f"没有这个工单来源：{source}")
            if not target.pull_url:
                raise CommandError(f"该来源未设置拉取地址：{source}")
            run = pull.pull(target)
            self._show(run)
            if run.status == PullRun.Status.FAILED:
                raise CommandError(run.error)
            return

        def step() -> int:
            runs = pull.pull_due()
            for run in runs:
                self._show(run)
            return 0  # wait for the next interval whatever happened

        if not every:
            step()
            return
        Loop("pull_work_orders", step, every).run()
