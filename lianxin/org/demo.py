"""Demo organisation of 晋中市: congresses at three levels, deputies, handling units, the city
CPPCC and the demo accounts (the station manager's comes with its station, in liaison.demo).
Names are generated; the same seed gives the same data."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from lianxin.accounts.actions import grant_role
from lianxin.accounts.models import Role, User

from .models import (
    Body,
    Congress,
    Cppcc,
    Deputy,
    Expertise,
    HandlingUnit,
    Level,
    Member,
    Person,
    Region,
)

CITY_CODE = "1407"
CITY_TERM, COUNTY_TERM, TOWNSHIP_TERM, CPPCC_TERM = 5, 17, 18, 5

# Deputies per congress at full size: about 8,500 in the city at all levels.
FULL_SIZE = {"city": 390, "county_big": 250, "county": 165, "township": 60, "cppcc": 350}
SCALES = {"full": 1.0, "demo": 0.1, "test": 0.02}

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强志明海燕红梅晓东晓明玉兰春梅冬梅丽娟文博宇航子涵浩然思远佳怡欣怡嘉豪俊杰振华振国红霞永强永红卫东卫国宏伟晋生晋平润生润田"
EXPERTISE = [
    "法律",
    "经济",
    "教育",
    "医疗卫生",
    "农业农村",
    "城乡建设",
    "生态环保",
    "文化旅游",
    "科技",
    "社会保障",
    "交通",
    "企业管理",
    "财政金融",
]
OCCUPATIONS = [
    "{place}{n}村党支部书记、村委会主任",
    "{place}农业专业合作社理事长",
    "{place}中学教师",
    "{place}卫生院院长",
    "山西{company}有限公司董事长",
    "山西{company}有限公司工人",
    "{place}社区党委书记",
    "个体工商户",
    "{place}律师事务所律师",
    "{place}小学校长",
    "晋中{company}集团技术员",
]
CADRE_OCCUPATIONS = [
    "{county}人民政府副{head}",
    "{county}{dept}局长",
    "{place}党委书记",
    "{place}镇长",
]
COMPANIES = ["晋鑫", "瑞丰", "汇通", "华阳", "锦源", "同德", "恒信", "泰和", "龙城", "聚源"]
CITY_COMMITTEES = [
    "法制委员会",
    "财政经济委员会",
    "教育科学文化卫生委员会",
    "农业农村委员会",
    "城乡建设环境保护委员会",
    "监察和司法委员会",
    "社会建设委员会",
]
COUNTY_COMMITTEES = [
    "法制工作委员会",
    "财政经济工作委员会",
    "教科文卫工作委员会",
    "农业农村工作委员会",
    "城建环保工作委员会",
]
DEPARTMENTS = [
    ("FZGGW", "发展和改革委员会"),
    ("JYJ", "教育局"),
    ("GXJ", "工业和信息化局"),
    ("GAJ", "公安局"),
    ("MZJ", "民政局"),
    ("SFJ", "司法局"),
    ("CZJ", "财政局"),
    ("RSJ", "人力资源和社会保障局"),
    ("ZRZYJ", "自然资源局"),
    ("STHJJ", "生态环境局"),
    ("ZFCXJSJ", "住房和城乡建设局"),
    ("JTYSJ", "交通运输局"),
    ("SLJ", "水利局"),
    ("NYNCJ", "农业农村局"),
    ("SWJ", "商务局"),
    ("WHLYJ", "文化和旅游局"),
    ("WJW", "卫生健康委员会"),
    ("YJGLJ", "应急管理局"),
    ("SCJGJ", "市场监督管理局"),
    ("CSGLJ", "城市管理局"),
    ("YBJ", "医疗保障局"),
    ("XZSPJ", "行政审批服务管理局"),
]
SECTORS = [
    "中国共产党",
    "中国国民党革命委员会",
    "中国民主同盟",
    "中国民主建国会",
    "中国民主促进会",
    "中国农工民主党",
    "九三学社",
    "无党派人士",
    "共青团和青联",
    "总工会",
    "妇联",
    "工商联",
    "科学技术界",
    "经济界",
    "农业界",
    "教育界",
    "文化艺术界",
    "医药卫生界",
    "社会福利和社会保障界",
    "少数民族和宗教界",
]
PARTY_ORGS = [
    "民革晋中市委员会",
    "民盟晋中市委员会",
    "民建晋中市委员会",
    "民进晋中市委员会",
    "农工党晋中市委员会",
    "九三学社晋中市委员会",
]


@dataclass
class DemoContext:
    rng: object
    scale: str
    stdout: object
    users: dict

    def size(self, key: str) -> int:
        return max(1 if key != "cppcc" else 10, round(FULL_SIZE[key] * SCALES[self.scale]))


def _name(rng) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def _phone(rng) -> str:
    return rng.choice(
        ["135", "136", "137", "138", "139", "150", "151", "152", "158", "159", "187", "188"]
    ) + "".join(rng.choice("0123456789") for _ in range(8))


def _short(name: str) -> str:
    """榆次区 → 榆次区, 北田镇 → 北田 (for generated occupations)."""
    return name[:-1] if name.endswith(("镇", "乡")) and len(name) > 2 else name


def _person(
    ctx: DemoContext, place: str, county: str, expertise: list[Expertise], cadre_rate: float = 0.12
) -> Person:
    rng = ctx.rng
    cadre = rng.random() < cadre_rate
    template = rng.choice(CADRE_OCCUPATIONS if cadre else OCCUPATIONS)
    occupation = template.format(
        place=_short(place),
        county=county,
        n=rng.choice("东西南北前后上下") + rng.choice("庄堡沟村营"),
        company=rng.choice(COMPANIES),
        head=rng.choice(["区长", "县长", "市长"]),
        dept=rng.choice(["教育", "财政", "交通运输", "农业农村"]),
    )
    person = Person(
        name=_name(rng),
        gender=rng.choice([Person.Gender.MALE, Person.Gender.MALE, Person.Gender.FEMALE]),
        birth_year=rng.randint(1962, 1996),
        ethnicity="汉族" if rng.random() < 0.97 else rng.choice(["回族", "蒙古族", "满族"]),
        political_status=rng.choice(
            ["中共党员"] * 6 + ["群众", "群众", "民盟盟员", "九三学社社员", "无党派人士"]
        ),
        phone=_phone(rng),
        occupation=occupation,
        is_leading_cadre=cadre,
    )
    person._expertise = rng.sample(expertise, k=rng.choice([1, 1, 2]))
    return person


def _save_people(people: list[Person]) -> None:
    Person.objects.bulk_create(people)
    through = Person.expertise.through
    through.objects.bulk_create(
        [
            through(person_id=p.pk, expertise_id=e.pk)
            for p in people
            for e in getattr(p, "_expertise", [])
        ]
    )


def _bodies(
    congress: Congress, level: str, counties: list[Region], townships: list[Region]
) -> dict:
    made: dict = {"delegations": {}, "electoral_units": {}}
    if level != Level.TOWNSHIP:
        Body.objects.create(
            congress=congress,
            kind=Body.Kind.STANDING_COMMITTEE,
            name=f"{congress.region.name}人大常委会",
        )
        Body.objects.create(
            congress=congress,
            kind=Body.Kind.CHAIRS_COUNCIL,
            name=f"{congress.region.name}人大常委会主任会议",
        )
        Body.objects.create(
            congress=congress,
            kind=Body.Kind.DEPUTY_AFFAIRS_OFFICE,
            name=f"{congress.region.name}人大常委会{'代表工作委员会' if level == Level.CITY else '人事代表工作委员会'}",
        )
        for name in CITY_COMMITTEES if level == Level.CITY else COUNTY_COMMITTEES:
            Body.objects.create(
                congress=congress,
                kind=Body.Kind.COMMITTEE,
                name=f"{congress.region.name}人大{name}",
            )
    else:
        Body.objects.create(
            congress=congress, kind=Body.Kind.PRESIDIUM, name=f"{congress.region.name}人大主席团"
        )
    if level == Level.CITY:
        for county in counties:
            made["delegations"][county.code] = Body.objects.create(
                congress=congress, kind=Body.Kind.DELEGATION, name=f"{county.name}代表团"
            )
            made["electoral_units"][county.code] = Body.objects.create(
                congress=congress, kind=Body.Kind.ELECTORAL_UNIT, name=f"{county.name}人民代表大会"
            )
    elif level == Level.COUNTY:
        for i, township in enumerate(townships, start=1):
            made["electoral_units"][township.code] = Body.objects.create(
                congress=congress,
                kind=Body.Kind.ELECTORAL_UNIT,
                name=f"第{i}选区（{township.name}）",
            )
    else:
        for i in range(1, 4):
            made["electoral_units"][str(i)] = Body.objects.create(
                congress=congress,
                kind=Body.Kind.ELECTORAL_UNIT,
                name=f"{congress.region.name}第{i}选区",
            )
    return made


def _seats(
    ctx, congress, count, place_pool, county_name, expertise, delegation_for, unit_for
) -> list[Deputy]:
    people = []
    places = []
    for _ in range(count):
        place = ctx.rng.choice(place_pool)
        places.append(place)
        people.append(_person(ctx, place.name, county_name(place), expertise))
    _save_people(people)
    seats = [
        Deputy(
            person=p,
            congress=congress,
            term=congress.term,
            delegation=delegation_for(place),
            electoral_unit=unit_for(place),
        )
        for p, place in zip(people, places, strict=True)
    ]
    Deputy.objects.bulk_create(seats)
    return seats


def _units(region: Region, prefix: str, place: str) -> dict[str, HandlingUnit]:
    gov = HandlingUnit.objects.create(
        code=f"{prefix}-ZF",
        name=f"{place}人民政府",
        kind=HandlingUnit.Kind.GOVERNMENT,
        region=region,
    )
    units = {"ZF": gov}
    units["JW"] = HandlingUnit.objects.create(
        code=f"{prefix}-JW",
        name=f"{place}监察委员会",
        kind=HandlingUnit.Kind.SUPERVISORY_COMMISSION,
        region=region,
    )
    court = "中级人民法院" if region.kind == Region.Kind.CITY else "人民法院"
    units["FY"] = HandlingUnit.objects.create(
        code=f"{prefix}-FY", name=f"{place}{court}", kind=HandlingUnit.Kind.COURT, region=region
    )
    units["JCY"] = HandlingUnit.objects.create(
        code=f"{prefix}-JCY",
        name=f"{place}人民检察院",
        kind=HandlingUnit.Kind.PROCURATORATE,
        region=region,
    )
    for code, name in DEPARTMENTS:
        units[code] = HandlingUnit.objects.create(
            code=f"{prefix}-{code}",
            name=f"{place}{name}",
            kind=HandlingUnit.Kind.DEPARTMENT,
            region=region,
            parent=gov,
        )
    return units


def _user(
    ctx: DemoContext, username: str, display_name: str, person: Person | None = None, **extra
) -> User:
    user = User.objects.create_user(
        username=username,
        password=settings.LIANXIN_DEMO_PASSWORD,
        display_name=display_name,
        person=person,
        **extra,
    )
    ctx.users[username] = user
    return user


def load(ctx: DemoContext) -> None:
    rng = ctx.rng
    city = Region.objects.get(code=CITY_CODE)
    counties = list(Region.objects.filter(parent=city).order_by("code"))
    townships_by_county = {
        c.code: list(Region.objects.filter(parent=c).order_by("code")) for c in counties
    }
    county_of = {t.code: c for c in counties for t in townships_by_county[c.code]}
    expertise = [Expertise.objects.get_or_create(name=n)[0] for n in EXPERTISE]

    # --- Congresses and their bodies ---------------------------------------------------------
    city_congress = Congress.objects.create(
        level=Level.CITY, region=city, name="晋中市人民代表大会", term=CITY_TERM
    )
    city_bodies = _bodies(city_congress, Level.CITY, counties, [])
    all_townships = [t for c in counties for t in townships_by_county[c.code]]
    city_seats = _seats(
        ctx,
        city_congress,
        max(len(counties) * 2, ctx.size("city")),
        all_townships,
        lambda t: county_of[t.code].name,
        expertise,
        lambda t: city_bodies["delegations"][county_of[t.code].code],
        lambda t: city_bodies["electoral_units"][county_of[t.code].code],
    )
    county_congresses = {}
    for county in counties:
        congress = Congress.objects.create(
            level=Level.COUNTY,
            region=county,
            name=f"{county.name}人民代表大会",
            term=COUNTY_TERM,
            parent=city_congress,
        )
        county_congresses[county.code] = congress
        townships = townships_by_county[county.code]
        bodies = _bodies(congress, Level.COUNTY, counties, townships)
        size = ctx.size("county_big" if county.code == "140702" else "county")
        _seats(
            ctx,
            congress,
            size,
            townships,
            lambda t, county=county: county.name,
            expertise,
            lambda t: None,
            lambda t, bodies=bodies: bodies["electoral_units"][t.code],
        )
        for township in townships:
            if not township.name.endswith(("乡", "镇")):
                continue  # streets (街道) have no people's congress
            tcongress = Congress.objects.create(
                level=Level.TOWNSHIP,
                region=township,
                name=f"{county.name}{township.name}人民代表大会",
                term=TOWNSHIP_TERM,
                parent=congress,
            )
            tbodies = _bodies(tcongress, Level.TOWNSHIP, [], [])
            _seats(
                ctx,
                tcongress,
                ctx.size("township"),
                [township],
                lambda t, county=county: county.name,
                expertise,
                lambda t: None,
                lambda t, tb=tbodies: tb["electoral_units"][str(rng.randint(1, 3))],
            )

    # Many city deputies also sit in their county's congress (a city deputy who is a county deputy).
    dual = [s for s in city_seats if rng.random() < 0.3]
    Deputy.objects.bulk_create(
        [
            Deputy(
                person=s.person,
                congress=county_congresses[_county_code_of(s, city_bodies)],
                term=COUNTY_TERM,
            )
            for s in dual
        ]
    )

    # --- Handling units ------------------------------------------------------------------------
    city_units = _units(city, "JZ", "晋中市")
    yuci = Region.objects.get(code="140702")
    _units(yuci, "YC", "榆次区")

    # --- The city CPPCC ---------------------------------------------------------------------------
    cppcc = Cppcc.objects.create(
        level=Level.CITY, region=city, name="中国人民政治协商会议晋中市委员会", term=CPPCC_TERM
    )
    Body.objects.create(
        cppcc=cppcc, kind=Body.Kind.CPPCC_STANDING_COMMITTEE, name="晋中市政协常务委员会"
    )
    Body.objects.create(cppcc=cppcc, kind=Body.Kind.CPPCC_OFFICE, name="晋中市政协办公室")
    for name in [
        "提案委员会",
        "经济委员会",
        "农业和农村委员会",
        "社会和法制委员会",
        "文化文史和学习委员会",
    ]:
        Body.objects.create(cppcc=cppcc, kind=Body.Kind.CPPCC_COMMITTEE, name=f"晋中市政协{name}")
    sectors = [Body.objects.create(cppcc=cppcc, kind=Body.Kind.SECTOR, name=n) for n in SECTORS]
    parties = [
        Body.objects.create(cppcc=cppcc, kind=Body.Kind.PARTY_ORG, name=n) for n in PARTY_ORGS
    ]
    member_people = [
        _person(ctx, rng.choice(all_townships).name, rng.choice(counties).name, expertise)
        for _ in range(ctx.size("cppcc"))
    ]
    _save_people(member_people)
    members = [
        Member(
            person=p,
            cppcc=cppcc,
            term=CPPCC_TERM,
            sector=rng.choice(sectors),
            party_org=rng.choice(parties) if rng.random() < 0.3 else None,
            is_standing_member=rng.random() < 0.15,
        )
        for p in member_people
    ]
    Member.objects.bulk_create(members)

    # --- Demo accounts --------------------------------------------------------------------------
    _user(ctx, "admin", "系统管理员", is_staff=True, is_superuser=True)
    grant_role(ctx.users["admin"], Role.SYSTEM_ADMIN)
    grant_role(
        _user(ctx, "jz_staff", "晋中市人大代表工委"), Role.DEPUTY_AFFAIRS_STAFF, city_congress
    )
    grant_role(
        _user(ctx, "yc_staff", "榆次区人大人事代表工委"),
        Role.DEPUTY_AFFAIRS_STAFF,
        county_congresses["140702"],
    )
    grant_role(
        _user(ctx, "tg_staff", "太谷区人大人事代表工委"),
        Role.DEPUTY_AFFAIRS_STAFF,
        county_congresses["140703"],
    )
    grant_role(
        _user(ctx, "unit_demo", "晋中市交通运输局经办人"), Role.UNIT_OFFICER, city_units["JTYSJ"]
    )
    grant_role(
        _user(ctx, "unit_other", "晋中市住建局经办人"), Role.UNIT_OFFICER, city_units["ZFCXJSJ"]
    )
    # A reply leaves its unit signed off by another officer who holds the signing role (签发人).
    for username, name, code in [
        ("unit_signer", "晋中市交通运输局签发人", "JTYSJ"),
        ("unit_other_signer", "晋中市住建局签发人", "ZFCXJSJ"),
    ]:
        grant_role(_user(ctx, username, name), Role.UNIT_OFFICER, city_units[code], can_sign=True)
    grant_role(_user(ctx, "cppcc_staff", "晋中市政协提案委"), Role.CPPCC_STAFF, cppcc)
    grant_role(_user(ctx, "leader_demo", "晋中市人大常委会领导"), Role.LEADER, city)

    # deputy_demo: a deputy of both 晋中市 and 榆次区, in 北关街道.
    demo_person = Person.objects.create(
        name="连心代表",
        gender=Person.Gender.FEMALE,
        birth_year=1978,
        political_status="中共党员",
        phone="13900000001",
        occupation="榆次区北关街道顺城街社区党委书记",
    )
    demo_person.expertise.set([e for e in expertise if e.name in ("社会保障", "城乡建设")])
    city_seat = Deputy.objects.create(
        person=demo_person,
        congress=city_congress,
        term=CITY_TERM,
        delegation=city_bodies["delegations"]["140702"],
        electoral_unit=city_bodies["electoral_units"]["140702"],
    )
    city_seat.committees.set(
        Body.objects.filter(congress=city_congress, name__endswith="社会建设委员会")
    )
    Deputy.objects.create(
        person=demo_person,
        congress=county_congresses["140702"],
        term=COUNTY_TERM,
        electoral_unit=Body.objects.filter(
            congress=county_congresses["140702"], kind=Body.Kind.ELECTORAL_UNIT
        )
        .order_by("id")
        .first(),
    )
    grant_role(_user(ctx, "deputy_demo", demo_person.name, person=demo_person), Role.DEPUTY)
    # deputy_b and deputy_c: city deputies, for joint suggestions.
    for username, name, county_code in [
        ("deputy_b", "晋联代表", "140702"),
        ("deputy_c", "中和代表", "140703"),
    ]:
        person = Person.objects.create(
            name=name,
            gender=Person.Gender.MALE,
            birth_year=1970,
            phone=_phone(rng),
            occupation="晋中市企业负责人",
        )
        Deputy.objects.create(
            person=person,
            congress=city_congress,
            term=CITY_TERM,
            delegation=city_bodies["delegations"][county_code],
            electoral_unit=city_bodies["electoral_units"][county_code],
        )
        grant_role(_user(ctx, username, name, person=person), Role.DEPUTY)
    # member_demo: a member of the city CPPCC.
    member_person = Person.objects.create(
        name="同心委员",
        gender=Person.Gender.MALE,
        birth_year=1975,
        phone="13900000002",
        occupation="晋中学院教授",
    )
    Member.objects.create(person=member_person, cppcc=cppcc, term=CPPCC_TERM, sector=sectors[15])
    grant_role(_user(ctx, "member_demo", member_person.name, person=member_person), Role.MEMBER)

    ctx.stdout.write(
        f"  组织: {Congress.objects.count()} 个人大, {Deputy.objects.count()} 个代表席位, "
        f"{HandlingUnit.objects.count()} 个承办单位, {Member.objects.count()} 名政协委员, {len(ctx.users)} 个演示账号"
    )


def _county_code_of(seat: Deputy, city_bodies: dict) -> str:
    for code, body in city_bodies["delegations"].items():
        if body.pk == seat.delegation_id:
            return code
    raise LookupError(seat)
