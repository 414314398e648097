"""The public intake cannot be used to flood the offices or to bomb a chosen phone with SMS:
submissions per client address and per phone number are limited (429 with a Chinese message
and Retry-After, nothing stored), and a number gets at most so many SMS a day."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from lianxin.casework.models import Case
from lianxin.casework.tests.helpers import demo_seat
from lianxin.core.crypto import lookup_hash
from lianxin.liaison.models import Station
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


# --- The challenge near a limit ------------------------------------------------------------------


@pytest.fixture
def near(settings):
    settings.LIANXIN_PUBLIC_SUBMISSIONS_PER_IP = 5
    settings.LIANXIN_PUBLIC_SUBMISSION_WINDOW_SECONDS = 600
    settings.LIANXIN_PUBLIC_SUBMISSIONS_PER_PHONE = 0
    settings.LIANXIN_PUBLIC_CHALLENGE_AT = 0.8  # from the 4th of 5 on
    return settings


def _answer(question: str) -> str:
    a, b = (int(n) for n in re.findall(r"\d+", question))
    return str(a + b)


def test_near_the_limit_the_api_asks_a_question_and_takes_the_right_answer_once(api, near):
    client = api.anon()
    for i in range(4):
        assert client.post("/api/v1/opinions", _body(i)).status_code == 201
    before = Case.objects.count()
    r = client.post("/api/v1/opinions", _body(5))
    assert r.status_code == 400, r.json()
    error = r.json()
    assert error["code"] == "challenge_required" and "验证问题" in error["message"]
    question, token = error["challenge"]["question"], error["challenge"]["token"]
    assert re.fullmatch(r"\d 加 \d 等于多少？", question)
    wrong = str(int(_answer(question)) + 1)
    r = client.post(
        "/api/v1/opinions", {**_body(5), "challenge_token": token, "challenge_answer": wrong}
    )
    assert r.status_code == 400 and r.json()["code"] == "challenge_required"
    assert "不正确" in r.json()["message"] and Case.objects.count() == before
    right = {"challenge_token": token, "challenge_answer": _answer(question)}
    assert client.post("/api/v1/opinions", {**_body(5), **right}).status_code == 201
    # The same answered token a second time: a new question, nothing stored.
    r = client.post("/api/v1/opinions", {**_body(6), **right})
    assert r.status_code in (400, 429) and Case.objects.count() == before + 1


def test_a_forged_or_foreign_token_does_not_pass(api, near):
    client = api.anon()
    for i in range(4):
        client.post("/api/v1/opinions", _body(i))
    for token in ("", "x", "eyJuIjoiYSIsImgiOiJiIn0:forged:sig"):
        r = client.post(
            "/api/v1/opinions", {**_body(9), "challenge_token": token, "challenge_answer": "5"}
        )
        assert r.status_code == 400 and r.json()["code"] == "challenge_required"


def test_far_from_the_limit_nothing_is_asked(api, near):
    client = api.anon()
    for i in range(3):
        assert client.post("/api/v1/opinions", _body(i)).status_code == 201
    page = Client().get(f"/s/{Station.objects.get(code='YC-BGJD').scan_code}")
    assert page.status_code == 200 and 'id="challenge"' not in page.content.decode()


def test_the_scan_page_asks_the_question_near_the_limit_and_keeps_the_typed_text(api, near):
    for i in range(4):
        assert api.anon().post("/api/v1/opinions", _body(i)).status_code == 201
    path = f"/s/{Station.objects.get(code='YC-BGJD').scan_code}"
    client = Client()
    page = client.get(path).content.decode()
    label = re.search(r'<label for="id_challenge_answer">(\d 加 \d 等于多少？)', page)
    assert label, page
    before = Case.objects.count()
    form = {"content": "北关街道路灯不亮，夜间行人不便", "challenge_token": _token(page)}
    r = client.post(path, form)
    assert r.status_code == 400 and Case.objects.count() == before
    again = r.content.decode()
    assert "请先回答验证问题" in again and "北关街道路灯不亮" in again
    question = re.search(r'<label for="id_challenge_answer">(\d 加 \d 等于多少？)', again)[1]
    form = {**form, "challenge_token": _token(again), "challenge_answer": _answer(question)}
    r = client.post(path, form)
    assert r.status_code == 302 and Case.objects.count() == before + 1


def _token(page: str) -> str:
    return re.search(r'name="challenge_token" value="([^"]+)"', page)[1]
