"""Demo suggestions and motions of 晋中市: a session in progress (so that a deputy can try an
in-session suggestion or a motion at once), last year's session, and suggestions in every
stage of the loop — all made by calling the real actions as the demo accounts would."""

from __future__ import annotations

import datetime as dt

from lianxin.casework import actions as loop
from lianxin.casework.models import Category
from lianxin.core import dates
from lianxin.org.models import Body, Congress, Deputy, HandlingUnit, Level

from . import actions
from .models import Session

SUGGESTIONS = [
    # (title, author, co-sponsors, category, stage)
    ("关于加快老旧小区加装电梯的建议", "deputy_demo", ["deputy_b"], "urban_construction", "draft"),
    ("关于规范共享单车停放管理的建议", "deputy_b", [], "transport", "submitted"),
    ("关于增加城区公共停车泊位的建议", "deputy_c", [], "transport", "returned"),
    (
        "关于加强中小学校园周边交通安全的建议",
        "deputy_demo",
        ["deputy_c"],
        "education_culture",
        "accepted",
    ),
    ("关于推进城乡供水一体化的建议", "deputy_b", [], "agriculture", "accepted"),
    (
        "关于提升社区养老服务能力的建议",
        "deputy_c",
        ["deputy_demo"],
        "labour_social_security",
        "accepted",
    ),
    (
        "关于优化晋中城区公交线路的建议",
        "deputy_demo",
        ["deputy_b", "deputy_c"],
        "transport",
        "assigned",
    ),
    ("关于改造榆次老城区排水管网的建议", "deputy_b", [], "urban_construction", "pending_signoff"),
    ("关于完善农村公路养护机制的建议", "deputy_c", ["deputy_b"], "transport", "replied"),
    ("关于增设顺城街公交站台遮雨棚的建议", "deputy_demo", ["deputy_b"], "transport", "concluded"),
]


