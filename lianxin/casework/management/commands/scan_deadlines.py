from django.core.management.base import BaseCommand

from lianxin.casework.actions import complete_intake
from lianxin.casework.scan import EXTRA_LABELS, scan_deadlines
from lianxin.core.claims import single_pass
from lianxin.core.loops import Loop
from lianxin.core.queue import reclaim_stale_tasks
from lianxin.notifications.digest import build_digests
from lianxin.notifications.tasks import retry_queued


class Command(BaseCommand):
    help = "扫描办理期限：标记逾期、到期前及到期当日提醒、反馈后逾期未评价的自动办结；每天一次汇总每日动态摘要。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="keep running and scan again every SECONDS (for `make run`; cron needs no option)",
        )

    def handle(self, *args, every: int = 0, **options):
        if every <= 0:
            self.scan()
            return
        Loop("scan_deadlines", self.scan, every).run()

    def scan(self) -> None:
        # One pass at a time across every machine running the scan (core.claims); the others
        # skip this round.
        with single_pass("scan_deadlines") as mine:
            if mine:
                self._scan()
            else:
                self.stdout.write("另一台服务器正在扫描，本轮跳过。")

    def _scan(self) -> None:
        # A safety net: registrations the intake loop has not completed (it is not running).
        completed = complete_intake()
        if completed:
            self.stdout.write(f"完成登记 {completed} 件。")
        result = scan_deadlines()
        self.stdout.write(
            f"逾期 {result.overdue} 件，即将到期提醒 {result.reminded_soon} 件，"
            f"今日到期提醒 {result.reminded_today} 件，自动办结 {result.concluded} 件。"
        )
        if result.extra:
            self.stdout.write(
                "，".join(
                    f"{EXTRA_LABELS.get(name, name)} {n} 件" for name, n in result.extra.items()
                )
                + "。"
            )
        # Once a day (from LIANXIN_DIGEST_HOUR): the digest of informational notices.
        digests = build_digests()
        if digests:
            self.stdout.write(f"每日动态摘要 {digests} 份。")
        # Tasks a killed worker left RUNNING go back to the queue; e-mails and SMS still
        # waiting (a gateway outage) are queued again (each is sent at most once).
        reclaimed = reclaim_stale_tasks()
        if reclaimed:
            self.stdout.write(f"重新排队的中断任务 {reclaimed} 个。")
        retried = retry_queued.call()
        if retried:
            self.stdout.write(f"重新发送的待发消息 {retried} 条。")
