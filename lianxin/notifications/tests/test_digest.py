"""Issue 13, defect 8: notification floods. Who can act is told at once; the rest is news,
grouped into one digest a day (in-app and e-mail), by each user's choice."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import resolve
from django.utils import timezone

from lianxin.accounts.models import User
from lianxin.casework.models import Case
from lianxin.casework.scan import scan_deadlines
from lianxin.casework.workflow import workflow_for
from lianxin.notifications.digest import build_digests
from lianxin.notifications.models import DigestItem, Notification
from lianxin.notifications.queries import unread_count
from lianxin.notifications.services import notify

pytestmark = pytest.mark.django_db


def _morning():
    """The demo's morning: the demo's activity (loaded by the session fixture, notified at
    once), the deadline scan, then the scan that sends the day's digests at nine."""
    scan_deadlines()
    nine = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    return build_digests(nine + dt.timedelta(days=1))


def _case_of(notification: Notification) -> Case | None:
    match = resolve(notification.url.split("?")[0])
    pk = match.kwargs.get("pk") or match.kwargs.get("case_id")
    return Case.objects.filter(pk=pk).first() if pk else None


def _may_move_on(case: Case, user: User) -> bool:
    """Read straight from the workflow table and the access rules: a transition from the
    case's state that changes it and is not a side step."""
    from lianxin.accounts.access import can

    wf = workflow_for(case.kind)
    return any(
        case.state in t.sources
        and t.target is not None
        and not t.secondary
        and not t.refusal(case)
        and can(user, t.permission, case)
        for t in wf.transitions
    )


def _pending_invitation(n, user) -> bool:
    from lianxin.duty.models import Invitation

    return any(
        inv.get_absolute_url() == n.url
        for inv in Invitation.objects.filter(
            deputy__person__user=user, answer=Invitation.Answer.PENDING
        )
    )


@pytest.mark.parametrize("username", ["deputy_demo", "yc_station", "yc_staff", "unit_demo"])
def test_after_the_demo_morning_each_unread_notice_is_something_to_act_on_plus_one_digest(
    username,
):
    user = User.objects.get(username=username)
    held = DigestItem.objects.filter(recipient=user).count()
    _morning()
    unread = list(Notification.objects.filter(recipient=user, read_at__isnull=True))
    digests = [n for n in unread if n.verb == "digest"]
    items = [n for n in unread if n.verb != "digest"]
    assert len(digests) == 1
    for n in items:
        if n.verb == "duty_invited":
            # An invitation to an activity asks its deputy to answer while it is pending.
            assert _pending_invitation(n, user), n.title
            continue
        case = _case_of(n)
        assert case is not None, n.title
        # An invitation to co-sign asks its deputy to answer, whatever the case's state.
        assert n.verb == "cosign_invite" or _may_move_on(case, user), (n.verb, n.title)
    assert unread_count(user) == len(items) + 1
    # The one digest stands for several notices, each of which used to arrive on its own.
    assert held > 1


def test_a_deputy_hears_of_no_deadline_on_a_station_opinion_they_cannot_act_on():
    _morning()
    deputy = User.objects.get(username="deputy_demo")
    for n in Notification.objects.filter(recipient=deputy, verb__startswith="due_"):
        assert _may_move_on(_case_of(n), deputy), n.title
    # Nobody is sent one notification per new opinion: the triage work list counts them. (A
    # proposal's 立案 is another event, of /proposals/, news its proposers wait for.)
    assert not Notification.objects.filter(
        verb__in=["register", "triage"], url__startswith="/cases/"
    ).exists()


def test_the_digest_lists_each_held_notice_with_its_link_in_app_and_by_email(
    client, django_capture_on_commit_callbacks
):
    deputy = User.objects.get(username="deputy_demo")
    deputy.email = "deputy@example.org"
    deputy.save(update_fields=["email"])
    held = list(DigestItem.objects.filter(recipient=deputy, digest__isnull=True))
    assert held, "the demo's news for the deputy waits for the digest"
    with django_capture_on_commit_callbacks(execute=True):
        _morning()
    digest = Notification.objects.get(recipient=deputy, verb="digest")
    assert str(len(held)) in digest.title
    [message] = [m for m in mail.outbox if m.subject == digest.title]
    assert message.to == ["deputy@example.org"]
    for item in held:
        assert item.title in message.body and f"http://testserver{item.url}" in message.body
    client.force_login(deputy)
    page = client.get(digest.url).content.decode()
    for item in held:
        assert item.title in page and f'href="{item.url}"' in page
    # Once a day: a second scan the same day sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert _morning() == 0
    assert Notification.objects.filter(recipient=deputy, verb="digest").count() == 1


def test_another_users_digest_is_not_found(client):
    _morning()
    digest = Notification.objects.filter(verb="digest").exclude(recipient__username="yc_staff")[0]
    client.force_login(User.objects.get(username="yc_staff"))
    assert client.get(digest.url).status_code == 404


def test_no_digest_before_the_hour(settings):
    settings.LIANXIN_DIGEST_HOUR = 7
    six = timezone.localtime().replace(hour=6, minute=0) + dt.timedelta(days=1)
    assert DigestItem.objects.filter(digest__isnull=True).exists()
    assert build_digests(six) == 0


def test_mark_all_as_read_on_the_page_with_htmx_and_without(client):
    user = User.objects.get(username="yc_station")
    client.force_login(user)
    assert unread_count(user) > 0
    page = client.get("/notifications/").content.decode()
    assert "全部标为已读" in page
    response = client.post("/notifications/read-all", headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="notification-list"' in html and "没有未读通知" in html and "<html" not in html
    assert unread_count(user) == 0
    notify([user], verb="assign", title="新交办：测试")
    response = client.post("/notifications/read-all")
    assert response.status_code == 302 and unread_count(user) == 0


def test_the_notice_mode_is_chosen_on_the_notifications_page(client):
    user = User.objects.get(username="deputy_demo")
    assert user.notice_mode == User.NoticeMode.DIGEST
    client.force_login(user)
    assert "每日摘要" in client.get("/notifications/").content.decode()
    notify([user], verb="reply", title="答复：甲", informational=True)
    assert not Notification.objects.filter(recipient=user, title="答复：甲").exists()
    response = client.post("/notifications/mode", {"notice_mode": "immediate"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.notice_mode == User.NoticeMode.IMMEDIATE
    notify([user], verb="reply", title="答复：乙", informational=True)
    assert Notification.objects.filter(recipient=user, title="答复：乙").exists()


def test_a_wrong_notice_mode_is_refused_and_nothing_changes(client):
    user = User.objects.get(username="deputy_demo")
    client.force_login(user)
    response = client.post("/notifications/mode", {"notice_mode": "hourly"})
    assert response.status_code == 422 and 'role="alert"' in response.content.decode()
    user.refresh_from_db()
    assert user.notice_mode == User.NoticeMode.DIGEST


@pytest.mark.browser
def test_mark_all_as_read_in_the_browser(page, login):
    login(page, "yc_station")
    page.goto("/notifications/")
    page.click("#read-all")
    page.wait_for_selector("text=没有未读通知")
    assert page.locator("#read-all").count() == 0
