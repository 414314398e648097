"""Bring the readers of the trail (core.trail.follow) up to date, once or in a loop."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from lianxin.core import trail
from lianxin.core.loops import Loop


class Command(BaseCommand):
    help = "把操作记录交给各读取方处理（Deliver trail events to their readers）"

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=0, help="循环间隔秒数；0 表示只运行一次")
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args, every: float, batch: int, **options):
        verbose = options["verbosity"] > 1

        def step() -> int:
            n = trail.deliver_all(batch=batch)
            if verbose or not every:
                self.stdout.write(f"{n}")
            return n

        if not every:
            step()
            return
        Loop("follow_trail", step, every).run()
