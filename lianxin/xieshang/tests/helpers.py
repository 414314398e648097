"""The test world: cppcc_staff (晋中市政协) sets up events and studios; member_demo and member_b
are its members; `lianxin.proposals.tests.helpers.other_cppcc()` adds 榆次区政协 below it with its
own staff (yc_cppcc_staff) and member (yc_member). Rows are made by the real actions."""

from __future__ import annotations

import datetime as dt

from lianxin.accounts.models import User
from lianxin.org.models import HandlingUnit, Member

from .. import actions
from ..models import ConsultationEvent


def user(username: str) -> User:
    return User.objects.get(username=username)


def seat(username: str) -> Member:
    return Member.objects.select_related("cppcc__region", "person").get(
        person__user__username=username
    )


def unit(code: str = "JZ-JTYSJ") -> HandlingUnit:
    return HandlingUnit.objects.get(code=code)


def new_event(*, participants=("member_demo",), **kwargs) -> ConsultationEvent:
    cppcc = seat("member_demo").cppcc
    return actions.do_create_event(
        cppcc,
        kind=kwargs.pop("kind", "topical"),
        title=kwargs.pop("title", "城区慢行交通系统建设专题协商会"),
        topic="如何补齐城区自行车道和人行道的断点。",
        held_on=dt.date(2026, 5, 20),
        place="市政协三楼会议室",
        agenda=["市交通运输局通报情况", "委员发言", "互动交流"],
        participants=[seat(u) for u in participants],
        invited_units=[unit()],
        acting_user=user("cppcc_staff"),
        **kwargs,
    )
