from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.core.errors import LianxinError
from lianxin.core.retention import apply_retention


class Command(BaseCommand):
    help = (
        "按保存期限清理：删除过期的安全审计记录、已发送或发送失败的邮件和短信，以及（指定时）"
        "办结多年的案件的办理记录；案件本身保留。每次运行写一条安全审计记录。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--audit-days",
            type=int,
            default=None,
            metavar="N",
            help="keep the security trail (AuditLog) N days; 0 keeps it all "
            "(default LIANXIN_RETENTION_AUDIT_DAYS, at least 180)",
        )
        parser.add_argument(
            "--outbound-days",
            type=int,
            default=None,
            metavar="N",
            help="keep sent and failed e-mails and SMS N days; 0 keeps them all "
            "(default LIANXIN_RETENTION_OUTBOUND_DAYS)",
        )
        parser.add_argument(
            "--events-years",
            type=int,
            default=None,
            metavar="N",
            help="delete the timeline (CaseEvent) of cases concluded more than N years ago; "
            "0 keeps it all (default LIANXIN_RETENTION_EVENTS_YEARS, 0)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would be deleted, delete nothing"
        )
        parser.add_argument("--batch-size", type=int, default=1000, metavar="N")

    def handle(self, *args, **options):
        def pick(name: str, setting: str) -> int:
            value = options[name]
            return int(getattr(settings, setting)) if value is None else value

        try:
            outcomes = apply_retention(
                audit_days=pick("audit_days", "LIANXIN_RETENTION_AUDIT_DAYS"),
                outbound_days=pick("outbound_days", "LIANXIN_RETENTION_OUTBOUND_DAYS"),
                events_years=pick("events_years", "LIANXIN_RETENTION_EVENTS_YEARS"),
                dry_run=options["dry_run"],
                batch_size=options["batch_size"],
            )
        except LianxinError as exc:
            raise CommandError(exc.message) from exc
        dry = options["dry_run"]
        for o in outcomes:
            head = f"{o.rule.label}（{o.rule.table}）"
            if o.cutoff is None:
                self.stdout.write(_("%(table)s：不清理") % {"table": head})
                continue
            values = {
                "table": head,
                "basis": o.rule.basis,
                "before": timezone.localtime(o.cutoff).strftime("%Y-%m-%d %H:%M"),
                "n": o.count,
            }
            if dry:
                line = _("%(table)s：%(basis)s早于 %(before)s 的 %(n)s 条将被删除") % values
            else:
                line = _("%(table)s：已删除%(basis)s早于 %(before)s 的 %(n)s 条") % values
            self.stdout.write(line)
        if dry:
            self.stdout.write(_("试运行，未删除任何记录。"))
