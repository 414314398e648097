"""Who may see and act on an activity and its invitations, persona by persona (written out by
name, so that a rule that changes fails here)."""

import pytest

from lianxin.accounts.access import can, visible_to
from lianxin.duty.models import Activity, Invitation

pytestmark = pytest.mark.django_db

SEES = {
    "yc_staff": True,  # the organising office
    "jz_staff": True,  # the city office reads its counties (roll-up)
    "tg_staff": False,  # another county's office
    "leader_demo": True,  # the city's leader reads the subtree
    "admin": True,
    "deputy_demo": True,  # invited
    "deputy_d": False,  # not invited
    "deputy_b": False,  # a city deputy, not invited
    "unit_demo": False,  # a unit that did not organise it
    "yc_station": False,
}
MANAGES = {"yc_staff"}


@pytest.fixture
def world(make_activity, users, seat_of):
    from lianxin.duty import actions

    activity = make_activity()
    inv = actions.do_send_invitations(
        activity, [seat_of(users["deputy_demo"]).pk], acting_user=users["yc_staff"]
    )[0]
    return activity, inv


@pytest.mark.parametrize("username", sorted(SEES))
def test_each_persona_sees_and_acts_only_as_written(world, users, username):
    activity, inv = world
    user = users[username]
    assert visible_to(user, Activity).filter(pk=activity.pk).exists() is SEES[username]
    assert can(user, "activity.view", activity) is SEES[username]
    assert visible_to(user, Invitation).filter(pk=inv.pk).exists() is SEES[username]
    assert can(user, "activity.manage", activity) is (username in MANAGES)
    assert can(user, "invitation.answer", inv) is (username == "deputy_demo")
    assert can(user, "invitation.sign_in", inv) is (username == "deputy_demo")


@pytest.mark.parametrize(
    "username,allowed",
    [
        ("yc_staff", True),
        ("jz_staff", False),
        ("tg_staff", False),
        ("leader_demo", False),
        ("deputy_demo", False),
        ("unit_demo", False),
    ],
)
def test_only_the_office_of_the_congress_creates_its_activities(yuci, users, username, allowed):
    assert can(users[username], "activity.create", yuci) is allowed


def test_a_unit_proposes_only_to_the_congress_of_its_region(users, yuci):
    from lianxin.duty.actions import congress_of_unit

    unit = users["unit_demo"].roles.get(role="unit_officer").unit
    city = congress_of_unit(unit)
    assert city.level == "city"
    assert can(users["unit_demo"], "activity.propose", (city, unit))
    assert not can(users["unit_demo"], "activity.propose", (yuci, unit))
    assert not can(users["unit_other"], "activity.propose", (city, unit))


def test_a_proposing_unit_sees_its_event_and_the_city_office_approves_it(users):
    proposed = Activity.objects.get(title="交通运输局开放日")
    assert proposed.status == Activity.Status.PROPOSED
    assert visible_to(users["unit_demo"], Activity).filter(pk=proposed.pk).exists()
    assert not visible_to(users["unit_other"], Activity).filter(pk=proposed.pk).exists()
    assert can(users["jz_staff"], "activity.manage", proposed)
    assert not can(users["yc_staff"], "activity.manage", proposed)
    assert not can(users["unit_demo"], "activity.manage", proposed)
