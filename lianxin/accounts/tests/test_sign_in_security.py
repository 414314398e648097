"""Sign-in security (issue 15, items 2, 5 and 6) through the real API and pages: passwords set
by staff, idle sessions, API tokens (listed, revoked, ended by sign-out, password change and
lock-out) and the lock-out by account name and address."""

import time

import pytest
from django.test import Client, override_settings

from lianxin.accounts.models import ApiToken, User
from lianxin.accounts.sessions import SEEN, STARTED
from lianxin.core.models import AuditLog
from lianxin.org.models import Deputy

pytestmark = pytest.mark.django_db

DEMO = "lianxin-demo"
STRONG = "Jinzhong-2026-safe"
OWN = "My-own-choice-2026"


def token(client, username, password=DEMO, **extra):
    """A token asked with a password, from a Django test client (or the `api` fixture's)."""
    r = getattr(client, "client", client).post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
        **extra,
    )
    return r


def bearer(raw):
    return {"Authorization": f"Bearer {raw}"}


def signed_in_page(username="yc_staff", password=DEMO) -> Client:
    client = Client()
    r = client.post("/login/", {"username": username, "password": password})
    assert r.status_code == 302, r.content.decode()[:500]
    return client


# --- Passwords set by staff ------------------------------------------------------------------


@pytest.fixture
def staff_made_login(api):
    deputy = Deputy.objects.filter(congress__region__code="140702", person__user__isnull=True)
    r = api.as_user("yc_staff").post(
        "/api/v1/users", {"username": "new_login", "password": STRONG, "deputy": deputy[0].pk}
    )
    assert r.status_code == 201, r.json()
    return User.objects.get(username="new_login")


def test_a_password_set_by_staff_leads_to_the_password_page_until_changed(staff_made_login):
    assert staff_made_login.must_change_password
    client = signed_in_page("new_login", STRONG)
    r = client.get("/workbench/")
    assert r.status_code == 302 and r["Location"] == "/account/password/"
    page = client.get("/account/password/")
    assert "您的密码由工作人员设置" in page.content.decode()
    # The API answers the session's GETs the same way.
    api_get = client.get("/api/v1/me")
    assert api_get.status_code == 403
    assert api_get.json()["code"] == "password_change_required"
    bad = client.post(
        "/account/password/",
        {"old_password": "wrong", "new_password1": OWN, "new_password2": OWN},
    )
    assert bad.status_code == 200
    assert User.objects.get(pk=staff_made_login.pk).must_change_password
    ok = client.post(
        "/account/password/",
        {"old_password": STRONG, "new_password1": OWN, "new_password2": OWN},
    )
    assert ok.status_code == 302
    user = User.objects.get(pk=staff_made_login.pk)
    assert not user.must_change_password and user.check_password(OWN)
    assert client.get("/workbench/").status_code == 200  # still signed in
    assert AuditLog.objects.filter(kind="password_changed", target="new_login").exists()


def test_an_api_login_with_a_password_set_by_staff_must_change_it_first(api, staff_made_login):
    raw = token(api, "new_login", STRONG).json()["token"]
    refused = api.get("/api/v1/me", headers=bearer(raw))
    assert refused.status_code == 403
    assert refused.json()["code"] == "password_change_required"
    assert refused.json()["message"]
    weak = api.post(
        "/api/v1/me/password", {"old_password": STRONG, "new_password": "123"}, headers=bearer(raw)
    )
    assert weak.status_code == 422 and weak.json()["field"] == "new_password"
    wrong = api.post(
        "/api/v1/me/password", {"old_password": "nope", "new_password": OWN}, headers=bearer(raw)
    )
    assert wrong.status_code == 422 and wrong.json()["field"] == "old_password"
    ok = api.post(
        "/api/v1/me/password", {"old_password": STRONG, "new_password": OWN}, headers=bearer(raw)
    )
    assert ok.status_code == 200
    assert api.get("/api/v1/me", headers=bearer(raw)).status_code == 200


def test_a_password_reset_by_the_administrator_must_be_changed_and_ends_tokens(api, users):
    raw = token(api, "deputy_b").json()["token"]
    admin = signed_in_page("admin")
    user = users["deputy_b"]
    r = admin.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": STRONG, "password2": STRONG, "usable_password": "true"},
    )
    assert r.status_code == 302, r.content.decode()[:800]
    user.refresh_from_db()
    assert user.must_change_password and user.check_password(STRONG)
    assert api.get("/api/v1/me", headers=bearer(raw)).status_code == 401


# --- Idle sessions -----------------------------------------------------------------------------