def load(ctx) -> None:
    users = ctx.users
    if not all(
        u in users
        for u in ("deputy_demo", "deputy_b", "deputy_c", "jz_staff", "unit_demo", "unit_signer")
    ):
        return
    city = Congress.objects.get(region__code="1407", level=Level.CITY)
    today = dates.today()
    Session.objects.create(
        congress=city,
        term=city.term,
        number=2,
        name=f"{city.name[:-6]}第{_cn(city.term)}届人民代表大会第二次会议",
        opens_on=dt.date(today.year - 1, 1, 10),
        closes_on=dt.date(today.year - 1, 1, 14),
    )
    Session.objects.create(
        congress=city,
        term=city.term,
        number=3,
        name=f"{city.name[:-6]}第{_cn(city.term)}届人民代表大会第三次会议",
        opens_on=today - dt.timedelta(days=2),
        closes_on=today + dt.timedelta(days=12),
    )
    staff, lead, co = users["jz_staff"], users["unit_demo"], users.get("unit_other")
    # The clerk writes the reply; another officer of the unit, its signer, signs it off.
    signer = users["unit_signer"]
    lead_unit = HandlingUnit.objects.get(code="JZ-JTYSJ")
    co_unit = HandlingUnit.objects.get(code="JZ-ZFCXJSJ")
    made = 0
    for title, author, cosponsors, category, stage in SUGGESTIONS:
        seat = _city_seat(author)
        case = actions.do_create_suggestion(
            author=seat,
            title=title,
            content=_content(title),
            problem="群众反映较多，现有设施和管理不能满足需要。",
            measures="建议有关部门统筹规划、分步实施，明确责任和完成时限。",
            category=Category.objects.filter(code=category).first(),
            in_session=True,
            co_sponsors=[_city_seat(u) for u in cosponsors],
            acting_user=users[author],
        )
        made += 1
        if stage == "draft":
            continue
        for name in cosponsors:
            actions.do_cosign(case, acting_user=users[name])
        actions.do_submit_suggestion(case, acting_user=users[author])
        if stage == "submitted":
            continue
        actions.do_review_suggestion(case, decision="accept", acting_user=staff)
        if stage == "returned":
            actions.do_review_suggestion(
                case,
                decision="return",
                note="请补充拟增设泊位的具体路段和调查数据。",
                acting_user=staff,
            )
            continue
        case.refresh_from_db()
        while case.state in ("submitted", "in_review"):
            actions.do_review_suggestion(case, decision="accept", acting_user=staff)
            case.refresh_from_db()
        if stage == "accepted":
            continue
        actions.do_assign_suggestion(
            case,
            lead_unit=lead_unit,
            co_units=[co_unit] if co else [],
            note="请按期答复。",
            acting_user=staff,
        )
        if stage == "assigned":
            continue
        loop.do_consult_case(
            case,
            stage="before",
            form="phone",
            summary="电话联系领衔代表，了解建议的具体情况。",
            with_whom=seat.person.name,
            acting_user=lead,
        )
        if co:
            actions.do_co_opinion(
                case, content="同意主办单位意见，本单位配合实施。", acting_user=co
            )
        promised = {
            "content": f"{today.year}年底前完成{title[2:-3]}相关工作",
            "due_on": dt.date(today.year, 12, 31)
            if today.month < 12
            else today + dt.timedelta(days=200),
        }
        actions.do_reply_suggestion(
            case,
            content="经认真研究，已列入本年度工作计划，将分步实施，按期完成。",
            category="B",
            commitment=promised,
            is_public=True,
            acting_user=lead,
        )
        if stage == "pending_signoff":
            continue
        actions.do_sign_off_reply(case, approve=True, acting_user=signer)
        if stage == "replied":
            continue
        actions.do_key_supervise(
            case,
            note="列为本次会议重点督办建议。",
            leader="市人大常委会副主任",
            committee=Body.objects.filter(congress=city, kind=Body.Kind.COMMITTEE).first(),
            acting_user=staff,
        )
        actions.do_evaluate_suggestion(
            case, rating="dissatisfied", comment="选址与群众需求不符。", acting_user=users[author]
        )
        actions.do_rehandle_suggestion(case, reason="请重新研究选址，再次答复。", acting_user=staff)
        actions.do_reply_suggestion(
            case,
            content="已会同代表现场调研，调整选址，工程已开工。",
            category="A",
            is_public=True,
            acting_user=lead,
        )
        actions.do_sign_off_reply(case, approve=True, acting_user=signer)
        actions.do_evaluate_suggestion(case, rating="satisfied", acting_user=users[author])
        actions.do_assess_quality(case, quality="excellent", acting_user=staff)
        actions.do_determine_outcome(
            case, handling_rating="good", outcome="solved", acting_user=staff
        )
        actions.do_conclude_suggestion(case, acting_user=staff)

    # A motion being drafted in the session, waiting for its co-sponsors.
    actions.do_create_motion(
        author=_city_seat("deputy_b"),
        title="关于制定《晋中市城市公共交通条例》的议案",
        content="为规范城市公共交通管理，保障乘客合法权益，建议制定本条例。案据和方案见附件。",
        co_sponsors=[_city_seat("deputy_demo"), _city_seat("deputy_c")],
        acting_user=users["deputy_b"],
    )
    ctx.stdout.write(f"  建议: {made} 件代表建议（各办理阶段）, 1 件议案草稿, 2 次会议")


def _city_seat(username: str) -> Deputy:
    return Deputy.objects.select_related("person", "congress__region").get(
        person__user__username=username, congress__level=Level.CITY
    )


def _content(title: str) -> str:
    topic = title.removeprefix("关于").removesuffix("的建议")
    return (
        f"近年来，群众对{topic}的呼声较高。经走访调研，发现目前仍存在规划不够统筹、"
        "资金投入不足、部门协调不畅等问题，影响群众生产生活。为此建议："
        "一是统筹规划，明确目标任务；二是加大投入，落实资金保障；三是强化协调，压实部门责任。"
    )


def _cn(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
