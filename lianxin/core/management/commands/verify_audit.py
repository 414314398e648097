"""`manage.py verify_audit`: walk the hash chains of the security trail and the trail of actions
(core.chain) and report the first broken link of each; exits 1 when one is broken or the
database's append-only triggers (core.appendonly) are missing."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import connections, router

from lianxin.core import appendonly, chain
from lianxin.core.models import AuditLog


class Command(BaseCommand):
    help = "Verify the hash chains of the audit trails (core_auditlog, core_trailevent)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument(
            "--chain", choices=sorted(chain.CHAINS), action="append", help="only this chain"
        )

    def handle(self, *args, batch_size: int, chain: list[str] | None, **options):
        from lianxin.core import chain as chaining

        broken = False
        connection = connections[router.db_for_write(AuditLog)]
        missing = appendonly.missing_triggers(connection)
        if missing:
            broken = True
            self.stdout.write(f"MISSING TRIGGERS: {', '.join(missing)}")

        def progress(name: str, n: int) -> None:
            if options["verbosity"] >= 1 and n % (batch_size * 20) == 0:
                self.stdout.write(f"  {name}: {n} rows checked")

        for name in chain or sorted(chaining.CHAINS):
            outcome = chaining.verify(name, batch=batch_size, progress=progress)
            if outcome.ok:
                self.stdout.write(f"{outcome.table}: OK, {outcome.rows} rows")
            else:
                broken = True
                for b in outcome.breaks:
                    self.stdout.write(f"{outcome.table}: BROKEN at {b}")
        if broken:
            raise SystemExit(1)
