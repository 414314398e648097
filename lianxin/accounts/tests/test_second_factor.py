"""The second factor (TOTP through django-otp, issue 15 "Identity"), through the real pages and
API: enrolment, the sign-in's second step, wrong and reused codes, the lock-out, who must have
one (the rule "account.needs_second_factor"), the administrator's reset and the API login.

Codes are computed with django-otp's own TOTP from the device's key, as an authenticator app
would; `drift=1` gives the next time step's code (accepted within the device's tolerance), for a
second sign-in inside the same 30 seconds, since a code is accepted once only."""

import pytest
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lianxin.accounts import access, otp
from lianxin.accounts.models import ApiToken, User
from lianxin.core.models import AuditLog, TrailEvent

pytestmark = pytest.mark.django_db

DEMO = "lianxin-demo"


def code_for(device: TOTPDevice, drift: int = 0) -> str:
    device.refresh_from_db()
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, drift).token():06d}"


def wrong_code(device: TOTPDevice) -> str:
    right = {code_for(device, d) for d in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


def with_device(username: str) -> TOTPDevice:
    return TOTPDevice.objects.create(
        user=User.objects.get(username=username), name="test", confirmed=True
    )


def password_step(client: Client, username: str, password: str = DEMO):
    return client.post("/login/", {"username": username, "password": password})


def api_login(client: Client, username: str, password: str = DEMO, **extra):
    return client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password, **extra},
        content_type="application/json",
    )


# --- Enrolment --------------------------------------------------------------------------------


