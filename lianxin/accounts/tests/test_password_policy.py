"""The password policy as settings (complexity, history, expiry), the hasher (Argon2 first, old
PBKDF2 hashes upgraded at sign-in) and API tokens stored as hashes: issue 15, "Identity" and
"Cryptography", through the real API and pages."""

import hashlib
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client, override_settings
from django.utils import timezone

import lianxin.settings as configured
from lianxin.accounts.models import ApiToken, PasswordHistory, User

pytestmark = pytest.mark.django_db

DEMO = "lianxin-demo"
P1 = "Jinzhong-2026-safe"
P2 = "Yuci-district-2027"
P3 = "Taigu-county-2028"


def token(client, username, password=DEMO):
    r = client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
    )
    assert r.status_code == 200, r.json()
    return r.json()["token"]


def change(client, raw, old, new):
    return client.post(
        "/api/v1/me/password",
        {"old_password": old, "new_password": new},
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )


# --- Complexity --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "weak, says",
    [
        ("abcdefghijkl", "至少 3 类"),  # one kind
        ("abcdefgh2027", "至少 3 类"),  # two kinds
        ("Ab1-xyz", "至少包含 10 个字符"),  # three kinds, too short
        ("Ab1-xyz2", "密码太短"),
    ],
)
def test_a_password_needs_length_and_three_kinds_of_character(weak, says):
    client = Client()
    raw = token(client, "deputy_b")
    r = change(client, raw, DEMO, weak)
    assert r.status_code == 422 and r.json()["field"] == "new_password"
    assert says in r.json()["message"], r.json()["message"]
    assert User.objects.get(username="deputy_b").check_password(DEMO)


@override_settings(LIANXIN_PASSWORD_MIN_LENGTH=14)
def test_the_length_is_a_setting():
    client = Client()
    raw = token(client, "deputy_b")
    r = change(client, raw, DEMO, "Yuci-2026xyz")
    assert r.status_code == 422 and "至少包含 14 个字符" in r.json()["message"]
    assert change(client, raw, DEMO, "Yuci-2026xyz-ok").status_code == 200


def test_three_kinds_and_ten_characters_are_enough():
    client = Client()
    raw = token(client, "deputy_b")
    assert change(client, raw, DEMO, "Yuci-2026x").status_code == 200


@override_settings(LIANXIN_PASSWORD_MIN_CLASSES=4)
def test_the_kinds_asked_for_are_a_setting():
    client = Client()
    raw = token(client, "deputy_b")
    r = change(client, raw, DEMO, "yuci-district-2026")
    assert r.status_code == 422 and "至少 4 类" in r.json()["message"]
    assert change(client, raw, DEMO, "Yuci-district-2026").status_code == 200


def test_the_password_page_says_it_in_chinese():
    client = Client()
    client.post("/login/", {"username": "deputy_b", "password": DEMO})
    r = client.post(
        "/account/password/",
        {"old_password": DEMO, "new_password1": "abcdefghijkl", "new_password2": "abcdefghijkl"},
    )
    assert r.status_code == 200
    assert "大写字母、小写字母、数字、符号四类字符中的至少 3 类" in r.content.decode()


# --- History ------------------------------------------------------------------------------------


def test_the_last_passwords_cannot_be_used_again():
    client = Client()
    raw = token(client, "deputy_b")
    assert change(client, raw, DEMO, P1).status_code == 200
    assert change(client, raw, P1, P2).status_code == 200
    again = change(client, raw, P2, P1)
    assert again.status_code == 422
    assert "最近使用过的 5 个密码" in again.json()["message"]
    # Also the one before the history began (the demo's, set when the account was made).
    assert change(client, raw, P2, DEMO).status_code == 422
    assert change(client, raw, P2, P3).status_code == 200


@override_settings(LIANXIN_PASSWORD_HISTORY=1)
def test_how_many_are_remembered_is_a_setting():
    client = Client()
    raw = token(client, "deputy_b")
    assert change(client, raw, DEMO, P1).status_code == 200
    assert change(client, raw, P1, P2).status_code == 200
    assert change(client, raw, P2, P1).status_code == 200  # only the current one is refused
    assert PasswordHistory.objects.filter(user__username="deputy_b").count() == 1


