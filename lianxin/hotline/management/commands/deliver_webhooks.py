"""`manage.py deliver_webhooks [--every SECONDS]`: queue the webhook deliveries of new replies,
conclusions and merges of work orders (the trail reader `hotline.webhooks`) and send those
that are due, with their retries (hotline/push.py)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from lianxin.core.loops import Loop
from lianxin.hotline import push


class Command(BaseCommand):
    help = "发送 12345 工单的回推（签名 webhook）。Send the hotline webhooks that are due."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=0, help="循环间隔秒数；0 表示只运行一次")

    def handle(self, *args, every: float = 0, **options):
        if not every:
            self.stdout.write(str(push.step()))
            return
        Loop("deliver_webhooks", push.step, every).run()
