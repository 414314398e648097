"""Retention: the one place that deletes rows of the append-only tables.

The security trail (`AuditLog`) and the case timeline (`CaseEvent`) are never updated or deleted
by anything else; sent and failed e-mails and SMS (`OutboundMessage`) go the same way. Run by
`manage.py apply_retention` (defaults in settings `LIANXIN_RETENTION_*`). Each run deletes in
small batches (short transactions, no long lock on a busy table) and leaves one `AuditLog` entry
saying what it removed.

The timeline is the source of the figures (overdue counts read `overdue` events): removing the
events of old concluded cases changes the figures of those years, so it is off unless asked
for. The case rows, replies and evaluations are kept.

Models are looked up by label: core sits below casework and notifications and imports neither.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import ValidationFailed

# The Cybersecurity Law (art. 21) asks network operators to keep logs for at least six months.
AUDIT_MIN_DAYS = 180


def years_before(moment: dt.datetime, years: int) -> dt.datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


@dataclass(frozen=True)
class Rule:
    key: str
    model: str  # app_label.ModelName
    label: object
    unit: str  # "days" or "years"
    rows: Callable[[dt.datetime], QuerySet]  # cutoff → the rows to delete
    basis: object  # which time the cutoff is compared with

    @property
    def table(self) -> str:
        return apps.get_model(self.model)._meta.db_table


def _audit_rows(cutoff: dt.datetime) -> QuerySet:
    return apps.get_model("core.AuditLog").objects.filter(at__lt=cutoff)


def _outbound_rows(cutoff: dt.datetime) -> QuerySet:
    model = apps.get_model("notifications.OutboundMessage")
    done = [model.Status.SENT, model.Status.FAILED]
    return model.objects.filter(status__in=done, created_at__lt=cutoff)


def _event_rows(cutoff: dt.datetime) -> QuerySet:
    return apps.get_model("casework.CaseEvent").objects.filter(
        case__concluded_at__isnull=False, case__concluded_at__lt=cutoff
    )


RULES = [
    Rule(
        "audit",
        "core.AuditLog",
        gettext_lazy("安全审计记录"),
        "days",
        _audit_rows,
        gettext_lazy("记录时间"),
    ),
    Rule(
        "outbound",
        "notifications.OutboundMessage",
        gettext_lazy("已发送和发送失败的邮件、短信"),
        "days",
        _outbound_rows,
        gettext_lazy("创建时间"),
    ),
    Rule(
        "events",
        "casework.CaseEvent",
        gettext_lazy("已办结案件的办理记录"),
        "years",
        _event_rows,
        gettext_lazy("案件办结时间"),
    ),
]


@dataclass
class Outcome:
    rule: Rule
    amount: int  # days or years to keep; 0 = the table is kept whole
    cutoff: dt.datetime | None
    count: int = 0

    def as_dict(self) -> dict:
        return {
            "table": self.rule.table,
            "keep": f"{self.amount} {self.rule.unit}" if self.amount else "all",
            "before": self.cutoff.isoformat() if self.cutoff else None,
            "deleted": self.count,
        }


def check_periods(*, audit_days: int, outbound_days: int, events_years: int) -> None:
    for value, option in (
        (audit_days, "--audit-days"),
        (outbound_days, "--outbound-days"),
        (events_years, "--events-years"),
    ):
        if value < 0:
            raise ValidationFailed(_("%(option)s 不能为负数。") % {"option": option})
    if 0 < audit_days < AUDIT_MIN_DAYS:
        raise ValidationFailed(
            _("安全审计记录至少保存 %(n)s 天（网络日志留存不少于六个月）。") % {"n": AUDIT_MIN_DAYS}
        )


def apply_retention(
    *,
    audit_days: int,
    outbound_days: int,
    events_years: int,
    dry_run: bool = False,
    batch_size: int = 1000,
    now: dt.datetime | None = None,
) -> list[Outcome]:
    """Delete what is past its keeping period (or, with `dry_run`, only count it). A period of 0
    keeps that table whole. Writes one AuditLog entry unless `dry_run`."""
    check_periods(audit_days=audit_days, outbound_days=outbound_days, events_years=events_years)
    if batch_size < 1:
        raise ValidationFailed(_("--batch-size 应为正整数。"))
    now = now or timezone.now()
    amounts = {"audit": audit_days, "outbound": outbound_days, "events": events_years}
    outcomes = []
    for rule in RULES:
        amount = amounts[rule.key]
        if not amount:
            outcomes.append(Outcome(rule, 0, None))
            continue
        if rule.unit == "years":
            cutoff = years_before(now, amount)
        else:
            cutoff = now - dt.timedelta(days=amount)
        outcome = Outcome(rule, amount, cutoff)
        rows = rule.rows(cutoff)
        if getattr(rows.model, "hash_chain", None):
            outcome.count = rows.count() if dry_run else _delete_chained(rows, cutoff, batch_size)
        else:
            outcome.count = rows.count() if dry_run else _delete_in_batches(rows, batch_size)
        outcomes.append(outcome)
    if not dry_run:
        from .audit import record
        from .models import AuditLog

        record(
            AuditLog.Kind.RETENTION_APPLIED,
            target="retention",
            removed={o.rule.key: o.as_dict() for o in outcomes},
        )
    return outcomes


def _delete_chained(rows: QuerySet, cutoff: dt.datetime, batch_size: int) -> int:
    """Delete rows of a hash chain (core.chain) batch by batch, each batch under the retention
    permit the database's trigger asks for (core.appendonly), leaving a `ChainAnchor` for each
    run of consecutive rows of the chain deleted, so the rows kept still verify."""
    from django.db import connections, router

    from .appendonly import retention_permit
    from .models import ChainAnchor

    model = rows.model
    db = router.db_for_write(model)
    connection = connections[db]
    deleted = 0
    while True:
        with transaction.atomic(using=db):
            batch = list(
                rows.using(db)
                .order_by("pk")
                .values_list("pk", "prev_hash", "row_hash")[:batch_size]
            )
            if not batch:
                return deleted
            with retention_permit(connection, cutoff):
                model.objects.using(db).filter(pk__in=[pk for pk, _, _ in batch]).delete()
            runs: list[list[tuple]] = []
            for row in batch:
                if runs and runs[-1][-1][2] == row[1]:
                    runs[-1].append(row)
                else:
                    runs.append([row])
            ChainAnchor.objects.using(db).bulk_create(
                ChainAnchor(
                    chain=model.hash_chain,
                    prev_hash=run[0][1],
                    through_id=run[-1][0],
                    last_hash=run[-1][2],
                    removed=len(run),
                )
                for run in runs
            )
        deleted += len(batch)


def _delete_in_batches(rows: QuerySet, batch_size: int) -> int:
    model = rows.model
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(rows.order_by("pk").values_list("pk", flat=True)[:batch_size])
            if not ids:
                return deleted
            model.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
