"""The background worker of `make run` and deploy/systemd: django-tasks-db's worker, run by the
shared loop (core.loops) so a database outage is waited out instead of ending it, tasks left
RUNNING by a killed worker are taken back (core.queue.reclaim_stale_tasks), and SIGTERM
finishes the task in hand before the worker stops."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from lianxin.core import queue
from lianxin.core.loops import Loop

# How often the worker looks for tasks a dead worker left RUNNING.
RECLAIM_EVERY = 60.0


class Command(BaseCommand):
    help = "运行后台任务（通知发送等），数据库短暂不可用时等待重试（Run queued background tasks）"

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=1.0, metavar="SECONDS")
        parser.add_argument("--backend", default=DEFAULT_TASK_BACKEND_ALIAS)
        parser.add_argument(
            "--batch", action="store_true", help="run what is queued, then stop (tests, cron)"
        )

    def handle(self, *args, every: float, backend: str, batch: bool, **options):
        worker = Worker(
            queue_names=["*"],
            interval=every,
            batch=False,
            backend_name=backend,
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        last_reclaim = [0.0]

        def step() -> bool:
            if not batch:  # a batch run may be inside a caller's transaction (tests)
                close_old_connections()
            if time.monotonic() - last_reclaim[0] >= RECLAIM_EVERY:
                if n := queue.reclaim_stale_tasks():
                    self.stdout.write(f"重新排队的中断任务 {n} 个。")
                last_reclaim[0] = time.monotonic()
            tasks = DBTaskResult.objects.ready().filter(backend_name=backend)
            with exclusive_transaction(tasks.db):
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(worker.worker_id)
            if task_result is None:
                return False
            worker.run_task(task_result)
            return True

        loop = Loop("run_tasks", step, every)
        if batch:
            while loop.run_once()[0]:
                pass
            return
        loop.run()
