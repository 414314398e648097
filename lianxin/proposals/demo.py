"""Demo proposals of 晋中市政协: a second member with a login (`member_b`, for joint
proposals) and proposals in several stages of the loop, all made by calling the real actions
as the demo accounts would."""

from __future__ import annotations

import datetime as dt

from lianxin.accounts.actions import grant_role
from lianxin.accounts.models import Role
from lianxin.casework import actions as loop
from lianxin.casework.models import Category
from lianxin.core import dates
from lianxin.org.demo import CPPCC_TERM, _user
from lianxin.org.models import Cppcc, HandlingUnit, Member, Person

from . import actions

PROPOSALS = [
    # (title, author, co-sponsors, category, stage)
    ("关于加快发展晋中职业教育的提案", "member_demo", ["member_b"], "education_culture", "draft"),
    ("关于保护榆次老城历史街区的提案", "member_b", [], "urban_construction", "submitted"),
    ("关于完善城区慢行交通系统的提案", "member_demo", [], "transport", "registered"),
    ("关于优化晋中城区公交线网的提案", "member_b", ["member_demo"], "transport", "handling"),
    ("关于推进农村客运公交化改造的提案", "member_demo", [], "transport", "pending_signoff"),
    ("关于增设城区公共停车设施的提案", "member_demo", ["member_b"], "transport", "replied"),
    ("关于提高网约车监管水平的提案", "member_b", [], "transport", "concluded"),
    ("关于设立晋商文化主题日的提案", "member_demo", [], "education_culture", "declined"),
]


def _member_b(ctx, cppcc) -> None:
    """A second member of the city CPPCC with a login, unless one exists already."""
    if "member_b" in ctx.users:
        return
    person = Person.objects.create(
        name="协力委员",
        gender=Person.Gender.FEMALE,
        birth_year=1980,
        phone="13900000003",
        occupation="晋中市第一人民医院主任医师",
    )
    Member.objects.create(person=person, cppcc=cppcc, term=CPPCC_TERM)
    grant_role(_user(ctx, "member_b", person.name, person=person), Role.MEMBER)


def load(ctx) -> None:
    users = ctx.users
    if not all(u in users for u in ("member_demo", "cppcc_staff", "unit_demo", "unit_signer")):
        return
    cppcc = Cppcc.objects.get(region__code="1407")
    _member_b(ctx, cppcc)
    staff, officer, signer = users["cppcc_staff"], users["unit_demo"], users["unit_signer"]
    unit = HandlingUnit.objects.get(code="JZ-JTYSJ")
    today = dates.today()
    made = 0
    for title, author, cosponsors, category, stage in PROPOSALS:
        seat = actions.seat_for(users[author], cppcc)
        case = actions.do_create_proposal(
            author=seat,
            title=title,
            content=f"{title[2:-3]}是群众关心的问题。建议有关部门统筹规划、明确责任、分步实施。",
            in_session=made % 2 == 0,
            category=Category.objects.filter(code=category).first(),
            co_sponsors=[actions.seat_for(users[u], cppcc) for u in cosponsors],
            respond_by=today + dt.timedelta(days=7),
            acting_user=users[author],
        )
        made += 1
        if stage == "draft":
            continue
        for name in cosponsors:
            actions.do_cosign_proposal(case, accept=True, acting_user=users[name])
        actions.do_submit_proposal(case, acting_user=users[author])
        if stage == "submitted":
            continue
        if stage == "declined":
            actions.do_register_proposal(
                case,
                decision="decline",
                note="所提事项不属于提案受理范围，转为委员来信办理。",
                disposition="letter",
                acting_user=staff,
            )
            continue
        actions.do_register_proposal(case, decision="register", acting_user=staff)
        if stage == "registered":
            continue
        loop.do_assign_case(case, lead_unit=unit, note="请按期答复。", acting_user=staff)
        loop.do_consult_case(
            case,
            stage="before",
            form="visit",
            summary="与提案委员当面沟通，了解提案的具体情况。",
            with_whom=seat.person.name,
            acting_user=officer,
        )
        if stage == "handling":
            continue
        actions.do_reply_proposal(
            case,
            content="经认真研究，所提建议已列入本年度工作计划，将分步实施。",
            category="A",
            acting_user=officer,
        )
        if stage == "pending_signoff":
            continue
        actions.do_sign_off_proposal(case, approve=True, acting_user=signer)
        if stage == "replied":
            continue
        actions.do_evaluate_proposal(case, rating="satisfied", acting_user=users[author])
        actions.do_rate_proposal(
            case, quality="good", comment="调研扎实，建议可行。", acting_user=officer
        )
        loop.do_conclude_case(case, acting_user=staff)
    ctx.stdout.write(f"  政协提案: {made} 件")
