"""Load the demo data of 晋中市. `make run` calls it with --if-empty."""

import random
import time
from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from lianxin.accounts.production import is_production
from lianxin.org.demo import SCALES, DemoContext
from lianxin.org.models import Congress


def demo_modules():
    """The `demo` module of each installed app that has one, in INSTALLED_APPS order (which
    follows the layers: an app's demo data may use the data of the apps loaded before it)."""
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "demo"):
            yield import_module(f"{config.name}.demo")


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
        exists = Congress.objects.exists()
        if exists and if_empty:
            self.stdout.write(
                "数据库已有数据，跳过演示数据。 (database not empty: demo data skipped)"
            )
            return
        if is_production():
            raise CommandError(
                "生产环境（DEBUG=0、LIANXIN_DEMO=0）不载入演示数据；演示请设 LIANXIN_DEMO=1。"
                " (production settings: the demo is not loaded; set LIANXIN_DEMO=1 for a demo)"
            )
        if exists:
            raise CommandError(
                "数据库已有数据；演示数据只能载入空数据库。 (the database is not empty)"
            )
        started = time.monotonic()
        ctx = DemoContext(rng=random.Random(seed), scale=scale, stdout=self.stdout, users={})
        with transaction.atomic():
            for module in demo_modules():
                module.load(ctx)
        self.stdout.write(
            f"演示数据已载入（规模 {scale}，用时 {time.monotonic() - started:.1f} 秒）。 demo data loaded ({scale})."
        )
