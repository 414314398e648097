"""Cases about street lamps (路灯) for the search tests, made by the real actions so that the
trail indexes them: this month's opinions in 榆次区, a 榆次区 deputy's suggestion submitted three
years ago, and an opinion of 太谷区 that 榆次区's staff must not find. Used in-process by the
unit tests and on the live server by `manage.py shell -c "…make_street_lamp_cases()"`."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.db import transaction
from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")


@transaction.atomic
def make_street_lamp_cases() -> dict:
    from lianxin.accounts.models import User
    from lianxin.liaison.models import Station
    from lianxin.opinions.actions import do_register_opinion
    from lianxin.org.models import Deputy
    from lianxin.suggestions.actions import do_create_suggestion, do_submit_suggestion

    seat = Deputy.objects.select_related("person", "congress").get(
        person__user__username="deputy_demo", congress__level="county"
    )
    author = User.objects.get(username="deputy_demo")
    now = timezone.localtime(timezone.now(), SHANGHAI)
    with time_machine.travel(now.replace(year=now.year - 3, day=min(now.day, 28)), tick=False):
        old = do_create_suggestion(
            author=seat,
            title="关于在城郊村道增设路灯的建议",
            content="城郊多条村道没有照明设施，村民夜间出行存在安全隐患，建议分批增设太阳能路灯。",
            in_session=False,
            acting_user=author,
        )
        old = do_submit_suggestion(old, acting_user=author)
    first, _ = do_register_opinion(
        content="幸福街东段的路灯一到晚上就不亮，已经一个多星期了，请尽快修复。",
        deputy=seat,
        contact_name="孙群众",
        contact_phone="13900007701",
    )
    second, _ = do_register_opinion(
        content="锦纶路人行道旁两盏路灯灯杆倾斜，存在倒伏危险。",
        deputy=seat,
        contact_name="周群众",
        contact_phone="13900007702",
    )
    taigu = Station.objects.filter(region__code__startswith="140703", is_active=True).first()
    other, _ = do_register_opinion(
        content="太谷区胡村镇主街路灯全部不亮，群众夜间出行困难。",
        station=taigu,
        channel="station_desk",
        contact_name="吴群众",
        contact_phone="13900007703",
    )
    return {"suggestion": old, "opinions": [first, second], "taigu": other}


def three_years_ago() -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - 3, day=min(today.day, 28))
