"""`manage.py import_work_orders FILE --source NAME [--user USERNAME] [--valid-rows-only]`:
check and import a hotline file as the import page does, in this process."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lianxin.accounts.models import User
from lianxin.core.errors import LianxinError
from lianxin.hotline import jobs
from lianxin.hotline.models import ImportJob, Source


class Command(BaseCommand):
    help = "导入 12345 工单文件（xlsx / CSV / JSON）。Import a hotline file of work orders."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--source", required=True, help="工单来源名称")
        parser.add_argument("--user", help="以该账号导入（须为来源所属人大的工作人员）")
        parser.add_argument("--valid-rows-only", action="store_true", help="仅导入有效行")

    def handle(self, *args, file, source, user=None, valid_rows_only=False, **options):
        try:
            target = Source.objects.select_related("congress__region").get(name=source)
        except Source.DoesNotExist:
            raise CommandError(f"没有这个工单来源：{source}") from None
        if user:
            account = User.objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"没有这个账号：{user}")
        else:
            account = (
                User.objects.filter(
                    roles__role="deputy_affairs_staff", roles__congress=target.congress
                )
                .order_by("pk")
                .first()
            )
            if account is None:
                raise CommandError("请用 --user 指定导入账号。")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        try:
            job = jobs.upload(target, path.read_bytes(), path.name, acting_user=account)
            report = job.report
            for issue in report.get("issues", []):
                self.stdout.write(
                    f"第 {issue['row']} 行 {issue['column'] or issue['field']}：{issue['message']}"
                )
            for error in report.get("file_errors", []):
                self.stdout.write(error)
            job = jobs.confirm(job, valid_rows_only=valid_rows_only, acting_user=account)
        except LianxinError as exc:
            raise CommandError(str(exc.message)) from None
        job.refresh_from_db()
        if job.status == ImportJob.Status.QUEUED:
            # The database task backend: the worker imports it; or run it here at once.
            job = jobs.run(job.pk)
        self.stdout.write(f"{job.get_status_display()}：{job.message}")
        if job.status == ImportJob.Status.FAILED:
            raise CommandError(job.message)
