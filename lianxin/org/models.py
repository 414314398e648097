"""Who is who (M1): regions, congresses and their bodies, CPPCC committees, handling units,
people and their seats."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from lianxin.core.models import TimeStampedModel


class Level(models.TextChoices):
    NATIONAL = "national", _("全国")
    PROVINCE = "province", _("省级")
    CITY = "city", _("设区的市级")
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡镇级")


class Region(models.Model):
    """An administrative division with its official statistical code.

    Codes nest by prefix (14 → 1407 → 140702 → 140702001), so a region's subtree is every
    region whose code starts with its code; the scope checks rely on that.
    """

    class Kind(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        COUNTY = "county", _("县（区、市）")
        TOWNSHIP = "township", _("乡镇（街道）")
        VILLAGE = "village", _("村（社区）")

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    kind = models.CharField(_("层级"), max_length=16, choices=Kind.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    full_name = models.CharField(_("全称"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.full_name or self.name


class Congress(TimeStampedModel):
    """A people's congress at one level, of one region, in one term (届)."""

    level = models.CharField(_("级别"), max_length=16, choices=Level.choices, db_index=True)
    region = models.ForeignKey(
        Region, verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="congresses"
    )
    name = models.CharField(_("名称"), max_length=100)
    term = models.PositiveSmallIntegerField(_("届次"), default=1)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级人大"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("人民代表大会")
        verbose_name_plural = _("人民代表大会")
        ordering = ["region__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "level"], name="one_congress_per_region_level"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_standing_committee(self) -> bool:
        # Township congresses have a presidium but no standing committee.
        return self.level != Level.TOWNSHIP

    @property
    def min_motion_cosponsors(self) -> int:
        return 5 if self.level == Level.TOWNSHIP else 10


class Cppcc(TimeStampedModel):
    """A committee of the Chinese People's Political Consultative Conference (政协)."""

    level = models.CharField(_("级别"), max_length=16, choices=Level.choices, db_index=True)
    region = models.ForeignKey(
        Region, verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="cppccs"
    )
    name = models.CharField(_("名称"), max_length=100)
    term = models.PositiveSmallIntegerField(_("届次"), default=1)

    class Meta:
        verbose_name = _("政协")
        verbose_name_plural = _("政协")
        ordering = ["region__code"]

    def __str__(self) -> str:
        return self.name


class Body(TimeStampedModel):
    """A body inside a congress or a CPPCC: standing committee, chairs' council, committees,
    the deputy affairs office, delegations, electoral units; sectors and party organisations."""

    class Kind(models.TextChoices):
        STANDING_COMMITTEE = "standing_committee", _("常务委员会")
        CHAIRS_COUNCIL = "chairs_council", _("主任会议")
        PRESIDIUM = "presidium", _("主席团")
        COMMITTEE = "committee", _("专门委员会（工作机构）")
        DEPUTY_AFFAIRS_OFFICE = "deputy_affairs_office", _("代表工作机构")
        DELEGATION = "delegation", _("代表团")
        ELECTORAL_UNIT = "electoral_unit", _("选举单位（选区）")
        CPPCC_STANDING_COMMITTEE = "cppcc_standing_committee", _("政协常务委员会")
        CPPCC_COMMITTEE = "cppcc_committee", _("政协专门委员会")
        CPPCC_OFFICE = "cppcc_office", _("政协办公室")
        SECTOR = "sector", _("界别")
        PARTY_ORG = "party_org", _("党派团体")

    CONGRESS_KINDS = {
        Kind.STANDING_COMMITTEE,
        Kind.CHAIRS_COUNCIL,
        Kind.PRESIDIUM,
        Kind.COMMITTEE,
        Kind.DEPUTY_AFFAIRS_OFFICE,
        Kind.DELEGATION,
        Kind.ELECTORAL_UNIT,
    }

    kind = models.CharField(_("类别"), max_length=32, choices=Kind.choices, db_index=True)
    name = models.CharField(_("名称"), max_length=100)
    congress = models.ForeignKey(
        Congress,
        verbose_name=_("人大"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="bodies",
    )
    cppcc = models.ForeignKey(
        Cppcc,
        verbose_name=_("政协"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="bodies",
    )

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(congress__isnull=False, cppcc__isnull=True)
                    | models.Q(congress__isnull=True, cppcc__isnull=False)
                ),
                name="body_belongs_to_congress_or_cppcc",
            )
        ]

    def __str__(self) -> str:
        return self.name


