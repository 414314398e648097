"""The only writers of the liaison network: stations, points, assignments, reception rules
and dates, reception records, public commitments.

Pages, the API, the Excel import and the demo all call these. Each checks the caller's right
with `access.can`, validates (a clear Chinese message naming the field), and writes inside
one transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lianxin.accounts.access import can
from lianxin.core import dates, trail
from lianxin.core.errors import Conflict, Forbidden, ValidationFailed
from lianxin.core.validators import clean_phone, clean_text
from lianxin.org.models import Congress, Deputy, Region, SeatStatus

from . import schedule
from .models import (
    Commitment,
    HolidayPolicy,
    Point,
    ReceptionDay,
    ReceptionRecord,
    ReceptionRule,
    Station,
    StationMembership,
)

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{1,31}$")
# The extent of China's territory, to catch swapped or mistyped coordinates.
CHINA_LAT = (3.0, 54.0)
CHINA_LNG = (73.0, 136.0)


def _require(user, action: str, obj) -> None:
    if not can(user, action, obj):
        raise Forbidden(_("您没有权限进行此操作。"))


# --- Field cleaners (shared with the forms and the Excel import) ---------------------------------
def _trail(verb: str, obj, acting_user, *, station: Station | None = None, **change) -> None:
    """The trail row of one liaison action (core.trail), naming the seat the actor acted in."""
    context = {}
    if station is not None:
        context = {"station_id": station.pk, "congress_id": station.congress_id}
    trail.record(
        f"liaison.{verb}",
        actor=acting_user,
        obj=obj,
        context=context,
        change=trail.jsonable(change),
    )


def clean_code(value) -> str:
    code = str(value or "").strip().upper()
    if not code:
        raise ValidationFailed(_("站点编码不能为空。"), field="code")
    if not CODE_RE.match(code):
        raise ValidationFailed(
            _("站点编码只能由 2 至 32 位字母、数字、“-”或“_”组成。"), field="code"
        )
    return code


def _decimal(value, *, field: str, label: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("%(label)s应为数字。") % {"label": label}, field=field) from None
    if not number.is_finite():
        raise ValidationFailed(_("%(label)s应为数字。") % {"label": label}, field=field)
    return number.quantize(Decimal("0.000001"))


def clean_coordinates(latitude, longitude) -> tuple[Decimal | None, Decimal | None]:
    """Both or neither; within the valid ranges and within China."""
    lat = _decimal(latitude, field="latitude", label=_("纬度"))
    lng = _decimal(longitude, field="longitude", label=_("经度"))
    if (lat is None) != (lng is None):
        raise ValidationFailed(
            _("经度和纬度须同时填写或同时留空。"),
            field="latitude" if lat is None else "longitude",
        )
    if lat is None:
        return None, None
    if CHINA_LNG[0] <= lat <= CHINA_LNG[1] and CHINA_LAT[0] <= lng <= CHINA_LAT[1]:
        raise ValidationFailed(
            _("经度和纬度似乎填反了：纬度应在 3 至 54 之间，经度应在 73 至 136 之间。"),
            field="latitude",
        )
    if not -90 <= lat <= 90:
        raise ValidationFailed(_("纬度应在 -90 至 90 之间。"), field="latitude")
    if not -180 <= lng <= 180:
        raise ValidationFailed(_("经度应在 -180 至 180 之间。"), field="longitude")
    if not CHINA_LAT[0] <= lat <= CHINA_LAT[1]:
        raise ValidationFailed(
            _("纬度 %(v)s 不在中国境内（3 至 54），请检查是否把经度和纬度填反。") % {"v": lat},
            field="latitude",
        )
    if not CHINA_LNG[0] <= lng <= CHINA_LNG[1]:
        raise ValidationFailed(
            _("经度 %(v)s 不在中国境内（73 至 136），请检查是否把经度和纬度填反。") % {"v": lng},
            field="longitude",
        )
    return lat, lng


def clean_kind(value, *, choices=Station.Kind, field: str = "kind") -> str:
    """A kind code, or its Chinese label (as typed in Excel)."""
    text = str(value or "").strip()
    if not text:
        return choices.values[0]
    for code, label in choices.choices:
        if text in (code, str(label)):
            return code
    raise ValidationFailed(
        _("类别“%(v)s”不存在，可选：%(choices)s。")
        % {"v": text[:32], "choices": "、".join(str(label) for _c, label in choices.choices)},
        field=field,
    )


def clean_fused_kinds(value) -> str:
    if value in (None, ""):
        return ""
    items = value if isinstance(value, list | tuple) else re.split(r"[,，、;；\s]+", str(value))
    codes = []
    for item in items:
        if str(item).strip():
            code = clean_kind(item, field="fused_kinds")
            if code == Station.Kind.FUSION:
                raise ValidationFailed(_("融合类别不能是“融合站点”本身。"), field="fused_kinds")
            if code not in codes:
                codes.append(code)
    return ",".join(codes)


def clean_region(value, *, within: Region, field: str = "region") -> Region:
    code = str(value or "").strip()
    if isinstance(value, float) and value.is_integer():
        code = str(int(value))
    if not code:
        raise ValidationFailed(_("区划代码不能为空。"), field=field)
    region = Region.objects.filter(code=code).first() if code.isdigit() else None
    if region is None:
        raise ValidationFailed(_("区划代码 %(code)s 不存在。") % {"code": code[:20]}, field=field)
    if not region.code.startswith(within.code):
        raise ValidationFailed(
            _("区划 %(name)s 不在%(within)s范围内。")
            % {"name": region.full_name or region.name, "within": within.name},
            field=field,
        )
    return region


STATION_TEXT = {
    "name": (_("名称"), 100),
    "specialty": (_("专业领域"), 32),
    "address": (_("地址"), 200),
    "host_org": (_("依托单位"), 100),
    "opening_hours": (_("开放时间"), 100),
    "contact_name": (_("联系人"), 32),
    "introduction": (_("简介"), 2000),
    "manager_name": (_("站长"), 32),
    "notes": (_("内部备注"), 2000),
}
POINT_TEXT = {
    "name": (_("名称"), 100),
    "place": (_("村（社区）"), 64),
    "address": (_("地址"), 200),
    "host_org": (_("依托单位"), 100),
    "opening_hours": (_("开放时间"), 100),
    "contact_name": (_("联系人"), 32),
}


def clean_station_fields(data: dict, *, congress: Congress, partial: bool = False) -> dict:
    """The writable fields of a station, cleaned. `partial`: only the keys present."""
    out: dict = {}
    for key, (label, max_length) in STATION_TEXT.items():
        if key in data or not partial:
            out[key] = clean_text(
                data.get(key),
                field=key,
                label=str(label),
                max_length=max_length,
                required=key == "name",
            )
    if "kind" in data or not partial:
        out["kind"] = clean_kind(data.get("kind"))
    if "fused_kinds" in data or not partial:
        out["fused_kinds"] = clean_fused_kinds(data.get("fused_kinds"))
    if out.get("kind", None) not in (None, Station.Kind.FUSION) and out.get("fused_kinds"):
        raise ValidationFailed(_("只有融合站点才能填写融合类别。"), field="fused_kinds")
    if "region" in data or not partial:
        region = data.get("region")
        out["region"] = clean_region(
            region.code if isinstance(region, Region) else region, within=congress.region
        )
    for key, label in (("contact_phone", _("联系电话")), ("manager_phone", _("站长手机"))):
        if key in data or not partial:
            out[key] = clean_phone(data.get(key), field=key, label=label)
    if "latitude" in data or "longitude" in data or not partial:
        out["latitude"], out["longitude"] = clean_coordinates(
            data.get("latitude"), data.get("longitude")
        )
    return out


def clean_point_fields(data: dict, *, station: Station, partial: bool = False) -> dict:
    out: dict = {}
    for key, (label, max_length) in POINT_TEXT.items():
        if key in data or not partial:
            out[key] = clean_text(
                data.get(key),
                field=key,
                label=str(label),
                max_length=max_length,
                required=key == "name",
            )
    if "kind" in data or not partial:
        out["kind"] = clean_kind(data.get("kind"), choices=Point.Kind)
    if "region" in data or not partial:
        region = data.get("region")
        out["region"] = clean_region(
            region.code if isinstance(region, Region) else region or station.region.code,
            within=station.congress.region,
        )
    if "contact_phone" in data or not partial:
        out["contact_phone"] = clean_phone(
            data.get("contact_phone"), field="contact_phone", label=_("联系电话")
        )
    if "latitude" in data or "longitude" in data or not partial:
        out["latitude"], out["longitude"] = clean_coordinates(
            data.get("latitude"), data.get("longitude")
        )
    return out


# --- Stations and points -------------------------------------------------------------------------
@transaction.atomic
def do_create_station(*, congress: Congress, code: str, data: dict, acting_user) -> Station:
    _require(acting_user, "station.create", congress)
    code = clean_code(code)
    fields = clean_station_fields(data, congress=congress)
    if Station.objects.filter(code=code).exists():
        raise Conflict(_("站点编码 %(code)s 已被使用。") % {"code": code}, code="duplicate_code")
    try:
        with transaction.atomic():
            station = Station.objects.create(code=code, congress=congress, **fields)
    except IntegrityError:
        raise Conflict(
            _("站点编码 %(code)s 已被使用。") % {"code": code}, code="duplicate_code"
        ) from None
    _trail("create_station", station, acting_user, station=station, code=code, fields=fields)
    return station


@transaction.atomic
def do_update_station(station: Station, *, data: dict, acting_user) -> Station:
    station = (
        Station.objects.select_for_update().select_related("congress__region").get(pk=station.pk)
    )
    _require(acting_user, "station.manage", station)
    fields = clean_station_fields(data, congress=station.congress, partial=True)
    kind = fields.get("kind", station.kind)
    if kind != Station.Kind.FUSION and "kind" in fields:
        fields["fused_kinds"] = ""
    elif kind != Station.Kind.FUSION and fields.get("fused_kinds"):
        raise ValidationFailed(_("只有融合站点才能填写融合类别。"), field="fused_kinds")
    for key, value in fields.items():
        setattr(station, key, value)
    if fields:
        station.save(update_fields=[*fields, "updated_at"])
    _trail("update_station", station, acting_user, station=station, fields=fields)
    return station


@transaction.atomic
def do_set_station_active(station: Station, *, active: bool, acting_user) -> Station:
    station = Station.objects.select_for_update().get(pk=station.pk)
    if not can(acting_user, "station.create", station.congress):
        raise Forbidden(_("只有主管人大的代表工作机构可以启用或停用联络站。"))
    station.is_active = active
    station.save(update_fields=["is_active", "updated_at"])
    _trail("set_station_active", station, acting_user, station=station, is_active=active)
    return station


@transaction.atomic
def do_add_point(station: Station, *, data: dict, acting_user) -> Point:
    _require(acting_user, "station.manage", station)
    fields = clean_point_fields(data, station=station)
    if Point.objects.filter(station=station, name=fields["name"]).exists():
        raise Conflict(
            _("本站已有名为“%(name)s”的联络点。") % {"name": fields["name"]}, code="duplicate_point"
        )
    point = Point.objects.create(station=station, **fields)
    _trail("add_point", point, acting_user, station=station, fields=fields)
    return point


@transaction.atomic
def do_update_point(point: Point, *, data: dict, acting_user) -> Point:
    point = (
        Point.objects.select_for_update()
        .select_related("station__congress__region")
        .get(pk=point.pk)
    )
    _require(acting_user, "station.manage", point.station)
    fields = clean_point_fields(data, station=point.station, partial=True)
    if (
        "name" in fields
        and Point.objects.filter(station=point.station, name=fields["name"])
        .exclude(pk=point.pk)
        .exists()
    ):
        raise Conflict(
            _("本站已有名为“%(name)s”的联络点。") % {"name": fields["name"]}, code="duplicate_point"
        )
    for key, value in fields.items():
        setattr(point, key, value)
    if fields:
        point.save(update_fields=[*fields, "updated_at"])
    _trail("update_point", point, acting_user, station=point.station, fields=fields)
    return point


@transaction.atomic
def do_remove_point(point: Point, *, acting_user) -> None:
    _require(acting_user, "station.manage", point.station)
    _trail("remove_point", point, acting_user, station=point.station, name=point.name)
    point.delete()


# --- Deputies in stations ------------------------------------------------------------------------
@transaction.atomic
def do_assign_deputy(station: Station, deputy: Deputy, *, acting_user) -> StationMembership:
    """Place a deputy's seat in a station (moving it from another station if need be)."""
    if not station.is_active:
        raise ValidationFailed(_("该联络站已停用，不能安排代表进站。"), field="station")
    if deputy.status != SeatStatus.SERVING:
        raise ValidationFailed(
            _("%(name)s 已不在任，不能安排进站。") % {"name": deputy.person.name}, field="deputy"
        )
    _require(acting_user, "station.assign", (station, deputy))
    membership = StationMembership.objects.select_for_update().filter(deputy=deputy).first()
    previous = membership.station_id if membership is not None else None
    if membership is None:
        try:
            with transaction.atomic():
                membership = StationMembership.objects.create(station=station, deputy=deputy)
        except IntegrityError:
            membership = StationMembership.objects.select_for_update().get(deputy=deputy)
            previous = membership.station_id
    if membership.station_id != station.pk:
        membership.station = station
        membership.save(update_fields=["station", "updated_at"])
    _trail(
        "assign_deputy",
        membership,
        acting_user,
        station=station,
        deputy=deputy.pk,
        from_station=previous,
        to_station=station.pk,
    )
    return membership


