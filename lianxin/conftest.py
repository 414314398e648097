"""Fixtures shared by every test: the demo world, an API client, and a real browser."""

from __future__ import annotations

import json
import os

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

# Playwright's sync API runs an event loop in this thread; our ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DEMO_PASSWORD = "lianxin-demo"

_TEST_SETTINGS = override_settings(
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    LIANXIN_DEMO_PASSWORD=DEMO_PASSWORD,
    LIANXIN_DEMO=True,
    LIANXIN_PUBLIC_BASE_URL="http://testserver",
    LIANXIN_PUBLIC_BASE_URL_SOURCE="setting",
    # The public intake's limits and the SMS cap count across a test's many submissions from
    # one address and one phone; opinions/tests/test_rate_limits.py turns them on.
    LIANXIN_PUBLIC_SUBMISSIONS_PER_IP=0,
    LIANXIN_PUBLIC_SUBMISSIONS_PER_PHONE=0,
    LIANXIN_SMS_PER_NUMBER_PER_DAY=0,
    # The second factor is required under production settings; the suite's accounts have no
    # device (accounts/tests/test_second_factor.py turns it on).
    LIANXIN_OTP_REQUIRED=False,
)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The demo world, loaded once; each test runs in a transaction rolled back after it."""
    _TEST_SETTINGS.enable()
    with django_db_blocker.unblock():
        call_command("load_demo", scale="test", stdout=open(os.devnull, "w"))  # noqa: SIM115
    yield
    _TEST_SETTINGS.disable()


@pytest.fixture(autouse=True)
def _reset_axes(request):
    """Lock-outs from one test must not leak into the next, nor anything cached (a deadline
    policy, a routing lookup, a list total) inside a test whose transaction was rolled back."""
    from django.core.cache import caches

    for alias in caches:
        caches[alias].clear()
    yield
    for alias in caches:
        caches[alias].clear()
    if "django_db" in request.keywords or "db" in request.fixturenames:
        from axes.models import AccessAttempt

        AccessAttempt.objects.all().delete()


@pytest.fixture
def users(db):
    from lianxin.accounts.models import User

    class Users:
        def __getitem__(self, username: str):
            return User.objects.get(username=username)

    return Users()


class ApiClient:
    """A JSON client for /api/v1 that signs in with a real bearer token."""

    def __init__(self, token: str | None = None):
        self.client = Client()
        self.token = token

    def as_user(self, username: str) -> ApiClient:
        from lianxin.accounts.models import User
        from lianxin.api.auth import issue_token

        return ApiClient(issue_token(User.objects.get(username=username)))

    def anon(self) -> ApiClient:
        return ApiClient()

    def _headers(self, headers: dict | None) -> dict:
        h = dict(headers or {})
        if self.token:
            h.setdefault("Authorization", f"Bearer {self.token}")
        return h

    def get(self, path: str, params: dict | None = None, headers: dict | None = None):
        return self.client.get(path, params or {}, headers=self._headers(headers))

    def post(
        self, path: str, data=None, headers: dict | None = None, raw: bytes | str | None = None
    ):
        body = raw if raw is not None else json.dumps(data if data is not None else {})
        return self.client.post(
            path, body, content_type="application/json", headers=self._headers(headers)
        )

    def post_multipart(self, path: str, data: dict, headers: dict | None = None):
        return self.client.post(path, data, headers=self._headers(headers))


@pytest.fixture
def api(db):
    return ApiClient()


# --- Browser -----------------------------------------------------------------------------------
@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so fixtures can tell whether the test passed."""
    report = yield
    setattr(item, "rep_" + report.when, report)
    return report


def _require_browser() -> None:
    from lianxin.testing.browser import CHROMIUM

    if not os.path.exists(CHROMIUM):
        if os.environ.get("LIANXIN_REQUIRE_BROWSER") == "1":
            pytest.fail(
                f"{CHROMIUM} is missing but LIANXIN_REQUIRE_BROWSER=1: browser tests must run"
            )
        pytest.skip(f"浏览器测试跳过：未找到 {CHROMIUM}（apt-get install chromium）")


@pytest.fixture(scope="session")
def live_server_app(tmp_path_factory):
    """The live server (gunicorn on its own database with the demo loaded), as an object."""
    _require_browser()
    from lianxin.testing.browser import LiveApp

    app = LiveApp(tmp_path_factory.mktemp("live")).start()
    try:
        yield app
    finally:
        app.stop()


@pytest.fixture(scope="session")
def live_app(live_server_app):
    return live_server_app.url


@pytest.fixture
def live_sms(live_server_app):
    """The text messages the live server has sent so far: a list of {"to", "body", "at"}."""
    import json

    def read() -> list[dict]:
        path = live_server_app.sms_path
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    return read


@pytest.fixture(scope="session")
def _browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    from lianxin.testing.browser import CHROMIUM, CHROMIUM_ARGS

    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()
        pw.stop()


@pytest.fixture
def page(_browser, live_app, request):
    context = _browser.new_context(
        base_url=live_app,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(15000)
    pg = context.new_page()
    yield from _watched(pg, live_app, request)


def _watched(pg, live_app, request):
    """Yield the page; when the test has passed, run the axe check over what it visited, and
    fail on any Content-Security-Policy violation seen on any of its pages."""
    from lianxin.testing.accessibility import AxeWatch
    from lianxin.testing.csp import CspWatch

    csp = CspWatch(pg.context)
    watch = AxeWatch(pg, live_app)
    yield pg
    try:
        call = getattr(request.node, "rep_call", None)
        problems = watch.finish() if call is not None and call.passed else []
    finally:
        pg.context.close()
    if csp.found:
        pytest.fail("Content-Security-Policy violations\n" + "\n".join(csp.found))
    if problems:
        pytest.fail("axe: serious or critical accessibility violations\n" + "\n".join(problems))


@pytest.fixture
def phone_page(_browser, live_app, request):
    from lianxin.testing.browser import PHONE_USER_AGENT

    context = _browser.new_context(
        base_url=live_app,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        user_agent=PHONE_USER_AGENT,
    )
    context.set_default_timeout(15000)
    pg = context.new_page()
    yield from _watched(pg, live_app, request)


@pytest.fixture
def login():
    def do_login(pg, username: str, password: str = DEMO_PASSWORD) -> None:
        pg.goto("/login/")
        pg.fill("#id_username", username)
        pg.fill("#id_password", password)
        pg.click("button[type=submit]")
        pg.wait_for_url("**/workbench/**")

    return do_login
