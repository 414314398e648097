"""Who reads a seat's record, its posts, the scoreboard and the rules, and who posts and
decides, persona by persona (written out by name, so that a rule that changes fails here)."""

import pytest
from django.utils import timezone

from lianxin.accounts.access import can, visible_to
from lianxin.duty import actions
from lianxin.duty.models import DutyEntry, DutyPost

pytestmark = pytest.mark.django_db

PERSONAS = [
    "yc_staff",
    "jz_staff",
    "tg_staff",
    "leader_demo",
    "admin",
    "deputy_demo",
    "deputy_d",
    "deputy_b",
    "unit_demo",
    "yc_station",
]
# deputy_demo's county seat and a pending post of it.
READS_RECORD = {"yc_staff", "jz_staff", "leader_demo", "admin", "deputy_demo", "yc_station"}
DECIDES = {"yc_staff", "yc_station"}
READS_SCORES = {"yc_staff", "jz_staff", "leader_demo", "admin"}
READS_RULES = READS_SCORES | {"deputy_demo", "deputy_d", "yc_station"}


@pytest.fixture
def world(users, seat_of):
    seat = seat_of(users["deputy_demo"])
    post = actions.do_submit_post(
        seat,
        title="走访",
        content="内容",
        date=timezone.localdate(),
        acting_user=users["deputy_demo"],
    )
    return seat, post


@pytest.mark.parametrize("username", PERSONAS)
def test_each_persona_reads_and_acts_only_as_written(world, users, username):
    seat, post = world
    user = users[username]
    reads = username in READS_RECORD
    assert can(user, "dutyentry.read_seat", seat) is reads
    assert visible_to(user, DutyEntry).filter(deputy=seat).exists() is reads
    assert visible_to(user, DutyPost).filter(pk=post.pk).exists() is reads
    assert can(user, "dutypost.view", post) is reads
    assert can(user, "dutypost.decide", post) is (username in DECIDES)
    assert can(user, "dutypost.submit", seat) is (username == "deputy_demo")
    assert can(user, "duty.scores", seat.congress) is (username in READS_SCORES)
    assert can(user, "scoringrule.read", seat.congress) is (username in READS_RULES)
    assert can(user, "duty.record") is username.startswith("deputy_")


def test_a_refused_decision_changes_nothing(world, users):
    from lianxin.core.errors import Forbidden

    _seat, post = world
    for username in ("deputy_demo", "tg_staff", "jz_staff"):
        with pytest.raises(Forbidden):
            actions.do_decide_post(post, approve=True, acting_user=users[username])
    post.refresh_from_db()
    assert post.status == "pending"
