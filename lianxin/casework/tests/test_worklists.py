"""The workbench's work lists, filled from the cases each person must act on."""

import pytest

from lianxin.casework.queries import work_items

from .helpers import advance, new_opinion, user

pytestmark = pytest.mark.django_db


def ids(username, key):
    items, count = work_items(user(username), key, limit=500)
    assert count >= len(items)
    return {c.pk for c in items}


def test_each_role_finds_its_own_work():
    registered = new_opinion("待梳理")
    handling = advance(new_opinion("办理中"), "handling")
    replied = advance(new_opinion("待反馈"), "replied")
    assert registered.pk in ids("yc_staff", "triage")
    assert registered.pk in ids("yc_station", "register")
    assert handling.pk in ids("unit_demo", "handle") and handling.pk in ids("unit_demo", "reply")
    assert replied.pk in ids("yc_station", "feedback") and replied.pk in ids("yc_staff", "feedback")
    assert {registered.pk, handling.pk, replied.pk} <= ids("deputy_demo", "station_opinions")
    assert handling.pk not in ids("unit_other", "handle")
    assert registered.pk not in ids("tg_staff", "triage")
    assert work_items(user("yc_staff"), "no_such_list") == ([], 0)
