"""The liaison network (M2): stations, their points, and which deputies belong to which station."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from lianxin.core.models import TimeStampedModel
from lianxin.org.models import Congress, Deputy, Region, new_scan_code


class Station(TimeStampedModel):
    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("代表联络站")
        SPECIALISED = "specialised", _("专业联络站")
        LIAISON_CENTRE = "liaison_centre", _("代表联络中心")
        LEGISLATIVE_CONTACT_POINT = "legislative_contact_point", _("基层立法联系点")
        FUSION = "fusion", _("融合站点")

    code = models.CharField(_("站点编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=32, choices=Kind.choices, default=Kind.ORDINARY)
    region = models.ForeignKey(
        Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="stations"
    )
    congress = models.ForeignKey(
        Congress, verbose_name=_("主管人大"), on_delete=models.PROTECT, related_name="stations"
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    host_org = models.CharField(_("依托单位"), max_length=100, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    opening_hours = models.CharField(_("开放时间"), max_length=100, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=32, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    scan_code = models.CharField(
        _("码上说事编码"), max_length=16, unique=True, default=new_scan_code
    )
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("代表联络站")
        verbose_name_plural = _("代表联络站")
        ordering = ["region__code", "code"]

    def __str__(self) -> str:
        return self.name


class Point(TimeStampedModel):
    station = models.ForeignKey(
        Station, verbose_name=_("所属联络站"), on_delete=models.CASCADE, related_name="points"
    )
    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey(
        Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="points"
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("代表联络点")
        verbose_name_plural = _("代表联络点")
        ordering = ["station", "name"]

    def __str__(self) -> str:
        return self.name


class StationMembership(TimeStampedModel):
    """A deputy's seat assigned to one station (混合编组进站: deputies of every level mix)."""

    station = models.ForeignKey(
        Station, verbose_name=_("联络站"), on_delete=models.CASCADE, related_name="memberships"
    )
    deputy = models.OneToOneField(
        Deputy, verbose_name=_("代表"), on_delete=models.CASCADE, related_name="station_membership"
    )

    class Meta:
        verbose_name = _("代表进站")
        verbose_name_plural = _("代表进站")

    def __str__(self) -> str:
        return f"{self.deputy} → {self.station}"
