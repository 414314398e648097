"""Possible duplicates: open opinions probably about the same issue, shown to whoever may merge
(the detail page's card, the merge form pre-filled from it) and over /api/v1."""

from __future__ import annotations

import csv
import datetime as dt
import html
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lianxin.casework import actions, duplicates
from lianxin.casework.similar import possible_duplicates
from lianxin.liaison.models import Station
from lianxin.opinions.actions import do_register_opinion
from lianxin.org.models import Region
from lianxin.testing.data import shared_data

from .helpers import advance, fresh, new_opinion, station, user

pytestmark = pytest.mark.django_db

LIGHT = "北关街道顺城街路灯不亮，夜间出行不便。"
LIGHT_AGAIN = "顺城街的路灯坏了好几天，晚上走路很黑，希望尽快维修。"
# The same street, another problem: sharing a place is not sharing an issue.
RUBBISH = "北关街道顺城街垃圾清运不及时，门口堆满垃圾，气味难闻。"
UNRELATED = "建议在锦纶小区增设老年人活动室和健身器材。"


@pytest.fixture(autouse=True)
def _demo_cases_out_of_the_window(db):
    """The demo's opinions (which the day's demo plan may leave open, some about 顺城街's lights)
    are made older than the 180-day window: each test sees only the cases it makes."""
    from lianxin.casework.models import Case

    Case.objects.update(created_at=timezone.now() - dt.timedelta(days=400))
    # Each test counts keywords over its own cases.
    duplicates.clear_counts()


def found(username: str, case) -> list[int]:
    return [m.case.pk for m in possible_duplicates(user(username), fresh(case))]


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def other_station() -> Station:
    """Another station in 榆次区, which yc_staff sees too."""
    return Station.objects.filter(region__code__startswith="140702").exclude(code="YC-BGJD")[0]


def test_two_opinions_about_the_same_street_light_find_each_other_and_nothing_else():
    light = new_opinion(LIGHT)
    again = new_opinion(LIGHT_AGAIN, contact_phone="13900001111")
    rubbish = new_opinion(RUBBISH, contact_phone="13900002222")
    other = new_opinion(UNRELATED, contact_phone="13900003333")
    assert found("yc_staff", light) == [again.pk]
    assert found("yc_staff", again) == [light.pk]
    assert found("yc_staff", rubbish) == []
    assert found("yc_staff", other) == []
    [match] = possible_duplicates(user("yc_staff"), light)
    assert "路灯" in match.shared and "顺城街" in match.shared
    assert 0 < match.score <= 1


def test_the_same_station_ranks_first():
    light = new_opinion(LIGHT)
    elsewhere = new_opinion(LIGHT_AGAIN, deputy=None, station=other_station())
    here = new_opinion(LIGHT_AGAIN + "已经反映过一次。", contact_phone="13900001111")
    matches = possible_duplicates(user("yc_staff"), light)
    assert [m.case.pk for m in matches] == [here.pk, elsewhere.pk]
    assert matches[0].score > matches[1].score


def test_closed_and_old_cases_are_not_candidates():
    light = new_opinion(LIGHT)
    declined = new_opinion(LIGHT_AGAIN, contact_phone="13900001111")
    actions.do_decline_case(declined, reason="重复提交", acting_user=user("yc_staff"))
    merged = new_opinion("顺城街路灯坏了，晚上很黑。", contact_phone="13900002222")
    concluded = advance(
        new_opinion("顺城街路灯损坏，请维修。", contact_phone="13900003333"), "concluded"
    )
    with time_machine.travel(timezone.now() - dt.timedelta(days=200), tick=False):
        old = new_opinion("顺城街路灯不亮，请修一修路灯。", contact_phone="13900004444")
    assert set(found("yc_staff", light)) == {merged.pk}
    actions.do_merge_case(merged, into=light, acting_user=user("yc_staff"))
    assert found("yc_staff", light) == []
    assert {fresh(c).state for c in (declined, merged, concluded, old)} == {
        "declined",
        "merged",
        "concluded",
        "registered",
    }


def test_a_case_the_user_may_not_see_is_never_listed():
    taigu = Region.objects.get(code="140703")
    theirs = new_opinion("太谷区顺城街路灯不亮，晚上很黑。", deputy=None, region=taigu)
    ours = new_opinion(LIGHT)
    assert found("yc_staff", ours) == []
    assert found("tg_staff", theirs) == []
    mine = new_opinion("太谷区顺城街的路灯坏了。", deputy=None, region=taigu)
    assert found("tg_staff", theirs) == [mine.pk]


