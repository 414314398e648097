import time

from django.core.management.base import BaseCommand

from lianxin.casework import duplicates


class Command(BaseCommand):
    help = "重建重复事项检测的词语索引：重新切分每件案件的文字，记下关键词、地点和区县。"

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=2000, help="cases per transaction")

    def handle(self, *args, batch: int = 2000, **options):
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            rate = done / max(time.perf_counter() - started, 1e-6)
            self.stdout.write(f"{done}/{total} ({rate:,.0f} 件/秒)")

        n = duplicates.rebuild(max(1, batch), progress)
        self.stdout.write(f"已索引 {n} 件，用时 {time.perf_counter() - started:.1f} 秒。")
