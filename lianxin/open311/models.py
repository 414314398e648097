"""Open311 GeoReport v2: the clients allowed to post (their keys stored hashed) and, for every
request a client filed, what the standard carries and a case does not (coordinates, address
id, media URL, the client, the token). The citizen's message itself is an ordinary opinion
case (`casework.Case`, channel `open311`), registered by the scan-to-speak intake."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Open311Client(models.Model):
    """A system that files requests for citizens (a city app, a 12345 platform). Its key is
    shown once when issued; only its SHA-256 is kept."""

    name = models.CharField(_("客户端名称"), max_length=100)
    contact = models.CharField(_("联系人及联系方式"), max_length=200, blank=True)
    key_prefix = models.CharField(_("密钥前缀"), max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤销人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Open311 客户端密钥")
        verbose_name_plural = _("Open311 客户端密钥")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.key_prefix}…）"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Open311Request(models.Model):
    """One request filed through `POST /open311/v2/requests`, beside its opinion case."""

    case = models.OneToOneField(
        "casework.Case",
        verbose_name=_("案件"),
        on_delete=models.CASCADE,
        related_name="open311",
    )
    client = models.ForeignKey(
        Open311Client,
        verbose_name=_("提交客户端"),
        on_delete=models.PROTECT,
        related_name="requests",
    )
    service_code = models.CharField(_("服务编码"), max_length=32)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    long = models.FloatField(_("经度"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    address_id = models.CharField(_("地址编号"), max_length=100, blank=True)
    media_url = models.URLField(_("图片地址"), max_length=500, blank=True)
    token = models.CharField(_("令牌"), max_length=32, unique=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 请求")
        verbose_name_plural = _("Open311 请求")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at"], name="open311_newest")]

    def __str__(self) -> str:
        return f"{self.service_request_id} {self.service_code}"

    @property
    def service_request_id(self) -> str:
        return str(self.pk)
