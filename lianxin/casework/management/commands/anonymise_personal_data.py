from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.casework.anonymise import anonymise_personal_data
from lianxin.core.errors import LianxinError


class Command(BaseCommand):
    help = (
        "个人信息保护法：将办结满 N 年的案件中群众的姓名替换为“已匿名”、清除电话及其查找散列，"
        "同样处理 N 年前的接待记录和短信收件号码；案件内容和统计保留。先用 --dry-run 试运行。"
        "每次运行写一条安全审计记录。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-years",
            type=int,
            default=None,
            metavar="N",
            help="cases concluded more than N years ago (default LIANXIN_PERSONAL_DATA_YEARS)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would be anonymised, change nothing"
        )

    def handle(self, *args, **options):
        years = options["older_than_years"]
        if years is None:
            years = int(settings.LIANXIN_PERSONAL_DATA_YEARS)
        dry = options["dry_run"]
        try:
            o = anonymise_personal_data(years=years, dry_run=dry)
        except LianxinError as exc:
            raise CommandError(exc.message) from exc
        values = {
            "before": timezone.localtime(o.cutoff).strftime("%Y-%m-%d"),
            "cases": o.cases,
            "records": o.records,
            "sms": o.messages,
        }
        if dry:
            self.stdout.write(
                _(
                    "试运行：%(before)s 前办结的案件 %(cases)s 件、接待记录 %(records)s 条、"
                    "短信 %(sms)s 条的个人信息将被匿名化；未做任何修改。"
                )
                % values
            )
        else:
            self.stdout.write(
                _(
                    "已匿名化 %(before)s 前办结的案件 %(cases)s 件、接待记录 %(records)s 条、"
                    "短信 %(sms)s 条的个人信息。"
                )
                % values
            )
