"""What is a 12345 work order's own; the loop's part (state, category, assignments, replies,
evaluations, the timeline) lives on `casework.Case`.

- `Source`: one hotline (a city's 12345 platform, an office's export) whose files we import,
  with the column mapping of its files (our field → its column header), the mapping of its
  own state names to ours, and the region its orders belong to when a row names none. It is
  owned by one congress: the staff of that congress import its files and handle its orders.
- `WorkOrder`: the order's own data, one-to-one with its case: the hotline's number (unique per
  source: importing the same file twice adds nothing), its channel, when the hotline received
  it and the state the hotline gave it.
- `ImportJob`: one uploaded file, checked, previewed and (once confirmed) imported by a
  background task that reports its progress here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.Model):
    name = models.CharField(_("名称"), max_length=100, unique=True)
    congress = models.ForeignKey(
        "org.Congress", verbose_name=_("所属人大"), on_delete=models.PROTECT, related_name="+"
    )
    default_region = models.ForeignKey(
        "org.Region",
        verbose_name=_("默认区划"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("文件中没有区划列或区划为空时使用。"),
    )
    mapping = models.JSONField(
        _("列对应关系"),
        default=dict,
        blank=True,
        help_text=_('本系统字段 → 对方文件的列标题，如 {"number": "工单编号"}。'),
    )
    state_mapping = models.JSONField(
        _("状态对应关系"),
        default=dict,
        blank=True,
        help_text=_('对方的工单状态名称 → 本系统状态，如 {"已办结": "concluded"}。'),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("工单来源")
        verbose_name_plural = _("工单来源")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WorkOrder(models.Model):
    case = models.OneToOneField(
        "casework.Case",
        verbose_name=_("案件"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="work_order",
    )
    source = models.ForeignKey(
        Source, verbose_name=_("来源"), on_delete=models.PROTECT, related_name="orders"
    )
    number = models.CharField(_("工单编号"), max_length=64)
    channel = models.CharField(_("受理渠道"), max_length=32, blank=True)
    received_at = models.DateTimeField(_("受理时间"))
    hotline_state = models.CharField(_("热线状态"), max_length=32, blank=True)
    job = models.ForeignKey(
        "ImportJob",
        verbose_name=_("导入批次"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )

    class Meta:
        verbose_name = _("12345 工单")
        verbose_name_plural = _("12345 工单")
        constraints = [
            models.UniqueConstraint(fields=["source", "number"], name="work_order_source_number")
        ]

    def __str__(self) -> str:
        return f"{self.source.name} {self.number}"


class ImportJob(models.Model):
    class Status(models.TextChoices):
        CHECKED = "checked", _("已校验")
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("未导入")

    source = models.ForeignKey(
        Source, verbose_name=_("来源"), on_delete=models.CASCADE, related_name="jobs"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file_name = models.CharField(_("文件名"), max_length=200)
    content = models.BinaryField(_("文件内容"))
    file_format = models.CharField(_("格式"), max_length=8)
    encoding = models.CharField(_("编码"), max_length=16, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.CHECKED
    )
    valid_rows_only = models.BooleanField(_("仅导入有效行"), default=False)
    total = models.PositiveIntegerField(_("行数"), default=0)
    processed = models.PositiveIntegerField(_("已处理"), default=0)
    created_count = models.PositiveIntegerField(_("新导入"), default=0)
    existing_count = models.PositiveIntegerField(_("已导入过"), default=0)
    error_count = models.PositiveIntegerField(_("有误行数"), default=0)
    report = models.JSONField(_("校验报告"), default=dict, blank=True)
    message = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("工单导入")
        verbose_name_plural = _("工单导入")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, round(100 * self.processed / self.total))
