"""A province-scale dataset for load tests and capacity planning (`manage.py generate_scale`).

Deputies (people and seats), stations, citizens' opinions and deputies' suggestions over the
real regions of the demo's city (晋中市, its counties and townships), spread over `years`, each
case in a realistic state with the timeline, replies and evaluations that state implies. The
same seed gives the same rows (ids, codes, texts, times) on an empty database. Rows are written
as plain tuples through `core.bulk.insert_values`, keys chosen here, in one transaction per
batch.

It lives in suggestions because it writes suggestion rows besides the loop's own tables
(casework), stations (liaison) and seats (org): the lowest app that may import all of them
(docs/architecture.md, "Layers"). Opinions need no table of the opinions app.

Texts combine a real township of the regions table, a place within it, a problem, details and
a request; when the TipDM citizen messages are beside the repository (../shared/data), their
sentences are recombined too (read at run time, never copied into the repository)."""

from __future__ import annotations

import csv
import datetime as dt
import random
import re
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Max

from lianxin.casework.models import (
    TRACKING_ALPHABET,
    Case,
    CaseEvent,
    Category,
    Evaluation,
    Reply,
)
from lianxin.core import bulk
from lianxin.core.crypto import lookup_hash
from lianxin.liaison.models import Station
from lianxin.org.demo import CITY_CODE
from lianxin.org.models import Congress, Deputy, HandlingUnit, Level, Person, Region

from .models import Suggestion

BATCH = 5000
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国红梅春燕志海波斌辉鹏飞宇晨浩然思雨欣怡佳琪子涵俊凯文博丹萍亮晶慧颖鑫琳彬晓东"
OCCUPATIONS = [
    "村党支部书记",
    "社区居委会主任",
    "农民专业合作社理事长",
    "中学教师",
    "乡镇卫生院医生",
    "个体工商户",
    "企业职工",
    "律师事务所律师",
    "乡镇人民政府干部",
    "民营企业董事长",
]
SPOTS = [
    "主街",
    "村委会门口",
    "中心小学附近",
    "农贸市场",
    "卫生院旁",
    "公交站",
    "东环路口",
    "幸福小区",
    "新村",
    "文化广场",
    "老旧小区",
    "二号楼",
    "西街",
    "工业园区",
    "河道沿岸",
]
PROBLEMS = [
    ("路灯不亮", "夜间出行不便，老人孩子容易摔倒", 3),
    ("道路破损", "坑洼多，雨天积水严重", 3),
    ("垃圾清运不及时", "天热气味难闻，蚊蝇滋生", 2),
    ("夜间施工噪音扰民", "晚上十点后仍在施工", 2),
    ("自来水水压低", "高层住户白天经常停水", 1),
    ("冬季供暖温度不达标", "室内温度不到十六度", 1),
    ("违章停车堵塞消防通道", "救护车和消防车进不来", 9),
    ("物业服务收费不透明", "公共收益去向不明", 1),
    ("学校门口接送车辆拥堵", "上下学时段交通混乱", 4),
    ("农田灌溉渠道淤堵", "春灌用水困难", 8),
    ("养老服务设施不足", "老人日间照料无处可去", 5),
    ("看病报销手续繁琐", "异地就医结算困难", 7),
    ("农村客运班次减少", "群众进城办事不便", 3),
    ("拖欠农民工工资", "多次讨要未果", 5),
    ("河道污水直排", "水体发黑发臭", 2),
]
DETAILS = [
    "已经持续{n}个月",
    "已有{n}天",
    "附近{n}户居民都受影响",
    "向村委会反映过{n}次",
    "多次打电话没有结果",
    "去年就反映过，一直没有解决",
    "涉及{n}多名群众",
]
ASKS = [
    "请有关部门尽快处理。",
    "希望早日解决。",
    "恳请领导重视。",
    "请予以答复。",
    "盼望给个说法。",
    "",
]
REPLIES = [
    "经现场核实，已安排施工单位维修，预计{n}日内完成。",
    "您反映的问题已交由属地乡镇办理，已于近日整改到位。",
    "经研究，已列入今年民生实事项目，年内解决。",
    "已约谈相关责任单位，督促限期整改，并将加强日常巡查。",
    "该问题涉及多个部门，已建立联合工作机制，分步推进解决。",
    "经调查，情况属实，已责令立即整改，整改结果已向您反馈。",
]
MEASURES = [
    "建议加大财政投入，分年度实施改造。",
    "建议建立部门联动机制，明确责任分工。",
    "建议开展专项整治，建立长效管理制度。",
    "建议纳入国民经济和社会发展规划统筹推进。",
    "建议完善考核办法，加强督促检查。",
]

