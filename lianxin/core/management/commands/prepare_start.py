"""What `make run` does before gunicorn starts, in one process and skipping what is done:
make the database, uploads and backups private (`core.permissions.tighten`), migrate only
when a migration is unapplied, load the demo only into an empty database
(`load_demo --if-empty`), then say the public address. One Django start instead of four
(docs/benchmarks.md, "Restart"); collectstatic is skipped by the Makefile's stamp."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


def unapplied_migrations(using: str = DEFAULT_DB_ALIAS) -> list:
    executor = MigrationExecutor(connections[using])
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


class Command(BaseCommand):
    help = (
        "启动前的准备：应用未应用的迁移、空数据库载入演示数据、显示公开地址（Prepare `make run`）"
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true", help="do not load the demo")

    def handle(self, *args, no_demo: bool = False, **options):
        from lianxin.core.permissions import tighten

        tighten()  # the database, uploads and backups: 0600 files, 0700 folders
        if unapplied_migrations():
            call_command("migrate", interactive=False, verbosity=options["verbosity"])
        if not no_demo:
            call_command("load_demo", if_empty=True, stdout=self.stdout)
        call_command("public_address", stdout=self.stdout)
