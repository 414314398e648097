"""Demo opinions of 榆次区, in every state of the five steps, built by calling the real actions.
The texts are generated from the phrases below (no real citizen's message is copied)."""

from __future__ import annotations

from lianxin.casework import actions
from lianxin.casework.models import Category, Channel
from lianxin.liaison.models import Station
from lianxin.org.models import Deputy, HandlingUnit

from .actions import do_register_opinion

COUNT = {"test": 12, "demo": 40, "full": 160}

PLACES = [
    "顺城街社区",
    "北关街道新华街",
    "锦纶路",
    "汇通路与蕴华街交口",
    "安宁小区",
    "榆次老城东大街",
    "文华苑小区",
]
# (category code, problem, wish, handling unit code)
PROBLEMS = [
    ("transport", "公交站台没有遮阳棚，老人等车不方便", "希望增设候车亭", "JZ-JTYSJ"),
    ("transport", "路口红绿灯时间太短，行人过不去", "希望延长行人绿灯时间", "JZ-JTYSJ"),
    ("urban_construction", "路灯已经坏了半个月，晚上出行不安全", "希望尽快维修", "YC-CSGLJ"),
    ("urban_construction", "小区门前道路坑洼积水", "希望修补路面", "YC-ZFCXJSJ"),
    ("environment", "夜间施工噪音扰民", "希望加强夜间施工管理", "YC-STHJJ"),
    ("environment", "垃圾清运不及时，夏天气味很大", "希望增加清运次数", "YC-CSGLJ"),
    ("labour_social_security", "老旧小区加装电梯审批程序复杂", "希望简化审批", "YC-ZFCXJSJ"),
    ("health", "社区卫生服务站开放时间短", "希望周末也能看病", "YC-WJW"),
    ("education_culture", "学校门口上下学时段交通拥堵", "希望安排人员疏导", "YC-GAJ"),
    ("commerce_tourism", "菜市场周边占道经营严重", "希望规范摊点", "YC-CSGLJ"),
]
SURNAMES = "王李张刘陈杨赵黄周吴郭马"
# The states the demo spreads its opinions over, in order.
PLAN = [
    "registered",
    "triaged",
    "handling",
    "replied",
    "fed_back",
    "dissatisfied",
    "concluded",
    "direct",
    "declined",
    "merged",
    "handling",
    "concluded",
]


def load(ctx) -> None:
    rng = ctx.rng
    staff, officer = ctx.users["yc_staff"], ctx.users["unit_demo"]
    station_user, deputy_user = ctx.users["yc_station"], ctx.users["deputy_demo"]
    seats = list(
        Deputy.objects.filter(person=deputy_user.person).select_related("congress").order_by("id")
    )
    county_seat = next(s for s in seats if s.congress.level == "county")
    station = Station.objects.get(code="YC-BGJD")
    units = {u.code: u for u in HandlingUnit.objects.filter(code__startswith="JZ-")}
    units.update({u.code: u for u in HandlingUnit.objects.filter(code__startswith="YC-")})
    categories = {c.code: c for c in Category.objects.all()}
    made = []
    first_triaged = None
    for i in range(COUNT.get(ctx.scale, 12)):
        plan = PLAN[i % len(PLAN)]
        code, problem, wish, unit_code = PROBLEMS[rng.randrange(len(PROBLEMS))]
        place = rng.choice(PLACES)
        anonymous = rng.random() < 0.15
        phone = "13" + "".join(rng.choice("0123456789") for _ in range(9))
        channel = [Channel.SCAN, Channel.SCAN, Channel.STATION_DESK, Channel.DEPUTY_UPLOAD][i % 4]
        case, _ = do_register_opinion(
            content=f"{place}{problem}。{wish}。",
            title=f"{place}{problem[:12]}",
            deputy=county_seat if channel != Channel.SCAN or i % 3 else seats[0],
            station=station if channel == Channel.STATION_DESK else None,
            place=place,
            contact_name="" if anonymous else rng.choice(SURNAMES) + rng.choice(["先生", "女士"]),
            contact_phone="" if anonymous else phone,
            is_anonymous=anonymous,
            channel=channel,
            acting_user=station_user
            if channel == Channel.STATION_DESK
            else (deputy_user if channel == Channel.DEPUTY_UPLOAD else None),
        )
        made.append(case)
        if plan == "registered":
            continue
        if plan == "declined":
            actions.do_decline_case(
                case,
                reason="经核实，该事项已由法院依法受理，不属于本渠道受理范围。",
                acting_user=station_user,
            )
            continue
        if plan == "merged" and first_triaged is not None:
            actions.do_merge_case(
                case, into=first_triaged, note="与已登记的同一问题合并办理。", acting_user=staff
            )
            continue
        actions.do_triage_case(case, category=categories[code], acting_user=staff)
        first_triaged = first_triaged or case
        if plan == "triaged":
            continue
        if plan == "direct":
            actions.do_reply_case(
                case,
                content="经了解，该事项已列入街道本年度改造计划，预计下月完成，我已向群众当面解释。",
                is_public=True,
                acting_user=deputy_user,
            )
            actions.do_feedback_case(
                case, content="代表已当面答复。", method="visit", acting_user=deputy_user
            )
            continue
        if plan == "handling":
            # Still with the unit; any department of the city or of 榆次区.
            actions.do_assign_case(case, lead_unit=units[unit_code], acting_user=staff)
            continue
        # Further on, the reply comes from the unit that has a demo account.
        actions.do_assign_case(case, lead_unit=units["JZ-JTYSJ"], acting_user=staff)
        unit_user = officer
        actions.do_consult_case(
            case,
            stage="during",
            form="phone",
            summary="电话联系反映人，核实具体位置。",
            acting_user=unit_user,
        )
        actions.do_reply_case(
            case,
            content=f"收到反映后我局已现场核实，{wish.replace('希望', '已安排')}，预计十个工作日内完成。",
            category="A" if rng.random() < 0.7 else "B",
            is_public=True,
            acting_user=unit_user,
        )
        if plan == "replied":
            continue
        actions.do_feedback_case(
            case, content="承办单位已答复，请您查看并评价。", acting_user=staff
        )
        if plan == "fed_back":
            continue
        if plan == "dissatisfied":
            actions.do_evaluate_case(
                case, rating="dissatisfied", comment="还没有解决。", as_citizen=True
            )
            continue
        actions.do_evaluate_case(
            case,
            rating=rng.choice(["satisfied", "satisfied", "basically_satisfied"]),
            as_citizen=True,
        )
        actions.do_conclude_case(case, acting_user=staff)
    ctx.stdout.write(f"  群众意见: {len(made)} 件")