def _age_session(client, **ago):
    session = client.session
    now = time.time()
    for key, seconds in ago.items():
        session[key] = now - seconds
    session.save()


def test_an_unused_session_ends_after_the_idle_time(users):
    client = signed_in_page()
    page = client.get("/workbench/")
    assert 'id="session-notice"' in page.content.decode()
    assert 'data-idle="1800"' in page.content.decode()
    _age_session(client, **{SEEN: 29 * 60})
    assert client.get("/workbench/").status_code == 200  # 29 minutes: still signed in
    _age_session(client, **{SEEN: 31 * 60})
    r = client.get("/workbench/", follow=True)
    assert r.redirect_chain[0][0].startswith("/login/?next=")
    assert "已自动退出" in r.content.decode()
    assert client.get("/workbench/").status_code == 302


def test_the_continue_ping_keeps_the_session_and_says_when_it_is_gone(users):
    client = signed_in_page()
    _age_session(client, **{SEEN: 25 * 60})
    r = client.post("/account/ping/")
    assert r.status_code == 200 and r.json()["remaining"] == 1800
    assert time.time() - client.session[SEEN] < 5
    _age_session(client, **{SEEN: 40 * 60})
    gone = client.post("/account/ping/")
    assert gone.status_code == 401 and gone.json()["code"] == "signed_out"


def test_a_busy_session_still_ends_ten_hours_after_sign_in(users):
    client = signed_in_page()
    client.get("/workbench/")
    _age_session(client, **{STARTED: 10 * 3600 + 60, SEEN: 10})
    assert client.get("/workbench/").status_code == 302


@override_settings(LIANXIN_SESSION_IDLE_MINUTES=5)
def test_the_idle_time_is_a_setting(users):
    client = signed_in_page()
    assert 'data-idle="300"' in client.get("/workbench/").content.decode()
    _age_session(client, **{SEEN: 6 * 60})
    assert client.get("/workbench/").status_code == 302


# --- Tokens ------------------------------------------------------------------------------------


def test_the_owner_lists_and_revokes_tokens_through_the_api(api):
    first = token(api, "yc_staff", HTTP_USER_AGENT="连心 App/1.0").json()["token"]
    second = token(api, "yc_staff").json()["token"]
    other = token(api, "tg_staff").json()["token"]
    rows = api.get("/api/v1/auth/tokens", headers=bearer(second)).json()
    assert len(rows) == 2
    assert [r["current"] for r in rows] == [True, False]
    assert rows[1]["device"] == "连心 App/1.0"
    assert "token" not in rows[0] and "key_hash" not in rows[0]
    mine = rows[1]["id"]
    theirs = ApiToken.objects.get(user__username="tg_staff").pk
    assert (
        api.client.delete(f"/api/v1/auth/tokens/{theirs}", headers=bearer(second)).status_code
        == 404
    )
    assert api.get("/api/v1/me", headers=bearer(other)).status_code == 200
    assert (
        api.client.delete(f"/api/v1/auth/tokens/{mine}", headers=bearer(second)).status_code == 204
    )
    assert api.get("/api/v1/me", headers=bearer(first)).status_code == 401
    assert AuditLog.objects.filter(kind="token_revoked", target="yc_staff").exists()


def test_api_logout_revokes_the_token_of_that_device_only(api):
    phone = token(api, "yc_staff").json()["token"]
    laptop = token(api, "yc_staff").json()["token"]
    assert api.post("/api/v1/auth/logout", {}, headers=bearer(phone)).status_code == 204
    assert api.get("/api/v1/me", headers=bearer(phone)).status_code == 401
    assert api.get("/api/v1/me", headers=bearer(laptop)).status_code == 200


def test_the_token_page_lists_and_revokes_and_web_logout_ends_the_sessions_tokens(users):
    client = signed_in_page()
    from_session = client.post(
        "/api/v1/auth/token",
        {"username": "yc_staff", "password": DEMO},
        content_type="application/json",
    ).json()["token"]
    elsewhere = token(Client(), "yc_staff").json()["token"]
    page = client.get("/account/tokens/")
    assert page.status_code == 200
    assert page.content.decode().count("撤销</button>") == 2
    # Another user's token cannot be revoked from this page.
    theirs = token(Client(), "tg_staff").json()["token"]
    tg_token = ApiToken.objects.get(user__username="tg_staff")
    assert client.post(f"/account/tokens/{tg_token.pk}/revoke/").status_code == 404
    other = Client()
    assert other.get("/api/v1/me", headers=bearer(theirs)).status_code == 200
    # Signing out of the page ends the token asked from that session, not the other one.
    client.post("/logout/")
    assert other.get("/api/v1/me", headers=bearer(from_session)).status_code == 401
    assert other.get("/api/v1/me", headers=bearer(elsewhere)).status_code == 200
    again = signed_in_page()
    kept = ApiToken.objects.get(user__username="yc_staff")
    r = again.post(f"/account/tokens/{kept.pk}/revoke/", follow=True)
    assert "接口令牌已撤销" in r.content.decode()
    assert other.get("/api/v1/me", headers=bearer(elsewhere)).status_code == 401


