"""Following a case: whoever may see it asks to hear of its progress although no rule names
them; told as news (digest or at once, by their notice mode); never of a case they may no longer
see; "not yours" is the same 404."""

from __future__ import annotations

import pytest

from lianxin.casework.models import CaseFollow
from lianxin.notifications.models import DigestItem, Notification

from .helpers import advance, client_for, new_opinion, user

pytestmark = pytest.mark.django_db


def news_for(username: str, url: str) -> list[str]:
    held = DigestItem.objects.filter(recipient__username=username, url=url)
    told = Notification.objects.filter(recipient__username=username, url=url)
    return [r.title for r in held] + [r.title for r in told]


def test_a_leader_follows_a_case_and_hears_of_each_step(django_capture_on_commit_callbacks):
    case = new_opinion()
    url = f"/cases/{case.pk}/"
    leader = client_for("leader_demo")
    assert 'id="case-follow"' in leader.get(url).content.decode()
    r = leader.post(f"/cases/{case.pk}/follow/", {"on": "1", "next": url})
    assert r.status_code == 302 and r["Location"] == url
    assert CaseFollow.objects.filter(case=case, user=user("leader_demo")).count() == 1
    assert 'aria-pressed="true"' in leader.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        advance(case, "triaged")
    assert any("关注的事项有新进展" in t and "梳理" in t for t in news_for("leader_demo", url))
    # Stop following: the next step is not told.
    leader.post(f"/cases/{case.pk}/follow/", {"on": "0"})
    before = len(news_for("leader_demo", url))
    with django_capture_on_commit_callbacks(execute=True):
        advance(case, "handling")
    assert len(news_for("leader_demo", url)) == before


def test_a_follower_who_may_no_longer_see_the_case_is_not_told(django_capture_on_commit_callbacks):
    case = new_opinion()
    CaseFollow.objects.create(case=case, user=user("tg_staff"))  # as if from a former role
    with django_capture_on_commit_callbacks(execute=True):
        advance(case, "triaged")
    assert news_for("tg_staff", f"/cases/{case.pk}/") == []


def test_following_a_case_one_may_not_see_is_not_found_and_the_way_back_stays_on_site():
    case = new_opinion()
    assert client_for("tg_staff").post(f"/cases/{case.pk}/follow/", {"on": "1"}).status_code == 404
    assert client_for("tg_staff").get(f"/cases/{case.pk}/follow/").status_code == 405
    r = client_for("yc_staff").post(
        f"/cases/{case.pk}/follow/", {"on": "1", "next": "https://evil.example/"}
    )
    assert r["Location"] == f"/cases/{case.pk}/"
    assert not CaseFollow.objects.filter(user=user("tg_staff")).exists()