@transaction.atomic
def do_unassign_deputy(deputy: Deputy, *, acting_user) -> None:
    membership = (
        StationMembership.objects.select_for_update()
        .select_related("station__congress__region", "station__region")
        .filter(deputy=deputy)
        .first()
    )
    if membership is None:
        return
    _require(acting_user, "station.assign", (membership.station, deputy))
    _trail(
        "unassign_deputy",
        membership,
        acting_user,
        station=membership.station,
        deputy=deputy.pk,
        from_station=membership.station_id,
    )
    membership.delete()


# --- Reception rules and dates -------------------------------------------------------------------
def _duty_deputies(station: Station, deputy_ids: Iterable[int], *, required: bool) -> list[Deputy]:
    """Deputies who may be on duty at this station: serving, and of a congress whose region
    covers the station (a city deputy anywhere in the city, a county deputy in the county)."""
    ids = []
    for value in deputy_ids or []:
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            raise ValidationFailed(
                _("代表编号 %(v)s 无效。") % {"v": value}, field="deputies"
            ) from None
    deputies = list(Deputy.objects.filter(pk__in=ids).select_related("person", "congress__region"))
    found = {d.pk for d in deputies}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValidationFailed(
            _("找不到编号为 %(ids)s 的代表。") % {"ids": "、".join(missing)}, field="deputies"
        )
    for d in deputies:
        if d.status != SeatStatus.SERVING:
            raise ValidationFailed(
                _("%(name)s 已不在任。") % {"name": d.person.name}, field="deputies"
            )
        if not station.region.code.startswith(d.congress.region.code):
            raise ValidationFailed(
                _("%(name)s（%(congress)s代表）不能在本站接待：本站不在该人大的行政区域内。")
                % {"name": d.person.name, "congress": d.congress.name},
                field="deputies",
            )
    if required and not deputies:
        raise ValidationFailed(_("请至少选择一位代表。"), field="deputies")
    return deputies


