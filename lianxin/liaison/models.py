"""The liaison network (M2, M3): stations and their points, which deputies belong to which
station, reception days (rules and single dates), reception records and deputies' public
commitments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianxin.core.fields import EncryptedCharField
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
    # A fusion station (中心一站一点) names the kinds it fuses (comma-separated kind codes);
    # a specialised one its field (司法, 经济 …).
    fused_kinds = models.CharField(_("融合类别"), max_length=200, blank=True)
    specialty = models.CharField(_("专业领域"), max_length=32, blank=True)
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
    # The contact and phone are printed on the station's card and notice: public.
    contact_name = models.CharField(_("联系人"), max_length=32, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    introduction = models.TextField(_("简介"), blank=True)
    # Internal: the person in charge and the office's notes are for staff only.
    manager_name = models.CharField(_("站长"), max_length=32, blank=True)
    manager_phone = models.CharField(_("站长手机"), max_length=20, blank=True)
    notes = models.TextField(_("内部备注"), blank=True)
    scan_code = models.CharField(
        _("码上说事编码"), max_length=16, unique=True, default=new_scan_code
    )
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("代表联络站")
        verbose_name_plural = _("代表联络站")
        ordering = ["region__code", "code"]
        indexes = [
            # "Near me": a bounding box on latitude, then longitude, before the exact distance.
            models.Index(fields=["latitude", "longitude"], name="station_lat_lng"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def fused_kind_list(self) -> list[str]:
        return [k for k in self.fused_kinds.split(",") if k]

    @property
    def kind_text(self) -> str:
        """The kind as people read it, with what a fusion station fuses."""
        label = str(self.get_kind_display())
        if self.kind == self.Kind.FUSION and self.fused_kinds:
            labels = dict(self.Kind.choices)
            parts = [str(labels[k]) for k in self.fused_kind_list if k in labels]
            if parts:
                return f"{label}（{'、'.join(parts)}）"
        if self.kind == self.Kind.SPECIALISED and self.specialty:
            return f"{label}（{self.specialty}）"
        return label


class Point(TimeStampedModel):
    """An extension of a station at a village or community (or, for a specialised station,
    at a police station, court, procuratorate or justice bureau)."""

    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("代表联络点")
        SPECIALISED = "specialised", _("专业联络点")
        LEGISLATIVE_CONTACT_POINT = "legislative_contact_point", _("基层立法联系点")

    station = models.ForeignKey(
        Station, verbose_name=_("所属联络站"), on_delete=models.CASCADE, related_name="points"
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=32, choices=Kind.choices, default=Kind.ORDINARY)
    region = models.ForeignKey(
        Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="points"
    )
    # The official codes stop at townships; the village or community is named here.
    place = models.CharField(_("村（社区）"), max_length=64, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    host_org = models.CharField(_("依托单位"), max_length=100, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    opening_hours = models.CharField(_("开放时间"), max_length=100, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=32, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("代表联络点")
        verbose_name_plural = _("代表联络点")
        ordering = ["station", "name"]
        constraints = [
            models.UniqueConstraint(fields=["station", "name"], name="point_name_unique_in_station")
        ]

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


class HolidayPolicy(models.TextChoices):
    KEEP = "keep", _("照常接待")
    POSTPONE = "postpone", _("顺延至下一个工作日")
    SKIP = "skip", _("当次不安排")


class ReceptionRule(TimeStampedModel):
    """A recurring reception day: the 15th of each month, every Tuesday afternoon, the first
    Monday of each month."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("每月固定日期")
        WEEKLY = "weekly", _("每周固定星期")
        MONTHLY_WEEKDAY = "monthly_weekday", _("每月第几个星期几")

    station = models.ForeignKey(
        Station, verbose_name=_("联络站"), on_delete=models.CASCADE, related_name="rules"
    )
    frequency = models.CharField(_("周期"), max_length=16, choices=Frequency.choices)
    day_of_month = models.PositiveSmallIntegerField(_("每月几日"), null=True, blank=True)
    weekday = models.PositiveSmallIntegerField(_("星期"), null=True, blank=True)  # 0 = Monday
    week_of_month = models.SmallIntegerField(_("第几个"), null=True, blank=True)  # 1–4, -1 last
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    valid_from = models.DateField(_("起始日期"))
    valid_until = models.DateField(_("截止日期"), null=True, blank=True)
    holiday_policy = models.CharField(
        _("遇法定节假日"),
        max_length=16,
        choices=HolidayPolicy.choices,
        default=HolidayPolicy.POSTPONE,
    )
    place = models.CharField(_("接待地点"), max_length=200, blank=True)
    deputies = models.ManyToManyField(
        Deputy, verbose_name=_("值班代表"), blank=True, related_name="reception_rules"
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("接待日规则")
        verbose_name_plural = _("接待日规则")
        ordering = ["station", "valid_from", "id"]

    def __str__(self) -> str:
        from .schedule import describe_rule

        return describe_rule(self)


class ReceptionDay(TimeStampedModel):
    """A single reception date; or, with `rule` set, a change to one date of a rule (other
    deputies on duty, or cancelled)."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("已安排")
        CANCELLED = "cancelled", _("已取消")

    station = models.ForeignKey(
        Station, verbose_name=_("联络站"), on_delete=models.CASCADE, related_name="reception_days"
    )
    rule = models.ForeignKey(
        ReceptionRule,
        verbose_name=_("所属规则"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="exceptions",
    )
    date = models.DateField(_("日期"), db_index=True)
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    place = models.CharField(_("接待地点"), max_length=200, blank=True)
    deputies = models.ManyToManyField(
        Deputy, verbose_name=_("值班代表"), blank=True, related_name="reception_days"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.SCHEDULED
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("接待日")
        verbose_name_plural = _("接待日")
        ordering = ["date", "start_time"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "date"],
                condition=models.Q(rule__isnull=False),
                name="one_exception_per_rule_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.station} {self.date:%Y-%m-%d}"


class ReceptionRecord(TimeStampedModel):
    """What happened at a reception or a visit: who received whom and what was raised.

    It is the source of the contact log (联系和接待走访群众记录簿) and, in one step, of
    citizens' opinions in the closed loop (see `actions.raise_opinion_from_record`)."""

    class Kind(models.TextChoices):
        RECEPTION = "reception", _("接待")
        VISIT = "visit", _("走访")

    class OpinionState(models.TextChoices):
        NONE = "none", _("无需转办")
        REQUESTED = "requested", _("待转入群众意见")
        RAISED = "raised", _("已转入群众意见")

    station = models.ForeignKey(
        Station, verbose_name=_("联络站"), on_delete=models.PROTECT, related_name="records"
    )
    kind = models.CharField(_("方式"), max_length=16, choices=Kind.choices, default=Kind.RECEPTION)
    date = models.DateField(_("日期"), db_index=True)
    reception_day = models.ForeignKey(
        ReceptionDay,
        verbose_name=_("接待日"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="records",
    )
    deputies = models.ManyToManyField(
        Deputy, verbose_name=_("接待代表"), related_name="reception_records"
    )
    # Sealed at rest (core.crypto, SM4), masked wherever shown.
    visitor_name = EncryptedCharField(_("来访群众"), max_length=64, blank=True)
    visitor_phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True)
    anonymised_at = models.DateTimeField(_("个人信息匿名化时间"), null=True, blank=True)
    visitor_count = models.PositiveIntegerField(_("人数"), default=1)
    subject = models.CharField(_("事项"), max_length=100)
    content = models.TextField(_("反映的问题"))
    response = models.TextField(_("现场答复及处理"), blank=True)
    opinion_state = models.CharField(
        _("转办"), max_length=16, choices=OpinionState.choices, default=OpinionState.NONE
    )
    opinion_ref = models.CharField(_("群众意见编号"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("接待记录")
        verbose_name_plural = _("接待记录")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.subject}"


class Commitment(TimeStampedModel):
    """A deputy's public commitment (亮承诺), shown on the public profile."""

    deputy = models.ForeignKey(
        Deputy, verbose_name=_("代表"), on_delete=models.CASCADE, related_name="commitments"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    content = models.CharField(_("承诺内容"), max_length=300)
    is_public = models.BooleanField(_("公开"), default=True)

    class Meta:
        verbose_name = _("公开承诺")
        verbose_name_plural = _("公开承诺")
        ordering = ["-year", "id"]

    def __str__(self) -> str:
        return self.content[:30]
