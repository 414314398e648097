"""The public intake cannot be used to flood the offices or to bomb a chosen phone with SMS:
submissions per client address and per phone number are limited (429 with a Chinese message
and Retry-After, nothing stored), and a number gets at most so many SMS a day."""

from __future__ import annotations

import pytest
from django.test import Client

from lianxin.casework.models import Case
from lianxin.casework.tests.helpers import demo_seat
from lianxin.core.crypto import lookup_hash
from lianxin.notifications.models import OutboundMessage
from lianxin.notifications.services import send_sms

pytestmark = pytest.mark.django_db

VICTIM = "13900001111"


@pytest.fixture
def limits(settings):
    settings.LIANXIN_PUBLIC_SUBMISSIONS_PER_IP = 4
    settings.LIANXIN_PUBLIC_SUBMISSION_WINDOW_SECONDS = 600
    settings.LIANXIN_PUBLIC_SUBMISSIONS_PER_PHONE = 2
    settings.LIANXIN_SMS_PER_NUMBER_PER_DAY = 3
    return settings


def _body(i: int, phone: str = "") -> dict:
    return {"content": f"顺城街第 {i} 处路灯不亮", "station": "YC-BGJD", "contact_phone": phone}


def test_one_address_is_limited_through_the_api(api, limits):
    client = api.anon()
    for i in range(4):
        assert client.post("/api/v1/opinions", _body(i)).status_code == 201
    before = Case.objects.count()
    r = client.post("/api/v1/opinions", _body(9))
    assert r.status_code == 429
    assert r.json()["code"] == "rate_limited" and "提交过于频繁" in r.json()["message"]
    assert 0 < int(r["Retry-After"]) <= 600
    assert Case.objects.count() == before
    # Another address is not held back.
    other = Client(REMOTE_ADDR="10.1.2.3")
    r = other.post("/api/v1/opinions", _body(10), content_type="application/json")
    assert r.status_code == 201


def test_one_phone_number_is_limited_from_any_address(limits):
    url = f"/s/{demo_seat().scan_code}"
    for i, address in enumerate(["10.0.0.1", "10.0.0.2"]):
        r = Client(REMOTE_ADDR=address).post(
            url, {"content": f"噪音扰民 {i}", "contact_phone": VICTIM}
        )
        assert r.status_code == 302, r.content.decode()[:300]
    r = Client(REMOTE_ADDR="10.0.0.3").post(url, {"content": "噪音扰民 3", "contact_phone": VICTIM})
    assert r.status_code == 429 and r["Retry-After"]
    page = r.content.decode()
    assert "提交过于频繁" in page and "噪音扰民 3" in page  # the typed text stays on the form
    assert Case.objects.filter(contact_phone_hash=lookup_hash(VICTIM, kind="phone")).count() == 2


def test_a_number_gets_at_most_the_daily_cap_of_sms(limits):
    sent = [send_sms(VICTIM, f"第 {i} 条") for i in range(5)]
    assert [m is not None for m in sent] == [True, True, True, False, False]
    assert (
        OutboundMessage.objects.filter(to_hash=lookup_hash(VICTIM, kind="recipient")).count() == 3
    )
    # Another number is not affected; no cap at 0.
    assert send_sms("13900002222", "另一号码") is not None
    limits.LIANXIN_SMS_PER_NUMBER_PER_DAY = 0
    assert send_sms(VICTIM, "不限") is not None