class HandlingUnit(TimeStampedModel):
    """A body that handles assigned cases: government and its departments, the supervisory
    commission, the court, the procuratorate (一府一委两院), and others."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("人民政府")
        DEPARTMENT = "department", _("政府工作部门")
        SUPERVISORY_COMMISSION = "supervisory_commission", _("监察委员会")
        COURT = "court", _("人民法院")
        PROCURATORATE = "procuratorate", _("人民检察院")
        OTHER = "other", _("其他单位")

    code = models.CharField(_("单位编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=32, choices=Kind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="units"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级机关"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["region__code", "code"]

    def __str__(self) -> str:
        return self.name


class Expertise(models.Model):
    name = models.CharField(_("专业领域"), max_length=32, unique=True)

    class Meta:
        verbose_name = _("专业领域")
        verbose_name_plural = _("专业领域")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Person(TimeStampedModel):
    """A natural person; deputies' and members' seats point here, so one person can hold
    seats at two levels (a city deputy who is also a county deputy)."""

    class Gender(models.TextChoices):
        MALE = "male", _("男")
        FEMALE = "female", _("女")

    name = models.CharField(_("姓名"), max_length=32, db_index=True)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("出生年份"), null=True, blank=True)
    ethnicity = models.CharField(_("民族"), max_length=16, blank=True, default="汉族")
    political_status = models.CharField(_("政治面貌"), max_length=32, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    occupation = models.CharField(_("工作单位及职务"), max_length=100, blank=True)
    is_leading_cadre = models.BooleanField(_("领导干部"), default=False)
    expertise = models.ManyToManyField(
        Expertise, verbose_name=_("专业领域"), blank=True, related_name="people"
    )

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


def new_scan_code() -> str:
    """A short public code for the scan-to-speak URL: no 0/O/1/I/L so it can be read aloud."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class SeatStatus(models.TextChoices):
    SERVING = "serving", _("在任")
    ENDED = "ended", _("已终止")
    SUSPENDED = "suspended", _("暂停执行职务")


class Deputy(TimeStampedModel):
    """A seat: one person as deputy of one congress in one term."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="deputy_seats"
    )
    congress = models.ForeignKey(
        Congress, verbose_name=_("人大"), on_delete=models.PROTECT, related_name="deputies"
    )
    term = models.PositiveSmallIntegerField(_("届次"))
    delegation = models.ForeignKey(
        Body,
        verbose_name=_("代表团"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="delegation_deputies",
        limit_choices_to={"kind": Body.Kind.DELEGATION},
    )
    electoral_unit = models.ForeignKey(
        Body,
        verbose_name=_("选举单位（选区）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="electoral_unit_deputies",
        limit_choices_to={"kind": Body.Kind.ELECTORAL_UNIT},
    )
    committees = models.ManyToManyField(
        Body,
        verbose_name=_("所在专门委员会"),
        blank=True,
        related_name="committee_deputies",
        limit_choices_to={"kind": Body.Kind.COMMITTEE},
        help_text=_("代表担任组成人员或参加工作的专门委员会（工作机构）。"),
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=SeatStatus.choices, default=SeatStatus.SERVING
    )
    scan_code = models.CharField(
        _("码上说事编码"), max_length=16, unique=True, default=new_scan_code
    )

    class Meta:
        verbose_name = _("人大代表")
        verbose_name_plural = _("人大代表")
        ordering = ["congress__region__code", "person__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "congress", "term"], name="one_seat_per_person_congress_term"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.congress.name}代表）"

    @property
    def name(self) -> str:
        return self.person.name


class Member(TimeStampedModel):
    """A seat: one person as member of one CPPCC committee in one term."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="member_seats"
    )
    cppcc = models.ForeignKey(
        Cppcc, verbose_name=_("政协"), on_delete=models.PROTECT, related_name="members"
    )
    term = models.PositiveSmallIntegerField(_("届次"))
    sector = models.ForeignKey(
        Body,
        verbose_name=_("界别"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sector_members",
        limit_choices_to={"kind": Body.Kind.SECTOR},
    )
    party_org = models.ForeignKey(
        Body,
        verbose_name=_("党派团体"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="party_members",
        limit_choices_to={"kind": Body.Kind.PARTY_ORG},
    )
    is_standing_member = models.BooleanField(_("常委"), default=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=SeatStatus.choices, default=SeatStatus.SERVING
    )
    scan_code = models.CharField(
        _("码上说事编码"), max_length=16, unique=True, default=new_scan_code
    )

    class Meta:
        verbose_name = _("政协委员")
        verbose_name_plural = _("政协委员")
        ordering = ["cppcc__region__code", "person__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "cppcc", "term"], name="one_member_seat_per_person_cppcc_term"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.cppcc.name}委员）"