def test_changing_the_password_ends_every_other_token(api, users):
    old = token(api, "deputy_b").json()["token"]
    current = token(api, "deputy_b").json()["token"]
    r = api.post(
        "/api/v1/me/password", {"old_password": DEMO, "new_password": OWN}, headers=bearer(current)
    )
    assert r.status_code == 200
    assert api.get("/api/v1/me", headers=bearer(old)).status_code == 401
    assert api.get("/api/v1/me", headers=bearer(current)).status_code == 200
    # On the page, every token of the user ends.
    client = signed_in_page("deputy_b", OWN)
    client.post(
        "/account/password/",
        {"old_password": OWN, "new_password1": STRONG, "new_password2": STRONG},
    )
    assert api.get("/api/v1/me", headers=bearer(current)).status_code == 401


def test_the_administrator_sees_and_revokes_tokens_in_the_admin(api, users):
    raw = token(api, "yc_staff").json()["token"]
    admin = signed_in_page("admin")
    row = ApiToken.objects.get(user__username="yc_staff")
    assert admin.get("/admin/accounts/apitoken/").status_code == 200
    r = admin.post(f"/admin/accounts/apitoken/{row.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302
    assert api.get("/api/v1/me", headers=bearer(raw)).status_code == 401


# --- Lock-out ----------------------------------------------------------------------------------


def test_a_right_api_login_resets_the_failures(api):
    for _ in range(3):
        assert token(api, "yc_staff", "nope").status_code == 401
    assert token(api, "yc_staff").status_code == 200
    for _ in range(2):
        assert token(api, "yc_staff", "nope").status_code == 401
    assert token(api, "yc_staff").status_code == 200


def test_typing_a_name_wrongly_from_one_address_does_not_lock_it_elsewhere(api):
    attacker = {"REMOTE_ADDR": "203.0.113.9"}
    for _ in range(5):
        token(api, "admin", "guess", **attacker)
    assert token(api, "admin", DEMO, **attacker).status_code == 429
    assert token(api, "admin", DEMO, REMOTE_ADDR="10.1.2.3").status_code == 200
    page = Client(REMOTE_ADDR="10.1.2.3")
    assert page.post("/login/", {"username": "admin", "password": DEMO}).status_code == 302


@override_settings(LIANXIN_LOGIN_ACCOUNT_FAILURE_LIMIT=8)
def test_failures_from_many_addresses_lock_the_account_and_end_its_tokens(api):
    raw = token(api, "tg_staff").json()["token"]
    for i in range(8):
        token(api, "tg_staff", "guess", REMOTE_ADDR=f"198.51.100.{i + 1}")
    locked = token(api, "tg_staff", DEMO, REMOTE_ADDR="10.9.9.9")
    assert locked.status_code == 429 and locked.json()["code"] == "locked_out"
    assert api.get("/api/v1/me", headers=bearer(raw)).status_code == 401
    assert AuditLog.objects.filter(kind="token_revoked", target="tg_staff").exists()
    # The administrator unlocks it in the admin.
    admin = signed_in_page("admin")
    user = User.objects.get(username="tg_staff")
    r = admin.post(
        "/admin/accounts/user/",
        {"action": "unlock_sign_in", "_selected_action": [user.pk]},
        follow=True,
    )
    assert "已解除 1 个账号的登录锁定" in r.content.decode()
    assert token(api, "tg_staff", DEMO, REMOTE_ADDR="10.9.9.9").status_code == 200
    assert AuditLog.objects.filter(kind="unlocked", target="tg_staff").exists()


def test_an_account_the_administrator_adds_in_the_admin_must_change_its_password(users):
    admin = signed_in_page("admin")
    r = admin.post(
        "/admin/accounts/user/add/",
        {
            "username": "admin_made",
            "usable_password": "true",
            "password1": STRONG,
            "password2": STRONG,
            "roles-TOTAL_FORMS": "0",
            "roles-INITIAL_FORMS": "0",
        },
    )
    assert r.status_code == 302, r.content.decode()[:1500]
    assert User.objects.get(username="admin_made").must_change_password
    client = signed_in_page("admin_made", STRONG)
    assert client.get("/workbench/")["Location"] == "/account/password/"
