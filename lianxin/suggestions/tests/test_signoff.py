"""The unit's sign-off of a reply: by another officer of the same unit who holds the signing role
(签发人), never by the officer who wrote the reply; on the page, in the API and on the
workbench. Also the pages around it: what a reply's message says, and the co-sponsor's page.

The test world: unit_demo (晋中市交通运输局, a clerk without the signing role) and unit_signer
(the same unit's 签发人) of the lead unit; unit_other_signer (住建局's 签发人, co-handling)."""

from __future__ import annotations

import pytest

from lianxin.accounts.actions import grant_role
from lianxin.accounts.models import Role, User
from lianxin.casework.models import Reply, ReplySignoff
from lianxin.casework.tests.helpers import client_for
from lianxin.web.tests.helpers import text

from .. import actions
from .helpers import PASSWORD, advance, fresh, new_suggestion, unit, user

pytestmark = pytest.mark.django_db


def _reply(case, by: str):
    """The lead unit's reply to a suggestion in handling, written by `by`."""
    actions.do_reply_suggestion(
        case, content="经研究，年内完成两处站台遮雨棚建设。", category="A", acting_user=user(by)
    )
    return fresh(case)


def _second_signer() -> User:
    """Another 签发人 of 晋中市交通运输局, for a reply the first signer wrote himself."""
    other = User.objects.create_user(
        "unit_signer_2", password=PASSWORD, display_name="晋中市交通运输局副局长"
    )
    grant_role(other, Role.UNIT_OFFICER, unit(), can_sign=True)
    return other


def _offered(username: str, case) -> bool:
    page = client_for(username).get(f"/suggestions/{case.pk}/").content.decode()
    return 'data-action="sign_off"' in page


# --- On the page ---------------------------------------------------------------------------------


def test_another_officer_of_the_unit_with_the_signing_role_signs_the_reply_off_on_the_page():
    case = _reply(advance(new_suggestion(), "handling"), "unit_demo")
    assert _offered("unit_signer", case)
    c = client_for("unit_signer")
    assert c.get(f"/suggestions/{case.pk}/do/sign_off/").status_code == 200
    r = c.post(
        f"/suggestions/{case.pk}/do/sign_off/",
        {"approve": "1", "note": "", "version": case.version},
        follow=True,
    )
    assert r.status_code == 200
    assert "已办理“签发答复”，当前状态：已答复。" in text(r)
    assert fresh(case).state == "replied"
    assert ReplySignoff.objects.get(reply__case=case).signed_by == user("unit_signer")


def test_a_clerk_without_the_signing_role_is_not_offered_the_sign_off_and_is_refused_it():
    case = _reply(advance(new_suggestion(), "handling"), "unit_demo")
    assert not _offered("unit_demo", case)
    c = client_for("unit_demo")
    assert c.get(f"/suggestions/{case.pk}/do/sign_off/").status_code == 403
    r = c.post(
        f"/suggestions/{case.pk}/do/sign_off/",
        {"approve": "1", "note": "", "version": case.version},
    )
    assert r.status_code == 403
    assert "签发人" in text(r)
    assert fresh(case).state == "reply_pending_signoff"
    assert not ReplySignoff.objects.filter(reply__case=case).exists()


def test_the_signer_may_not_sign_off_the_reply_he_wrote_himself_another_signer_may():
    case = _reply(advance(new_suggestion(), "handling"), "unit_signer")
    _second_signer()
    assert not _offered("unit_signer", case)
    r = client_for("unit_signer").post(
        f"/suggestions/{case.pk}/do/sign_off/",
        {"approve": "1", "note": "", "version": case.version},
    )
    assert r.status_code == 403
    assert "不能签发本人拟写的答复" in text(r)
    assert fresh(case).state == "reply_pending_signoff"
    assert _offered("unit_signer_2", case)
    actions.do_sign_off_reply(fresh(case), approve=True, acting_user=user("unit_signer_2"))
    assert fresh(case).state == "replied"


def test_a_signer_of_a_co_handling_unit_signs_nothing():
    case = _reply(advance(new_suggestion(), "handling"), "unit_demo")
    assert not _offered("unit_other_signer", case)


def test_a_reply_sent_back_and_rewritten_by_the_signer_waits_for_another_signer():
    case = _reply(advance(new_suggestion(), "handling"), "unit_demo")
    actions.do_sign_off_reply(
        case, approve=False, note="请补充完成时限。", acting_user=user("unit_signer")
    )
    case = _reply(fresh(case), "unit_signer")
    assert not _offered("unit_signer", case)
    # The clerk who wrote the first letter holds no signing role either.
    assert not _offered("unit_demo", case)


# --- Through the API -----------------------------------------------------------------------------


