"""The HTTP headers of docs/security.md: Content-Security-Policy with a nonce and no inline
handlers, Permissions-Policy, "no-store" on what carries personal data, https and HSTS in
production, and the API's documentation page served from our own files."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

from lianxin.casework.models import Case

from .helpers import client_for

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_every_page_carries_a_policy_that_allows_nothing_inline_or_from_elsewhere():
    response = Client().get("/login/")
    assert response.status_code == 200
    csp = policy(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    for directive in ("script-src", "style-src"):
        assert csp[directive][0] == "'self'"
        assert "'unsafe-inline'" not in csp[directive] and "'unsafe-eval'" not in csp[directive]
    assert not any("http" in source for sources in csp.values() for source in sources)


def test_the_one_inline_script_carries_the_nonce_of_its_response(users):
    response = client_for(users, "jz_staff").get("/deputies/")
    assert response.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    scripts = re.findall(r"<script\b([^>]*)>", response.content.decode())
    inline = [attrs for attrs in scripts if "src=" not in attrs]
    assert inline == [f' nonce="{nonce}"']
    again = client_for(users, "jz_staff").get("/deputies/")
    assert nonce not in again.headers["Content-Security-Policy"]


def _pdf_templates() -> set[str]:
    """Templates laid out by WeasyPrint (core.pdf.render_pdf), never served to a browser."""
    names = set()
    for path in (ROOT / "lianxin").rglob("*.py"):
        names |= set(re.findall(r'render_pdf\(\s*"([^"]+\.html)"', path.read_text()))
    return names


def test_no_page_template_has_inline_handlers_styles_or_scripts_without_the_nonce():
    pdf = _pdf_templates()
    assert "opinions/reply_letter.html" in pdf and "liaison/print/cards.html" in pdf
    found = []
    for path in (ROOT / "lianxin").rglob("templates/**/*.html"):
        name = str(path).split("/templates/", 1)[1]
        if name in pdf:
            continue
        source = path.read_text()
        for pattern in (
            r"\son[a-z]+\s*=",  # onclick=, onchange=, onsubmit=…
            r"\sstyle\s*=",
            r"<style\b",
            r"javascript:",
            r"<script\b(?![^>]*\bsrc=)(?![^>]*\bnonce=)(?![^>]*application/json)[^>]*>",
        ):
            for match in re.finditer(pattern, source):
                found.append(f"{name}: {match.group(0)!r}")
    assert not found, "\n".join(found)


def test_the_permissions_policy_allows_the_position_and_nothing_else():
    response = Client().get("/public/")
    assert response.status_code == 200
    parts = dict(p.strip().split("=", 1) for p in response.headers["Permissions-Policy"].split(","))
    assert parts.pop("geolocation") == "(self)"
    assert parts["camera"] == "()" and parts["microphone"] == "()"
    assert set(parts.values()) == {"()"}


def no_store(response) -> bool:
    directives = {d.strip() for d in response.headers.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def test_what_carries_personal_data_is_never_stored_by_a_browser_or_a_proxy(users, api):
    staff = client_for(users, "yc_staff")
    assert no_store(staff.get("/deputies/"))
    assert no_store(staff.get("/public/"))  # a signed-in reader's page names them
    token = api.as_user("yc_staff")
    assert no_store(token.get("/api/v1/me"))
    assert no_store(token.get("/api/v1/regions"))
    case = Case.objects.exclude(tracking_code="").first()
    assert no_store(Client().get(f"/t/{case.tracking_code}"))
    assert no_store(Client().get("/t/"))


def test_public_pages_and_static_files_stay_cacheable():
    anonymous = Client()
    assert not no_store(anonymous.get("/public/"))
    static = anonymous.get("/static/lianxin/site.js")
    assert static.status_code == 200 and not no_store(static)


def _outside_env() -> dict:
    """This process's environment less what the tests set (settings, the async allowance)."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LIANXIN_", "SECURE_")) and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }


def _settings_under(env: dict) -> dict:
    """settings.py as a production process reads it (a fresh interpreter, its own env)."""
    keep = _outside_env()
    code = (
        "import json; from lianxin import settings as s; print(json.dumps({n: getattr(s, n, None)"
        " for n in ('SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_REDIRECT_EXEMPT',"
        " 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_PROXY_SSL_HEADER')}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**keep, **env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_secure_cookies_turn_on_the_https_redirect_and_hsts():
    plain = _settings_under({"LIANXIN_SECURE_COOKIES": "0"})
    assert plain["SECURE_SSL_REDIRECT"] is False and plain["SECURE_HSTS_SECONDS"] == 0
    secure = _settings_under(
        {"LIANXIN_SECURE_COOKIES": "1", "LIANXIN_PROXY_SSL_HEADER": "X-Forwarded-Proto"}
    )
    assert secure["SECURE_SSL_REDIRECT"] is True
    assert secure["SECURE_HSTS_SECONDS"] >= 31536000 and secure["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert secure["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert secure["SECURE_REDIRECT_EXEMPT"] == [r"^healthz$", r"^readyz$"]


def test_over_plain_http_everything_but_healthz_and_readyz_redirects_to_https():
    with override_settings(
        SECURE_SSL_REDIRECT=True,
        SECURE_HSTS_SECONDS=31536000,
        SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    ):
        client = Client()
        login = client.get("/login/")
        assert login.status_code == 301 and login["Location"] == "https://testserver/login/"
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code != 301
        secure = client.get("/login/", headers={"X-Forwarded-Proto": "https"})
        assert secure.status_code == 200
        assert "max-age=31536000" in secure.headers["Strict-Transport-Security"]


def test_the_deployment_check_finds_nothing_in_production(tmp_path):
    """The environment of docs/deploy.md: no debug, no demo, https only, a secret key of its
    own, the site's host names and public address, a var directory of its own."""
    keep = _outside_env()
    env = {
        **keep,
        "PYTHONPATH": str(ROOT),
        "LIANXIN_DEBUG": "0",
        "LIANXIN_DEMO": "0",
        "LIANXIN_SECURE_COOKIES": "1",
        "LIANXIN_ALLOWED_HOSTS": "lianxin.example.cn",
        "LIANXIN_PUBLIC_BASE_URL": "https://lianxin.example.cn",
        "LIANXIN_VAR_DIR": str(tmp_path),
        "SECRET_KEY": secrets.token_urlsafe(50),
        # Production refuses to start without the keys of the personal data (lianxin.E002).
        "LIANXIN_DATA_KEYS": "k1:" + secrets.token_urlsafe(32),
        "LIANXIN_LOOKUP_KEY": secrets.token_urlsafe(32),
    }
    out = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "System check identified no issues" in out.stdout, out.stdout + out.stderr


def test_the_api_documentation_loads_nothing_from_another_site():
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert not re.search(r"(src|href)=\"(https?:)?//", page), page
    assets = re.findall(r"(?:src|href)=\"(/static/[^\"]+)\"", page)
    assert any("swagger-ui-bundle" in a for a in assets)
    for asset in assets:
        assert Client().get(asset).status_code == 200, asset
    settings_json = json.loads(re.search(r'id="swagger-settings">(.*?)</script>', page, re.S)[1])
    assert settings_json["validatorUrl"] is None  # no badge fetched from validator.swagger.io
