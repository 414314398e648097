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
    # Pull: the hotline's endpoint we fetch on a schedule (hotline/pull.py).
    pull_url = models.URLField(
        _("拉取地址"),
        max_length=500,
        blank=True,
        help_text=_("返回工单 JSON 列表或 CSV 的 http(s) 地址；留空则不拉取。"),
    )
    pull_format = models.CharField(
        _("拉取格式"),
        max_length=8,
        choices=[("json", "JSON"), ("csv", "CSV")],
        default="json",
    )
    pull_auth_header = models.CharField(
        _("拉取认证头"),
        max_length=500,
        blank=True,
        help_text=_("如“Authorization: Bearer …”；保存后不再完整显示。"),
    )
    pull_interval_minutes = models.PositiveIntegerField(_("拉取间隔（分钟）"), default=60)
    # Push: the signed webhook we call on replies, conclusions and merges (hotline/push.py).
    webhook_url = models.URLField(_("回推地址"), max_length=500, blank=True)
    webhook_secret = models.CharField(
        _("签名密钥"),
        max_length=200,
        blank=True,
        help_text=_("用于 HMAC-SHA256 签名；保存后不再完整显示。"),
    )
    webhook_since = models.DateTimeField(
        _("回推起始时间"),
        null=True,
        blank=True,
        help_text=_("设置或更改回推地址的时间；此前的事件不回推。"),
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


class PullRun(models.Model):
    """One fetch of a source's pull endpoint: when, how it ended, the counts, the error."""

    class Status(models.TextChoices):
        DONE = "done", _("成功")
        FAILED = "failed", _("失败")

    source = models.ForeignKey(
        Source, verbose_name=_("来源"), on_delete=models.CASCADE, related_name="pull_runs"
    )
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices)
    bytes = models.PositiveIntegerField(_("字节数"), default=0)
    total = models.PositiveIntegerField(_("行数"), default=0)
    created_count = models.PositiveIntegerField(_("新导入"), default=0)
    existing_count = models.PositiveIntegerField(_("已导入过"), default=0)
    error_count = models.PositiveIntegerField(_("有误行数"), default=0)
    error = models.TextField(_("错误"), blank=True)
    job = models.ForeignKey(
        ImportJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("工单拉取记录")
        verbose_name_plural = _("工单拉取记录")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.source_id} {self.started_at:%Y-%m-%d %H:%M:%S} {self.status}"


class Delivery(models.Model):
    """One webhook call owed to a source for one trail event (a reply, a conclusion, a merge of
    one of its work orders), sent and retried by hotline/push.py."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        DELIVERED = "delivered", _("已送达")
        FAILED = "failed", _("失败")

    source = models.ForeignKey(
        Source, verbose_name=_("来源"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("事件"), max_length=32)
    trail_id = models.BigIntegerField(_("操作记录编号"))
    key = models.CharField(_("幂等键"), max_length=64, unique=True)
    payload = models.JSONField(_("内容"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("上次尝试时间"), null=True, blank=True)
    last_status_code = models.PositiveIntegerField(_("上次响应码"), null=True, blank=True)
    last_error = models.TextField(_("上次错误"), blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("工单回推")
        verbose_name_plural = _("工单回推")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="hotline_delivery_due")]

    def __str__(self) -> str:
        return self.key