def test_the_detail_page_offers_the_candidates_and_the_merge_form_comes_pre_filled():
    light = new_opinion(LIGHT)
    again = new_opinion(LIGHT_AGAIN, contact_phone="13900001111")
    new_opinion(UNRELATED, contact_phone="13900003333")
    client = signed_in("yc_staff")
    page = client.get(f"/cases/{light.pk}/").content.decode()
    assert "可能重复的意见" in page
    assert f'data-duplicate="{again.pk}"' in page and again.tracking_code in page
    assert f'href="/cases/{again.pk}/"' in page
    [link] = re.findall(r'<a class="button" data-merge-into="[^"]+" href="([^"]+)"', page)
    assert link == f"/cases/{light.pk}/actions/merge/?merge_into={again.tracking_code}"

    form = client.get(html.unescape(link))
    assert form.status_code == 200
    body = form.content.decode()
    assert re.search(rf'name="merge_into"[^>]*value="{again.tracking_code}"', body)
    version = re.search(r'name="version" value="(\d+)"', body).group(1)
    r = client.post(
        f"/cases/{light.pk}/actions/merge/",
        {"merge_into": again.tracking_code, "version": version, "note": ""},
    )
    assert r.status_code == 302
    assert fresh(light).state == "merged" and fresh(light).merged_into_id == again.pk
    # Once merged (and for the case it went into, whose duplicate is closed) no card is shown.
    assert "可能重复的意见" not in client.get(f"/cases/{light.pk}/").content.decode()
    assert "可能重复的意见" not in client.get(f"/cases/{again.pk}/").content.decode()


def test_the_card_is_only_for_whoever_may_merge_and_only_when_something_is_found():
    light = new_opinion(LIGHT)
    lonely = new_opinion(UNRELATED, contact_phone="13900003333")
    handling = advance(new_opinion(LIGHT_AGAIN, contact_phone="13900001111"), "handling")
    # No candidate: no card.
    assert (
        "possible-duplicates"
        not in signed_in("yc_staff").get(f"/cases/{lonely.pk}/").content.decode()
    )
    # The handling case is a candidate for the registered one, but may no longer be merged
    # itself; the leader sees the registered one but may not merge it.
    assert (
        "possible-duplicates" in signed_in("yc_staff").get(f"/cases/{light.pk}/").content.decode()
    )
    assert (
        "possible-duplicates"
        not in signed_in("yc_staff").get(f"/cases/{handling.pk}/").content.decode()
    )
    page = signed_in("jz_staff").get(f"/cases/{light.pk}/")
    assert page.status_code == 200 and "possible-duplicates" not in page.content.decode()


def test_the_api_lists_the_candidates_and_hides_the_case_from_who_may_not_see_it(api):
    light = new_opinion(LIGHT)
    again = new_opinion(LIGHT_AGAIN, contact_phone="13900001111")
    r = api.as_user("yc_staff").get(f"/api/v1/cases/{light.pk}/similar")
    assert r.status_code == 200, r.json()
    [row] = r.json()
    assert row["id"] == again.pk and row["tracking_code"] == again.tracking_code
    assert row["state"] == "registered" and row["state_label"] == "待梳理"
    assert row["title"] == LIGHT_AGAIN[:40] and "路灯" in row["shared"]
    assert 0 < row["score"] <= 1 and row["created_at"]
    for username in ("tg_staff", "unit_other"):
        assert api.as_user(username).get(f"/api/v1/cases/{light.pk}/similar").status_code == 404
    assert api.as_user("yc_staff").get("/api/v1/cases/999999999/similar").status_code == 404
    assert api.anon().get(f"/api/v1/cases/{light.pk}/similar").status_code == 401


def test_the_api_endpoint_is_in_the_openapi_document(api):
    schema = api.anon().get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/cases/{case_id}/similar"]["get"]
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["items"]["$ref"]
    fields = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]["properties"]
    assert {
        "id",
        "tracking_code",
        "title",
        "state",
        "state_label",
        "created_at",
        "score",
        "shared",
    } <= set(fields)


def test_the_api_takes_a_constant_number_of_queries(api):
    light = new_opinion(LIGHT)
    new_opinion(LIGHT_AGAIN, contact_phone="13900001111")
    client = api.as_user("yc_staff")
    url = f"/api/v1/cases/{light.pk}/similar"
    client.get(url)

    def count() -> tuple[int, int]:
        # Counted with no keyword counts kept (the most a lookup asks).
        duplicates.clear_counts()
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(url)
        assert r.status_code == 200
        return len(ctx.captured_queries), len(r.json())

    few, listed = count()
    assert listed == 1
    for i in range(12):
        new_opinion(f"顺城街{i}号楼前路灯不亮，晚上很黑。", contact_phone=f"139000100{i:02d}")
    many, listed = count()
    assert listed == 5 and many == few


