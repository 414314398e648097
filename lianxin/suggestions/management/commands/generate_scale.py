"""`manage.py generate_scale`: a province-scale dataset (suggestions/scale.py)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from lianxin.suggestions import scale


class Command(BaseCommand):
    help = "生成省级规模的测试数据（Generate a province-scale dataset）"

    def add_arguments(self, parser):
        parser.add_argument("--deputies", type=int, default=100_000)
        parser.add_argument("--opinions", type=int, default=1_000_000)
        parser.add_argument("--suggestions", type=int, default=100_000)
        parser.add_argument("--stations", type=int, default=200_000)
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **o):
        quiet = o["verbosity"] == 0
        figures = scale.generate(
            deputies=o["deputies"],
            opinions=o["opinions"],
            suggestions=o["suggestions"],
            stations=o["stations"],
            years=max(1, o["years"]),
            seed=o["seed"],
            say=(lambda _m: None) if quiet else self.stdout.write,
        )
        self.stdout.write(
            f"完成：案件 {figures['cases']:,} 件，用时 {figures['seconds']} 秒，"
            f"每秒 {figures['cases_per_second']:,} 件（本进程 CPU 时间 {figures['cpu_seconds']} 秒，"
            f"每 CPU 秒 {figures['cases_per_cpu_second']:,} 件）"
        )
