"""An Open311 client posts under the public intake's limits (opinions.limits, the same as the
scan-to-speak page and POST /api/v1/opinions): per address and per phone number, a 429 in the
Open311 error format with Retry-After, nothing stored. The suite turns the limits off; these
tests turn them on (as lianxin/opinions/tests/test_rate_limits.py does)."""

from __future__ import annotations

import pytest
from django.test import Client

from lianxin.casework.models import Case

from .helpers import validate_error
from .test_open311 import body, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.LIANXIN_PUBLIC_SUBMISSIONS_PER_IP = 3
    settings.LIANXIN_PUBLIC_SUBMISSION_WINDOW_SECONDS = 600
    settings.LIANXIN_PUBLIC_SUBMISSIONS_PER_PHONE = 2
    return settings


def test_one_address_is_limited(key, limits):
    for i in range(3):
        r = post(body(key, phone="", description=f"第 {i} 处路灯不亮"))
        assert r.status_code == 200, r.content.decode()
    before = Case.objects.count()
    r = post(body(key, phone="", description="第 9 处路灯不亮"))
    assert r.status_code == 429
    validate_error(r.json(), 429)
    assert "提交过于频繁" in r.json()[0]["description"]
    assert 0 < int(r["Retry-After"]) <= 600
    assert Case.objects.count() == before
    # Another address is not held back.
    other = post(body(key, phone="", description="另一处"), client=Client(REMOTE_ADDR="10.9.8.7"))
    assert other.status_code == 200


def test_one_phone_number_is_limited_from_any_address(key, limits):
    for i, address in enumerate(["10.0.0.1", "10.0.0.2"]):
        r = post(body(key, description=f"噪音扰民 {i}"), client=Client(REMOTE_ADDR=address))
        assert r.status_code == 200
    r = post(body(key, description="噪音扰民 3"), client=Client(REMOTE_ADDR="10.0.0.3"))
    assert r.status_code == 429 and r["Retry-After"]
    validate_error(r.json(), 429)
    r = Client(REMOTE_ADDR="10.0.0.3").post("/open311/v2/requests.xml", body(key))
    assert r.status_code == 429 and b"<errors><error><code>429</code>" in r.content
