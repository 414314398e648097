import time

from django.core.management.base import BaseCommand

from lianxin.casework import metrics, tallies


class Command(BaseCommand):
    help = (
        "重建统计指标：从案件及其办理记录重新计算每件案件的计数和各统计单元（分批写入，显示进度）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch", type=int, default=metrics.BATCH, help="cases per transaction (2000)"
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="only what has not been counted yet (cases; receptions and duty points)",
        )

    def handle(self, *args, batch: int = metrics.BATCH, if_empty: bool = False, **options):
        cases = not if_empty or metrics.needs_rebuild()
        others = not if_empty or tallies.needs_rebuild()
        if cases:
            self._cases(batch)
        if others:
            self._others(batch)

    def _progress(self):
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            width = 30
            filled = width * done // max(total, 1)
            rate = done / max(time.perf_counter() - started, 1e-6)
            self.stdout.write(
                f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} ({rate:,.0f} 件/秒)"
            )

        return progress

    def _cases(self, batch: int) -> None:
        started = time.perf_counter()
        n = metrics.rebuild(self._progress(), batch=max(1, batch))
        seconds = time.perf_counter() - started
        self.stdout.write(f"已统计 {n} 件，用时 {seconds:.1f} 秒。")

    def _others(self, batch: int) -> None:
        # The figures of other records: receptions, duty points (casework.tallies).
        started = time.perf_counter()
        m = tallies.rebuild(self._progress(), batch=max(1, batch))
        seconds = time.perf_counter() - started
        self.stdout.write(f"已统计接待记录和履职积分等 {m} 条，用时 {seconds:.1f} 秒。")