# Opinions: (state, share, events after registration). Shares from a year of a county's loop:
# most concluded, a few declined or merged, the rest on the way.
OPINION_PATH = ["triage", "assign", "reply", "feedback", "evaluate", "conclude"]
OPINION_STATES = [
    ("registered", 0.03, 0),
    ("triaged", 0.04, 1),
    ("handling", 0.10, 2),
    ("replied", 0.05, 3),
    ("fed_back", 0.06, 4),
    ("evaluated", 0.04, 5),
    ("concluded", 0.62, 6),
    ("declined", 0.03, -1),
    ("merged", 0.03, -2),
]
OPINION_TARGET = {
    "triage": "triaged",
    "assign": "handling",
    "reply": "replied",
    "feedback": "fed_back",
    "evaluate": "evaluated",
    "conclude": "concluded",
}
SUGGESTION_PATH = ["submit", "review", "assign", "reply", "sign_off", "evaluate", "conclude"]
SUGGESTION_TARGET = {
    "submit": "submitted",
    "review": "accepted",
    "assign": "assigned",
    "reply": "reply_pending_signoff",
    "sign_off": "replied",
    "evaluate": "evaluated",
    "conclude": "concluded",
}
SUGGESTION_STATES = [
    ("draft", 0.02, -1),
    ("submitted", 0.03, 1),
    ("accepted", 0.03, 2),
    ("assigned", 0.05, 3),
    ("reply_pending_signoff", 0.02, 4),
    ("replied", 0.07, 5),
    ("evaluated", 0.08, 6),
    ("concluded", 0.70, 7),
]
RATINGS = [("satisfied", 0.82), ("basically_satisfied", 0.13), ("dissatisfied", 0.05)]


def _pick(rng: random.Random, weighted):
    r = rng.random()
    for item in weighted:
        r -= item[1]
        if r <= 0:
            return item
    return weighted[-1]


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。！？；])", " ".join(text.split())) if len(s) > 4]


def real_sentences() -> list[str]:
    """Sentences of real citizens' messages, when the shared data is beside the repository."""
    from lianxin.testing.data import shared_data

    path = shared_data("tipdm2020c_smartgov", "messages_labeled_full_dev.csv")
    if not path.exists():
        return []
    out: list[str] = []
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out.extend(s for s in _sentences(row.get("detail") or "") if len(s) < 120)
    return out[:20000]


@dataclass
class Texts:
    rng: random.Random
    townships: list[tuple[str, str]]  # (county name, township name)
    real: list[str]

    def opinion(self) -> tuple[str, str, str, int]:
        rng = self.rng
        county, town = rng.choice(self.townships)
        spot = rng.choice(SPOTS)
        problem, effect, category = rng.choice(PROBLEMS)
        detail = rng.choice(DETAILS).format(n=rng.randint(2, 30))
        parts = [f"{town}{spot}{problem}，{effect}，{detail}。"]
        if self.real and rng.random() < 0.5:
            parts.append(rng.choice(self.real))
        if rng.random() < 0.3:
            other = rng.choice(PROBLEMS)
            parts.append(f"另外，{rng.choice(SPOTS)}{other[0]}。")
        parts.append(rng.choice(ASKS))
        title = f"关于{town}{spot}{problem}的问题"
        return title[:100], "".join(parts), f"{county}{town}{spot}", category

    def suggestion(self) -> tuple[str, str, str, int]:
        rng = self.rng
        county, town = rng.choice(self.townships)
        problem, effect, category = rng.choice(PROBLEMS)
        title = f"关于解决{county}{rng.choice(['农村', '城区', '乡镇', '社区'])}{problem}问题的建议"
        problem_text = f"{county}{town}等地{problem}，{effect}，{rng.choice(DETAILS).format(n=rng.randint(2, 30))}。"
        return title[:200], problem_text, rng.choice(MEASURES), category

    def reply(self) -> str:
        return self.rng.choice(REPLIES).format(n=self.rng.randint(3, 30))


def _code(rng: random.Random, length: int, taken: set[str], alphabet: str) -> str:
    while True:
        code = "".join(rng.choices(alphabet, k=length))
        if code not in taken:
            taken.add(code)
            return code


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2))))