def test_the_history_keeps_hashes_only():
    client = Client()
    raw = token(client, "deputy_b")
    change(client, raw, DEMO, P1)
    rows = list(PasswordHistory.objects.filter(user__username="deputy_b"))
    assert rows
    for row in rows:
        assert P1 not in row.password and "$" in row.password


# --- Expiry -------------------------------------------------------------------------------------


def _age_password(username: str, days: int) -> None:
    User.objects.filter(username=username).update(
        password_changed_at=timezone.now() - timedelta(days=days)
    )


@override_settings(LIANXIN_PASSWORD_MAX_AGE_DAYS=90)
def test_an_expired_password_leads_to_the_password_page():
    _age_password("deputy_b", 91)
    client = Client()
    client.post("/login/", {"username": "deputy_b", "password": DEMO})
    r = client.get("/workbench/")
    assert r.status_code == 302 and r["Location"] == "/account/password/"
    page = client.get("/account/password/").content.decode()
    assert "您的密码已使用超过 90 天" in page
    done = client.post(
        "/account/password/", {"old_password": DEMO, "new_password1": P1, "new_password2": P1}
    )
    assert done.status_code == 302
    user = User.objects.get(username="deputy_b")
    assert not user.must_change_password
    assert timezone.now() - user.password_changed_at < timedelta(minutes=1)
    assert client.get("/workbench/").status_code == 200


@override_settings(LIANXIN_PASSWORD_MAX_AGE_DAYS=90)
def test_an_expired_password_is_refused_by_the_api_until_changed():
    _age_password("deputy_b", 91)
    client = Client()
    raw = token(client, "deputy_b")
    refused = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert refused.status_code == 403 and refused.json()["code"] == "password_change_required"
    assert "使用期限" in refused.json()["message"]
    assert change(client, raw, DEMO, P1).status_code == 200
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200


@override_settings(LIANXIN_PASSWORD_MAX_AGE_DAYS=90)
def test_a_password_younger_than_the_limit_is_not_expired():
    _age_password("deputy_b", 89)
    client = Client()
    client.post("/login/", {"username": "deputy_b", "password": DEMO})
    assert client.get("/workbench/").status_code == 200


@override_settings(LIANXIN_PASSWORD_MAX_AGE_DAYS=0)
def test_no_expiry_when_the_setting_is_zero():
    _age_password("deputy_b", 4000)
    client = Client()
    client.post("/login/", {"username": "deputy_b", "password": DEMO})
    assert client.get("/workbench/").status_code == 200


# --- The hasher ----------------------------------------------------------------------------------


def test_argon2_first_and_pbkdf2_kept_for_old_hashes():
    assert configured.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in configured.PASSWORD_HASHERS


def test_an_old_pbkdf2_hash_becomes_argon2_at_sign_in():
    with override_settings(PASSWORD_HASHERS=configured.PASSWORD_HASHERS):
        User.objects.filter(username="deputy_b").update(
            password=make_password(P1, hasher="pbkdf2_sha256")
        )
        assert User.objects.get(username="deputy_b").password.startswith("pbkdf2_sha256$")
        r = Client().post("/login/", {"username": "deputy_b", "password": P1})
        assert r.status_code == 302
        stored = User.objects.get(username="deputy_b").password
        assert stored.startswith("argon2$argon2id$")
        assert User.objects.get(username="deputy_b").check_password(P1)


# --- Tokens stored as hashes ---------------------------------------------------------------------


def test_api_tokens_are_stored_as_hashes_only():
    client = Client()
    raw = token(client, "deputy_b")
    row = ApiToken.objects.get(user__username="deputy_b")
    assert row.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = " ".join(str(getattr(row, f.attname)) for f in ApiToken._meta.concrete_fields)
    assert raw not in stored
    # The stored hash is no bearer value itself.
    r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {row.key_hash}"})
    assert r.status_code == 401
