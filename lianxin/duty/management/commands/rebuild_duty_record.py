"""Read the whole trail again into the duty record (lianxin.duty.record.rebuild)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from lianxin.duty import record


class Command(BaseCommand):
    help = "从操作记录重建代表履职记录（Rebuild the duty record from the trail）"

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=2000)

    def handle(self, *args, batch: int, **options):
        n = record.rebuild(batch=batch)
        self.stdout.write(f"{n}")