class Generator:
    def __init__(self, *, seed: int, years: int, say: Callable[[str], None]):
        self.rng = random.Random(seed)
        self.years = years
        self.say = say
        # Times run back from a fixed day (not today), so a seed gives the same rows any day.
        self.end = dt.datetime(2026, 6, 30, 18, 0, tzinfo=dt.UTC)
        self.start = self.end - dt.timedelta(days=365 * years)
        self._next_id: dict[type, int] = {}
        self.touched: list[type] = []

    # --- ids and the world ----------------------------------------------------------------

    def ids(self, model, n: int) -> range:
        if model not in self._next_id:
            top = model.objects.aggregate(m=Max("pk"))["m"] or 0
            self._next_id[model] = top + 1
            self.touched.append(model)
        first = self._next_id[model]
        self._next_id[model] = first + n
        return range(first, first + n)

    def world(self) -> None:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                # A load of millions of rows into a dozen indexes: keep their pages in memory
                # (200 MB), and let WAL commits skip the fsync (durable at the next checkpoint;
                # the file is never corrupted by a crash).
                cursor.execute("PRAGMA cache_size = -200000")
                if not connection.in_atomic_block:  # a caller's transaction keeps its own
                    cursor.execute("PRAGMA synchronous = NORMAL")
        city = Region.objects.get(code=CITY_CODE)
        counties = list(Region.objects.filter(parent=city).order_by("code"))
        self.townships = list(
            Region.objects.filter(parent__in=counties).select_related("parent").order_by("code")
        )
        city_congress = Congress.objects.filter(region=city, level=Level.CITY).first()
        if city_congress is None:
            city_congress = Congress.objects.create(
                level=Level.CITY, region=city, name=f"{city.name}人民代表大会", term=5
            )
        self.congresses = {city.code: city_congress}
        for county in counties:
            c = Congress.objects.filter(region=county, level=Level.COUNTY).first()
            if c is None:
                c = Congress.objects.create(
                    level=Level.COUNTY,
                    region=county,
                    name=f"{county.name}人民代表大会",
                    term=17,
                    parent=city_congress,
                )
            self.congresses[county.code] = c
        self.county_of = {t.pk: t.parent for t in self.townships}
        units = {}
        for region in [city, *counties]:
            found = list(HandlingUnit.objects.filter(region=region).values_list("pk", flat=True))
            if not found:
                made = []
                for i, dept in enumerate(
                    ["交通运输局", "住房和城乡建设局", "生态环境局", "卫生健康局"]
                ):
                    made.append(
                        HandlingUnit.objects.create(
                            code=f"SCALE-{region.code}-{i}",
                            name=f"{region.name}{dept}",
                            kind=HandlingUnit.Kind.DEPARTMENT,
                            region=region,
                        ).pk
                    )
                found = made
            units[region.code] = found
        self.units = units
        self.categories = {c.pk for c in Category.objects.all()}
        self.texts = Texts(
            self.rng, [(t.parent.name, t.name) for t in self.townships], real_sentences()
        )
        self.codes: set[str] = set()

    def when(self) -> dt.datetime:
        span = (self.end - self.start).total_seconds()
        # Later years busier (more stations and deputies in use): a gentle ramp.
        x = self.rng.random() ** 0.8
        at = self.start + dt.timedelta(seconds=int(span * x))
        return at.replace(hour=self.rng.randint(8, 20), minute=self.rng.randint(0, 59))

    def _batches(self, total: int, label: str, fn: Callable[[int], None]) -> None:
        done, began = 0, time.monotonic()
        while done < total:
            n = min(BATCH, total - done)
            with transaction.atomic():
                fn(n)
            done += n
            rate = done / max(time.monotonic() - began, 1e-9)
            self.say(f"{label} {done:,}/{total:,}（每秒 {rate:,.0f}）")

    # --- seats and stations ---------------------------------------------------------------

    def deputies(self, total: int) -> None:
        codes = set(Deputy.objects.values_list("scan_code", flat=True))
        congress_list = list(self.congresses.values())
        city = congress_list[0]
        self.seats: list[tuple[int, int]] = list(
            Deputy.objects.filter(congress__in=congress_list).values_list("pk", "congress_id")
        )

        def batch(n: int) -> None:
            rng = self.rng
            person_ids = self.ids(Person, n)
            deputy_ids = self.ids(Deputy, n)
            now = self.start
            people, seats = [], []
            for pid, did in zip(person_ids, deputy_ids, strict=True):
                congress = city if rng.random() < 0.08 else rng.choice(congress_list[1:])
                people.append(
                    (
                        pid,
                        now,
                        now,
                        _name(rng),
                        rng.choice(("male", "male", "female")),
                        rng.randint(1955, 1995),
                        "汉族",
                        rng.choice(("中共党员", "中共党员", "群众", "民主党派")),
                        _phone(rng),
                        rng.choice(OCCUPATIONS),
                        rng.random() < 0.3,
                    )
                )
                seats.append(
                    (
                        did,
                        now,
                        now,
                        pid,
                        congress.pk,
                        congress.term,
                        "serving",
                        _code(rng, 8, codes, CODE_ALPHABET),
                    )
                )
                self.seats.append((did, congress.pk))
            bulk.insert_values(
                Person,
                [
                    "id",
                    "created_at",
                    "updated_at",
                    "name",
                    "gender",
                    "birth_year",
                    "ethnicity",
                    "political_status",
                    "phone",
                    "occupation",
                    "is_leading_cadre",
                ],
                people,
            )
            bulk.insert_values(
                Deputy,
                [
                    "id",
                    "created_at",
                    "updated_at",
                    "person_id",
                    "congress_id",
                    "term",
                    "status",
                    "scan_code",
                ],
                seats,
            )

        self._batches(total, "代表", batch)

    def stations(self, total: int) -> None:
        codes = set(Station.objects.values_list("scan_code", flat=True))
        self.station_ids: list[tuple[int, int, int]] = []  # (station, region, congress)
        kinds = [
            ("ordinary", 0.8),
            ("fusion", 0.1),
            ("specialised", 0.05),
            ("legislative_contact_point", 0.05),
        ]

        def batch(n: int) -> None:
            rng = self.rng
            rows = []
            for sid in self.ids(Station, n):
                town = rng.choice(self.townships)
                county = self.county_of[town.pk]
                congress = self.congresses[county.code]
                kind = _pick(rng, kinds)[0]
                place = rng.choice(SPOTS)
                rows.append(
                    (
                        sid,
                        self.start,
                        self.start,
                        f"GS{sid:08d}",
                        f"{town.name}{place}代表联络站"[:100],
                        kind,
                        town.pk,
                        congress.pk,
                        f"{county.name}{town.name}{place}",
                        _code(rng, 8, codes, CODE_ALPHABET),
                        True,
                    )
                )
                self.station_ids.append((sid, town.pk, congress.pk))
            bulk.insert_values(
                Station,
                [
                    "id",
                    "created_at",
                    "updated_at",
                    "code",
                    "name",
                    "kind",
                    "region_id",
                    "congress_id",
                    "address",
                    "scan_code",
                    "is_active",
                ],
                rows,
            )

        self._batches(total, "联络站", batch)

    # --- cases ----------------------------------------------------------------------------

    CASE_FIELDS = [
        "id",
        "created_at",
        "updated_at",
        "kind",
        "state",
        "tracking_code",
        "title",
        "content",
        "category_id",
        "region_id",
        "place",
        "channel",
        "contact_name",
        "contact_phone",  # sealed by core.bulk (EncryptedCharField)
        "contact_name_hash",
        "contact_phone_hash",
        "is_anonymous",
        "raised_by_deputy_id",
        "congress_id",
        "scope_code",
        "station_id",
        "deputy_id",
        "replied_at",
        "fed_back_at",
        "evaluated_at",
        "concluded_at",
        "rating",
    ]
    EVENT_FIELDS = [
        "id",
        "case_id",
        "at",
        "action",
        "from_state",
        "to_state",
        "actor_label",
        "data",
        "is_public",
    ]
    REPLY_FIELDS = [
        "id",
        "case_id",
        "round",
        "unit_id",
        "deputy_id",
        "content",
        "is_public",
        "created_at",
    ]
    EVAL_FIELDS = [
        "id",
        "case_id",
        "round",
        "direction",
        "rating",
        "comment",
        "by_citizen",
        "by_deputy_id",
        "created_at",
    ]

    def _scope(self, congress_id: int) -> str:
        if not hasattr(self, "_scope_of"):
            self._scope_of = {c.pk: c.region.code for c in self.congresses.values()}
        return self._scope_of[congress_id]

    def opinions(self, total: int) -> None:
        seats = getattr(self, "seats", None) or list(
            Deputy.objects.filter(congress__in=self.congresses.values()).values_list(
                "pk", "congress_id"
            )
        )
        stations = getattr(self, "station_ids", None) or list(
            Station.objects.filter(congress__in=self.congresses.values()).values_list(
                "pk", "region_id", "congress_id"
            )
        )
        region_of_station = {}
        channels = [("scan", 0.55), ("station_desk", 0.3), ("deputy_upload", 0.15)]

        def batch(n: int) -> None:
            rng = self.rng
            cases, events, replies, evals = [], [], [], []
            for cid in self.ids(Case, n):
                title, content, place, category = self.texts.opinion()
                state, _share, steps = _pick(rng, OPINION_STATES)
                at = self.when()
                channel = _pick(rng, channels)[0]
                deputy_id = station_id = None
                if stations and (channel == "station_desk" or not seats or rng.random() < 0.4):
                    station_id, region_id, congress_id = rng.choice(stations)
                    region_of_station[station_id] = region_id
                else:
                    deputy_id, congress_id = rng.choice(seats)
                    region_id = rng.choice(self.townships).pk
                anonymous = rng.random() < 0.08
                has_phone = not anonymous and rng.random() < 0.75
                t = at
                times = {}
                path = OPINION_PATH[: max(steps, 0)] if steps >= 0 else OPINION_PATH[:0]
                ev = [(t, "register", "", "registered")]
                prev = "registered"
                for action in path:
                    t = t + dt.timedelta(hours=rng.randint(2, 24 * 12))
                    target = OPINION_TARGET[action]
                    ev.append((t, action, prev, target))
                    times[action] = t
                    prev = target
                if steps < 0:
                    t = t + dt.timedelta(hours=rng.randint(2, 72))
                    action = "decline" if steps == -1 else "merge"
                    ev.append((t, action, "registered", state))
                rating = ""
                if "evaluate" in times:
                    rating = _pick(rng, RATINGS)[0]
                # Drawn in the order the row's values always were: the same dataset per seed.
                code = _code(rng, 10, self.codes, TRACKING_ALPHABET)
                name = "" if anonymous else _name(rng)
                phone = _phone(rng) if has_phone else ""
                cases.append(
                    (
                        cid,
                        at,
                        t,
                        "opinion",
                        state,
                        code,
                        title,
                        content,
                        category if category in self.categories else None,
                        region_id,
                        place,
                        channel,
                        name,
                        phone,
                        lookup_hash(name, kind="name"),
                        lookup_hash(phone, kind="phone"),
                        anonymous,
                        None,
                        congress_id,
                        self._scope(congress_id),
                        station_id,
                        deputy_id,
                        times.get("reply"),
                        times.get("feedback"),
                        times.get("evaluate"),
                        times.get("conclude") or (t if steps < 0 else None),
                        rating,
                    )
                )
                for e_at, action, src, dst in ev:
                    events.append(
                        [
                            None,
                            cid,
                            e_at,
                            action,
                            src,
                            dst,
                            "群众" if action == "register" else "工作人员",
                            "{}",
                            True,
                        ]
                    )
                if "reply" in times:
                    unit = rng.choice(self.units[self._scope(congress_id)] or self.units[CITY_CODE])
                    replies.append(
                        [None, cid, 1, unit, None, self.texts.reply(), True, times["reply"]]
                    )
                if rating:
                    evals.append(
                        [None, cid, 1, "handling", rating, "", True, None, times["evaluate"]]
                    )
            self._write(cases, events, replies, evals)

        self._batches(total, "群众意见", batch)

    def suggestions(self, total: int) -> None:
        seats = getattr(self, "seats", None) or list(
            Deputy.objects.filter(congress__in=self.congresses.values()).values_list(
                "pk", "congress_id"
            )
        )
        if not seats:
            self.say("没有代表，跳过代表建议。")
            return

        def batch(n: int) -> None:
            rng = self.rng
            cases, events, replies, evals, details = [], [], [], [], []
            for cid in self.ids(Case, n):
                title, problem, measures, category = self.texts.suggestion()
                state, _share, steps = _pick(rng, SUGGESTION_STATES)
                deputy_id, congress_id = rng.choice(seats)
                at = self.when()
                t = at
                times = {}
                ev = [(t, "register", "", "draft")]
                prev = "draft"
                for action in SUGGESTION_PATH[: max(steps, 0)]:
                    t = t + dt.timedelta(days=rng.randint(1, 20))
                    target = SUGGESTION_TARGET[action]
                    ev.append((t, action, prev, target))
                    times[action] = t
                    prev = target
                rating = _pick(rng, RATINGS)[0] if "evaluate" in times else ""
                cases.append(
                    (
                        cid,
                        at,
                        t,
                        "suggestion",
                        state,
                        _code(rng, 10, self.codes, TRACKING_ALPHABET),
                        title,
                        problem + measures,
                        category if category in self.categories else None,
                        None,
                        "",
                        "deputy",
                        "",  # a deputy's suggestion: no citizen's name, phone or their hashes
                        "",
                        "",
                        "",
                        False,
                        deputy_id,
                        congress_id,
                        self._scope(congress_id),
                        None,
                        deputy_id,
                        times.get("sign_off"),
                        times.get("sign_off"),
                        times.get("evaluate"),
                        times.get("conclude"),
                        rating,
                    )
                )
                details.append(
                    (
                        cid,
                        problem,
                        measures,
                        times.get("submit"),
                        times.get("review"),
                        rng.random() < 0.2,
                    )
                )
                for e_at, action, src, dst in ev:
                    events.append(
                        [
                            None,
                            cid,
                            e_at,
                            action,
                            src,
                            dst,
                            "代表" if action in ("register", "submit", "evaluate") else "工作人员",
                            "{}",
                            action != "register",
                        ]
                    )
                if "reply" in times:
                    unit = rng.choice(self.units[self._scope(congress_id)] or self.units[CITY_CODE])
                    replies.append(
                        [None, cid, 1, unit, None, self.texts.reply(), True, times["reply"]]
                    )
                if rating:
                    evals.append(
                        [None, cid, 1, "handling", rating, "", False, deputy_id, times["evaluate"]]
                    )
            self._write(cases, events, replies, evals)
            bulk.insert_values(
                Suggestion,
                ["case_id", "problem", "measures", "submitted_at", "accepted_at", "is_complex"],
                details,
            )

        self._batches(total, "代表建议", batch)

    def _write(self, cases, events, replies, evals) -> None:
        bulk.insert_values(Case, self.CASE_FIELDS, cases)
        for rows, model, fields in (
            (events, CaseEvent, self.EVENT_FIELDS),
            (replies, Reply, self.REPLY_FIELDS),
            (evals, Evaluation, self.EVAL_FIELDS),
        ):
            for row, pk in zip(rows, self.ids(model, len(rows)), strict=True):
                row[0] = pk
            bulk.insert_values(model, fields, rows)

    def finish(self) -> None:
        if connection.vendor != "sqlite" and self.touched:
            bulk.reset_sequences(*self.touched)


