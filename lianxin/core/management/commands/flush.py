"""Django's `flush` with the flush permit of the append-only trails (core.appendonly), so that
emptying a test database (transactional tests) still works with the triggers in place."""

from __future__ import annotations

from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, transaction

from lianxin.core.appendonly import flush_permit


class Command(flush.Command):
    def handle(self, **options):
        database = options.get("database") or DEFAULT_DB_ALIAS
        with transaction.atomic(using=database), flush_permit(database):
            return super().handle(**options)
