"""Building proposals in every state by calling the real actions (never by writing rows).

The test world: member_demo and member_b (members of 晋中市政协), cppcc_staff (its proposals
committee), unit_demo (晋中市交通运输局, lead, writes replies), unit_signer (the same unit's
签发人), unit_other (晋中市住房和城乡建设局, co-handling); `other_cppcc()` adds 榆次区政协 with its
own staff (`yc_cppcc_staff`) and member (`yc_member`)."""

from __future__ import annotations

from lianxin.accounts.actions import grant_role
from lianxin.accounts.models import Role, User
from lianxin.casework import actions as loop
from lianxin.casework.models import Case
from lianxin.org.models import Cppcc, HandlingUnit, Level, Member, Person, Region

from .. import actions

STATES = [
    "draft",
    "submitted",
    "registered",
    "assigned",
    "handling",
    "reply_pending_signoff",
    "replied",
    "evaluated",
    "concluded",
]


def user(username: str) -> User:
    return User.objects.get(username=username)


def seat(username: str) -> Member:
    return Member.objects.select_related("person", "cppcc__region").get(
        person__user__username=username
    )


def unit(code: str = "JZ-JTYSJ") -> HandlingUnit:
    return HandlingUnit.objects.get(code=code)


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def other_cppcc() -> Cppcc:
    """榆次区政协, with a staff account and a member account of its own."""
    cppcc = Cppcc.objects.create(
        level=Level.COUNTY,
        region=Region.objects.get(code="140702"),
        name="中国人民政治协商会议晋中市榆次区委员会",
        term=9,
    )
    staff = User.objects.create_user(
        "yc_cppcc_staff", password="x", display_name="榆次区政协提案委"
    )
    grant_role(staff, Role.CPPCC_STAFF, cppcc)
    person = Person.objects.create(name="榆次委员", gender=Person.Gender.MALE, birth_year=1970)
    Member.objects.create(person=person, cppcc=cppcc, term=9)
    member = User.objects.create_user(
        "yc_member", password="x", display_name="榆次委员", person=person
    )
    grant_role(member, Role.MEMBER)
    return cppcc


def new_proposal(title: str = "关于完善城区慢行交通系统的提案", *, author="member_demo", co=()):
    return actions.do_create_proposal(
        author=seat(author),
        title=title,
        content="城区自行车道和人行道不连续，建议统筹规划慢行交通系统。",
        co_sponsors=[seat(u) for u in co],
        acting_user=user(author),
    )


def advance(case: Case, state: str, *, author="member_demo", co=("member_b",)) -> Case:
    """Take `case` (a fresh draft) along the loop until it is in `state`."""
    path = STATES[: STATES.index(state) + 1]
    if "submitted" in path:
        for name in co:
            actions.do_cosign_proposal(fresh(case), accept=True, acting_user=user(name))
        actions.do_submit_proposal(fresh(case), acting_user=user(author))
    if "registered" in path:
        actions.do_register_proposal(
            fresh(case), decision="register", acting_user=user("cppcc_staff")
        )
    if "assigned" in path:
        loop.do_assign_case(
            fresh(case),
            lead_unit=unit(),
            co_units=[unit("JZ-ZFCXJSJ")],
            acting_user=user("cppcc_staff"),
        )
    if "handling" in path:
        loop.do_consult_case(
            fresh(case),
            stage="before",
            form="visit",
            summary="当面听取提案委员意见。",
            acting_user=user("unit_demo"),
        )
    if "reply_pending_signoff" in path:
        actions.do_reply_proposal(
            fresh(case), content="已列入本年度计划。", category="A", acting_user=user("unit_demo")
        )
    if "replied" in path:
        actions.do_sign_off_proposal(fresh(case), approve=True, acting_user=user("unit_signer"))
    if "evaluated" in path:
        actions.do_evaluate_proposal(fresh(case), rating="satisfied", acting_user=user(author))
    if "concluded" in path:
        loop.do_conclude_case(fresh(case), acting_user=user("cppcc_staff"))
    return fresh(case)
