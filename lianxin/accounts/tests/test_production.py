"""Production settings (DEBUG=0, LIANXIN_DEMO=0) refuse the demo and its known password."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError

from lianxin.accounts.models import User
from lianxin.accounts.production import (
    accounts_with_demo_password,
    refuse_known_passwords,
    scan_for_demo_password,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def production(settings, tmp_path):
    settings.DEBUG = False
    settings.LIANXIN_DEMO = False
    settings.VAR_DIR = tmp_path  # what was checked is remembered there
    # Production needs the personal-data keys to start at all (lianxin.E002, core.crypto).
    settings.LIANXIN_DATA_KEYS = "k1:" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo="
    settings.LIANXIN_LOOKUP_KEY = "TE9PS1VQLUtFWS1GT1ItVEVTVFMtT05MWQ=="
    return settings


def test_production_settings_refuse_to_load_the_demo(production):
    with pytest.raises(CommandError, match="生产环境.*不载入演示数据"):
        call_command("load_demo", "--scale", "test")
    # On a database that has data, `make run`'s --if-empty still just skips.
    call_command("load_demo", "--if-empty")
    production.LIANXIN_DEMO = True
    with pytest.raises(CommandError, match="数据库已有数据"):
        call_command("load_demo", "--scale", "test")


def test_production_refuses_to_start_while_an_account_has_the_demo_password(production):
    demo_accounts = accounts_with_demo_password()
    assert {"yc_staff", "admin", "unit_demo"} <= set(demo_accounts)
    with pytest.raises(ImproperlyConfigured, match="仍使用演示密码") as refused:
        refuse_known_passwords()
    assert "admin" in str(refused.value)
    with pytest.raises(SystemCheckError, match="lianxin.E001"):
        call_command("check", "--deploy", "--tag", "security")
    # Every account given its own password (one stays, deactivated, with the demo's): it starts.
    User.objects.exclude(username="admin").update(password=make_password("另一个密码-2026"))
    User.objects.filter(username="admin").update(is_active=False)
    assert accounts_with_demo_password() == []
    refuse_known_passwords()
    call_command("check", "--deploy", "--tag", "security")


def test_a_demo_instance_starts_with_the_demo_password(settings):
    settings.DEBUG = False
    settings.LIANXIN_DEMO = True
    refuse_known_passwords()
    settings.LIANXIN_DEMO = False
    settings.DEBUG = True
    refuse_known_passwords()


def test_a_start_hashes_only_the_passwords_changed_since_the_last_check(production):
    User.objects.update(password=make_password("另一个密码-2026"))
    active = User.objects.filter(is_active=True).count()
    assert scan_for_demo_password() == ([], active)
    assert scan_for_demo_password() == ([], 0)  # nothing changed: nothing hashed
    # One password set back to the demo's: found at once, and found again at every start.
    yc = User.objects.get(username="yc_staff")
    yc.set_password(production.LIANXIN_DEMO_PASSWORD)
    yc.save()
    assert scan_for_demo_password() == (["yc_staff"], 1)
    assert scan_for_demo_password() == (["yc_staff"], 1)
    # Another demo password is another check.
    production.LIANXIN_DEMO_PASSWORD = "另一个演示密码"
    assert scan_for_demo_password()[1] == active
