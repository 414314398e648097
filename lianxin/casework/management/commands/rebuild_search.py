import time

from django.core.management.base import BaseCommand

from lianxin.casework import search, texts


class Command(BaseCommand):
    help = "重建全文检索索引：重新切分每件案件及其答复的文字和履职、社情民意、征求意见等其他文字（分批写入，显示进度）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch", type=int, default=search.BATCH, help="cases per transaction (2000)"
        )

    def handle(self, *args, batch: int = search.BATCH, **options):
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            width = 30
            filled = width * done // max(total, 1)
            rate = done / max(time.perf_counter() - started, 1e-6)
            self.stdout.write(
                f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} ({rate:,.0f} 件/秒)"
            )

        n = search.rebuild(progress, batch=max(1, batch))
        seconds = time.perf_counter() - started
        self.stdout.write(f"已索引 {n} 件，用时 {seconds:.1f} 秒。")
        # The other texts: duty posts, stories and reports, sentiment reports, consultation
        # opinions (casework.texts).
        started = time.perf_counter()
        m = texts.rebuild(progress, batch=max(1, batch))
        seconds = time.perf_counter() - started
        self.stdout.write(f"已索引履职记录、履职故事等其他文字 {m} 条，用时 {seconds:.1f} 秒。")
