"""Load the demo data of 晋中市. `make run` calls it with --if-empty."""

import importlib
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from lianxin.org.demo import SCALES, DemoContext
from lianxin.org.models import Congress

# Each app that has demo data of its own, in dependency order.
DEMO_MODULES = [
    "lianxin.org.demo",
    "lianxin.liaison.demo",
    "lianxin.casework.demo",
    "lianxin.opinions.demo",
    "lianxin.suggestions.demo",
]


class Command(BaseCommand):
    help = "载入晋中市演示数据（姓名均为随机生成）。Load the 晋中市 demo data (generated names)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=sorted(SCALES),
            default="demo",
            help="test / demo (default) / full (about 8,500 deputies)",
        )
        parser.add_argument("--seed", type=int, default=20261122)
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when the database already has data"
        )

    def handle(self, *args, scale, seed, if_empty, **options):
        if Congress.objects.exists():
            if if_empty:
                self.stdout.write(
                    "数据库已有数据，跳过演示数据。 (database not empty: demo data skipped)"
                )
                return
            raise CommandError(
                "数据库已有数据；演示数据只能载入空数据库。 (the database is not empty)"
            )
        started = time.monotonic()
        ctx = DemoContext(rng=random.Random(seed), scale=scale, stdout=self.stdout, users={})
        with transaction.atomic():
            for name in DEMO_MODULES:
                try:
                    module = importlib.import_module(name)
                except ModuleNotFoundError as exc:
                    if exc.name == name:
                        continue  # this app has no demo data (yet)
                    raise
                module.load(ctx)
        self.stdout.write(
            f"演示数据已载入（规模 {scale}，用时 {time.monotonic() - started:.1f} 秒）。 demo data loaded ({scale})."
        )