def test_the_api_refuses_the_authors_and_a_clerks_sign_off_and_stores_nothing(api):
    by_signer = _reply(
        advance(new_suggestion("关于签发人本人答复的建议"), "handling"), "unit_signer"
    )
    by_clerk = _reply(advance(new_suggestion("关于经办人答复的建议"), "handling"), "unit_demo")
    for username, case, code, words in [
        ("unit_signer", by_signer, "own_reply", "不能签发本人拟写的答复"),
        ("unit_demo", by_clerk, "not_signer", "签发人"),
        ("unit_demo", by_signer, "not_signer", "签发人"),
    ]:
        client = api.as_user(username)
        shown = client.get(f"/api/v1/suggestions/{case.pk}").json()
        assert "sign_off" not in {a["action"] for a in shown["available_actions"]}
        r = client.post(f"/api/v1/suggestions/{case.pk}/actions/sign_off", {"approve": True})
        assert r.status_code == 403, (username, r.json())
        body = r.json()
        assert body["code"] == code and words in body["message"], (username, body)
        assert fresh(case).version == case.version
        assert fresh(case).state == "reply_pending_signoff"
    assert not ReplySignoff.objects.filter(reply__case__in=[by_signer, by_clerk]).exists()

    r = api.as_user("unit_signer").post(
        f"/api/v1/suggestions/{by_clerk.pk}/actions/sign_off", {"approve": True}
    )
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "replied"
    assert Reply.objects.get(case=by_clerk).signoff.signed_by == user("unit_signer")


# --- On the workbench ----------------------------------------------------------------------------


def test_the_sign_off_list_shows_a_reply_only_to_those_who_may_sign_it():
    by_clerk = _reply(advance(new_suggestion("关于经办人拟写答复的建议"), "handling"), "unit_demo")
    by_signer = _reply(
        advance(new_suggestion("关于签发人拟写答复的建议"), "handling"), "unit_signer"
    )
    _second_signer()

    def workbench(username: str) -> str:
        return text(client_for(username).get("/workbench/"))

    signer = workbench("unit_signer")
    assert "待签发的答复" in signer
    assert by_clerk.display_title in signer
    assert by_signer.display_title not in signer  # his own letter
    second = workbench("unit_signer_2")
    assert by_clerk.display_title in second and by_signer.display_title in second
    clerk = workbench("unit_demo")
    assert "待签发的答复" not in clerk  # he signs nothing: no such list at all
    assert by_clerk.display_title not in clerk
    assert "待签发的答复" in workbench("unit_other_signer")
    assert by_clerk.display_title not in workbench("unit_other_signer")


# --- What the pages around it say ---------------------------------------------------------------


def test_a_replys_message_names_the_state_it_reached_not_answered():
    case = advance(new_suggestion(), "handling")
    r = client_for("unit_demo").post(
        f"/suggestions/{case.pk}/do/reply/",
        {"content": "年内完成。", "category": "A", "version": case.version},
        follow=True,
    )
    assert r.status_code == 200
    page = text(r)
    assert "当前状态：答复待签发" in page
    # Above the similar items (other cases, each with its own state).
    assert "已答复" not in page.split("相似事项")[0]


def test_the_invited_deputy_confirms_co_sponsorship_on_a_page_that_shows_the_suggestion():
    case = new_suggestion(
        "关于增设城区便民座椅的建议",
        co=("deputy_b",),
        content="城区主干道沿线缺少休息座椅，老年人出行不便，建议增设便民座椅。",
    )
    r = client_for("deputy_b").get(f"/suggestions/{case.pk}/do/cosign/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "<title>联名确认" in body
    page = text(r)
    assert "关于增设城区便民座椅的建议" in page
    assert "城区主干道沿线缺少休息座椅，老年人出行不便，建议增设便民座椅。" in page
    assert "连心代表" in page  # who asks
    assert "<legend>答复</legend>" not in body
    assert "是否同意联名" in page
    r = client_for("deputy_b").post(
        f"/suggestions/{case.pk}/do/cosign/", {"accept": "1", "version": fresh(case).version}
    )
    assert r.status_code == 302
    assert case.cosponsors.get().status == "confirmed"


# --- Who hears of a reply waiting for sign-off ---------------------------------------------------


def test_the_signers_are_told_a_reply_waits_and_the_deputies_only_once_it_is_signed(
    django_capture_on_commit_callbacks,
):
    from lianxin.notifications.models import DigestItem, Notification

    case = advance(new_suggestion(), "handling")
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        case = _reply(case, "unit_demo")
    url = f"/suggestions/{case.pk}/"
    told = set(Notification.objects.filter(url=url).values_list("recipient__username", flat=True))
    held = set(DigestItem.objects.filter(url=url).values_list("recipient__username", flat=True))
    # The unit's signer is asked to act at once; the writer is not told of his own reply.
    assert "unit_signer" in told and "unit_demo" not in told | held
    # The deputies (and the office) hear of the reply only when it is signed off.
    assert "deputy_demo" not in told | held
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_sign_off_reply(fresh(case), approve=True, acting_user=user("unit_signer"))
    assert Notification.objects.filter(
        url=url, recipient__username="deputy_demo", verb="replied"
    ).exists()