def _times(start_time, end_time) -> tuple[dt.time, dt.time]:
    def parse(value, field):
        if isinstance(value, dt.time):
            return value
        try:
            return dt.time.fromisoformat(str(value).strip())
        except (ValueError, TypeError):
            raise ValidationFailed(_("时间格式应为 HH:MM，例如 09:00。"), field=field) from None

    start, end = parse(start_time, "start_time"), parse(end_time, "end_time")
    if end <= start:
        raise ValidationFailed(_("结束时间应晚于开始时间。"), field="end_time")
    return start, end


def _int_or_none(value, *, field: str, label: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(_("%(label)s应为整数。") % {"label": label}, field=field) from None


@transaction.atomic
def do_add_reception_rule(
    station: Station,
    *,
    frequency: str,
    start_time,
    end_time,
    day_of_month=None,
    weekday=None,
    week_of_month=None,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    holiday_policy: str = HolidayPolicy.POSTPONE,
    place: str = "",
    note: str = "",
    deputy_ids: Iterable[int] = (),
    acting_user,
) -> ReceptionRule:
    _require(acting_user, "station.manage", station)
    today = dates.today()
    if frequency not in ReceptionRule.Frequency.values:
        raise ValidationFailed(_("请选择接待周期。"), field="frequency")
    if holiday_policy not in HolidayPolicy.values:
        raise ValidationFailed(_("请选择遇法定节假日的安排。"), field="holiday_policy")
    day_of_month = _int_or_none(day_of_month, field="day_of_month", label=_("每月几日"))
    weekday = _int_or_none(weekday, field="weekday", label=_("星期"))
    week_of_month = _int_or_none(week_of_month, field="week_of_month", label=_("第几个"))
    if frequency == ReceptionRule.Frequency.MONTHLY:
        if day_of_month is None or not 1 <= day_of_month <= 31:
            raise ValidationFailed(_("每月几日应为 1 至 31 之间的整数。"), field="day_of_month")
        weekday = week_of_month = None
    else:
        if weekday is None or not 0 <= weekday <= 6:
            raise ValidationFailed(_("请选择星期几。"), field="weekday")
        day_of_month = None
        if frequency == ReceptionRule.Frequency.MONTHLY_WEEKDAY:
            if week_of_month not in schedule.ORDINALS:
                raise ValidationFailed(
                    _("请选择每月第几个星期（第一至第四个，或最后一个）。"), field="week_of_month"
                )
        else:
            week_of_month = None
    start, end = _times(start_time, end_time)
    valid_from = valid_from or today
    if valid_until is not None and valid_until < valid_from:
        raise ValidationFailed(_("截止日期不能早于起始日期。"), field="valid_until")
    if valid_until is not None and valid_until < today:
        raise ValidationFailed(_("截止日期已过，该规则不会再产生接待日。"), field="valid_until")
    rule = ReceptionRule(
        station=station,
        frequency=frequency,
        day_of_month=day_of_month,
        weekday=weekday,
        week_of_month=week_of_month,
        start_time=start,
        end_time=end,
        valid_from=valid_from,
        valid_until=valid_until,
        holiday_policy=holiday_policy,
        place=clean_text(place, field="place", label=_("接待地点"), max_length=200, required=False),
        note=clean_text(note, field="note", label=_("说明"), max_length=200, required=False),
    )
    if schedule.first_date(rule, max(valid_from, today)) is None:
        raise ValidationFailed(
            _("按此规则在有效期内不会产生任何接待日（例如该月没有这一天），请调整日期或有效期。"),
            field="valid_until" if valid_until else "day_of_month",
        )
    deputies = _duty_deputies(station, deputy_ids, required=False)
    rule.save()
    rule.deputies.set(deputies)
    _trail(
        "add_reception_rule",
        rule,
        acting_user,
        station=station,
        frequency=frequency,
        valid_from=valid_from,
        valid_until=valid_until,
        deputies=[d.pk for d in deputies],
    )
    return rule


@transaction.atomic
def do_end_reception_rule(rule: ReceptionRule, *, acting_user) -> ReceptionRule:
    """Stop a rule from today on; its past dates stay as they were."""
    rule = ReceptionRule.objects.select_for_update().select_related("station").get(pk=rule.pk)
    _require(acting_user, "station.manage", rule.station)
    today = dates.today()
    if rule.valid_from >= today:
        rule.is_active = False
        rule.save(update_fields=["is_active", "updated_at"])
    else:
        rule.valid_until = today - dt.timedelta(days=1)
        rule.save(update_fields=["valid_until", "updated_at"])
    _trail(
        "end_reception_rule",
        rule,
        acting_user,
        station=rule.station,
        is_active=rule.is_active,
        valid_until=rule.valid_until,
    )
    return rule


@transaction.atomic
def do_schedule_reception_day(
    station: Station,
    *,
    date: dt.date,
    start_time,
    end_time,
    place: str = "",
    note: str = "",
    deputy_ids: Iterable[int] = (),
    acting_user,
) -> ReceptionDay:
    """A single reception date (outside any rule)."""
    _require(acting_user, "station.manage", station)
    if not isinstance(date, dt.date):
        raise ValidationFailed(_("请填写接待日期。"), field="date")
    if date < dates.today():
        raise ValidationFailed(_("接待日不能安排在今天之前。"), field="date")
    if date > dates.today() + schedule.RULE_HORIZON:
        raise ValidationFailed(_("接待日最多提前一年安排。"), field="date")
    start, end = _times(start_time, end_time)
    deputies = _duty_deputies(station, deputy_ids, required=False)
    day = ReceptionDay.objects.create(
        station=station,
        date=date,
        start_time=start,
        end_time=end,
        place=clean_text(place, field="place", label=_("接待地点"), max_length=200, required=False),
        note=clean_text(note, field="note", label=_("说明"), max_length=200, required=False),
    )
    day.deputies.set(deputies)
    _trail(
        "schedule_reception_day",
        day,
        acting_user,
        station=station,
        date=date,
        deputies=[d.pk for d in deputies],
    )
    return day


@transaction.atomic
def do_cancel_reception_date(station: Station, *, key: str, acting_user) -> None:
    """Cancel one reception date, named as in the schedule: d<day id> or r<rule id>-YYYYMMDD."""
    _require(acting_user, "station.manage", station)
    today = dates.today()
    match = re.fullmatch(r"d(\d+)|r(\d+)-(\d{8})", key or "")
    if not match:
        raise ValidationFailed(_("要取消的接待日无效。"), field="key")
    if match.group(1):
        day = (
            ReceptionDay.objects.select_for_update()
            .filter(pk=int(match.group(1)), station=station)
            .first()
        )
        if day is None:
            raise ValidationFailed(_("要取消的接待日无效。"), field="key")
        if day.date < today:
            raise ValidationFailed(_("已过去的接待日不能取消。"), field="key")
        day.status = ReceptionDay.Status.CANCELLED
        day.save(update_fields=["status", "updated_at"])
        _trail("cancel_reception_date", day, acting_user, station=station, key=key, date=day.date)
        return
    rule = ReceptionRule.objects.filter(pk=int(match.group(2)), station=station).first()
    try:
        date = dt.datetime.strptime(match.group(3), "%Y%m%d").date()
    except ValueError:
        date = None
    if (
        rule is None
        or date is None
        or date not in {d for d, _n, _h in schedule.rule_dates(rule, date, date)}
    ):
        raise ValidationFailed(_("要取消的接待日无效。"), field="key")
    if date < today:
        raise ValidationFailed(_("已过去的接待日不能取消。"), field="key")
    day, _created = ReceptionDay.objects.update_or_create(
        rule=rule,
        date=date,
        defaults={
            "station": station,
            "start_time": rule.start_time,
            "end_time": rule.end_time,
            "status": ReceptionDay.Status.CANCELLED,
        },
    )
    _trail("cancel_reception_date", day, acting_user, station=station, key=key, date=date)


# --- Reception records ---------------------------------------------------------------------------
@transaction.atomic
def do_record_reception(
    station: Station,
    *,
    date: dt.date,
    subject: str,
    content: str,
    deputy_ids: Iterable[int],
    kind: str = ReceptionRecord.Kind.RECEPTION,
    visitor_name: str = "",
    visitor_phone: str = "",
    visitor_count=1,
    response: str = "",
    reception_day: ReceptionDay | None = None,
    raise_opinion: bool = False,
    acting_user,
) -> ReceptionRecord:
    """Record a reception or visit after the day; optionally raise it as a citizen's opinion."""
    _require(acting_user, "reception.record", station)
    if not isinstance(date, dt.date):
        raise ValidationFailed(_("请填写接待日期。"), field="date")
    if date > dates.today():
        raise ValidationFailed(_("接待记录的日期不能晚于今天。"), field="date")
    if date < dates.today() - dt.timedelta(days=3 * 366):
        raise ValidationFailed(_("接待日期过早，请检查。"), field="date")
    if kind not in ReceptionRecord.Kind.values:
        raise ValidationFailed(_("请选择接待或走访。"), field="kind")
    count = _int_or_none(visitor_count, field="visitor_count", label=_("人数"))
    if count is None or not 1 <= count <= 1000:
        raise ValidationFailed(_("人数应为 1 至 1000 之间的整数。"), field="visitor_count")
    if reception_day is not None and reception_day.station_id != station.pk:
        raise ValidationFailed(_("接待日不属于本站。"), field="reception_day")
    deputies = _duty_deputies(station, deputy_ids, required=True)
    record = ReceptionRecord.objects.create(
        station=station,
        date=date,
        kind=kind,
        reception_day=reception_day,
        visitor_name=clean_text(
            visitor_name, field="visitor_name", label=_("来访群众"), max_length=64, required=False
        ),
        visitor_phone=clean_phone(visitor_phone, field="visitor_phone", label=_("联系电话")),
        visitor_count=count,
        subject=clean_text(
            subject, field="subject", label=_("事项"), max_length=100, required=True
        ),
        content=clean_text(
            content, field="content", label=_("反映的问题"), max_length=5000, required=True
        ),
        response=clean_text(
            response, field="response", label=_("现场答复及处理"), max_length=5000, required=False
        ),
        recorded_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    record.deputies.set(deputies)
    _trail(
        "record_reception",
        record,
        acting_user,
        station=station,
        date=date,
        kind=kind,
        deputies=[d.pk for d in deputies],
    )
    if raise_opinion:
        raise_opinion_from_record(record, acting_user=acting_user)
    return record


# The intake that raises a reception record into the opinion loop: registered by the opinions
# app, which sits above liaison (fn(record, *, acting_user) -> the opinion's case).
_record_intake = None


def register_record_intake(fn) -> None:
    global _record_intake
    _record_intake = fn


def raise_opinion_from_record(record: ReceptionRecord, *, acting_user) -> bool:
    """Raise a reception record into the opinion loop in one step (the opinions app's intake).
    Returns True once raised; raising a raised record again changes nothing."""
    if record.opinion_state == ReceptionRecord.OpinionState.RAISED:
        return True
    if _record_intake is None:
        raise ImproperlyConfigured("no intake registered for reception records (lianxin.opinions)")
    with transaction.atomic():
        opinion = _record_intake(record, acting_user=acting_user)
        record.opinion_state = ReceptionRecord.OpinionState.RAISED
        record.opinion_ref = str(opinion.tracking_code or opinion.pk)
        record.save(update_fields=["opinion_state", "opinion_ref", "updated_at"])
        _trail(
            "raise_opinion",
            record,
            acting_user,
            station=record.station,
            opinion=opinion.pk,
        )
    return True


# --- Public commitments --------------------------------------------------------------------------
@transaction.atomic
def do_add_commitment(deputy: Deputy, *, year, content: str, acting_user) -> Commitment:
    _require(acting_user, "deputy.manage_commitments", deputy)
    year_n = _int_or_none(year, field="year", label=_("年度"))
    if year_n is None or not 2000 <= year_n <= dates.today().year + 5:
        raise ValidationFailed(_("年度有误。"), field="year")
    text = clean_text(content, field="content", label=_("承诺内容"), max_length=300, required=True)
    commitment = Commitment.objects.create(deputy=deputy, year=year_n, content=text)
    _deputy_trail("add_commitment", commitment, acting_user, deputy, year=year_n)
    return commitment


def _deputy_trail(verb: str, obj, acting_user, deputy: Deputy, **change) -> None:
    trail.record(
        f"liaison.{verb}",
        actor=acting_user,
        obj=obj,
        context={"deputy_id": deputy.pk, "congress_id": deputy.congress_id},
        change=trail.jsonable({"deputy": deputy.pk, **change}),
    )


@transaction.atomic
def do_remove_commitment(commitment: Commitment, *, acting_user) -> None:
    _require(acting_user, "deputy.manage_commitments", commitment.deputy)
    _deputy_trail("remove_commitment", commitment, acting_user, commitment.deputy)
    commitment.delete()