@contextmanager
def _indexes_later(*models, say: Callable[[str], None]):
    """On SQLite, the tables' ordinary (not unique) indexes are dropped during the load and built
    again after it, from their own definitions: one sort instead of a b-tree update per row and
    index (the case table has twenty). Unique indexes stay, and keep checking."""
    if connection.vendor != "sqlite":
        yield
        return
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        )
        indexes = [
            (name, sql)
            for name, sql, table in cursor.fetchall()
            if table in tables and not sql.upper().startswith("CREATE UNIQUE")
        ]
        for name, _sql in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        began = time.monotonic()
        with connection.cursor() as cursor:
            for _name, sql in indexes:
                cursor.execute(sql)
        say(f"重建索引 {len(indexes)} 个（{time.monotonic() - began:.1f} 秒）")


def generate(
    *,
    deputies: int,
    opinions: int,
    suggestions: int,
    stations: int,
    years: int = 5,
    seed: int = 1,
    say: Callable[[str], None] = print,
) -> dict[str, float]:
    """Write the dataset; returns the figures (rows and cases per second)."""
    gen = Generator(seed=seed, years=years, say=say)
    began = time.monotonic()
    cpu = time.process_time()
    gen.world()
    gen.deputies(deputies)
    gen.stations(stations)
    cases_began, cases_cpu = time.monotonic(), time.process_time()
    with _indexes_later(Case, CaseEvent, Reply, Evaluation, say=say):
        gen.opinions(opinions)
        gen.suggestions(suggestions)
    cases_seconds = time.monotonic() - cases_began
    cases_cpu = time.process_time() - cases_cpu
    gen.finish()
    return {
        "seconds": round(time.monotonic() - began, 2),
        "cpu_seconds": round(time.process_time() - cpu, 2),
        "cases_per_cpu_second": round((opinions + suggestions) / max(cases_cpu, 1e-9)),
        "cases": opinions + suggestions,
        "cases_per_second": round((opinions + suggestions) / max(cases_seconds, 1e-9)),
    }