def test_the_user_enrols_with_the_qr_code_and_a_first_code():
    client = Client()
    assert password_step(client, "yc_staff").status_code == 302
    page = client.get("/account/otp/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'id="otp-key"' in html
    device = TOTPDevice.objects.get(user__username="yc_staff")
    assert not device.confirmed
    # The key shown is the device's, in base32 (what an app asks for when typed in).
    assert otp.manual_key(device).replace(" ", "") in html.replace(" ", "")

    refused = client.post("/account/otp/", {"code": wrong_code(device)})
    assert refused.status_code == 200 and "验证码不正确" in refused.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    done = client.post("/account/otp/", {"code": code_for(device)})
    assert done.status_code == 302 and done["Location"] == "/workbench/"
    device.refresh_from_db()
    assert device.confirmed
    assert AuditLog.objects.filter(kind="otp_enrolled", target="yc_staff").count() == 1
    assert TrailEvent.objects.filter(action="accounts.enrol_second_factor").count() == 1
    # This session passed with the new device: it goes on working.
    assert client.get("/workbench/").status_code == 200
    assert client.get("/account/otp/").content.decode().count('id="otp-enrolled"') == 1


# --- The sign-in's second step ------------------------------------------------------------------


def test_with_a_device_the_password_alone_does_not_sign_in():
    device = with_device("yc_staff")
    client = Client()
    r = password_step(client, "yc_staff")
    assert r.status_code == 302 and r["Location"] == "/login/code/"
    assert client.get("/workbench/")["Location"].startswith("/login/")
    assert "_auth_user_id" not in client.session

    wrong = client.post("/login/code/", {"code": wrong_code(device)})
    assert wrong.status_code == 200 and "动态验证码不正确" in wrong.content.decode()
    assert AuditLog.objects.filter(
        kind="login_failed", username="yc_staff", detail__factor="totp"
    ).exists()

    right = client.post("/login/code/", {"code": code_for(device)})
    assert right.status_code == 302 and right["Location"] == "/workbench/"
    assert client.get("/workbench/").status_code == 200


def test_a_code_is_accepted_once_only():
    device = with_device("yc_staff")
    first = Client()
    password_step(first, "yc_staff")
    code = code_for(device)
    assert first.post("/login/code/", {"code": code}).status_code == 302
    second = Client()
    password_step(second, "yc_staff")
    again = second.post("/login/code/", {"code": code})
    assert again.status_code == 200 and "已使用" in again.content.decode()
    assert second.post("/login/code/", {"code": code_for(device, drift=1)}).status_code == 302


def test_the_code_page_without_a_password_step_leads_back_to_the_login():
    r = Client().post("/login/code/", {"code": "123456"})
    assert r.status_code == 302 and r["Location"] == "/login/"


def test_wrong_codes_count_against_the_lock_out_with_wrong_passwords():
    device = with_device("yc_staff")
    client = Client()
    assert password_step(client, "yc_staff", "wrong-password").status_code == 200
    password_step(client, "yc_staff")
    for _ in range(3):
        assert client.post("/login/code/", {"code": wrong_code(device)}).status_code == 200
    locked = client.post("/login/code/", {"code": wrong_code(device)})
    assert locked.status_code == 429 and "锁定" in locked.content.decode()
    # Now even the right password and code are refused from this address.
    again = Client()
    assert password_step(again, "yc_staff").status_code == 429
    assert again.post("/login/code/", {"code": code_for(device)})["Location"] == "/login/"


def test_a_session_of_an_account_with_a_device_that_skipped_the_code_ends():
    with_device("yc_staff")
    client = Client()
    client.force_login(User.objects.get(username="yc_staff"))  # not through the code step
    r = client.get("/workbench/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    assert "_auth_user_id" not in client.session


# --- Who must have one --------------------------------------------------------------------------

MUST = {
    "admin",
    "jz_staff",
    "yc_staff",
    "tg_staff",
    "yc_station",
    "unit_demo",
    "unit_signer",
    "cppcc_staff",
    "leader_demo",
}
NEED_NOT = {"deputy_demo", "member_demo"}


@pytest.mark.parametrize("username", sorted(MUST | NEED_NOT))
def test_the_requirement_matrix(username):
    user = User.objects.get(username=username)
    assert access.can(user, "account.needs_second_factor") == (username in MUST)
    # Whoever may export or reveal another's personal data is among those who must.
    if access.can(user, "station.export"):
        assert username in MUST
    with override_settings(LIANXIN_OTP_REQUIRED=True):
        assert otp.required(user) == (username in MUST)
    with override_settings(LIANXIN_OTP_REQUIRED=False):
        assert not otp.required(user)


@override_settings(LIANXIN_OTP_REQUIRED=True)
def test_when_required_without_a_device_the_account_can_only_enrol():
    client = Client()
    assert password_step(client, "yc_staff").status_code == 302
    for path in ("/workbench/", "/account/tokens/"):
        r = client.get(path)
        assert r.status_code == 302 and r["Location"] == "/account/otp/", path
    assert client.get("/account/otp/").status_code == 200
    # The API by this session, and a token asked with the password alone: 403 otp_required.
    by_session = client.get("/api/v1/me")
    assert by_session.status_code == 403 and by_session.json()["code"] == "otp_required"
    refused = api_login(Client(), "yc_staff")
    assert refused.status_code == 403 and refused.json()["code"] == "otp_required"
    assert "动态验证码" in refused.json()["message"]
    assert not ApiToken.objects.filter(user__username="yc_staff").exists()
    # Enrolled, the same session works.
    device = TOTPDevice.objects.get(user__username="yc_staff", confirmed=False)
    assert client.post("/account/otp/", {"code": code_for(device)}).status_code == 302
    assert client.get("/workbench/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200


@override_settings(LIANXIN_OTP_REQUIRED=True)
def test_a_deputy_need_not_have_one():
    client = Client()
    password_step(client, "deputy_demo")
    assert client.get("/workbench/").status_code == 200
    assert api_login(Client(), "deputy_demo").status_code == 200


@override_settings(LIANXIN_OTP_REQUIRED=True)
def test_a_token_issued_before_the_requirement_stops_working_until_enrolment():
    with override_settings(LIANXIN_OTP_REQUIRED=False):
        raw = api_login(Client(), "tg_staff").json()["token"]
    r = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert r.status_code == 403 and r.json()["code"] == "otp_required"


# --- The administrator's reset --------------------------------------------------------------------


def test_the_administrator_resets_a_persons_device():
    device = with_device("yc_staff")
    raw = api_login(Client(), "yc_staff", totp=code_for(device)).json()["token"]
    admin = Client()
    password_step(admin, "admin")
    user = User.objects.get(username="yc_staff")
    r = admin.post(
        "/admin/accounts/user/",
        {"action": "reset_second_factor", "_selected_action": [user.pk]},
    )
    assert r.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    entry = AuditLog.objects.get(kind="otp_reset", target="yc_staff")
    assert entry.username == "admin" and entry.detail["devices"] == [device.pk]
    assert TrailEvent.objects.filter(action="accounts.reset_second_factor").count() == 1
    # The tokens end; the next sign-in is by password alone (then enrolment when required).
    assert Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    assert password_step(Client(), "yc_staff")["Location"] == "/workbench/"


def test_only_the_administrator_resets_and_the_admin_never_shows_a_key():
    from lianxin.core.errors import Forbidden

    with_device("deputy_demo")
    with pytest.raises(Forbidden):
        otp.do_reset_second_factor(
            User.objects.get(username="deputy_demo"),
            acting_user=User.objects.get(username="jz_staff"),
        )
    assert TOTPDevice.objects.filter(user__username="deputy_demo").exists()
    admin = Client()
    password_step(admin, "admin")
    assert admin.get("/admin/otp_totp/totpdevice/").status_code == 404


# --- The API login ------------------------------------------------------------------------------


def test_the_api_login_takes_the_code():
    device = with_device("yc_staff")
    client = Client()
    missing = api_login(client, "yc_staff")
    assert missing.status_code == 401 and missing.json()["code"] == "otp_code_required"
    wrong = api_login(client, "yc_staff", totp=wrong_code(device))
    assert wrong.status_code == 401 and wrong.json()["code"] == "invalid_otp_code"
    ok = api_login(client, "yc_staff", totp=code_for(device))
    assert ok.status_code == 200
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {ok.json()['token']}"})
    assert me.status_code == 200 and me.json()["username"] == "yc_staff"
    # A wrong password with a right code is still a wrong password.
    bad = api_login(client, "yc_staff", "nope", totp=code_for(device, drift=1))
    assert bad.status_code == 401 and bad.json()["code"] == "invalid_credentials"


def test_wrong_api_codes_lock_the_account_at_that_address():
    device = with_device("yc_staff")
    client = Client()
    for _ in range(4):
        assert api_login(client, "yc_staff", totp=wrong_code(device)).status_code == 401
    locked = api_login(client, "yc_staff", totp=wrong_code(device))
    assert locked.status_code == 429 and locked.json()["code"] == "locked_out"
    assert api_login(client, "yc_staff", totp=code_for(device)).status_code == 429


# --- The setting -------------------------------------------------------------------------------


def _settings_under(env: dict) -> dict:
    """settings.py as a fresh process with this environment reads it."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("LIANXIN_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    code = (
        "import json; from lianxin import settings as s; print(json.dumps({n: getattr(s, n)"
        " for n in ('LIANXIN_OTP_REQUIRED', 'LIANXIN_PASSWORD_MAX_AGE_DAYS')}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        env={**keep, **env, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_required_under_production_settings_and_not_for_the_demo():
    production = _settings_under({"LIANXIN_DEBUG": "0", "LIANXIN_DEMO": "0"})
    assert production == {"LIANXIN_OTP_REQUIRED": True, "LIANXIN_PASSWORD_MAX_AGE_DAYS": 90}
    demo = _settings_under({"LIANXIN_DEBUG": "0", "LIANXIN_DEMO": "1"})
    assert demo == {"LIANXIN_OTP_REQUIRED": False, "LIANXIN_PASSWORD_MAX_AGE_DAYS": 0}
    told = _settings_under({"LIANXIN_DEBUG": "0", "LIANXIN_DEMO": "1", "LIANXIN_OTP_REQUIRED": "1"})
    assert told["LIANXIN_OTP_REQUIRED"] is True
