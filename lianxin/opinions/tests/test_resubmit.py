"""码上说事 sent twice. The same form sent again (its key kept across Back and reload by the
page's script, see test_browser_resubmit.py) leads to the first case; the same form changed
asks before registering a second one; a new form with the same text from the same phone within
minutes is kept, and its tracking page points to the earlier one."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client

from lianxin.casework.models import Case
from lianxin.casework.tests.helpers import SHANGHAI, client_for, demo_seat, station

pytestmark = pytest.mark.django_db

TEXT = "迎宾街 8 号门前的路灯坏了一周，夜里看不清路。"
HINT = "您在几分钟前已提交过内容相同的意见"


def scan_url() -> str:
    return f"/s/{demo_seat().scan_code}"


def new_form(client: Client) -> str:
    """Open the form afresh; the key it carries."""
    html = client.get(scan_url()).content.decode()
    return re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)


def send(client: Client, key: str, content: str = TEXT, phone: str = "13812345678", **extra):
    return client.post(
        scan_url(), {"content": content, "contact_phone": phone, "idempotency_key": key, **extra}
    )


def code_of(response) -> str:
    assert response.status_code == 302, response.content.decode()[:500]
    return re.search(r"/t/([0-9A-Z]+)\?new=1", response["Location"]).group(1)


def minutes_ago(n: int):
    now = dt.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
    return time_machine.travel(now - dt.timedelta(minutes=n), tick=False)


# --- The same form sent again --------------------------------------------------------------------


def test_each_form_shown_gets_its_own_key_marked_for_the_pages_script():
    html = Client().get(scan_url()).content.decode()
    assert 'data-form-key="new"' in html and "lianxin/form-key.js" in html
    assert new_form(Client()) != new_form(Client())


def test_a_refused_form_comes_back_with_the_key_it_was_sent_with():
    client = Client()
    key = new_form(client)
    r = client.post(scan_url(), {"content": "", "idempotency_key": key})
    html = r.content.decode()
    assert r.status_code == 422
    assert f'value="{key}" data-form-key="kept"' in html
    assert not Case.objects.filter(intake_key__endswith=key).exists()


def test_the_same_form_sent_again_leads_to_the_first_case_and_says_so():
    client = Client()
    key = new_form(client)
    first = send(client, key)
    again = send(client, key)
    assert code_of(again) == code_of(first)
    assert again["Location"].endswith("?new=1&again=1")
    assert Case.objects.filter(content=TEXT).count() == 1
    page = client.get(again["Location"]).content.decode()
    assert "本次没有重复登记" in page and HINT not in page
    assert "本次没有重复登记" not in client.get(first["Location"]).content.decode()


def test_the_same_form_changed_asks_first_then_registers_a_new_opinion():
    client = Client()
    key = new_form(client)
    first = code_of(send(client, key))
    r = send(client, key, content=TEXT + "另外，路口的井盖也松了。")
    html = r.content.decode()
    assert r.status_code == 409
    assert "这份表单已经提交过，您修改了内容" in html
    assert f'href="/t/{first}"' in html
    assert Case.objects.filter(content__startswith="迎宾街 8 号").count() == 1
    # The form came back with a fresh key: sending it once more registers the changed text.
    renewed = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    assert renewed != key
    second = code_of(send(client, renewed, content=TEXT + "另外，路口的井盖也松了。"))
    assert second != first
    assert Case.objects.filter(content__startswith="迎宾街 8 号").count() == 2


def test_a_key_the_site_did_not_issue_never_reveals_whose_case_used_it(api):
    r = api.anon().post(
        "/api/v1/opinions",
        {"content": "接口提交的意见：锦纶路井盖缺失。", "station": station().code},
        headers={"Idempotency-Key": "guessable-0001"},
    )
    assert r.status_code == 201
    code = r.json()["tracking_code"]
    r = send(Client(), "guessable-0001", content="别人的内容")
    html = r.content.decode()
    assert r.status_code == 409 and "这份表单已经提交过" in html
    assert code not in html
    assert not Case.objects.filter(content="别人的内容").exists()


def test_the_staff_intake_form_changed_after_registering_asks_before_a_second_one():
    client = client_for("yc_station")
    html = client.get("/opinions/new/").content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    assert 'data-form-key="new"' in html
    data = {"channel": "station_desk", "station": station().pk, "idempotency_key": key}
    first = client.post("/opinions/new/", {**data, "content": "接待时群众反映：锦纶路积水。"})
    assert first.status_code == 302
    r = client.post("/opinions/new/", {**data, "content": "接待时群众反映：锦纶路积水严重。"})
    assert r.status_code == 422 and "这份表单已登记过" in r.content.decode()
    assert Case.objects.filter(content__startswith="接待时群众反映：锦纶路").count() == 1


# --- A new form with the same text --------------------------------------------------------------


def test_the_same_text_from_the_same_phone_within_minutes_points_to_the_earlier_one():
    client = Client()
    with minutes_ago(3):
        first = code_of(send(client, new_form(client)))
    with minutes_ago(0):
        # Spaces aside, the same text, from a new form (another key).
        r = send(client, new_form(client), content=TEXT.replace(" ", ""), phone="138 1234 5678")
        second = code_of(r)
        page = client.get(r["Location"]).content.decode()
    assert second != first
    assert HINT in page and "09:57 提交" in page and first in page
    assert f'href="/t/{first}"' in page
    # The second one is kept: the citizen was given its code, and may have meant it.
    assert Case.objects.filter(tracking_code__in=[first, second]).count() == 2
    # The earlier one's own page says nothing of the kind, nor does the later one once read.
    with minutes_ago(0):
        assert HINT not in client.get(f"/t/{first}?new=1").content.decode()
        assert HINT not in client.get(f"/t/{second}").content.decode()


@pytest.mark.parametrize(
    ("earlier", "phone", "content"),
    [
        (11, "13812345678", TEXT),  # longer ago than the setting's 10 minutes
        (3, "13987654321", TEXT),  # another phone
        (3, "13812345678", "迎宾街 8 号门前的路灯修好了，谢谢。"),  # other text
    ],
)
def test_no_hint_for_another_phone_other_text_or_long_ago(earlier, phone, content):
    client = Client()
    with minutes_ago(earlier):
        code_of(send(client, new_form(client)))
    with minutes_ago(0):
        r = send(client, new_form(client), content=content, phone=phone)
        page = client.get(r["Location"]).content.decode()
    assert "提交成功" in page and HINT not in page


def test_no_hint_without_a_phone():
    client = Client()
    with minutes_ago(3):
        code_of(send(client, new_form(client), phone=""))
    with minutes_ago(0):
        r = send(client, new_form(client), phone="")
        page = client.get(r["Location"]).content.decode()
    assert "提交成功" in page and HINT not in page


def test_the_window_is_a_setting(settings):
    settings.LIANXIN_REPEAT_SUBMISSION_MINUTES = 30
    client = Client()
    with minutes_ago(20):
        first = code_of(send(client, new_form(client)))
    with minutes_ago(0):
        r = send(client, new_form(client))
        page = client.get(r["Location"]).content.decode()
    assert HINT in page and first in page
    settings.LIANXIN_REPEAT_SUBMISSION_MINUTES = 0
    with minutes_ago(0):
        assert HINT not in client.get(r["Location"]).content.decode()
