"""Enrolling a second factor and signing in with its code, in a real Chromium against the live
server. The code is computed from the key the page shows, as an authenticator app would."""

from base64 import b32decode

import pytest
from django_otp.oath import TOTP

pytestmark = pytest.mark.browser


def _code(key: str, drift: int = 0) -> str:
    raw = key.replace(" ", "")
    secret = b32decode(raw + "=" * (-len(raw) % 8))
    return f"{TOTP(secret, drift=drift).token():06d}"


def test_enrol_then_sign_in_with_the_code(page, login, live_server_app):
    try:
        login(page, "jz_staff")
        page.goto("/account/otp/")
        assert page.locator("figure.otp-qr svg").count() == 1
        key = page.locator("#otp-key").inner_text()
        page.get_by_role("textbox", name="验证码").fill(
            "000000" if _code(key) != "000000" else "111111"
        )
        page.get_by_role("button", name="启用动态验证码").click()
        assert "验证码不正确" in page.get_by_role("alert").inner_text()
        page.get_by_role("textbox", name="验证码").fill(_code(key))
        page.get_by_role("button", name="启用动态验证码").click()
        page.wait_for_url("**/workbench/")

        # A new sign-in: the password alone leads to the code page, the code signs in.
        page.context.clear_cookies()
        page.goto("/workbench/")
        page.wait_for_url("**/login/**")
        page.fill("#id_username", "jz_staff")
        page.fill("#id_password", "lianxin-demo")
        page.click("button[type=submit]")
        page.wait_for_url("**/login/code/")
        # The enrolment used this time step's code: the app shows the next one.
        page.get_by_role("textbox", name="验证码").fill(_code(key, drift=1))
        page.get_by_role("button", name="验证并登录").click()
        page.wait_for_url("**/workbench/")
    finally:
        live_server_app.manage(
            "shell",
            "-c",
            "from django_otp.plugins.otp_totp.models import TOTPDevice;"
            "TOTPDevice.objects.filter(user__username='jz_staff').delete()",
        )
