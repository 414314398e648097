"""`manage.py export_audit --from 2026-01-01 --to 2026-07-01 -o audit.xlsx`: the audit of a
period (local dates, the end excluded) as Excel for the assessor (core.auditexport)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lianxin.core.auditexport import export


def _day(text: str) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {text}") from exc
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


class Command(BaseCommand):
    help = "Export the audit trails of a period as an Excel workbook."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True)
        parser.add_argument("--to", dest="end", required=True)
        parser.add_argument("-o", "--output", required=True)

    def handle(self, *args, start: str, end: str, output: str, **options):
        begin, finish = _day(start), _day(end)
        if finish <= begin:
            raise CommandError("--to must be after --from")
        data = export(begin, finish)
        Path(output).write_bytes(data)
        self.stdout.write(f"{output}: {len(data)} bytes")
