"""Bring the readers of the trail (core.trail.follow) up to date, once or in a loop."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from lianxin.core import trail


class Command(BaseCommand):
    help = "把操作记录交给各读取方处理（Deliver trail events to their readers）"

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=0, help="循环间隔秒数；0 表示只运行一次")
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args, every: float, batch: int, **options):
        while True:
            n = trail.deliver_all(batch=batch)
            if options["verbosity"] > 1 or not every:
                self.stdout.write(f"{n}")
            if not every:
                return
            if not n:
                time.sleep(every)
