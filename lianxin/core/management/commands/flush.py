"""Django's `flush` with the flush permit of the append-only trails (core.appendonly), so that
emptying a test database (transactional tests) still works with the triggers in place.

On PostgreSQL the TRUNCATE cascades: tables that Django does not manage (the search index,
`casework_search`, created by migration) reference managed ones and would make it fail."""

from __future__ import annotations

from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, transaction

from lianxin.core.appendonly import flush_permit


class Command(flush.Command):
    def handle(self, **options):
        database = options.get("database") or DEFAULT_DB_ALIAS
        options["allow_cascade"] = True
        with transaction.atomic(using=database), flush_permit(database):
            return super().handle(**options)
