"""Building cases in every state by calling the real actions (never by writing rows)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.test import Client

from lianxin.accounts.models import User
from lianxin.casework import actions
from lianxin.casework.models import Case, Category
from lianxin.liaison.models import Station
from lianxin.org.models import Deputy, HandlingUnit

STATES = ["registered", "triaged", "handling", "replied", "fed_back", "evaluated", "concluded"]


SHANGHAI = ZoneInfo("Asia/Shanghai")


def user(username: str) -> User:
    return User.objects.get(username=username)


def at(y, m, d, h=9):
    """The clock stopped at h o'clock on that day in China."""
    return time_machine.travel(dt.datetime(y, m, d, h, tzinfo=SHANGHAI), tick=False)


def client_for(username: str) -> Client:
    """A browser session signed in as the demo account."""
    c = Client()
    c.force_login(user(username))
    return c


def demo_seat(level: str = "county") -> Deputy:
    """deputy_demo's seat in 榆次区 (county) or 晋中市 (city); both sit at 北关街道代表联络站."""
    return Deputy.objects.select_related("person", "congress").get(
        person__user__username="deputy_demo", congress__level=level
    )


def unit(code: str = "JZ-JTYSJ") -> HandlingUnit:
    return HandlingUnit.objects.get(code=code)


def station(code: str = "YC-BGJD") -> Station:
    return Station.objects.get(code=code)


def category(code: str = "transport") -> Category:
    return Category.objects.get(code=code)


def new_opinion(content: str = "北关街道顺城街路灯不亮，夜间出行不便。", **kwargs) -> Case:
    from lianxin.opinions.actions import do_register_opinion

    kwargs.setdefault("deputy", demo_seat())
    kwargs.setdefault("contact_name", "赵群众")
    kwargs.setdefault("contact_phone", "13812345678")
    case, _created = do_register_opinion(content=content, **kwargs)
    return case


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def advance(case: Case, to: str, *, rating: str = "dissatisfied") -> Case:
    """Walk an opinion along the loop to state `to`, as the people who do it."""
    staff, officer = user("yc_staff"), user("unit_demo")
    steps = STATES[STATES.index(fresh(case).state) + 1 : STATES.index(to) + 1]
    for step in steps:
        if step == "triaged":
            actions.do_triage_case(case, category=category(), acting_user=staff)
        elif step == "handling":
            actions.do_assign_case(case, lead_unit=unit(), acting_user=staff)
        elif step == "replied":
            actions.do_reply_case(
                case, content="已安排维修，三日内修复。", is_public=True, acting_user=officer
            )
        elif step == "fed_back":
            actions.do_feedback_case(case, content="路灯已修复，请您评价。", acting_user=staff)
        elif step == "evaluated":
            actions.do_evaluate_case(case, rating=rating, as_citizen=True)
        elif step == "concluded":
            c = fresh(case)
            if c.rating == "dissatisfied" and c.round == 1:
                actions.do_rehandle_case(c, reason="群众不满意，请重新办理。", acting_user=staff)
                actions.do_reply_case(c, content="已全面更换灯具。", acting_user=officer)
                actions.do_feedback_case(c, content="已全面更换，请再评价。", acting_user=staff)
                actions.do_evaluate_case(c, rating="satisfied", as_citizen=True)
            actions.do_conclude_case(c, acting_user=staff)
    return fresh(case)