# --- Real citizens' messages --------------------------------------------------------------------

# TipDM 2020 C, development part: messages of a public message board and pairs labelled "same
# issue" / "different issue" from published hot-issue clusterings (see its SOURCE.md). Read
# from the shared folder beside the repository, never copied into it.
TIPDM = shared_data("tipdm2020c_smartgov")


@pytest.mark.skipif(not (TIPDM / "same_issue_pairs_dev.csv").exists(), reason="no TipDM data")
def test_real_messages_about_one_issue_find_each_other_and_never_another_issue():
    with (TIPDM / "same_issue_pairs_dev.csv").open(encoding="utf-8") as fh:
        labels = {}
        for p in csv.DictReader(fh):
            labels[p["id_a"], p["id_b"]] = labels[p["id_b"], p["id_a"]] = p["label"]
    wanted = {a for a, _b in labels}
    with (TIPDM / "messages_votes.csv").open(encoding="utf-8") as fh:
        rows = sorted(
            (r for r in csv.DictReader(fh) if r["留言编号"] in wanted), key=lambda r: r["留言编号"]
        )
    cases = {}
    for i, row in enumerate(rows):
        case, created = do_register_opinion(
            content=row["留言详情"].strip(),
            title=row["留言主题"].strip()[:100],
            station=station(),
            contact_phone=f"139{i:08d}",
        )
        if created:  # The same text posted twice is one case.
            cases[row["留言编号"]] = case
    assert len(cases) > 100
    message = {c.pk: m for m, c in cases.items()}
    staff = user("yc_staff")
    listed = {
        m: [message.get(d.case.pk) for d in possible_duplicates(staff, c)] for m, c in cases.items()
    }
    # No message is ever offered as a duplicate of one labelled a different issue...
    offered = [(m, other) for m, found in listed.items() for other in found]
    assert not [pair for pair in offered if labels.get(pair) == "0"]
    assert sum(labels.get(pair) == "1" for pair in offered) > 300
    # ...and nearly every message with a labelled same-issue partner is offered one first.
    partners = {
        m: {b for (a, b), v in labels.items() if a == m and v == "1" and b in cases} for m in cases
    }
    with_partner = [m for m in cases if partners[m]]
    first = [m for m in with_partner if listed[m] and listed[m][0] in partners[m]]
    assert len(first) >= 0.85 * len(with_partner), (len(first), len(with_partner))


# --- On a phone, against the real server ----------------------------------------------------------


def _register(base: str, content: str) -> dict:
    import json
    import urllib.request

    request = urllib.request.Request(
        f"{base}/api/v1/opinions",
        data=json.dumps({"content": content, "station": "YC-BGJD"}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 201
        return json.loads(response.read())


@pytest.mark.browser
def test_on_a_phone_the_card_fits_and_its_button_merges(phone_page, live_app, login):
    again = _register(live_app, "汇通路口的井盖不见了好几天，非常危险，请尽快补上井盖。")
    first = _register(live_app, "锦纶路汇通路口井盖丢失，夜间行人容易掉进去。")
    login(phone_page, "yc_staff")
    phone_page.goto(f"/cases/{first['id']}/")
    row = phone_page.locator(f'#possible-duplicates tr[data-duplicate="{again["id"]}"]')
    assert row.is_visible() and "井盖" in row.inner_text()
    width = phone_page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= phone_page.viewport_size["width"], f"page is {width}px wide"
    row.locator(f'a[data-merge-into="{again["tracking_code"]}"]').click()
    form = phone_page.locator("#action-form-merge")
    form.wait_for()
    assert form.locator('input[name="merge_into"]').input_value() == again["tracking_code"]
    # Merging cannot be undone: the page asks first.
    asked = []

    def accept(dialog):
        asked.append(dialog.message)
        dialog.accept()

    phone_page.once("dialog", accept)
    form.locator("button[type=submit]").click()
    phone_page.wait_for_url(f"**/cases/{first['id']}/")
    assert asked == ["确定并入所选案件吗？并入后本件不再单独办理。"]
    phone_page.locator("#case-state", has_text="已合并").wait_for()
    assert phone_page.locator("#possible-duplicates").count() == 0
