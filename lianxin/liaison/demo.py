"""Demo liaison network of 晋中市: a station for every township of 榆次区, 太谷区 and 平遥县 (every
county at the larger scales), a liaison centre in each county, a judicial station with its
police, procuratorate, court and justice-bureau points, a bank-hosted economic observation
station; points at villages and communities; every demo deputy in a station; reception rules,
a few single dates, past reception records and public commitments.

Coordinates are generated around each county seat, in the directions that stay inside 晋中市
(checked against the city boundary when this file was written), at least 600 m apart.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from decimal import Decimal

from lianxin.accounts.actions import grant_role
from lianxin.accounts.models import Role
from lianxin.core import dates
from lianxin.org.demo import _user
from lianxin.org.models import Body, Congress, Deputy, Level, Region, SeatStatus

from .models import (
    Commitment,
    Point,
    ReceptionDay,
    ReceptionRecord,
    ReceptionRule,
    Station,
    StationMembership,
)

CITY = "1407"
# County seat (longitude, latitude), code prefix, and the bearings (degrees, 0 = east,
# counter-clockwise) in which townships may be placed without leaving the city.
COUNTIES = {
    "140702": ((112.708, 37.697), "YC", (-110, 70)),
    "140703": ((112.551, 37.421), "TG", (180, 420)),
    "140721": ((112.975, 37.071), "YS", (-30, 170)),
    "140722": ((113.379, 37.082), "ZQ", (-90, 220)),
    "140723": ((113.570, 37.329), "HS", (0, 360)),
    "140724": ((113.706, 37.612), "XY", (160, 380)),
    "140725": ((113.177, 37.895), "SY", (150, 330)),
    "140727": ((112.335, 37.358), "QX", (220, 400)),
    "140728": ((112.176, 37.190), "PY", (-70, 70)),
    "140729": ((111.778, 36.848), "LS", (10, 70)),
    "140781": ((111.916, 37.027), "JX", (200, 290)),
}
# Counties with a station in every township at the "test" scale; at larger scales, all.
FULL_COUNTIES_AT_TEST = {"140702", "140703", "140728"}
MIN_SPACING_M = 600
PLACES = [
    "东关",
    "西关",
    "南关",
    "北营",
    "后沟",
    "前进",
    "王家堡",
    "李家庄",
    "河东",
    "河西",
    "新城",
    "顺城街",
    "文苑",
    "锦绣",
    "蕴华",
    "安宁",
    "聚贤",
    "怡园",
    "榆湖",
    "新建",
    "北田",
    "南庄",
    "东庄",
    "西沟",
    "张家庄",
    "郭家堡",
    "要村",
    "修文",
    "长凝",
    "使赵",
    "永康",
    "紫金",
    "太和",
    "华苑",
    "迎宾",
    "汇通",
]
HOURS = "周一至周五 9:00—12:00，14:30—17:30"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯"
SUBJECTS = [
    ("小区加装电梯", "老旧小区六层住宅无电梯，老人上下楼困难，希望加装电梯并协调费用分摊。"),
    ("村道硬化", "村里通往田地的生产路坑洼不平，雨天无法通行，希望列入道路硬化计划。"),
    ("供暖不热", "入冬以来室内温度只有十五度左右，多次反映给物业未解决。"),
    ("农产品销路", "今年核桃丰收但收购价低，希望帮助对接销售渠道。"),
    ("学校门口交通", "放学时段校门口车辆拥堵，学生过马路不安全，建议设置护学岗和减速带。"),
    ("医保报销", "异地就医报销手续繁琐，希望简化流程、提高报销比例。"),
    ("垃圾清运", "小区垃圾清运不及时，夏季异味较大。"),
    ("公交线路", "新建小区附近没有公交站点，居民出行不便，建议延伸线路。"),
]
COMMITMENTS = [
    "每月至少到联络站接待群众一次，做到件件有回音",
    "围绕老旧小区改造开展专题调研，形成建议",
    "每季度走访联系选民不少于十户",
    "做好群众反映问题的跟踪反馈，及时向选民报告履职情况",
]


def _offset(lng: float, lat: float, km: float, bearing_deg: float) -> tuple[float, float]:
    rad = math.radians(bearing_deg)
    dlat = km * math.sin(rad) / 111.195
    dlng = km * math.cos(rad) / (111.195 * math.cos(math.radians(lat)))
    return lng + dlng, lat + dlat


def _distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    dx = (a[0] - b[0]) * 111_195 * math.cos(math.radians(a[1]))
    dy = (a[1] - b[1]) * 111_195
    return math.hypot(dx, dy)


def _dec(x: float) -> Decimal:
    return Decimal(f"{x:.6f}")


class _Placer:
    """Random places around a county seat, keeping stations apart."""

    def __init__(self, rng, taken: list[tuple[float, float]]):
        self.rng = rng
        self.taken = taken

    def around(self, county: str, km_range: tuple[float, float]) -> tuple[float, float]:
        (lng, lat), _prefix, (lo, hi) = COUNTIES[county]
        for _attempt in range(200):
            spot = _offset(lng, lat, self.rng.uniform(*km_range), self.rng.uniform(lo, hi))
            if all(_distance_m(spot, t) >= MIN_SPACING_M for t in self.taken):
                self.taken.append(spot)
                return spot
        self.taken.append(spot)
        return spot


def _short(name: str) -> str:
    name = name.replace("山西转型综合改革示范区", "").replace("社会事务服务中心", "")
    return name


def _phone(rng) -> str:
    return "0354-" + "".join(rng.choice("0123456789") for _ in range(7))


def _mobile(rng) -> str:
    return rng.choice(["138", "139", "150", "151", "186", "187"]) + "".join(
        rng.choice("0123456789") for _ in range(8)
    )


def _demo_station(ctx, congress: Congress) -> Station:
    """北关街道, the station of the demo station manager, with both seats of deputy_demo."""
    station = Station.objects.create(
        code="YC-BGJD",
        name="北关街道代表联络站",
        kind=Station.Kind.ORDINARY,
        region=Region.objects.get(code="140702001"),
        congress=congress,
        address="晋中市榆次区北关街道办事处一层",
        latitude="37.699000",
        longitude="112.736000",
        opening_hours="周一至周五 9:00—12:00，14:30—17:30",
        contact_name="北关街道人大工委",
        contact_phone="0354-3012345",
    )
    grant_role(_user(ctx, "yc_station", "北关街道代表联络站"), Role.STATION_MANAGER, station)
    StationMembership.objects.bulk_create(
        StationMembership(station=station, deputy=seat)
        for seat in Deputy.objects.filter(person__user__username="deputy_demo").order_by("pk")
    )
    return station


def load(ctx) -> None:
    rng = ctx.rng
    today = dates.today()
    city = Region.objects.get(code=CITY)
    counties = list(Region.objects.filter(parent=city).order_by("code"))
    congress_of = {
        c.region.code: c
        for c in Congress.objects.filter(level=Level.COUNTY, region__parent=city).select_related(
            "region"
        )
    }
    full = set(COUNTIES) if ctx.scale != "test" else FULL_COUNTIES_AT_TEST
    beiguan = _demo_station(ctx, congress_of["140702"])
    taken = [(float(beiguan.longitude), float(beiguan.latitude))]
    placer = _Placer(rng, taken)

    stations: list[Station] = []
    township_station: dict[str, Station] = {"140702001": beiguan}
    centre_of: dict[str, Station] = {}
    for county in counties:
        (lng, lat), prefix, _sector = COUNTIES[county.code]
        congress = congress_of[county.code]
        townships = list(Region.objects.filter(parent=county).order_by("code"))
        spot = placer.around(county.code, (0.3, 1.5))
        centre = Station(
            code=f"{prefix}-ZX",
            name=f"{county.name}人大代表联络中心",
            kind=Station.Kind.FUSION,
            fused_kinds=f"{Station.Kind.LIAISON_CENTRE},{Station.Kind.LEGISLATIVE_CONTACT_POINT}",
            region=county,
            congress=congress,
            address=f"{county.name}人大常委会机关一层",
            host_org=f"{county.name}人大常委会",
            longitude=_dec(spot[0]),
            latitude=_dec(spot[1]),
            opening_hours=HOURS,
            contact_name=f"{county.name}人大常委会人事代表工委",
            contact_phone=_phone(rng),
            introduction=f"{county.name}人大代表联络中心与基层立法联系点融合设置（中心一站一点），统筹全{county.name[-1]}代表联络站建设。",
            manager_name=rng.choice(SURNAMES) + "主任",
            manager_phone=_mobile(rng),
        )
        stations.append(centre)
        centre_of[county.code] = centre
        chosen = townships if county.code in full else townships[:2]
        for township in chosen:
            if township.code in township_station:
                continue
            street = township.name.endswith("街道")
            spot = placer.around(county.code, (0.8, 3.5) if street else (5.0, 18.0))
            station = Station(
                code=f"{prefix}-{township.code[-3:]}",
                name=f"{_short(township.name)}人大代表联络站",
                kind=Station.Kind.ORDINARY,
                region=township,
                congress=congress,
                address=f"{county.name}{township.name}{'办事处' if street else '人民政府'}院内",
                host_org=f"{township.name}{'办事处' if street else '人民政府'}",
                longitude=_dec(spot[0]),
                latitude=_dec(spot[1]),
                opening_hours=HOURS,
                contact_name=f"{_short(township.name)}人大工委"
                if street
                else f"{township.name}人大主席团",
                contact_phone=_phone(rng),
                manager_name=rng.choice(SURNAMES) + rng.choice(["主席", "主任", "站长"]),
                manager_phone=_mobile(rng),
            )
            stations.append(station)
            township_station[township.code] = station

    # 榆次区's specialised stations: judicial, with its four points, and a bank-hosted one.
    yc = congress_of["140702"]
    xinhua = Region.objects.get(code="140702003")
    jingwei = Region.objects.get(code="140702006")
    spot = placer.around("140702", (0.8, 3.0))
    judicial = Station(
        code="YC-SF",
        name="榆次区司法代表联络站",
        kind=Station.Kind.SPECIALISED,
        specialty="司法",
        region=xinhua,
        congress=yc,
        address="榆次区人民法院诉讼服务中心一层",
        host_org="榆次区人民法院",
        longitude=_dec(spot[0]),
        latitude=_dec(spot[1]),
        opening_hours=HOURS,
        contact_name="榆次区人大常委会监察和司法工作委员会",
        contact_phone=_phone(rng),
        introduction="依托公安、检察、审判、司法行政机关设立联络点，听取代表和群众对司法工作的意见建议。",
    )
    spot = placer.around("140702", (0.8, 3.0))
    economic = Station(
        code="YC-JJ",
        name="榆次区人大代表经济运行观察站",
        kind=Station.Kind.SPECIALISED,
        specialty="经济",
        region=jingwei,
        congress=yc,
        address="榆次区经纬街道晋商银行榆次支行三层",
        host_org="晋商银行晋中榆次支行",
        longitude=_dec(spot[0]),
        latitude=_dec(spot[1]),
        opening_hours="周二、周四 9:00—12:00",
        contact_name="榆次区人大常委会财经工作委员会",
        contact_phone=_phone(rng),
    )
    stations += [judicial, economic]
    Station.objects.bulk_create(stations)

    # --- Points ------------------------------------------------------------------------------
    points = []
    everyone = [beiguan, *stations]
    for station in everyone:
        if station.kind != Station.Kind.ORDINARY:
            continue
        street = station.region.name.endswith("街道")
        names = rng.sample(PLACES, k=rng.randint(2, 4))
        for place in names:
            place_name = f"{place}{'社区' if street else '村'}"
            lng, lat = _offset(
                float(station.longitude),
                float(station.latitude),
                rng.uniform(0.3, 0.9 if street else 1.5),
                rng.uniform(0, 360),
            )
            points.append(
                Point(
                    station=station,
                    name=f"{place_name}代表联络点",
                    kind=Point.Kind.ORDINARY,
                    region=station.region,
                    place=place_name,
                    address=f"{station.region.name}{place_name}{'党群服务中心' if street else '村委会'}",
                    host_org=f"{place_name}{'居委会' if street else '村委会'}",
                    longitude=_dec(lng),
                    latitude=_dec(lat),
                    opening_hours="每周三 9:00—11:30",
                    contact_name=rng.choice(SURNAMES) + ("书记" if rng.random() < 0.5 else "主任"),
                    contact_phone=_mobile(rng),
                )
            )
    for name, host in [
        ("公安联络点", "晋中市公安局榆次分局"),
        ("检察联络点", "榆次区人民检察院"),
        ("法院联络点", "榆次区人民法院"),
        ("司法行政联络点", "榆次区司法局"),
    ]:
        lng, lat = _offset(
            float(judicial.longitude),
            float(judicial.latitude),
            rng.uniform(0.5, 2.5),
            rng.uniform(0, 360),
        )
        points.append(
            Point(
                station=judicial,
                name=name,
                kind=Point.Kind.SPECIALISED,
                region=xinhua,
                address=f"{host}接待大厅",
                host_org=host,
                longitude=_dec(lng),
                latitude=_dec(lat),
                opening_hours="工作日 9:00—17:00",
                contact_phone=_phone(rng),
            )
        )
    points.append(
        Point(
            station=centre_of["140702"],
            name="榆次区基层立法联系点（锦纶街道）",
            kind=Point.Kind.LEGISLATIVE_CONTACT_POINT,
            region=Region.objects.get(code="140702002"),
            place="锦纶街道",
            address="榆次区锦纶街道党群服务中心",
            host_org="锦纶街道办事处",
            opening_hours=HOURS,
        )
    )
    Point.objects.bulk_create(points)

    # --- Every deputy in a station ------------------------------------------------------------
    by_county: dict[str, list[Station]] = defaultdict(list)
    for station in everyone:
        if station.kind == Station.Kind.ORDINARY:
            by_county[station.region.code[:6]].append(station)
    township_by_name = {
        (r.parent.code, r.name): r.code
        for r in Region.objects.filter(
            code__startswith=CITY, kind=Region.Kind.TOWNSHIP
        ).select_related("parent")
    }
    delegation_county = {
        b.pk: c.code
        for b in Body.objects.filter(kind=Body.Kind.DELEGATION, congress__region__code=CITY)
        for c in counties
        if b.name.startswith(c.name)
    }
    electoral_township: dict[int, str] = {}
    for body in Body.objects.filter(
        kind=Body.Kind.ELECTORAL_UNIT, congress__level=Level.COUNTY
    ).select_related("congress__region"):
        m = re.search(r"（(.+)）", body.name)
        if m:
            code = township_by_name.get((body.congress.region.code, m.group(1)))
            if code:
                electoral_township[body.pk] = code

    def station_for(seat: Deputy) -> tuple[int, Station]:
        """(how local, station): township seats are the most local."""
        region = seat.congress.region
        if seat.congress.level == Level.TOWNSHIP:
            return 0, township_station.get(region.code) or _pick(region.code[:6])
        if seat.congress.level == Level.COUNTY:
            code = electoral_township.get(seat.electoral_unit_id)
            if code and code in township_station:
                return 1, township_station[code]
            return 1, _pick(region.code)
        county = delegation_county.get(seat.delegation_id) or rng.choice(counties).code
        return 2, _pick(county)

    def _pick(county_code: str) -> Station:
        options = by_county.get(county_code)
        return rng.choice(options) if options else centre_of[county_code]

    assigned = set(StationMembership.objects.values_list("deputy_id", flat=True))
    seats = list(
        Deputy.objects.filter(status=SeatStatus.SERVING, congress__region__code__startswith=CITY)
        .exclude(pk__in=assigned)
        .select_related("congress__region", "person")
        .order_by("pk")
    )
    by_person: dict[int, list[Deputy]] = defaultdict(list)
    for seat in seats:
        by_person[seat.person_id].append(seat)
    memberships = []
    for person_seats in by_person.values():
        _rank, station = min((station_for(s) for s in person_seats), key=lambda x: x[0])
        memberships += [StationMembership(station=station, deputy=s) for s in person_seats]
    StationMembership.objects.bulk_create(memberships)

    # --- Reception rules, single dates and records --------------------------------------------
    # deputy_b (a city deputy from 榆次区) joins 北关街道 too, so that it has two people.
    StationMembership.objects.filter(
        deputy__person__user__username="deputy_b", deputy__congress__region__code=CITY
    ).update(station=beiguan)
    # One seat per person on duty lists (a person with a city and a county seat is one person).
    members_of: dict[int, list[int]] = defaultdict(list)
    people_seen: set[tuple[int, int]] = set()
    for station_id, deputy_id, person_id in StationMembership.objects.order_by(
        "deputy__congress__region__code", "pk"
    ).values_list("station_id", "deputy_id", "deputy__person_id"):
        if (station_id, person_id) not in people_seen:
            people_seen.add((station_id, person_id))
            members_of[station_id].append(deputy_id)
    year_start = dt.date(today.year, 1, 1)
    rules = []
    rule_deputies = []
    for i, station in enumerate(everyone):
        if i % 3 == 2:
            rule = ReceptionRule(
                station=station,
                frequency=ReceptionRule.Frequency.WEEKLY,
                weekday=1,
                start_time=dt.time(14, 30),
                end_time=dt.time(17, 0),
                valid_from=year_start,
            )
        else:
            rule = ReceptionRule(
                station=station,
                frequency=ReceptionRule.Frequency.MONTHLY,
                day_of_month=15 if i % 3 == 0 else 10,
                start_time=dt.time(9, 0),
                end_time=dt.time(11, 30),
                valid_from=year_start,
            )
        rules.append(rule)
        pool = members_of.get(station.pk, [])
        rule_deputies.append(rng.sample(pool, k=min(len(pool), 3)))
    ReceptionRule.objects.bulk_create(rules)
    through = ReceptionRule.deputies.through
    through.objects.bulk_create(
        [
            through(receptionrule_id=r.pk, deputy_id=d)
            for r, ds in zip(rules, rule_deputies, strict=True)
            for d in ds
        ]
    )
    # 北关街道 also receives every first Monday afternoon, and on one extra day next week.
    first_monday = ReceptionRule.objects.create(
        station=beiguan,
        frequency=ReceptionRule.Frequency.MONTHLY_WEEKDAY,
        weekday=0,
        week_of_month=1,
        start_time=dt.time(15, 0),
        end_time=dt.time(17, 30),
        valid_from=year_start,
        note="代表小组集中接待",
    )
    first_monday.deputies.set(members_of[beiguan.pk][:2])
    extra = ReceptionDay.objects.create(
        station=beiguan,
        date=today + dt.timedelta(days=7),
        start_time=dt.time(9, 0),
        end_time=dt.time(11, 30),
        place="北关街道顺城街社区党群服务中心",
        note="老旧小区改造专题接待",
    )
    extra.deputies.set(members_of[beiguan.pk][:2])

    _records(ctx, today, everyone, members_of)
    _commitments(ctx, today, members_of[beiguan.pk])
    ctx.stdout.write(
        f"  联络站: {Station.objects.count()} 个站, {Point.objects.count()} 个联络点, "
        f"{StationMembership.objects.count()} 个代表进站, {ReceptionRecord.objects.count()} 条接待记录"
    )


def _records(
    ctx, today: dt.date, stations: list[Station], members_of: dict[int, list[int]]
) -> None:
    """Past receptions this year: at most stations a few, and leading cadres in most quarters
    (some quarters left out on purpose, so the quarterly page has something to show)."""
    rng = ctx.rng
    yesterday = today - dt.timedelta(days=1)
    if yesterday.year != today.year:
        return
    station_of = {d: s for s, ds in members_of.items() for d in ds}
    records: list[ReceptionRecord] = []
    who: list[list[int]] = []

    def add(station_id: int, day: dt.date, deputies: list[int]) -> None:
        subject, content = rng.choice(SUBJECTS)
        records.append(
            ReceptionRecord(
                station_id=station_id,
                date=day,
                kind=ReceptionRecord.Kind.RECEPTION
                if rng.random() < 0.8
                else ReceptionRecord.Kind.VISIT,
                visitor_name=rng.choice(SURNAMES) + rng.choice(["先生", "女士", "大爷", "阿姨"]),
                visitor_phone=_mobile(rng),
                visitor_count=rng.choice([1, 1, 1, 2, 3, 5]),
                subject=subject,
                content=content,
                response="代表现场作了解释，并表示将向有关部门反映。",
            )
        )
        who.append(deputies)

    def random_day(start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=rng.randint(0, (end - start).days))

    year_start = dt.date(today.year, 1, 1)
    for station in stations:
        pool = members_of.get(station.pk, [])
        if not pool:
            continue
        for _ in range(rng.randint(1, 3)):
            add(
                station.pk, random_day(year_start, yesterday), rng.sample(pool, k=min(2, len(pool)))
            )
    leaders = list(
        Deputy.objects.filter(
            status=SeatStatus.SERVING, person__is_leading_cadre=True, pk__in=list(station_of)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for n, deputy_id in enumerate(leaders):
        for q in range(4):
            start = dt.date(today.year, q * 3 + 1, 1)
            if start > yesterday:
                break
            end = min(yesterday, dt.date(today.year, q * 3 + 3, 28))
            # Every fourth leader misses the latest quarter; every fifth an earlier one too.
            if (n % 4 == 0 and (q + 1) * 3 >= today.month) or (n % 5 == 0 and q == 0):
                continue
            add(station_of[deputy_id], random_day(start, end), [deputy_id])
    ReceptionRecord.objects.bulk_create(records)
    through = ReceptionRecord.deputies.through
    through.objects.bulk_create(
        [
            through(receptionrecord_id=r.pk, deputy_id=d)
            for r, ds in zip(records, who, strict=True)
            for d in ds
        ]
    )


def _commitments(ctx, today: dt.date, beiguan_deputies: list[int]) -> None:
    rng = ctx.rng
    items = []
    demo_seats = list(
        Deputy.objects.filter(person__user__username="deputy_demo").values_list("pk", flat=True)
    )
    for deputy_id in {*demo_seats, *beiguan_deputies[:4]}:
        for content in rng.sample(COMMITMENTS, k=2):
            items.append(Commitment(deputy_id=deputy_id, year=today.year, content=content))
    Commitment.objects.bulk_create(items)
